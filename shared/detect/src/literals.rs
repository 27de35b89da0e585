//! The literal pass: every keyword and anchor of every rule, found in one read of the text.
//!
//! Keywords count only as whole terms ([`is_term`]), so they are looked up only where a term
//! can start: at the first letter or digit of a word, or at a camelCase boundary. There an
//! anchored walk down the keyword trie ends after a byte or two for most words. That replaces
//! an unanchored Aho-Corasick search over the ~8,000 keywords, which has to follow the
//! automaton at every byte and was the engine's largest cost. Anchors that may sit inside a
//! word (`AKIA`, `ghp_`, `@`) and literals that begin with punctuation keep an ordinary
//! unanchored search, over a few hundred patterns. In a long text, a walk that met nothing
//! within its first eight bytes is remembered by them, so a recurring word is not walked
//! again.

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous;
use aho_corasick::{AhoCorasick, Anchored, MatchKind};

use crate::keywords::is_term;
use crate::DetectError;

/// What one literal is to the rules that use it.
#[derive(Debug, Default, Clone)]
pub(crate) struct LiteralTargets {
    /// Rules for which this literal is a keyword (needs to stand as a term).
    pub keyword_of: Vec<u32>,
    /// Rules for which it is an anchor (a plain substring).
    pub anchor_of: Vec<u32>,
    /// Rules for which it is an anchor that must stand as a term.
    pub term_anchor_of: Vec<u32>,
    /// Rules for which it is an anchor that begins a term (and may run on into the token).
    pub start_anchor_of: Vec<u32>,
}

/// Whether a literal is searched everywhere (an anchor that may sit inside a word, or a term
/// literal that begins with punctuation) rather than walked from term starts only.
pub(crate) fn searched_anywhere(lit: &str, t: &LiteralTargets) -> bool {
    !t.anchor_of.is_empty() || !walked(lit, t)
}

/// Whether a literal is walked from term starts: it must stand as a term for some rule and
/// begins with a letter or digit.
fn walked(lit: &str, t: &LiteralTargets) -> bool {
    t.wants_term() && lit.chars().next().is_some_and(char::is_alphanumeric)
}

impl LiteralTargets {
    fn wants_term(&self) -> bool {
        !self.keyword_of.is_empty() || !self.term_anchor_of.is_empty() || !self.start_anchor_of.is_empty()
    }
}

/// One occurrence of a literal: what it means, where it is, whether it stands as a term.
pub(crate) struct LiteralHit<'a> {
    pub targets: &'a LiteralTargets,
    pub start: usize,
    pub end: usize,
    pub term: bool,
}

/// Trie levels stored densely (the contiguous NFA's default is 2): every walk takes the first
/// three steps, the trigram filter having passed them, so those states are the hot ones.
const DENSE_DEPTH: usize = 3;

pub(crate) struct Literals {
    /// Term literals that begin with a letter or digit: walked from term starts only.
    terms: Option<contiguous::NFA>,
    term_targets: Vec<LiteralTargets>,
    /// Which first three bytes some term literal has, by [`trigram`]'s hash: a bit each. Many
    /// words fail this test, and it stays in cache where the automaton's states do not.
    term_trigrams: Box<[u64; TRIGRAM_WORDS]>,
    /// Anchors, and term literals beginning with punctuation: searched everywhere.
    anywhere: Option<AhoCorasick>,
    anywhere_targets: Vec<LiteralTargets>,
    anywhere_max_len: usize,
    /// Whether any term literal is an anchor that begins a term.
    has_start_anchors: bool,
    /// Whether any term literal begins with a digit. Most terms in logs are numbers; when no
    /// literal begins with one, their starts are not looked at.
    digit_led: bool,
}

impl Literals {
    /// Builds the two automata from (lower-cased literal, targets) pairs, literals unique.
    pub fn build(literals: Vec<(String, LiteralTargets)>) -> Result<Literals, DetectError> {
        let (mut term_pats, mut term_targets) = (Vec::new(), Vec::new());
        let (mut any_pats, mut any_targets) = (Vec::new(), Vec::new());
        for (lit, t) in literals {
            if walked(&lit, &t) {
                if !t.anchor_of.is_empty() {
                    // Both a term literal and a plain anchor: walked as the one, searched
                    // anywhere as the other.
                    let anchors = LiteralTargets { anchor_of: t.anchor_of.clone(), ..Default::default() };
                    any_pats.push(lit.clone());
                    any_targets.push(anchors);
                }
                term_pats.push(lit);
                term_targets.push(LiteralTargets { anchor_of: Vec::new(), ..t });
            } else {
                any_pats.push(lit);
                any_targets.push(t);
            }
        }
        let mut term_trigrams = Box::new([0u64; TRIGRAM_WORDS]);
        for p in &term_pats {
            // A literal shorter than three bytes passes whatever follows it (either case of
            // a letter is one hash: `trigram_of` folds ASCII case, as the walk ignores it).
            let at = |k: usize| p.as_bytes().get(k).map_or(0..=u8::MAX, |&b| b..=b);
            for b0 in at(0) {
                for b1 in at(1) {
                    for b2 in at(2) {
                        let t = trigram_of([b0, b1, b2]);
                        term_trigrams[t / 64] |= 1 << (t % 64);
                    }
                }
            }
        }
        let terms = if term_pats.is_empty() {
            None
        } else {
            Some(
                contiguous::NFA::builder()
                    .dense_depth(DENSE_DEPTH)
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&term_pats)
                    .map_err(|e| DetectError::Rules(format!("keyword automaton: {e}")))?,
            )
        };
        let anywhere_max_len = any_pats.iter().map(String::len).max().unwrap_or(0);
        let anywhere = if any_pats.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&any_pats)
                    .map_err(|e| DetectError::Rules(format!("anchor automaton: {e}")))?,
            )
        };
        Ok(Literals {
            has_start_anchors: term_targets.iter().any(|t| !t.start_anchor_of.is_empty()),
            digit_led: term_pats.iter().any(|p| p.starts_with(|c: char| c.is_ascii_digit())),
            terms,
            term_targets,
            term_trigrams,
            anywhere,
            anywhere_targets: any_targets,
            anywhere_max_len,
        })
    }

    /// Calls `f` for every occurrence of every literal in `text` (overlapping ones included),
    /// those of term literals only where they stand as terms.
    pub fn for_each(&self, text: &str, mut f: impl FnMut(LiteralHit<'_>)) {
        self.for_each_term(text, &mut f);
        self.for_each_anywhere_in(text, 0..text.len(), &mut f);
    }
    /// The term literals only, walked from term starts.
    pub fn for_each_term(&self, text: &str, mut f: impl FnMut(LiteralHit<'_>)) {
        if let Some(nfa) = &self.terms {
            let bytes = text.as_bytes();
            // Walks that ended within their first eight bytes, by those eight bytes, with the
            // hits they reported (most none). The same word walks the same way wherever it
            // recurs ([`Walked::Died`]), and most text is a few words over and over (a log's
            // templates), so most walks are looked up instead of taken again. Remembering the
            // walks that found a keyword too (`Mobile` in user agents, `client`): 1.022 on
            // the whole path, alternating in one process.
            let mut memo = (text.len() >= WALK_MEMO_FROM).then(WalkMemo::new);
            // A term start the trigram filter passed: looked up in the walk memory, or walked.
            let mut after_filter = |i: usize| {
                let (Some(memo), Some(key)) = (memo.as_mut(), raw_key(bytes, i)) else {
                    self.walk(nfa, text, i, false, &mut f);
                    return;
                };
                // u64::MAX (eight 0xFF bytes) is no UTF-8 text: an empty slot.
                let slot = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - WALK_MEMO_BITS)) as usize;
                if memo.keys[slot] == key {
                    let mut hits = memo.hits[slot];
                    while hits != 0 {
                        let (literal, len, term) = unpack_hit(hits);
                        f(LiteralHit { targets: &self.term_targets[literal], start: i, end: i + len, term });
                        hits >>= 32;
                    }
                    return;
                }
                if let Walked::Died { depth, hits } = self.walk(nfa, text, i, false, &mut f) {
                    // A hit's end is judged by the characters around it: whole among these
                    // eight bytes when they are ASCII.
                    let ascii = key & 0x8080_8080_8080_8080 == 0;
                    if depth <= 8 && (hits == 0 || (ascii && hits != TOO_MANY_HITS)) {
                        memo.keys[slot] = key;
                        memo.hits[slot] = hits;
                    }
                }
            };
            // The trigram filter runs over a block's term starts first, its verdicts gathered
            // into a mask without a branch, and only the starts it passes go on: a branch on
            // each verdict (it passes about a third of the starts, in no order a predictor can
            // follow) cost more than the test itself (1.02-1.09 on the whole path, alternating
            // in one process).
            // 1 when some term literal begins with the three bytes hashed to `t`.
            let passes = |t: usize| (self.term_trigrams[t / 64] >> (t % 64)) & 1;
            for_each_term_start_mask(text, !self.digit_led, |base, starts| {
                let mut passed = 0u64;
                let mut rest = starts;
                // Where the text holds three bytes past the block, each start's first three are
                // read from one fixed-size window, without a bounds check (1.017, alternating);
                // the last block of a text takes the loop below.
                if let Some(window) = bytes.get(base..base + 68) {
                    let window: &[u8; 68] = window.try_into().expect("68 bytes");
                    while rest != 0 {
                        let k = rest.trailing_zeros() as usize;
                        let four: [u8; 4] = window[k..k + 4].try_into().expect("four bytes");
                        passed |= passes(trigram_hash(u32::from_le_bytes(four) & 0x00ff_ffff)) << k;
                        rest &= rest - 1;
                    }
                }
                while rest != 0 {
                    let k = rest.trailing_zeros();
                    // Too near the end for three bytes: walked.
                    let pass = trigram(bytes, base + k as usize).map_or(1, passes);
                    passed |= pass << k;
                    rest &= rest - 1;
                }
                while passed != 0 {
                    after_filter(base + passed.trailing_zeros() as usize);
                    passed &= passed - 1;
                }
            });
            // Built-in patterns read `\b` as an ASCII boundary, so a token glued after a
            // letter of another script (`éghp_…`) starts a match there, yet no term: the
            // anchors that begin terms are looked up there too.
            if self.has_start_anchors && !text.is_ascii() {
                for_each_glued_start(text, |i| {
                    self.walk(nfa, text, i, true, &mut f);
                });
            }
        }
    }

    /// Follows the keyword trie from the term start `i`, reporting every literal that ends
    /// on a term boundary. Kept out of line: the loop over term starts calls it rarely.
    #[inline(never)]
    fn walk(
        &self,
        nfa: &contiguous::NFA,
        text: &str,
        i: usize,
        start_anchors_only: bool,
        f: &mut impl FnMut(LiteralHit<'_>),
    ) -> Walked {
        let bytes = text.as_bytes();
        let mut sid = nfa.start_state(Anchored::Yes).expect("an NFA supports anchored searches");
        let mut hits = 0u64;
        for (j, &b) in bytes.iter().enumerate().skip(i) {
            sid = nfa.next_state(Anchored::Yes, sid, b);
            if nfa.is_dead(sid) {
                return Walked::Died { depth: j + 1 - i, hits };
            }
            if nfa.is_match(sid) {
                let end = j + 1;
                for k in 0..nfa.match_len(sid) {
                    let p = nfa.match_pattern(sid, k);
                    // A state's matches include shorter literals that end here too (suffixes,
                    // for the unanchored case): only one that starts at `i` is this walk's;
                    // the others have walks of their own.
                    if nfa.pattern_len(p) != end - i {
                        continue;
                    }
                    // `i` is a term start: an anchor that only begins a term needs no more.
                    let targets = &self.term_targets[p.as_usize()];
                    let term = !start_anchors_only && is_term(text, i, end);
                    if term || !targets.start_anchor_of.is_empty() {
                        f(LiteralHit { targets, start: i, end, term });
                        hits = with_hit(hits, p.as_usize(), end - i, term);
                    }
                }
            }
        }
        Walked::Other
    }

    /// The literals searched everywhere, found within `range` of `text` (byte offsets are
    /// the text's; term boundaries are judged on the whole text).
    pub fn for_each_anywhere_in(
        &self,
        text: &str,
        range: std::ops::Range<usize>,
        mut f: impl FnMut(LiteralHit<'_>),
    ) {
        if let Some(ac) = &self.anywhere {
            let base = range.start;
            for m in ac.find_overlapping_iter(&text[range]) {
                let (start, end) = (base + m.start(), base + m.end());
                let t = &self.anywhere_targets[m.pattern().as_usize()];
                let term = t.wants_term() && is_term(text, start, end);
                f(LiteralHit { targets: t, start, end, term });
            }
        }
    }

    /// The longest literal searched everywhere, in bytes.
    pub fn anywhere_max_len(&self) -> usize {
        self.anywhere_max_len
    }
}

/// The trigram filter's size: 8 KB, which stays in the core's first-level cache beside
/// everything else the scan touches (a 32 KB table indexed by letter codes did not).
const TRIGRAM_BITS: u32 = 16;
const TRIGRAM_WORDS: usize = (1 << TRIGRAM_BITS) / 64;

/// Texts this long remember walks that met nothing ([`Literals::for_each_term`]); shorter
/// ones (a CSV cell, a JSON value) would pay more for the table than they save.
const WALK_MEMO_FROM: usize = 64 << 10;
const WALK_MEMO_BITS: u32 = 12;
const WALK_MEMO_SLOTS: usize = 1 << WALK_MEMO_BITS;

/// Walks remembered by their first eight bytes ([`Literals::for_each_term`]).
struct WalkMemo {
    keys: Vec<u64>,
    /// The hits each reported, packed by [`with_hit`].
    hits: Vec<u64>,
}

impl WalkMemo {
    fn new() -> WalkMemo {
        WalkMemo { keys: vec![u64::MAX; WALK_MEMO_SLOTS], hits: vec![0; WALK_MEMO_SLOTS] }
    }
}

/// How a walk down the keyword trie ended.
enum Walked {
    /// At a dead state, this many bytes from its start, having reported `hits` (packed by
    /// [`with_hit`]). Within eight bytes, the same eight bytes walk the same way anywhere and
    /// report the same hits: whether a literal stands as a term depends, past its start (a
    /// term start), on its last character and the one after it, both among those bytes when
    /// they are ASCII.
    Died { depth: usize, hits: u64 },
    /// At the text's end.
    Other,
}

/// Hits a walk reported, packed in 32 bits each (literal, length, whether a term), up to
/// two; more than two are [`TOO_MANY_HITS`].
fn with_hit(hits: u64, literal: usize, len: usize, term: bool) -> u64 {
    if hits >> 32 != 0 || literal >= 1 << 26 || len >= 16 {
        return TOO_MANY_HITS;
    }
    let packed = 1 << 31 | (literal as u64) << 5 | (len as u64) << 1 | u64::from(term);
    if hits == 0 {
        packed
    } else {
        hits | packed << 32
    }
}

const TOO_MANY_HITS: u64 = u64::MAX;

fn unpack_hit(packed: u64) -> (usize, usize, bool) {
    let h = packed as u32;
    (((h >> 5) & ((1 << 26) - 1)) as usize, ((h >> 1) & 15) as usize, h & 1 == 1)
}

/// The eight bytes from `i` as one number (`None` near the end).
#[inline]
fn raw_key(bytes: &[u8], i: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(i..i + 8)?.try_into().ok()?))
}

/// The three bytes from `i`, hashed for the trigram filter (`None` near the end).
#[inline]
fn trigram(bytes: &[u8], i: usize) -> Option<usize> {
    let b = bytes.get(i..i + 3)?;
    Some(trigram_of([b[0], b[1], b[2]]))
}

/// A hash of three bytes, the same for either case of an ASCII letter (setting 0x20 lower-cases
/// a capital; that other bytes meet too only makes the filter pass a little more).
#[inline]
fn trigram_of(b: [u8; 3]) -> usize {
    trigram_hash(u32::from_le_bytes([b[0], b[1], b[2], 0]))
}

/// [`trigram_of`] of three bytes given as the low three of a little-endian word (the high
/// byte 0).
#[inline(always)]
fn trigram_hash(w: u32) -> usize {
    ((w | 0x0020_2020).wrapping_mul(0x9E37_79B1) >> (32 - TRIGRAM_BITS)) as usize
}

/// How a byte can start or continue a term, for ASCII; other bytes are decoded.
const OTHER: u8 = 0;
const LOWER: u8 = 1;
const UPPER: u8 = 2;
const DIGIT: u8 = 3;
const NON_ASCII: u8 = 4;

static CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut b = 0usize;
    while b < 256 {
        t[b] = match b as u8 {
            b'a'..=b'z' => LOWER,
            b'A'..=b'Z' => UPPER,
            b'0'..=b'9' => DIGIT,
            0x80..=0xff => NON_ASCII,
            _ => OTHER,
        };
        b += 1;
    }
    t
};

/// Calls `f(base, starts)` with every byte offset where a term may start, by [`is_term`]'s
/// rule for the start of a literal whose first character is a letter or digit: an
/// alphanumeric character that follows no alphanumeric one, or an upper-case letter after a
/// lower-case run of two or more (`homePhone`). Bit `k` of `starts` is the offset `base + k`.
///
/// ASCII text is classified 64 bytes at a time into bit masks ([`BlockClasses`]; most objects
/// are ASCII), each block's starts given at once; a 64-byte block with any other byte is
/// decoded character by character, its starts given one at a time.
#[inline(always)]
pub(crate) fn for_each_term_start_mask(text: &str, skip_digits: bool, mut f: impl FnMut(usize, u64)) {
    let bytes = text.as_bytes();
    let mut state = TermState::default();
    let mut i = 0;
    while i < bytes.len() {
        let block = &bytes[i..bytes.len().min(i + 64)];
        let classes = <&[u8; 64]>::try_from(block).ok().and_then(BlockClasses::of);
        if let Some(BlockClasses { lower, upper, alnum }) = classes {
            let letters = lower | upper;
            let prev_alnum = (alnum << 1) | state.prev_alnum as u64;
            let lower1 = (lower << 1) | (state.lower_run >= 1) as u64;
            let lower2 =
                (lower << 2) | ((state.lower_run >= 2) as u64) | (((state.lower_run >= 1) as u64) << 1);
            let mut starts = (alnum & !prev_alnum) | (upper & lower1 & lower2);
            if skip_digits {
                starts &= letters;
            }
            if starts != 0 {
                f(i, starts);
            }
            state.prev_alnum = alnum >> 63 == 1;
            state.lower_run = match (lower >> 63 == 1, (lower >> 62) & 1 == 1) {
                (false, _) => 0,
                (true, false) => 1,
                (true, true) => 2,
            };
            i += 64;
        } else {
            let end = i + block.len();
            while i < end {
                i += state.step(text, i, &mut |at| {
                    if !skip_digits || !bytes[at].is_ascii_digit() {
                        f(at, 1)
                    }
                });
            }
        }
    }
}

/// The term starts one at a time, in order.
#[cfg(test)]
fn for_each_term_start(text: &str, skip_digits: bool, mut f: impl FnMut(usize)) {
    for_each_term_start_mask(text, skip_digits, |base, mut starts| {
        while starts != 0 {
            f(base + starts.trailing_zeros() as usize);
            starts &= starts - 1;
        }
    })
}

/// Calls `f` at every ASCII letter or digit that follows a letter or digit outside ASCII:
/// where an ASCII `\b` sees a word start that is no term start.
fn for_each_glued_start(text: &str, mut f: impl FnMut(usize)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(p) = bytes[i..].iter().position(|&b| b >= 0x80) {
        let at = i + p;
        let c = text[at..].chars().next().expect("a char boundary");
        i = at + c.len_utf8();
        if c.is_alphanumeric() && bytes.get(i).is_some_and(u8::is_ascii_alphanumeric) {
            f(i);
        }
    }
}

/// What the start of a term depends on: the one or two characters before it.
#[derive(Default)]
struct TermState {
    prev_alnum: bool,
    /// Lower-case letters just before this position, counted up to 2.
    lower_run: u8,
}

impl TermState {
    /// Classifies the character at `i`, reports it if it starts a term, returns its width.
    #[inline]
    fn step(&mut self, text: &str, i: usize, f: &mut impl FnMut(usize)) -> usize {
        let (class, width) = match CLASS[text.as_bytes()[i] as usize] {
            NON_ASCII => {
                let c = text[i..].chars().next().expect("i is a char boundary");
                let class = if c.is_lowercase() {
                    LOWER
                } else if c.is_uppercase() {
                    UPPER
                } else if c.is_alphanumeric() {
                    DIGIT // alphanumeric without case: starts a term like a digit does
                } else {
                    OTHER
                };
                (class, c.len_utf8())
            }
            class => (class, 1),
        };
        let starts = match class {
            OTHER => false,
            UPPER => !self.prev_alnum || self.lower_run >= 2,
            _ => !self.prev_alnum,
        };
        if starts {
            f(i);
        }
        self.prev_alnum = class != OTHER;
        self.lower_run = if class == LOWER { (self.lower_run + 1).min(2) } else { 0 };
        width
    }
}

/// Which bytes of a 64-byte ASCII block are lower-case letters, capitals, and letters or
/// digits: one bit each, first byte lowest.
#[derive(Debug, PartialEq, Eq)]
struct BlockClasses {
    lower: u64,
    upper: u64,
    alnum: u64,
}

impl BlockClasses {
    /// `None` when the block holds a byte outside ASCII (then it is decoded instead).
    ///
    /// Sixteen bytes a step with SSE2, which every x86-64 processor has (`safe_arch` wraps
    /// its intrinsics): the term-start loop reads every byte of every text, and classifying
    /// them was most of its work.
    #[cfg(target_arch = "x86_64")]
    #[inline]
    fn of(block: &[u8; 64]) -> Option<BlockClasses> {
        BlockClasses::sixteen_at_a_time(block)
    }

    #[cfg(not(target_arch = "x86_64"))]
    #[inline]
    fn of(block: &[u8; 64]) -> Option<BlockClasses> {
        BlockClasses::eight_at_a_time(block)
    }

    #[cfg(target_arch = "x86_64")]
    #[inline]
    fn sixteen_at_a_time(block: &[u8; 64]) -> Option<BlockClasses> {
        use safe_arch::{
            bitand_m128i, bitor_m128i, cmp_gt_mask_i8_m128i, cmp_lt_mask_i8_m128i, m128i, move_mask_i8_m128i,
            set_splat_i8_m128i,
        };
        let (mut lower, mut upper, mut alnum, mut high) = (0u64, 0u64, 0u64, 0u64);
        for (k, chunk) in block.chunks_exact(16).enumerate() {
            let v = m128i::from(<[u8; 16]>::try_from(chunk).expect("16 bytes"));
            // Signed compares: bytes above 0x7f are negative, so in no range here.
            let within = |lo: u8, hi: u8| {
                let above = cmp_gt_mask_i8_m128i(v, set_splat_i8_m128i(lo as i8 - 1));
                bitand_m128i(above, cmp_lt_mask_i8_m128i(v, set_splat_i8_m128i(hi as i8 + 1)))
            };
            let (l, u, d) = (within(b'a', b'z'), within(b'A', b'Z'), within(b'0', b'9'));
            let bits = |m| u64::from(move_mask_i8_m128i(m) as u16) << (16 * k);
            lower |= bits(l);
            upper |= bits(u);
            alnum |= bits(bitor_m128i(bitor_m128i(l, u), d));
            high |= bits(v);
        }
        (high == 0).then_some(BlockClasses { lower, upper, alnum })
    }

    /// Eight bytes a step in a `u64` where there is no SSE2.
    #[inline]
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))] // tested against the SSE2 reading
    fn eight_at_a_time(block: &[u8; 64]) -> Option<BlockClasses> {
        if !block.is_ascii() {
            return None;
        }
        let (mut lower, mut upper, mut alnum) = (0u64, 0u64, 0u64);
        for (k, word) in block.chunks_exact(8).enumerate() {
            let w = u64::from_le_bytes(word.try_into().expect("8 bytes"));
            let (l, u, d) = (in_range(w, b'a', b'z'), in_range(w, b'A', b'Z'), in_range(w, b'0', b'9'));
            lower |= pack(l) << (8 * k);
            upper |= pack(u) << (8 * k);
            alnum |= pack(l | u | d) << (8 * k);
        }
        Some(BlockClasses { lower, upper, alnum })
    }
}

const fn repeat(b: u8) -> u64 {
    0x0101_0101_0101_0101 * b as u64
}

/// For eight ASCII bytes, the high bit of each byte set where that byte is in `lo..=hi`.
/// No sum carries into the next byte, since every byte and every addend is below 0x80.
#[inline]
fn in_range(w: u64, lo: u8, hi: u8) -> u64 {
    let at_least_lo = w + repeat(0x80 - lo);
    let above_hi = w + repeat(0x7f - hi);
    at_least_lo & !above_hi & repeat(0x80)
}

/// Gathers the high bits of eight bytes into eight bits, first byte lowest.
#[inline]
fn pack(high_bits: u64) -> u64 {
    ((high_bits >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literal(
        lit: &str,
        keyword_of: &[u32],
        anchor_of: &[u32],
        term_anchor_of: &[u32],
    ) -> (String, LiteralTargets) {
        (
            lit.to_ascii_lowercase(), // as the engine passes them
            LiteralTargets {
                keyword_of: keyword_of.to_vec(),
                anchor_of: anchor_of.to_vec(),
                term_anchor_of: term_anchor_of.to_vec(),
                start_anchor_of: Vec::new(),
            },
        )
    }

    fn start_anchor(lit: &str, rule: u32) -> (String, LiteralTargets) {
        let (lit, mut t) = literal(lit, &[], &[], &[]);
        t.start_anchor_of.push(rule);
        (lit, t)
    }

    /// What the literal pass must report: every occurrence, found by brute force.
    fn brute_force(lits: &[(String, LiteralTargets)], text: &str) -> Vec<(usize, usize, String, bool)> {
        let lower = text.to_ascii_lowercase();
        let mut starts = Vec::new();
        for_each_term_start(text, false, |i| starts.push(i));
        let mut out = Vec::new();
        for (lit, t) in lits {
            // Every start, overlaps included (`match_indices` would skip them).
            let mut s = 0;
            while let Some(p) = lower[s..].find(lit.as_str()) {
                let (a, b) = (s + p, s + p + lit.len());
                let term = is_term(text, a, b);
                let glued =
                    text[..a].chars().next_back().is_some_and(|c| !c.is_ascii() && c.is_alphanumeric())
                        && text.as_bytes()[a].is_ascii_alphanumeric();
                let starts_term = !t.start_anchor_of.is_empty() && (starts.contains(&a) || glued);
                if !t.anchor_of.is_empty() || (t.wants_term() && term) || starts_term {
                    out.push((a, b, lit.clone(), t.wants_term() && term));
                }
                s = a + lit.chars().next().unwrap().len_utf8();
            }
        }
        out.sort();
        out
    }

    fn found(lits: &[(String, LiteralTargets)], text: &str) -> Vec<(usize, usize, String, bool)> {
        let l = Literals::build(lits.to_vec()).unwrap();
        let mut out: Vec<(usize, usize, String, bool)> = Vec::new();
        l.for_each(text, |h| out.push((h.start, h.end, text[h.start..h.end].to_ascii_lowercase(), h.term)));
        // A literal that is both a term keyword and an anchor is reported once by each
        // automaton; merge them as one occurrence, a term if either says so.
        out.sort();
        out.dedup_by(|b, a| {
            let same = (a.0, a.1, &a.2) == (b.0, b.1, &b.2);
            if same {
                a.3 |= b.3;
            }
            same
        });
        out
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn sse2_block_classes_agree_with_the_word_reading() {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let alphabet = b"aAzZ09@[`{/:_-\x7f\n Mm";
        for round in 0..20_000 {
            let mut block = [0u8; 64];
            for b in &mut block {
                let r = next();
                *b = if round % 3 == 0 {
                    r as u8 & 0x7f
                } else {
                    alphabet[(r % alphabet.len() as u64) as usize]
                };
            }
            if round % 7 == 0 {
                block[(next() % 64) as usize] = 0x80 | next() as u8; // one byte outside ASCII
            }
            let sse2 = BlockClasses::sixteen_at_a_time(&block);
            assert_eq!(sse2, BlockClasses::eight_at_a_time(&block), "{block:?}");
            assert_eq!(sse2.is_some(), block.is_ascii());
        }
    }

    #[test]
    fn term_starts_follow_is_term() {
        let text = "using sin: customer_ssn customerSsn ssn1 iPhone homePhone ÉtéNom 12ab x-Y";
        let mut starts = Vec::new();
        for_each_term_start(text, false, |i| starts.push(i));
        for (i, c) in text.char_indices() {
            if !c.is_alphanumeric() {
                continue;
            }
            let end = i + c.len_utf8();
            // is_term's start rule, checked through a one-character literal with a non-word
            // character after it (`end` may be glued; only the start matters here).
            let padded = format!("{}{}{}", &text[..i], c, " ");
            let expected = is_term(&padded, i, end);
            assert_eq!(starts.contains(&i), expected, "offset {i} ({c})");
        }
    }

    /// The character-by-character reading, the reference for the bit-mask one.
    fn term_starts_scalar(text: &str) -> Vec<usize> {
        let mut state = TermState::default();
        let mut out = Vec::new();
        let mut i = 0;
        while i < text.len() {
            i += state.step(text, i, &mut |p| out.push(p));
        }
        out
    }

    #[test]
    fn bit_masks_agree_with_the_scalar_reading() {
        // Every block boundary, ASCII and non-ASCII blocks in turn, camelCase runs across
        // the 64-byte cuts.
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let alphabet: Vec<char> = "aaaaabcxyzAAABZ019 _-.:/\"\nPhoneSsnéÉ😀ß".chars().collect();
        for len in [0, 1, 7, 8, 63, 64, 65, 127, 128, 129, 300, 1000] {
            for round in 0..40 {
                let text: String = (0..len)
                    .map(|_| {
                        rng ^= rng << 13;
                        rng ^= rng >> 7;
                        rng ^= rng << 17;
                        let c = alphabet[(rng % alphabet.len() as u64) as usize];
                        // Half the texts ASCII only, so the fast path runs on whole texts too.
                        if round % 2 == 0 && !c.is_ascii() {
                            'q'
                        } else {
                            c
                        }
                    })
                    .collect();
                let mut fast = Vec::new();
                for_each_term_start(&text, false, |p| fast.push(p));
                let all = term_starts_scalar(&text);
                assert_eq!(fast, all, "text: {text:?}");
                fast.clear();
                for_each_term_start(&text, true, |p| fast.push(p));
                let letters: Vec<usize> =
                    all.into_iter().filter(|&p| !text.as_bytes()[p].is_ascii_digit()).collect();
                assert_eq!(fast, letters, "text: {text:?}");
            }
        }
    }

    /// The trigram filter passes every term start a walk could find a literal at: whatever
    /// the ASCII case, and whatever follows a literal shorter than three bytes.
    #[test]
    fn the_trigram_filter_passes_every_literal_in_either_case() {
        let lits = Literals::build(vec![
            literal("account number", &[1], &[], &[]),
            literal("cc", &[2], &[], &[]),
            literal("tél", &[3], &[], &[]),
            literal("3ds", &[4], &[], &[]),
        ])
        .unwrap();
        let passes = |text: &str| {
            let t = trigram(text.as_bytes(), 0).unwrap();
            lits.term_trigrams[t / 64] & (1 << (t % 64)) != 0
        };
        for text in ["account", "ACCount", "aCc", "cc#", "CC ", "cC9", "Cc\n", "tél", "Tél", "3DS", "3ds"] {
            assert!(passes(text), "{text}");
        }
        // A word no literal begins with is turned away (so the filter filters at all).
        let turned_away =
            ["xyz", "the", "GET", "nio", "Handler", "zzz"].iter().filter(|t| !passes(t)).count();
        assert!(turned_away >= 5, "{turned_away}");
    }

    /// Texts long enough that walks are remembered, where words recur that share their first
    /// eight bytes with a literal (`account n…`) and others that end a walk early.
    #[test]
    fn remembered_walks_find_what_every_walk_finds() {
        let lits = vec![
            literal("account number", &[1], &[], &[]),
            literal("ssn", &[2], &[], &[]),
            literal("passport", &[3], &[], &[]),
            literal("passport no", &[4], &[], &[]),
            literal("tél", &[5], &[], &[]),
            start_anchor("ghp_", 6),
            // Three hits from one start: more than a remembered walk holds.
            start_anchor("ab", 7),
            start_anchor("abc", 8),
            literal("abcd", &[9], &[], &[]),
            // Its term end is judged by a character whose second byte is past the eight.
            literal("abcdefg", &[10], &[], &[]),
        ];
        let pieces = [
            "account number",
            "Account Number",
            "account nope",
            "account numbers",
            "accountnumber",
            "ssn",
            "SSN",
            "ssnx",
            "passport",
            "Passport No",
            "passport nox",
            "passports",
            "pass",
            "tél",
            "téléphone",
            "ghp_abc",
            "ssnX", // a camelCase end: a term
            "ssnx",
            "sSN",
            "abcd",
            "abcdX",
            "ABCDE",
            "abcdefgé",
            "abcdefg×",
            "service",
            "Handler",
            "DEBUG",
            "x",
            " ",
            " ",
            " ",
            "_",
            "-",
            ":",
            "\n",
            "é",
        ];
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        for round in 0..4 {
            let mut text = String::new();
            while text.len() < WALK_MEMO_FROM + round * 4099 {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                text.push_str(pieces[(rng % pieces.len() as u64) as usize]);
            }
            let expected = brute_force(&lits, &text);
            assert!(expected.len() > 1000);
            assert_eq!(found(&lits, &text), expected, "round {round}");
        }
    }

    #[test]
    fn a_literal_that_begins_with_a_digit_is_walked_from_digits() {
        let lits =
            Literals::build(vec![literal("3ds", &[1], &[], &[]), literal("ssn", &[2], &[], &[])]).unwrap();
        let mut found = Vec::new();
        lits.for_each_term("ref 3ds, 12 ssn", |h| found.push((h.start, h.end)));
        assert_eq!(found, vec![(4, 7), (12, 15)]);
        let lits = Literals::build(vec![literal("ssn", &[2], &[], &[])]).unwrap();
        found.clear();
        lits.for_each_term("3ds 12 ssn 4ssn", |h| found.push((h.start, h.end)));
        assert_eq!(found, vec![(7, 10)], "`4ssn` is one term");
    }

    #[test]
    fn finds_exactly_what_brute_force_finds() {
        let lits = vec![
            literal("ssn", &[1], &[], &[]),
            literal("social security", &[1], &[], &[]),
            literal("social", &[2], &[], &[]),
            literal("phone", &[3], &[], &[]),
            literal("name", &[4], &[5], &[]),
            literal("akia", &[], &[6], &[]),
            literal("street", &[], &[], &[7]),
            literal("@", &[], &[8], &[]),
            literal("número", &[9], &[], &[]),
            literal("NÚMERO", &[9], &[], &[]),
            literal("a/c", &[10], &[], &[]),
            start_anchor("ghp_", 11),
            start_anchor("asia", 12),
        ];
        let texts = [
            "ssn: 123 social security number, SOCIAL-SECURITY, customerSsn, customer_ssn, xssn",
            "homePhone iPhone PHONE phones telephone name: surname username Name=",
            "key AKIAIOSFODNN7EXAMPLE xakia main street streets mainstreet a@b.c",
            "Número: 12 NÚMERO número1 anúmero a/c a/c: xa/c",
            "token=ghp_abc xghp_abc fooGhp_x GHP_ ghp_ ghp ghp_ghp_ ASIAXY xasia asia éghp_ 日asia ÉASIA —ghp_",
            "",
            "ssn",
            "😀ssn😀 éssn ssné",
        ];
        for t in texts {
            assert_eq!(found(&lits, t), brute_force(&lits, t), "text: {t:?}");
        }
    }
}

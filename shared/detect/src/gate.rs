//! The gate: one lazy DFA over the patterns (or triggers) of the rules that have neither
//! keywords nor anchors, and over the literals searched anywhere, each its own pattern.
//!
//! One forward pass reports, for every offset where a match of some pattern ends, which
//! pattern it is (an overlapping search): so the engine knows which rule to run where,
//! without a second pass of a set of the rules over each line, and without the reverse pass
//! a leftmost search makes to find where each match starts. A long text is walked from
//! several offsets at once, in one loop ([`Gate::walks`]): each DFA step waits on the one
//! before, so one walk leaves the core idle between lookups. Those walks step over a copy of
//! the lazy DFA's table that the gate keeps itself ([`Mirror`]), indexed by the byte.

use std::collections::HashMap;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::Arc;

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::hybrid::LazyStateID;
use regex_automata::nfa::thompson;
use regex_automata::util::pool::Pool;
use regex_automata::{Input, MatchKind};
use regex_syntax::hir::{Capture, Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Repetition};

type CacheFn = Box<dyn Fn() -> GateCache + Send + Sync + UnwindSafe + RefUnwindSafe>;

pub(crate) struct Gate {
    dfa: Arc<DFA>,
    /// One cache of built states per thread that searches (the DFA itself is shared).
    caches: Pool<GateCache, CacheFn>,
}

/// What one thread's searches build: the lazy DFA's states, and the mirror of their table.
struct GateCache {
    lazy: Cache,
    mirror: Mirror,
}

/// The DFA stopped without an answer: a pattern with a Unicode word boundary met a
/// non-ASCII byte. The caller then treats the whole text as a candidate.
#[derive(Debug)]
pub(crate) struct GaveUp;

/// Why a walk stopped early.
enum Stop {
    GaveUp,
    /// No pattern can match any more (never, with an unanchored start; handled all the same).
    Dead,
    /// The cache dropped its built states to make room: state IDs held from before are void.
    Cleared,
}

/// Texts this long are walked from several offsets at once.
const WALKS_FROM: usize = 16 << 10;

/// How many walks go at once over a long text ([`Gate::walks`]). Five keep every walk's state
/// in a register; eight overlapped more lookups but spilled their states to the stack at
/// every byte, and ran slower (bulk corpus, alternating runs: median 183 -> 225 MB/s). Once
/// the mirror's entries were 16 bits, five ran faster than four (1.039, 1.042, 1.071 on the
/// whole path, alternating in one process; six 0.940, three 0.989).
const WALKS: usize = 5;

/// How far past the next walk's start a walk looks for that walk's state before walking on
/// alone, and how often it looks.
const SYNC_WITHIN: usize = 4 << 10;
const MARK_EVERY: usize = 64;

impl Gate {
    pub fn build(patterns: &[String]) -> Result<Gate, String> {
        Gate::build_with_caches(patterns, 64 << 20, MIRROR_STATES)
    }

    /// `cache_capacity`: the lazy DFA's, in bytes; `mirror_states`: the mirror's, in states.
    fn build_with_caches(
        patterns: &[String],
        cache_capacity: usize,
        mirror_states: usize,
    ) -> Result<Gate, String> {
        let widened = patterns
            .iter()
            .map(|p| regex_syntax::parse(p).map(|hir| widen_outside_ascii(&hir)).map_err(|e| e.to_string()))
            .collect::<Result<Vec<Hir>, String>>()?;
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .nfa_size_limit(Some(64 << 20))
                    .which_captures(thompson::WhichCaptures::None),
            )
            .build_many_from_hir(&widened)
            .map_err(|e| e.to_string())?;
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    // Every pattern's every end, not the leftmost match's.
                    .match_kind(MatchKind::All)
                    .cache_capacity(cache_capacity)
                    .skip_cache_capacity_check(true)
                    .unicode_word_boundary(true),
            )
            .build_from_nfa(nfa)
            .map_err(|e| e.to_string())?;
        Ok(Gate::from_dfa(dfa, mirror_states))
    }

    /// `mirror_states`: how many states a thread's mirror holds (those met later are walked
    /// over the lazy DFA's own table).
    fn from_dfa(dfa: DFA, mirror_states: usize) -> Gate {
        let dfa = Arc::new(dfa);
        let for_cache = Arc::clone(&dfa);
        let create: CacheFn = Box::new(move || GateCache {
            lazy: for_cache.create_cache(),
            mirror: Mirror::new(mirror_states),
        });
        Gate { dfa, caches: Pool::new(create) }
    }

    /// Calls `f(pattern, end)` for every offset `end` where a match of `pattern` ends
    /// (whatever it starts), in order of `end`.
    ///
    /// This is the crate's overlapping search written out over the lazy DFA's public
    /// transitions. Each byte's step is a table lookup that waits for the one before (the
    /// state it reads is the last step's result), so one walk is bound by load latency, not
    /// by the core's throughput: a long text is walked from its start and from its middle at
    /// once, independent chains of lookups in one loop ([`Gate::walks`]).
    pub fn for_each_end(&self, text: &str, mut f: impl FnMut(usize, usize)) -> Result<(), GaveUp> {
        let mut guard = self.caches.get();
        let cache = &mut *guard;
        if text.len() >= WALKS_FROM {
            match self.walks::<WALKS>(cache, text, &mut f) {
                Ok(()) => return Ok(()),
                Err(Stop::GaveUp) => return Err(GaveUp),
                // Built states were dropped mid-walk (so the other walk's state is gone), or
                // a walk died: the plain walk below answers.
                Err(Stop::Cleared | Stop::Dead) => {}
            }
        }
        self.one_walk(&mut cache.lazy, text, &mut f)
    }

    /// The plain walk from the start, ends reported as they come.
    fn one_walk(
        &self,
        cache: &mut Cache,
        text: &str,
        f: &mut impl FnMut(usize, usize),
    ) -> Result<(), GaveUp> {
        let mut sid = self.dfa.start_state_forward(cache, &Input::new(text)).map_err(|_| GaveUp)?;
        let walked = self
            .walk::<false>(cache, &mut sid, text.as_bytes(), 0, f)
            .and_then(|()| self.end_of_input::<false>(cache, sid, text.len(), f));
        match walked {
            Err(Stop::GaveUp) => Err(GaveUp),
            Ok(()) | Err(Stop::Dead | Stop::Cleared) => Ok(()),
        }
    }

    /// Steps `sid` over `bytes` (which start at offset `offset` of the text), reporting ends.
    fn walk<const SHARED: bool>(
        &self,
        cache: &mut Cache,
        sid: &mut LazyStateID,
        bytes: &[u8],
        offset: usize,
        report: &mut impl FnMut(usize, usize),
    ) -> Result<(), Stop> {
        for (i, &byte) in bytes.iter().enumerate() {
            *sid = self.step::<SHARED>(cache, *sid, byte)?;
            if sid.is_tagged() {
                self.on_tagged(cache, *sid, offset + i, report)?;
            }
        }
        Ok(())
    }

    /// One transition. Almost every byte leads from one untagged state to another, which is
    /// one table lookup; the checked transition (which builds states) runs otherwise.
    /// `SHARED`: another walk holds a state of this cache, so a clear must stop the walks.
    #[inline(always)]
    fn step<const SHARED: bool>(
        &self,
        cache: &mut Cache,
        sid: LazyStateID,
        byte: u8,
    ) -> Result<LazyStateID, Stop> {
        if !sid.is_tagged() {
            let next = self.dfa.next_state_untagged(cache, sid, byte);
            if !next.is_unknown() {
                return Ok(next);
            }
        }
        building::<SHARED, _, _>(cache, |cache| self.dfa.next_state(cache, sid, byte))
    }

    /// A tagged state reached after the byte at `at`: its patterns' matches end at `at`
    /// (a lazy DFA shows a match one byte late).
    #[inline(always)]
    fn on_tagged(
        &self,
        cache: &Cache,
        sid: LazyStateID,
        at: usize,
        report: &mut impl FnMut(usize, usize),
    ) -> Result<(), Stop> {
        if sid.is_match() {
            self.report_matches(cache, sid, at, report);
            Ok(())
        } else if sid.is_quit() {
            Err(Stop::GaveUp)
        } else {
            Err(Stop::Dead)
        }
    }

    fn end_of_input<const SHARED: bool>(
        &self,
        cache: &mut Cache,
        sid: LazyStateID,
        len: usize,
        report: &mut impl FnMut(usize, usize),
    ) -> Result<(), Stop> {
        let sid = building::<SHARED, _, _>(cache, |cache| self.dfa.next_eoi_state(cache, sid))?;
        if sid.is_match() {
            self.report_matches(cache, sid, len, report);
        }
        Ok(())
    }

    /// Every pattern of match state `sid`, as ending at `at`.
    fn report_matches(
        &self,
        cache: &Cache,
        sid: LazyStateID,
        at: usize,
        report: &mut impl FnMut(usize, usize),
    ) {
        for i in 0..self.dfa.match_len(cache, sid) {
            report(self.dfa.match_pattern(cache, sid, i).as_usize(), at);
        }
    }

    /// `WALKS` walks in one loop, walk `j` from offset `j·n/WALKS` of the n-byte text. Walk
    /// `j` starts as a search from its offset starts (seeing the bytes before it for `^` and
    /// `\b`), so it misses only matches that began before. Walk `j − 1` then walks on past
    /// that offset until its state equals walk `j`'s at the same offset (checked every
    /// [`MARK_EVERY`] bytes). A lazy DFA's state is the set of partial matches in flight (one
    /// cache gives one ID per set), and walk `j`'s are a subset of walk `j − 1`'s, so once the
    /// older ones have died out the two are one state and every step and end after that is the
    /// same: the ends of walk `j − 1` up to there, then walk `j`'s, are the ends of one walk
    /// from the start. Should walk `j − 1` not meet walk `j` within [`SYNC_WITHIN`] bytes, it
    /// walks on alone to the end and the later walks are dropped.
    ///
    /// `f` hears of the ends only once every walk is done (so not at all when they fail).
    fn walks<const WALKS: usize>(
        &self,
        caches: &mut GateCache,
        text: &str,
        f: &mut impl FnMut(usize, usize),
    ) -> Result<(), Stop> {
        let GateCache { lazy: cache, mirror } = caches;
        let hay = text.as_bytes();
        let len = hay.len() / WALKS;
        let starts: [usize; WALKS] = std::array::from_fn(|j| j * len);
        let mut sids = [LazyStateID::default(); WALKS];
        for (j, sid) in sids.iter_mut().enumerate() {
            let input = Input::new(text).range(starts[j]..);
            *sid = building::<true, _, _>(cache, |cache| self.dfa.start_state_forward(cache, &input))?;
        }
        let mut found: [Vec<(usize, usize)>; WALKS] = std::array::from_fn(|_| Vec::new());
        // marks[j][t]: walk j's state once its first (t + 1)·MARK_EVERY bytes are walked.
        let mut marks: [Vec<LazyStateID>; WALKS] = std::array::from_fn(|_| Vec::new());
        // Each walk's state in the mirror (0 when not looked up since it was tagged).
        let mut mirrored = [0u32; WALKS];
        let mut i = 0;
        while i < len {
            let limit = if i < SYNC_WITHIN { (i / MARK_EVERY + 1) * MARK_EVERY } else { len }.min(len);
            while i < limit {
                if sids.iter().all(|s| !s.is_tagged()) {
                    if mirror.sync(cache.clear_count()) {
                        mirrored = [0; WALKS];
                    }
                    let looked_up = (0..WALKS).all(|j| {
                        if mirrored[j] == 0 {
                            mirrored[j] = mirror.state(&self.dfa, cache, sids[j]).unwrap_or(0);
                        }
                        mirrored[j] != 0
                    });
                    i += if looked_up {
                        let parts: [&[u8]; WALKS] =
                            std::array::from_fn(|j| &hay[starts[j] + i..][..limit - i]);
                        let walked = mirror_run(&mirror.rows, &mut mirrored, parts);
                        sids = std::array::from_fn(|j| mirror.lazy_state(mirrored[j]));
                        walked
                    } else {
                        // A state the full mirror lacks: the lazy DFA's own table, as far as
                        // the next tagged state. (The mirror keeps the states it met first,
                        // the hot ones; starting it over would copy them again and again.)
                        mirrored = [0; WALKS]; // the walks move on without it
                        self.untagged_run(cache, &mut sids, hay, &starts, i, limit)
                    };
                    if i == limit {
                        break;
                    }
                }
                for j in 0..WALKS {
                    let (before, byte) = (sids[j], hay[starts[j] + i]);
                    sids[j] = self.step::<true>(cache, before, byte)?;
                    mirrored[j] = if before.is_tagged() || sids[j].is_tagged() || mirrored[j] == 0 {
                        0
                    } else {
                        mirror.follow(&self.dfa, cache, mirrored[j], byte, sids[j])
                    };
                    if sids[j].is_tagged() {
                        self.on_tagged(cache, sids[j], starts[j] + i, &mut |p, e| found[j].push((p, e)))?;
                    }
                }
                i += 1;
            }
            if i % MARK_EVERY == 0 && i <= SYNC_WITHIN {
                for j in 1..WALKS {
                    marks[j].push(sids[j]);
                }
            }
        }
        let last = WALKS - 1;
        let mut tail = sids[last];
        let mut report = |p, e| found[last].push((p, e));
        self.walk::<true>(cache, &mut tail, &hay[starts[last] + len..], starts[last] + len, &mut report)?;
        self.end_of_input::<true>(cache, tail, hay.len(), &mut report)?;
        // Where walk j handed over to walk j + 1 (its last end's offset; later ends are j + 1's).
        let mut handed = [usize::MAX; WALKS];
        let mut kept = WALKS;
        for j in 0..last {
            let from = starts[j + 1];
            let mut sid = sids[j];
            let mut report = |p, e| found[j].push((p, e));
            let mut met = None;
            for (k, &byte) in hay[from..].iter().enumerate() {
                sid = self.step::<true>(cache, sid, byte)?;
                if sid.is_tagged() {
                    self.on_tagged(cache, sid, from + k, &mut report)?;
                }
                if (k + 1) % MARK_EVERY == 0 {
                    match marks[j + 1].get((k + 1) / MARK_EVERY - 1) {
                        Some(&mark) if mark == sid => {
                            met = Some(from + k);
                            break;
                        }
                        Some(_) => {}
                        None => {
                            // Not met: walk j goes on to the end alone.
                            let rest = from + k + 1;
                            self.walk::<true>(cache, &mut sid, &hay[rest..], rest, &mut report)?;
                            break;
                        }
                    }
                }
            }
            match met {
                Some(at) => handed[j] = at,
                None => {
                    self.end_of_input::<true>(cache, sid, hay.len(), &mut report)?;
                    kept = j + 1;
                    break;
                }
            }
        }
        let mut after = None;
        for j in 0..kept {
            for &(p, e) in found[j].iter().filter(|&&(_, e)| after.is_none_or(|a| e > a)) {
                f(p, e);
            }
            after = Some(handed[j]);
        }
        Ok(())
    }

    /// Steps every walk from offset `from` (of each walk's part) while every state stays
    /// untagged, up to `to`; returns how many bytes each walked. The walks' lookups do not
    /// wait for each other, so the core overlaps them.
    ///
    /// Kept out of line: it is entered once per run of untagged states (a match or an unbuilt
    /// state ends one, a few in a thousand bytes), and inlined into its callers its register
    /// use changed with theirs.
    #[inline(never)]
    fn untagged_run<const WALKS: usize>(
        &self,
        cache: &Cache,
        sids: &mut [LazyStateID; WALKS],
        hay: &[u8],
        starts: &[usize; WALKS],
        from: usize,
        to: usize,
    ) -> usize {
        let parts: [&[u8]; WALKS] = std::array::from_fn(|j| &hay[starts[j] + from..][..to - from]);
        let mut cur = *sids;
        // `i` indexes every walk's part, not one slice an iterator could stand for.
        #[allow(clippy::needless_range_loop)]
        for i in 0..to - from {
            let next: [LazyStateID; WALKS] =
                std::array::from_fn(|j| self.dfa.next_state_untagged(cache, cur[j], parts[j][i]));
            if next.iter().any(|s| s.is_tagged()) {
                *sids = cur;
                return i;
            }
            cur = next;
        }
        *sids = cur;
        to - from
    }
}

/// A copy of the lazy DFA's transitions between untagged states, filled in as the walks meet
/// them, with a row of 256 per state indexed by the byte itself.
///
/// Why: a step of the lazy DFA loads the text's byte, its byte class and the transition, and
/// checks the index against the table's length. Three loads a byte are the floor of such a
/// loop whatever the table (four walks over a single state, always in the first-level cache,
/// run as slowly as the gate), so the mirror drops the class and the check: rows indexed by
/// the byte need no class, and [`mirror_run`] takes each walk's text in blocks of eight bytes,
/// checked once a block (the walks then took 25% fewer samples; docs/measurements.md,
/// session 11).
///
/// An entry is the target state's number with the high bit set (the state's row offset with
/// [`KNOWN`] set, shifted down eight bits), or 0: not copied yet, or a transition the lazy DFA
/// tags (a match, an unbuilt or dead state), which the walks take through the lazy DFA as
/// before. Entries of 16 bits rather than the row offsets themselves: half the table, so
/// twice the transitions a cache line holds (the walks wait on those loads; 1.046 and 1.070
/// on the whole path, alternating in one process, session 12). The lazy DFA's state IDs are
/// void once its cache is cleared, and the mirror starts over then ([`Mirror::sync`]).
struct Mirror {
    /// 256 entries a state (row 0 stands for no state).
    rows: Box<[u16; MIRROR_ENTRIES]>,
    /// The lazy DFA's state of each mirror state, by row number.
    lazy: Vec<LazyStateID>,
    index: HashMap<LazyStateID, u32>,
    /// The lazy cache's clear count the rows were copied under.
    clears: usize,
    max_states: usize,
}

/// The mirror's table: 2,048 states, 1 MB (all of the bulk corpus met ~700). A fixed size
/// indexed under a mask needs no bounds check; a full mirror leaves new states to the lazy
/// DFA's own table.
const MIRROR_ENTRIES: usize = 1 << 19;
const MIRROR_STATES: usize = MIRROR_ENTRIES / 256;
/// Set in every mirror state (a row offset): the walks stop at the first step whose entry
/// lacks it. A stored entry holds it as its high bit ([`stored`], [`loaded`]).
const KNOWN: u32 = 1 << 23;
// A state's number fits an entry below its high bit, and the mask of `entry` drops KNOWN.
const _: () = assert!(MIRROR_STATES <= 1 << 15 && KNOWN >> 8 == 1 << 15 && MIRROR_ENTRIES <= KNOWN as usize);

impl Mirror {
    fn new(max_states: usize) -> Mirror {
        Mirror {
            rows: vec![0; MIRROR_ENTRIES].into_boxed_slice().try_into().expect("the table's size"),
            // Row 0 stands for no state, so that an entry of 0 means "not copied".
            lazy: vec![LazyStateID::default()],
            index: HashMap::new(),
            clears: usize::MAX,
            max_states: max_states.clamp(2, MIRROR_STATES),
        }
    }

    /// Starts over when the lazy cache was cleared since the rows were copied; says whether
    /// it did (the walks' mirror states are then void).
    fn sync(&mut self, clears: usize) -> bool {
        if self.clears == clears {
            return false;
        }
        self.clear();
        self.clears = clears;
        true
    }

    fn clear(&mut self) {
        self.rows[..self.lazy.len() * 256].fill(0);
        self.lazy.truncate(1);
        self.index.clear();
    }

    /// The lazy state of a mirror state.
    fn lazy_state(&self, mirrored: u32) -> LazyStateID {
        self.lazy[((mirrored & !KNOWN) >> 8) as usize]
    }

    /// The mirror state of the untagged lazy state `sid`, copying its row (and those of the
    /// states it leads to, as far as the lazy DFA has built them) when it is new; `None` when
    /// the mirror is full.
    fn state(&mut self, dfa: &DFA, cache: &Cache, sid: LazyStateID) -> Option<u32> {
        if let Some(&m) = self.index.get(&sid) {
            return Some(m);
        }
        let first = self.add(sid)?;
        let mut to_copy = vec![(sid, first)];
        while let Some((from, row)) = to_copy.pop() {
            for byte in 0..=255u8 {
                let to = dfa.next_state_untagged(cache, from, byte);
                if to.is_tagged() {
                    continue;
                }
                let target = match self.index.get(&to) {
                    Some(&m) => m,
                    None => {
                        let Some(m) = self.add(to) else { continue };
                        to_copy.push((to, m));
                        m
                    }
                };
                self.rows[entry(row, byte)] = stored(target);
            }
        }
        Some(first)
    }

    fn add(&mut self, sid: LazyStateID) -> Option<u32> {
        if self.lazy.len() >= self.max_states {
            return None;
        }
        let m = (self.lazy.len() as u32 * 256) | KNOWN;
        self.lazy.push(sid);
        self.index.insert(sid, m);
        Some(m)
    }

    /// The mirror state after `byte` from mirror state `from`, whose lazy DFA took it to the
    /// untagged `to`: the entry, copied now if the lazy DFA built it since (0 when full).
    fn follow(&mut self, dfa: &DFA, cache: &Cache, from: u32, byte: u8, to: LazyStateID) -> u32 {
        let at = entry(from, byte);
        if self.rows[at] == 0 {
            self.rows[at] = stored(self.state(dfa, cache, to).unwrap_or(0));
        }
        loaded(self.rows[at])
    }
}

/// A mirror state (row offset and [`KNOWN`], or 0) as a table entry.
fn stored(state: u32) -> u16 {
    (state >> 8) as u16
}

/// A table entry as a mirror state.
#[inline(always)]
fn loaded(entry: u16) -> u32 {
    u32::from(entry) << 8
}

/// Where the transition of mirror state `row` on `byte` is.
#[inline(always)]
fn entry(row: u32, byte: u8) -> usize {
    (row as usize + byte as usize) & (MIRROR_ENTRIES - 1) // drops KNOWN too
}

/// Steps every walk (`cur`: their mirror states) over its part while every entry is copied;
/// returns how many bytes each walked. The parts are taken eight bytes at a time.
///
/// Kept out of line, as [`Gate::untagged_run`] is: it is entered once per run of copied
/// transitions.
#[inline(never)]
// `k` indexes every walk's block, not one array an iterator could stand for.
#[allow(clippy::needless_range_loop)]
fn mirror_run<const W: usize>(rows: &[u16; MIRROR_ENTRIES], cur: &mut [u32; W], parts: [&[u8]; W]) -> usize {
    let mut now = *cur;
    let len = parts.iter().map(|p| p.len()).min().unwrap_or(0);
    let parts: [&[u8]; W] = std::array::from_fn(|j| &parts[j][..len]);
    let step = |now: &[u32; W], bytes: [u8; W]| -> [u32; W] {
        std::array::from_fn(|j| loaded(rows[entry(now[j], bytes[j])]))
    };
    let all_known = |next: &[u32; W]| next.iter().fold(KNOWN, |acc, &e| acc & e) != 0;
    let mut i = 0;
    while i + 8 <= len {
        // Each walk's next eight bytes as an array, each byte loaded on its own: one word per
        // walk shifted byte by byte held five more registers and spent an ALU operation a
        // byte, which cost most in the VM's slow spells, when the core's throughput rather
        // than load latency bounds the walks (1.07-1.13 in slow rounds, ~1.0 in fast ones,
        // alternating in one process).
        let blocks: [&[u8; 8]; W] =
            std::array::from_fn(|j| parts[j][i..i + 8].try_into().expect("eight bytes"));
        // Eight steps, then one check: a walk that meets an entry not copied goes to row 0,
        // whose entries are all 0, and stays there, so a walk that left the mirror anywhere
        // in the eight ends outside it. Only then are the eight stepped again one by one, to
        // find where (1.02 on the whole path against a check at every step).
        let mut next = now;
        for k in 0..8 {
            next = step(&next, std::array::from_fn(|j| blocks[j][k]));
        }
        if all_known(&next) {
            now = next;
            i += 8;
            continue;
        }
        for k in 0..8 {
            let next = step(&now, std::array::from_fn(|j| blocks[j][k]));
            if !all_known(&next) {
                *cur = now;
                return i + k;
            }
            now = next;
        }
        // Not reached: the same eight steps left the mirror above.
        i += 8;
    }
    while i < len {
        let next = step(&now, std::array::from_fn(|j| parts[j][i]));
        if !all_known(&next) {
            break;
        }
        now = next;
        i += 1;
    }
    *cur = now;
    i
}

/// `hir` with every class that holds a character outside ASCII widened to hold them all
/// (its ASCII part kept as is): it then matches the same on ASCII text and at least as much
/// elsewhere, which is all a gate owes (the rule's own regex runs where the gate fired).
///
/// Why: classes such as `[\p{Lu}&&\p{Latin}]` split the bytes above 0x7f into many classes
/// once compiled to UTF-8 (201 byte classes in all, 104 widened), and every built state
/// has a row of transitions that long: the table each byte's lookup waits on was 1.7 MB
/// after a 40 MB log, 1.0 MB widened, nearer the core's caches.
fn widen_outside_ascii(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Class(Class::Unicode(class)) => {
            let widest = class.ranges().last().is_some_and(|r| r.end() > '\x7f');
            if !widest {
                return hir.clone();
            }
            let mut wide = ClassUnicode::new(
                class
                    .ranges()
                    .iter()
                    .filter(|r| r.start() <= '\x7f')
                    .map(|r| ClassUnicodeRange::new(r.start(), r.end().min('\x7f'))),
            );
            wide.push(ClassUnicodeRange::new('\u{80}', char::MAX));
            Hir::class(Class::Unicode(wide))
        }
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(Class::Bytes(_)) | HirKind::Look(_) => {
            hir.clone()
        }
        HirKind::Repetition(rep) => Hir::repetition(Repetition {
            min: rep.min,
            max: rep.max,
            greedy: rep.greedy,
            sub: Box::new(widen_outside_ascii(&rep.sub)),
        }),
        HirKind::Capture(cap) => Hir::capture(Capture {
            index: cap.index,
            name: cap.name.clone(),
            sub: Box::new(widen_outside_ascii(&cap.sub)),
        }),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(widen_outside_ascii).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(widen_outside_ascii).collect()),
    }
}

/// Runs a lazy DFA operation that may build states (and so may clear the cache to make room).
/// `SHARED`: other walks hold state IDs of this cache, void after a clear, so a clear stops
/// the walks. Any failure of the operation is the DFA giving up.
fn building<const SHARED: bool, T, E>(
    cache: &mut Cache,
    op: impl FnOnce(&mut Cache) -> Result<T, E>,
) -> Result<T, Stop> {
    let clears = cache.clear_count();
    let done = op(cache).map_err(|_| Stop::GaveUp)?;
    if SHARED && cache.clear_count() != clears {
        return Err(Stop::Cleared);
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(patterns: &[&str]) -> Gate {
        Gate::build(&patterns.iter().map(|p| p.to_string()).collect::<Vec<_>>()).unwrap()
    }

    fn ends(g: &Gate, text: &str) -> Vec<(usize, usize)> {
        let mut v = Vec::new();
        g.for_each_end(text, |p, e| v.push((p, e))).unwrap();
        v
    }

    #[test]
    fn every_end_of_every_pattern_in_order() {
        let g = gate(&["abc", "[0-9]{3}", "c1"]);
        assert_eq!(ends(&g, "xabc123abc"), vec![(0, 4), (2, 5), (1, 7), (0, 10)]);
        // Overlapping matches of one pattern: each end once.
        assert_eq!(ends(&gate(&["a+"]), "aaa"), vec![(0, 1), (0, 2), (0, 3)]);
        assert_eq!(ends(&g, "nothing here"), vec![]);
    }

    /// Texts of `n` bytes drawn from a small alphabet, so that the patterns below match often
    /// and their partial matches run across the middle.
    fn random_text(seed: u64, n: usize) -> String {
        let alphabet = b"0123456789 -abcAZ\n.";
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..n).map(|_| alphabet[(xorshift(&mut x) % alphabet.len() as u64) as usize] as char).collect()
    }

    fn xorshift(x: &mut u64) -> u64 {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        *x
    }

    fn one_walk_ends(g: &Gate, text: &str) -> Vec<(usize, usize)> {
        let mut v = Vec::new();
        let mut cache = g.dfa.create_cache();
        g.one_walk(&mut cache, text, &mut |p, e| v.push((p, e))).unwrap();
        v
    }

    #[test]
    fn several_walks_find_what_one_walk_finds() {
        let patterns = [
            r"[0-9]{3}-[0-9]{2}-[0-9]{4}",
            r"\bab+c\b",
            r"(?m:^)A[0-9]+",
            r"Z[0-9 ]*\n[a-c]{2}",
            // A match longer than the distance within which walk A looks for walk B.
            r"A[^Z]{5000,}Z",
            r"(?i:abc|zz)",
            // Ends nearly everywhere, so walk A meets walk B in a state that reports one.
            r"[0-9]",
        ];
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        let roomy = Gate::build(&patterns).unwrap();
        // So small that states are dropped mid-walk (the walks then give way to one).
        let cramped = Gate::build_with_caches(&patterns, 1 << 10, MIRROR_STATES).unwrap();
        // A mirror so small that it fills and starts over again and again.
        let small_mirror = Gate::build_with_caches(&patterns, 64 << 20, 3).unwrap();
        for seed in 1..40 {
            let n = WALKS_FROM + (seed as usize * 7919) % 50_000;
            let text = random_text(seed, n);
            let expected = one_walk_ends(&roomy, &text);
            assert!(!expected.is_empty());
            assert_eq!(ends(&roomy, &text), expected, "seed {seed}");
            assert_eq!(ends(&cramped, &text), expected, "seed {seed}, small cache");
            assert_eq!(ends(&small_mirror, &text), expected, "seed {seed}, small mirror");
            let mut cache = roomy.caches.get();
            for walks in [3, 4, 7] {
                let mut v = Vec::new();
                let walked = match walks {
                    3 => roomy.walks::<3>(&mut cache, &text, &mut |p, e| v.push((p, e))),
                    4 => roomy.walks::<4>(&mut cache, &text, &mut |p, e| v.push((p, e))),
                    _ => roomy.walks::<7>(&mut cache, &text, &mut |p, e| v.push((p, e))),
                };
                assert!(walked.is_ok());
                assert_eq!(v, expected, "seed {seed}, {walks} walks");
                // The walks went over the mirror, not beside it.
                assert!(cache.mirror.lazy.len() > 1, "seed {seed}, {walks} walks");
            }
        }
        // Text where walk A never meets walk B (`A…` without a `Z` is in flight at the middle).
        let text = format!("A{}", "0".repeat(3 * WALKS_FROM));
        assert_eq!(ends(&roomy, &text), one_walk_ends(&roomy, &text));
    }

    /// The gate's patterns are widened outside ASCII ([`widen_outside_ascii`]): on ASCII text
    /// it reports exactly the ends of the patterns as written, elsewhere at least those.
    #[test]
    fn the_widened_gate_reports_every_end_of_the_patterns_as_written() {
        let patterns = [
            r"(?:^|[^\p{L}\p{N}@_.-])[\p{Lu}&&\p{Latin}][\p{Ll}&&\p{Latin}]+ [\p{Lu}&&\p{Latin}][\p{Ll}&&\p{Latin}]+",
            r"[0-9]{4} ?[A-Z]{2} \p{Lu}",
            r"(?i:straße|key=)",
            r"O['’][A-Z]",
        ];
        let owned: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        let widened = Gate::build(&owned).unwrap();
        let exact = {
            let dfa = DFA::builder()
                .configure(DFA::config().match_kind(MatchKind::All))
                .thompson(thompson::Config::new().which_captures(thompson::WhichCaptures::None))
                .build_many(&patterns)
                .unwrap();
            Gate::from_dfa(dfa, MIRROR_STATES)
        };
        let words = [
            "Anna Smith",
            "Zoë Müller",
            "ÉMILE Zola",
            "Ωmega Ψi",
            "1234 AB Émile",
            "1234AB Kate",
            "STRASSE",
            "Straße",
            "KEY=",
            "kEy=",
            "O’Brien",
            "O'NEIL",
            "élan",
            "joe@Ann Lee",
            ".Bo Ek",
            "日本 Yu Li",
        ];
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for round in 0..300 {
            let mut text = String::new();
            for _ in 0..12 {
                let x = xorshift(&mut x);
                text.push_str(words[(x % words.len() as u64) as usize]);
                text.push_str([" ", "\n", "", "-", "é"][(x >> 20) as usize % 5]);
            }
            let want = ends(&exact, &text);
            let got = ends(&widened, &text);
            if text.is_ascii() {
                assert_eq!(got, want, "round {round}: {text:?}");
            } else {
                assert!(want.iter().all(|w| got.contains(w)), "round {round}: {text:?}");
            }
        }
        // Wider indeed: capitals of another script pass the gate (the rule then says no).
        assert_eq!(ends(&exact, " Ωmega Ψi"), vec![]);
        assert_eq!(ends(&widened, " Ωmega Ψi").len(), 1);
    }

    #[test]
    fn a_unicode_word_boundary_gives_up_on_non_ascii_text() {
        let g = gate(&[r"\bcafe\b"]);
        assert_eq!(ends(&g, "a cafe"), vec![(0, 6)]);
        assert!(g.for_each_end("un café cafe", |_, _| {}).is_err());
    }
}

//! The compiled engine: built once (that is cold start), then shared by every scan.
//!
//! Two passes over the text: the keyword walk from term starts ([`crate::literals`]), and the
//! gate ([`crate::gate`]), one automaton over the patterns (or triggers) of the rules that
//! have neither keywords nor anchors (IBANs, card numbers without a keyword, names,
//! addresses) and over the anchors that may sit inside a word, which says which of them
//! ends where; the exact anchor search runs only before the ends of the anchors' pattern.
//! A rule's regex then runs only in the lines around its own hits, exactly as it would over
//! the whole text, so the engine finds what [`crate::reference`] finds (the differential test
//! holds it to that). Matches whose value a rule's checks turned down are remembered per
//! thread, so a recurring one (`Intel Mac` in user agents) is not taken apart again.

use std::collections::{HashMap, HashSet};

use regex_automata::{Anchored, Input};
use sluice_finding::{Category, IdentifierInfo, SeverityRule};

use crate::config::{AllowList, DetectionConfig, Selector};
use crate::gate::Gate;
use crate::literals::{searched_anywhere, LiteralHit, LiteralTargets, Literals};
use crate::reference::{keyword_precedes, near_keyword};
use crate::rule::{builtin_specs, CompiledRule, Origin};
use crate::{DetectError, KEYWORD_WINDOW};

/// A window never grows past this many bytes while looking for a line end, so one huge line
/// (a 100 MB minified JSON) costs a bounded amount per hit.
const MAX_LINE_REACH: usize = 4096;

/// One occurrence: which identifier, where in the segment, and (when the engine has a key)
/// a keyed hash of the value. Never the value itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Match {
    /// Index into [`Engine::rules`].
    pub rule: u32,
    /// Byte span of the value in the segment's text.
    pub start: usize,
    pub end: usize,
    pub fingerprint: Option<[u8; 16]>,
}

/// Which rules have a keyword in a segment's structured context (its column header or JSON
/// path). Computed once per column or path by [`Engine::context`] and reused for its values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContextHits {
    rules: Vec<u32>,
    /// Rules that win, in this context, over the rules they otherwise yield to: their keyword
    /// here names the value more precisely (`Bank Account Number` against the card rule's
    /// `account number`).
    prevails: Vec<u32>,
}

impl ContextHits {
    pub fn none() -> ContextHits {
        ContextHits::default()
    }
    /// Whether the context gives no rule its keyword (a value in it is scanned as if it had
    /// no context at all, so it may be screened with others: [`Engine::screen`]).
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
    fn has(&self, rule: u32) -> bool {
        self.rules.binary_search(&rule).is_ok()
    }
}

pub struct Engine {
    rules: Vec<CompiledRule>,
    literals: Literals,
    /// Rules with neither a required keyword nor an anchor, found through `gate`: pattern `k`
    /// of the gate is rule `unanchored[k]`'s pattern or trigger; the next one, if any, is the
    /// literals searched anywhere.
    unanchored: Vec<u32>,
    gate: Option<Gate>,
    /// How far around the end of its gate pattern's match an unanchored rule's match may lie:
    /// its longest match (a trigger matches inside its rule's match).
    unanchored_reach: Vec<usize>,
    /// Custom identifiers without keywords: user regexes run over the whole text.
    whole_text: Vec<u32>,
    /// Rules that share a keyword (the phone rules share `mobile`, the passport rules
    /// `passport`): where a text gives several of them the same windows, one pass of their
    /// set says which of them match there at all, instead of one pass of each.
    keyword_groups: Vec<KeywordGroup>,
    /// Rule index → the groups it belongs to, smallest first.
    groups_of: Vec<Vec<u32>>,
    /// Rule index → the longest match of it and of every rule it shares a keyword group with.
    /// The window around a keyword reaches that far for each of them, so rules that share a
    /// keyword get the same windows there (a phone rule with longer matches would otherwise
    /// get a line more, and run alone instead of behind its group's set). A window reaching
    /// further than a rule needs finds nothing else: its matches must still lie near the
    /// keyword, and windows are whole lines either way.
    group_max_len: Vec<usize>,
    /// Rules whose match spans the fields of a record ([`Engine::scan_record`]).
    record_rules: Vec<u32>,
    /// Rule index → indices of the rules it yields to.
    yields: Vec<Vec<u32>>,
    allow: AllowList,
    fingerprint_key: Option<[u8; 32]>,
    /// Tells this engine's entries apart in the per-thread memory of rejected matches.
    id: u64,
}

/// A match a rule's value checks turned down, as remembered per thread ([`RejectedKey`]).
struct Rejected {
    engine: u64,
    keys: HashSet<Vec<u8>>,
    /// The key of the match being looked up, written here instead of a new allocation per
    /// match (most matches are looked up, few remembered).
    scratch: Vec<u8>,
}

thread_local! {
    static REJECTED: std::cell::RefCell<Rejected> =
        std::cell::RefCell::new(Rejected { engine: u64::MAX, keys: HashSet::new(), scratch: Vec::new() });
}

/// At most this many rejected matches are remembered per thread (then forgotten at once),
/// each at most this long (a longer match is rare, and would make the memory large).
const REJECTED_KEEP: usize = 1 << 14;
const REJECTED_LONGEST: usize = 256;

/// One match of one rule of one engine, with the character before and after it (or the
/// text's edge), which is everything its groups and value depend on.
struct RejectedKey<'a> {
    engine: u64,
    rule: u32,
    /// Whether a character stands before and after the match (else the text's edge).
    edges: u8,
    /// The match with those characters.
    around: &'a str,
}

impl<'a> RejectedKey<'a> {
    fn new(engine: u64, rule: u32, hay: &'a str, start: usize, end: usize) -> RejectedKey<'a> {
        let before = hay[..start].chars().next_back();
        let after = hay[end..].chars().next();
        let lo = start - before.map_or(0, char::len_utf8);
        let hi = end + after.map_or(0, char::len_utf8);
        let edges = u8::from(before.is_some()) | (u8::from(after.is_some()) << 1);
        RejectedKey { engine, rule, edges, around: &hay[lo..hi] }
    }

    /// The key's bytes: rule, edges, text.
    fn write(&self, out: &mut Vec<u8>) {
        out.clear();
        out.extend_from_slice(&self.rule.to_le_bytes());
        out.push(self.edges);
        out.extend_from_slice(self.around.as_bytes());
    }

    fn rejected(&self) -> bool {
        REJECTED.with_borrow_mut(|r| {
            if r.engine != self.engine {
                return false;
            }
            let mut key = std::mem::take(&mut r.scratch);
            self.write(&mut key);
            let found = r.keys.contains(&key);
            r.scratch = key;
            found
        })
    }

    fn remember(self) {
        if self.around.len() > REJECTED_LONGEST {
            return;
        }
        REJECTED.with_borrow_mut(|r| {
            if r.engine != self.engine || r.keys.len() >= REJECTED_KEEP {
                r.engine = self.engine;
                r.keys.clear();
            }
            let mut key = Vec::with_capacity(5 + self.around.len());
            self.write(&mut key);
            r.keys.insert(key);
        })
    }
}

/// Engine IDs, for [`Engine::id`].
static ENGINES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Where one rule runs around its hits in one text.
struct RuleWindows {
    rule: u32,
    /// Whole lines around its hits, merged.
    windows: Vec<(usize, usize)>,
    keyword_hits: Vec<(usize, usize)>,
}

/// Rules that share a keyword, and their patterns as a set (compiled on first use: most
/// groups never meet a text that needs them).
struct KeywordGroup {
    rules: Vec<u32>,
    patterns: Vec<String>,
    set: std::sync::OnceLock<regex::RegexSet>,
}

impl KeywordGroup {
    fn set(&self) -> &regex::RegexSet {
        self.set.get_or_init(|| {
            regex::RegexSetBuilder::new(&self.patterns)
                .size_limit(64 << 20)
                .dfa_size_limit(64 << 20)
                .build()
                .expect("each pattern compiles on its own, so their set does")
        })
    }
}

/// Buffers one thread reuses from scan to scan.
#[derive(Default)]
struct Scratch {
    hits: Vec<Hit>,
    /// Room for [`sort_hits`].
    sorted: Vec<Hit>,
    windows: Vec<(usize, usize)>,
    kw: Vec<(usize, usize)>,
    /// Where the gate's patterns matched: (unanchored rule's index in `unanchored`, end).
    ends: Vec<(u32, usize)>,
    /// Where the literals searched anywhere may be.
    regions: Vec<(usize, usize)>,
}

thread_local! {
    static SCRATCH: std::cell::Cell<Scratch> = std::cell::Cell::new(Scratch::default());
}

#[derive(Clone, Copy)]
struct Hit {
    rule: u32,
    start: usize,
    end: usize,
    keyword: bool,
}

impl Engine {
    /// Every built-in identifier that is on by default, no custom identifiers.
    pub fn builtin() -> Result<Engine, DetectError> {
        Engine::from_config(&DetectionConfig::default())
    }

    pub fn from_config(config: &DetectionConfig) -> Result<Engine, DetectError> {
        let specs = builtin_specs()?;
        let known: HashSet<&str> = specs.iter().map(|s| s.id.as_str()).collect();
        let sel = &config.identifiers;
        for (i, id) in sel.ids.iter().enumerate() {
            if !known.contains(id.as_str()) {
                return Err(DetectError::Config {
                    field: format!("identifiers.ids[{i}]"),
                    msg: format!("`{id}` is not a managed or Sluice identifier (see `sluice identifiers`)"),
                });
            }
        }
        if matches!(sel.selector, Selector::Include | Selector::Exclude) && sel.ids.is_empty() {
            return Err(DetectError::Config {
                field: "identifiers.ids".into(),
                msg: "INCLUDE and EXCLUDE need a list of identifier IDs".into(),
            });
        }
        let chosen: HashSet<&str> = sel.ids.iter().map(String::as_str).collect();
        let mut rules = Vec::new();
        for spec in &specs {
            let on = match sel.selector {
                Selector::All => spec.enabled_by_default,
                Selector::Recommended => spec.recommended,
                Selector::Include => chosen.contains(spec.id.as_str()),
                Selector::Exclude => spec.enabled_by_default && !chosen.contains(spec.id.as_str()),
                Selector::None => false,
            };
            if on {
                rules.push(CompiledRule::from_spec(spec)?);
            }
        }
        for (i, cdi) in config.custom_data_identifiers.iter().enumerate() {
            rules.push(cdi.compile(&format!("custom_data_identifiers[{i}]"))?);
        }
        let allow = AllowList::compile(&config.allow_lists)?;
        Engine::from_rules(rules, allow)
    }

    /// Builds the engine over exactly these rules (tests use single-rule engines).
    pub fn from_rules(rules: Vec<CompiledRule>, allow: AllowList) -> Result<Engine, DetectError> {
        let mut literal_index: HashMap<String, usize> = HashMap::new();
        let mut literals: Vec<String> = Vec::new();
        let mut targets: Vec<LiteralTargets> = Vec::new();
        let mut unanchored = Vec::new();
        let mut whole_text = Vec::new();
        let mut unanchored_parts = Vec::new();
        let mut unanchored_reach = Vec::new();
        let mut slot = |lit: &str, targets: &mut Vec<LiteralTargets>| -> usize {
            let lit = lit.to_ascii_lowercase();
            *literal_index.entry(lit.clone()).or_insert_with(|| {
                literals.push(lit);
                targets.push(LiteralTargets::default());
                targets.len() - 1
            })
        };
        for (i, rule) in rules.iter().enumerate() {
            let i = i as u32;
            if rule.keyword_required {
                for k in &rule.keywords {
                    let s = slot(k, &mut targets);
                    // A keyword listed twice (or twice once lower-cased) is one hit, not two.
                    if targets[s].keyword_of.last() != Some(&i) {
                        targets[s].keyword_of.push(i);
                    }
                }
            } else if !rule.anchors.is_empty() {
                for a in &rule.anchors {
                    let s = slot(a, &mut targets);
                    if rule.anchor_terms {
                        targets[s].term_anchor_of.push(i);
                    } else if rule.anchors_start_terms {
                        targets[s].start_anchor_of.push(i);
                    } else {
                        targets[s].anchor_of.push(i);
                    }
                }
            } else if let Some(trigger) = &rule.trigger {
                // Its trigger stands in for it in the gate; the rule itself runs
                // where the trigger matched, its window reaching back over the whole match.
                unanchored.push(i);
                unanchored_parts.push(format!("(?:{trigger})"));
                unanchored_reach.push(rule.max_len);
            } else if rule.origin == Origin::Custom {
                whole_text.push(i);
            } else {
                unanchored.push(i);
                unanchored_parts.push(rule.regex.as_str().to_string());
                unanchored_reach
                    .push(longest_match(rule.regex.as_str()).map_or(rule.max_len, |n| n.max(rule.max_len)));
            }
        }
        // One pass of one automaton finds both the unanchored rules' candidates and where the
        // literals that may sit inside words are (an automaton over them all costs about what
        // each alone costs, ~400 MB/s); the exact literal search then runs only around those.
        let anywhere: Vec<String> = literals
            .iter()
            .zip(&targets)
            .filter(|(lit, t)| searched_anywhere(lit, t))
            .map(|(lit, _)| regex::escape(lit))
            .collect();
        let mut gate_parts = unanchored_parts.clone();
        if !anywhere.is_empty() {
            gate_parts.push(format!("(?i:{})", anywhere.join("|")));
        }
        // The keyword automaton and the gate pattern are the two large pieces of the build
        // (and so of cold start), each ~35 ms: built side by side where there is a second core.
        let build_gate = || -> Result<Option<Gate>, DetectError> {
            if gate_parts.is_empty() {
                return Ok(None);
            }
            Gate::build(&gate_parts).map(Some).map_err(|e| DetectError::Rules(format!("gate pattern: {e}")))
        };
        let mut shared_keywords: Vec<Vec<u32>> = targets
            .iter()
            .map(|t| {
                let mut rules = t.keyword_of.clone();
                rules.sort_unstable();
                rules.dedup();
                rules
            })
            .filter(|rules| rules.len() >= 2)
            .collect();
        shared_keywords.sort_unstable();
        shared_keywords.dedup();
        let keyword_groups: Vec<KeywordGroup> = shared_keywords
            .into_iter()
            .map(|members| KeywordGroup {
                patterns: members.iter().map(|&r| rules[r as usize].regex.as_str().to_string()).collect(),
                rules: members,
                set: std::sync::OnceLock::new(),
            })
            .collect();
        let mut groups_of: Vec<Vec<u32>> = vec![Vec::new(); rules.len()];
        for (g, group) in keyword_groups.iter().enumerate() {
            for &r in &group.rules {
                groups_of[r as usize].push(g as u32);
            }
        }
        for groups in &mut groups_of {
            groups.sort_by_key(|&g| keyword_groups[g as usize].rules.len());
        }
        let group_max_len: Vec<usize> = (0..rules.len())
            .map(|r| {
                let members = groups_of[r].iter().flat_map(|&g| &keyword_groups[g as usize].rules);
                members.map(|&m| rules[m as usize].max_len).fold(rules[r].max_len, usize::max)
            })
            .collect();
        let (literals, gate) = std::thread::scope(|scope| {
            let gate = scope.spawn(build_gate);
            let literals = Literals::build(literals.into_iter().zip(targets).collect());
            (literals, gate.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        let (literals, gate) = (literals?, gate?);
        let by_id: HashMap<&str, Vec<u32>> =
            rules.iter().enumerate().fold(HashMap::new(), |mut m, (i, r)| {
                m.entry(r.id.as_str()).or_default().push(i as u32);
                m
            });
        let yields = rules
            .iter()
            .map(|r| {
                r.yields_to
                    .iter()
                    .flat_map(|id| by_id.get(id.as_str()).cloned().unwrap_or_default())
                    .collect()
            })
            .collect();
        let record_rules = (0..rules.len() as u32).filter(|&i| rules[i as usize].across_fields).collect();
        Ok(Engine {
            keyword_groups,
            groups_of,
            group_max_len,
            unanchored_reach,
            record_rules,
            rules,
            literals,
            unanchored,
            gate,
            whole_text,
            yields,
            allow,
            fingerprint_key: None,
            id: ENGINES.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
    }

    /// Fingerprints are a keyed BLAKE3 hash of the value, so that the same value can be
    /// recognised across objects without being stored; without a key there are none.
    pub fn with_fingerprint_key(mut self, key: [u8; 32]) -> Engine {
        self.fingerprint_key = Some(key);
        self
    }

    /// Compiles now what would otherwise compile on first use (every rule's pattern, and the
    /// name validators' lists, ~37,000 names hashed on the first name candidate): for an
    /// execution environment that would rather pay at start-up.
    pub fn compile_all(&self) {
        for r in &self.rules {
            r.regex.get();
        }
        crate::validators::load_lists();
    }

    pub fn rules(&self) -> &[CompiledRule] {
        &self.rules
    }

    /// What the result builder needs to know of the rule behind a match.
    pub fn info(&self, rule: u32) -> IdentifierInfo<'_> {
        let r = &self.rules[rule as usize];
        IdentifierInfo { id: &r.id, name: &r.name, category: r.category, severity: &r.severity }
    }

    pub fn category(&self, rule: u32) -> Category {
        self.rules[rule as usize].category
    }

    /// Whether a match of this rule that is a whole structured value gives way to a column of
    /// hex tokens ([`CompiledRule::skip_hex_token_columns`]).
    pub fn skips_hex_token_columns(&self, rule: u32) -> bool {
        self.rules[rule as usize].skip_hex_token_columns
    }

    pub fn severity_rule(&self, rule: u32) -> &SeverityRule {
        &self.rules[rule as usize].severity
    }

    /// The rules whose keywords occur in a structured context (column header, JSON path).
    pub fn context<S: AsRef<str>>(&self, context: &[S]) -> ContextHits {
        // (context element, keyword span, rule)
        let mut hits: Vec<(usize, usize, usize, u32)> = Vec::new();
        for (ci, c) in context.iter().enumerate() {
            self.literals.for_each(c.as_ref(), |hit| {
                if hit.term {
                    hits.extend(hit.targets.keyword_of.iter().map(|&r| (ci, hit.start, hit.end, r)));
                }
            });
        }
        let mut rules: Vec<u32> = hits.iter().map(|h| h.3).collect();
        rules.sort_unstable();
        rules.dedup();
        // A rule whose every keyword here lies inside the longer words of a rule that would
        // give way to it is outranked: those words say more (`bank account number` and
        // `checking_account_number` hold the card rule's `account number`). Then that rule
        // prevails in this context.
        let covered = |hx: &(usize, usize, usize, u32), y: u32| {
            let over = hits.iter().filter(|hy| hy.3 == y && hy.0 == hx.0 && hy.1 < hx.2 && hx.1 < hy.2);
            let (lo, hi) = over.fold((usize::MAX, 0), |(lo, hi), hy| (lo.min(hy.1), hi.max(hy.2)));
            lo <= hx.1 && hx.2 <= hi && hi - lo > hx.2 - hx.1
        };
        let (mut outranked, mut prevails) = (Vec::new(), Vec::new());
        for &x in &rules {
            for &y in &rules {
                if y == x || !self.yields[y as usize].contains(&x) {
                    continue;
                }
                if hits.iter().filter(|h| h.3 == x).all(|hx| covered(hx, y)) {
                    outranked.push(x);
                    prevails.push(y);
                }
            }
        }
        rules.retain(|r| !outranked.contains(r));
        prevails.sort_unstable();
        prevails.dedup();
        ContextHits { rules, prevails }
    }

    /// Scans one segment of text, appending its matches to `out` in order of position.
    pub fn scan(&self, text: &str, context: &ContextHits, out: &mut Vec<Match>) {
        let first = out.len();
        self.scan_raw(text, context, out);
        let found = &mut out[first..];
        found.sort_unstable_by_key(|m| (m.start, m.end, m.rule));
        self.resolve_yields(first, out, &context.prevails);
        if let Some(key) = &self.fingerprint_key {
            for m in &mut out[first..] {
                let h = blake3::keyed_hash(key, &text.as_bytes()[m.start..m.end]);
                let mut fp = [0u8; 16];
                fp.copy_from_slice(&h.as_bytes()[..16]);
                m.fingerprint = Some(fp);
            }
        }
    }

    /// Scans a structured record's fields written out as one line (`key: value, …`) with only
    /// the rules whose match spans fields ([`CompiledRule::across_fields`]): an access key ID
    /// and its secret are two fields of one JSON object, never one value.
    pub fn scan_record(&self, line: &str, out: &mut Vec<Match>) {
        let first = out.len();
        for &i in &self.record_rules {
            self.run_rule(i, line, &[(0, line.len())], true, &[], out);
        }
        out[first..].sort_unstable_by_key(|m| (m.start, m.end, m.rule));
        self.resolve_yields(first, out, &[]);
    }

    /// Whether any rule spans fields (so records are worth writing out).
    pub fn has_record_rules(&self) -> bool {
        !self.record_rules.is_empty()
    }

    /// Screens many short texts at once for the ones worth a scan.
    ///
    /// `joined` holds the texts one after another, each followed by a line break; text `i`
    /// starts at `starts[i]`. `hot[i]` is set when text `i`, scanned alone without structured
    /// context, might yield a match; a text left cold yields none, so its scan can be
    /// skipped. This is what makes CSV cells and JSON values cheap: one gate pass and one
    /// keyword walk over a whole batch instead of one of each (and their fixed cost) per value.
    ///
    /// Why it is exact: every match a text yields alone comes from a keyword or anchor hit or
    /// from a gate match inside that text. The line break around it stands where the text's
    /// ends stood for everything those passes test (term starts and ends, `\b`, and the
    /// gate patterns' `(?:^|[^…])` openings), so each hit is still there in `joined`: the walk
    /// reports every hit, and the gate reports the end of every match, so of each one inside
    /// a text. The `screen_*` tests check it.
    pub fn screen(&self, joined: &str, starts: &[usize], hot: &mut Vec<bool>) {
        hot.clear();
        hot.resize(starts.len(), false);
        if starts.is_empty() {
            return;
        }
        if !self.whole_text.is_empty() {
            hot.fill(true); // a custom identifier without keywords runs over every text
            return;
        }
        // Index of the text holding byte `at`.
        let text_at = |at: usize| starts.partition_point(|&s| s <= at).saturating_sub(1);
        if let Some(gate) = &self.gate {
            // Every end of every gate match, each marking the text it ends in (a match that
            // opens on a line break may mark a text that holds none: scanned for nothing).
            // Ends come in order, so the text they end in is found by walking forward.
            let mut i = 0;
            let marked = gate.for_each_end(joined, |_, end| {
                let last = end.max(1) - 1;
                while starts.get(i + 1).is_some_and(|&next| next <= last) {
                    i += 1;
                }
                hot[i] = true;
            });
            if marked.is_err() {
                hot.fill(true); // the gate gave up on this text: every value is scanned
                return;
            }
        }
        self.literals.for_each_term(joined, |hit| {
            let t = hit.targets;
            let anchor = !t.anchor_of.is_empty() || !t.start_anchor_of.is_empty();
            if anchor || (hit.term && (!t.keyword_of.is_empty() || !t.term_anchor_of.is_empty())) {
                // A hit starts at a letter or digit and holds no line break: inside one text.
                hot[text_at(hit.start)] = true;
            }
        });
    }

    /// Matches before `yields_to` is applied: what each rule finds on its own.
    pub fn scan_raw(&self, text: &str, context: &ContextHits, out: &mut Vec<Match>) {
        // Segments are often tiny (a CSV cell, a JSON value): reuse the buffers.
        SCRATCH.with(|cell| {
            let mut scratch = cell.take();
            self.scan_with(text, context, out, &mut scratch);
            cell.set(scratch);
        })
    }

    fn scan_with(&self, text: &str, context: &ContextHits, out: &mut Vec<Match>, scratch: &mut Scratch) {
        let Scratch { hits, sorted, windows, kw, ends, regions } = scratch;
        hits.clear();
        ends.clear();
        regions.clear();
        let mut push_hit = |hit: LiteralHit<'_>| {
            let (t, start, end) = (hit.targets, hit.start, hit.end);
            if hit.term {
                let kws = t.keyword_of.iter().map(|&rule| Hit { rule, start, end, keyword: true });
                let terms = t.term_anchor_of.iter().map(|&rule| Hit { rule, start, end, keyword: false });
                hits.extend(kws.chain(terms));
            }
            let anchors = t.anchor_of.iter().chain(&t.start_anchor_of);
            // An anchor that must open its line runs nothing elsewhere (`account` in a URL
            // path is no form's label): dropped here, before the hits are sorted.
            let anchors = anchors
                .filter(|&&rule| !self.rules[rule as usize].anchors_open_lines || opens_line(text, start));
            hits.extend(anchors.map(|&rule| Hit { rule, start, end, keyword: false }));
        };
        let mut gave_up = false;
        if let Some(gate) = &self.gate {
            let literals = self.unanchored.len();
            let reach = self.literals.anywhere_max_len();
            let found = gate.for_each_end(text, |pattern, end| {
                if pattern == literals {
                    // A literal ends here: it starts no more than the longest literal before.
                    match regions.last_mut() {
                        Some(last) if end.saturating_sub(reach) <= last.1 => last.1 = end,
                        _ => regions.push((end.saturating_sub(reach), end)),
                    }
                } else if ends.last() != Some(&(pattern as u32, end)) {
                    ends.push((pattern as u32, end));
                }
            });
            if found.is_err() {
                // The gate gave up on this text: every rule and literal may be anywhere.
                gave_up = true;
                ends.clear();
                regions.clear();
                regions.push((0, text.len()));
            }
            for &(rs, re) in regions.iter() {
                self.literals.for_each_anywhere_in(text, floor_char(text, rs)..re, &mut push_hit);
            }
        }
        self.literals.for_each_term(text, &mut push_hit);
        sort_hits(hits, sorted, self.rules.len());
        hits.dedup_by_key(|h| (h.rule, h.start, h.end));

        let mut around: Vec<RuleWindows> = Vec::new();
        // The last rule's hits and reach, whose windows are `around`'s last.
        let mut previous: Option<(&[Hit], usize)> = None;
        for group in hits.chunk_by(|a, b| a.rule == b.rule) {
            let rule_idx = group[0].rule;
            if context.has(rule_idx) {
                continue; // scanned whole below
            }
            let rule = &self.rules[rule_idx as usize];
            let reach = match &rule.custom {
                Some(c) => c.max_match_distance + rule.max_len,
                None if group[0].keyword => KEYWORD_WINDOW + self.group_max_len[rule_idx as usize],
                None => rule.max_len,
            };
            // Rules that share their keywords have the same hits (a user agent's `Mobile` is
            // one for four phone rules): the windows are the last rule's.
            let same_hits = |&(last, last_reach): &(&[Hit], usize)| {
                last_reach == reach
                    && last.len() == group.len()
                    && last
                        .iter()
                        .zip(group)
                        .all(|(a, b)| (a.start, a.end, a.keyword) == (b.start, b.end, b.keyword))
            };
            if previous.as_ref().is_some_and(same_hits) {
                let last = &around[around.len() - 1]; // `previous` is set with each push
                let (windows, keyword_hits) = (last.windows.clone(), last.keyword_hits.clone());
                around.push(RuleWindows { rule: rule_idx, windows, keyword_hits });
                continue;
            }
            windows.clear();
            kw.clear();
            for h in group {
                windows.push((h.start.saturating_sub(reach), (h.end + reach).min(text.len())));
                if h.keyword {
                    kw.push((h.start, h.end));
                }
            }
            let windows = line_windows(text, windows);
            around.push(RuleWindows { rule: rule_idx, windows, keyword_hits: kw.clone() });
            previous = Some((group, reach));
        }
        self.run_around_hits(text, &mut around, out);
        for &rule_idx in &context.rules {
            self.run_rule(rule_idx, text, &[(0, text.len())], true, &[], out);
        }
        for &rule_idx in &self.whole_text {
            self.run_rule(rule_idx, text, &[(0, text.len())], false, &[], out);
        }
        if gave_up {
            for &rule_idx in &self.unanchored {
                self.run_rule(rule_idx, text, &[(0, text.len())], false, &[], out);
            }
        }
        if !ends.is_empty() {
            // Each rule's ends, in order of the rule, then of the text.
            ends.sort_unstable();
            for group in ends.chunk_by(|a, b| a.0 == b.0) {
                let k = group[0].0 as usize;
                let rule = &self.rules[self.unanchored[k] as usize];
                let inner = rule.inner_bytes.as_deref();
                let merged = match inner.and_then(|inner| restart_windows(text, group, inner)) {
                    Some(merged) => merged,
                    None => {
                        let reach = self.unanchored_reach[k];
                        windows.clear();
                        windows.extend(
                            group
                                .iter()
                                .map(|&(_, e)| (e.saturating_sub(reach), (e + reach).min(text.len()))),
                        );
                        line_windows(text, windows)
                    }
                };
                self.run_rule(self.unanchored[k], text, &merged, false, &[], out);
            }
        }
    }

    /// Runs each rule over its windows. Rules with the same windows that share a keyword run
    /// where their group's set says they match, one pass of the set instead of one of each:
    /// the set searches a window as the rule does (from its start, the text before it seen),
    /// so a rule it leaves out has no match there.
    fn run_around_hits(&self, text: &str, around: &mut [RuleWindows], out: &mut Vec<Match>) {
        around.sort_unstable_by(|a, b| a.windows.cmp(&b.windows).then(a.rule.cmp(&b.rule)));
        for same in around.chunk_by(|a, b| a.windows == b.windows) {
            // The smallest group that holds every one of them.
            let holds_all = |g: &&KeywordGroup| same.iter().all(|r| g.rules.binary_search(&r.rule).is_ok());
            let groups = self.groups_of[same[0].rule as usize].iter();
            let group = groups.map(|&g| &self.keyword_groups[g as usize]).find(holds_all);
            let Some(group) = group.filter(|_| same.len() >= 2) else {
                for r in same {
                    self.run_rule(r.rule, text, &r.windows, false, &r.keyword_hits, out);
                }
                continue;
            };
            let set = group.set();
            let longest = self.group_max_len[same[0].rule as usize];
            for &(ws, we) in &same[0].windows {
                // A match counts only within KEYWORD_WINDOW characters of a keyword hit, so
                // the set need not look further from the hits in this window than that and a
                // match's length (plus a character, so a match's end sees what follows it):
                // where it finds none of a rule there, the rule's own search of the whole
                // lines would find none that counts.
                let hits = same.iter().flat_map(|r| {
                    // Each rule's hits are in order of their start.
                    let kw = &r.keyword_hits;
                    &kw[kw.partition_point(|h| h.0 < ws)..kw.partition_point(|h| h.0 < we)]
                });
                let hits = hits.filter(|h| h.1 <= we);
                let (ks, ke) = hits.fold((we, ws), |(lo, hi), h| (lo.min(h.0), hi.max(h.1)));
                let (from, to) = if ks <= ke {
                    let from = chars_back(text, ks, KEYWORD_WINDOW).saturating_sub(longest).max(ws);
                    let to = (chars_ahead(text, ke, KEYWORD_WINDOW) + longest + 4).min(we);
                    (floor_char(text, from), ceil_char(text, to))
                } else {
                    (ws, we) // no hit here (in context): the whole window
                };
                let found = set.matches_at(&text[..to], from);
                if !found.matched_any() {
                    continue;
                }
                for r in same {
                    let k = group.rules.binary_search(&r.rule).expect("a member");
                    if found.matched(k) {
                        self.run_rule(r.rule, text, &[(ws, we)], false, &r.keyword_hits, out);
                    }
                }
            }
        }
    }

    fn run_rule(
        &self,
        rule_idx: u32,
        text: &str,
        windows: &[(usize, usize)],
        in_context: bool,
        keyword_hits: &[(usize, usize)],
        out: &mut Vec<Match>,
    ) {
        let rule = &self.rules[rule_idx as usize];
        let needs_keyword = rule.keyword_required && !in_context;
        let regex = rule.regex.get();
        // Made at the first candidate: most runs find none.
        let mut caps = None;
        for &(ws, we) in windows {
            let hay = &text[..we];
            let mut pos = ws;
            while pos < we {
                let Some(whole) = regex.search(&Input::new(hay).range(pos..)) else { break };
                pos = if whole.end() > whole.start() {
                    whole.end()
                } else {
                    whole.end() + hay[whole.end()..].chars().next().map_or(1, char::len_utf8)
                };
                // The value's checks have turned down this very match before (the same text
                // with the same character on each side, which is all a pattern's `\b`, `^` or
                // `$` can see): its groups need not be found again, nor its value checked.
                // A user agent's `Intel Mac` is a name candidate on every eighth access-log
                // line, and finding a name's groups clears the backtracker's table each time.
                let key = RejectedKey::new(self.id, rule_idx, hay, whole.start(), whole.end());
                if key.rejected() {
                    continue;
                }
                // Anchored at the match and ending where it ends, the leftmost-first search
                // takes the same path through the pattern, so its groups are the match's.
                let span = Input::new(hay).span(whole.range()).anchored(Anchored::Yes);
                let caps = caps.get_or_insert_with(|| regex.create_captures());
                regex.search_captures(&span, caps);
                debug_assert_eq!(caps.get_match().map(|m| m.range()), Some(whole.range()));
                let Some((vs, ve)) = rule.value_span(caps) else { continue };
                if needs_keyword {
                    let ok = match &rule.custom {
                        Some(c) => keyword_precedes(text, keyword_hits, whole.end(), c.max_match_distance),
                        None => near_keyword(text, keyword_hits, vs, ve),
                    };
                    if !ok {
                        continue;
                    }
                }
                let value = &text[vs..ve];
                if rule.ignored(&hay[whole.range()]) {
                    continue;
                }
                if !rule.accepts_value(value) {
                    key.remember();
                    continue;
                }
                if !self.allow.is_empty() && rule.id != "ADDRESS" && self.allow.allows(value) {
                    continue;
                }
                out.push(Match { rule: rule_idx, start: vs, end: ve, fingerprint: None });
            }
        }
    }

    /// Drops a match when a rule it yields to matched an overlapping span, and duplicates of
    /// one identifier at one span (variants of one ID finding the same value). A rule that
    /// `prevails` in the segment's context turns that around: the rules it would yield to
    /// give way to it.
    fn resolve_yields(&self, first: usize, out: &mut Vec<Match>, prevails: &[u32]) {
        let found = &out[first..];
        if found.len() < 2 {
            return; // nothing to yield to, no duplicate: most segments end here
        }
        let mut keep = vec![true; found.len()];
        let overlap = |a: &Match, b: &Match| a.start < b.end && b.start < a.end;
        // Only the matches near each one can overlap it: a text dense with findings (a
        // column of card numbers beside names) has hundreds of thousands of them per segment,
        // and comparing every pair took minutes.
        let longest = found.iter().map(|m| m.end - m.start).max().unwrap_or(0);
        for (i, m) in found.iter().enumerate() {
            let near = near_matches(found, longest, m);
            let gives_way = if prevails.contains(&m.rule) {
                false
            } else {
                let ys = &self.yields[m.rule as usize];
                (!ys.is_empty() && near.iter().any(|o| ys.contains(&o.rule) && overlap(m, o)))
                    || near.iter().any(|o| {
                        prevails.contains(&o.rule)
                            && self.yields[o.rule as usize].contains(&m.rule)
                            && overlap(m, o)
                    })
            };
            if gives_way {
                keep[i] = false;
            }
        }
        let mut seen: HashSet<(&str, usize, usize)> = HashSet::new();
        let mut kept = Vec::with_capacity(found.len());
        for (i, m) in found.iter().enumerate() {
            if keep[i] && seen.insert((self.rules[m.rule as usize].id.as_str(), m.start, m.end)) {
                kept.push(*m);
            }
        }
        out.truncate(first);
        out.extend(kept);
    }
}

/// The matches of `found` (in order of start, none longer than `longest` bytes) that may
/// overlap `m`: every one that starts before `m` ends and could still reach past its start.
fn near_matches<'a>(found: &'a [Match], longest: usize, m: &Match) -> &'a [Match] {
    debug_assert!(found.is_sorted_by_key(|o| o.start));
    let lo = found.partition_point(|o| o.start + longest <= m.start);
    let hi = found.partition_point(|o| o.start < m.end);
    &found[lo..hi.max(lo)]
}

/// Widens each window to whole lines (bounded by [`MAX_LINE_REACH`]) and merges overlaps, so
/// a rule's regex sees the same line context it would see in the whole text.
fn line_windows(text: &str, windows: &mut [(usize, usize)]) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    windows.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(windows.len());
    let line_end = |e: usize| {
        let hi = (e + MAX_LINE_REACH).min(bytes.len());
        match memchr::memchr(b'\n', &bytes[e..hi]) {
            Some(p) => e + p,
            None if hi == bytes.len() => bytes.len(),
            None => ceil_char(text, e),
        }
    };
    for &(s, e) in windows.iter() {
        if let Some(last) = merged.last_mut() {
            if s <= last.1 {
                // Its line starts no later than `s`, so it joins the last window (most hits
                // share a line with the one before): no need to look for that line's start.
                // A window that ends at a line break or the text's end already holds the
                // line `e` is on when `e` is inside it.
                let ends_line = last.1 == bytes.len() || bytes[last.1] == b'\n';
                if e > last.1 || !ends_line {
                    last.1 = last.1.max(line_end(e));
                }
                continue;
            }
        }
        let lo = s.saturating_sub(MAX_LINE_REACH);
        let start = match memchr::memrchr(b'\n', &bytes[lo..s]) {
            Some(p) => lo + p + 1,
            None if lo == 0 => 0,
            None => floor_char(text, s),
        };
        let end = line_end(e);
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// Windows for a rule with `inner_bytes` around its gate ends (in order): from the last byte
/// before each end that no match holds but as its first (or the text's start) to the first
/// at or after it (or the text's end). A search from such a byte finds the matches a search
/// from the line's start finds there (none of those can hold the byte but as its first), and
/// none of them runs past the next one, so these windows find what whole lines find. `None`
/// when such a byte is further than [`MAX_LINE_REACH`] from an end: whole lines then.
fn restart_windows(text: &str, ends: &[(u32, usize)], inner: &[bool; 256]) -> Option<Vec<(usize, usize)>> {
    let bytes = text.as_bytes();
    let mut windows: Vec<(usize, usize)> = Vec::new();
    for &(_, e) in ends {
        let floor = match windows.last() {
            // An end at or before the last window's end: that window holds its match.
            Some(&(_, last_end)) if e <= last_end => continue,
            Some(&(_, last_end)) => last_end, // itself a byte no match holds inside
            None => 0,
        };
        let lo = e.saturating_sub(MAX_LINE_REACH).max(floor);
        let start = match bytes[lo..e].iter().rposition(|&b| !inner[b as usize]) {
            Some(p) => lo + p,
            None if lo == 0 => 0,
            None => return None,
        };
        let hi = (e + MAX_LINE_REACH).min(bytes.len());
        let end = match bytes[e..hi].iter().position(|&b| !inner[b as usize]) {
            Some(p) => e + p,
            None if hi == bytes.len() => hi,
            None => return None,
        };
        windows.push((start, end));
    }
    Some(windows)
}

/// Whether only spaces and tabs stand between the start of `at`'s line and `at`.
fn opens_line(text: &str, at: usize) -> bool {
    let before = text.as_bytes()[..at].iter().rev().find(|&&b| b != b' ' && b != b'\t');
    matches!(before, None | Some(b'\n'))
}

/// The offset `n` characters before `at` (or 0).
fn chars_back(text: &str, at: usize, n: usize) -> usize {
    text[..at].char_indices().rev().nth(n.saturating_sub(1)).map_or(0, |(i, _)| i)
}

/// The offset `n` characters after `at` (or the end).
fn chars_ahead(text: &str, at: usize, n: usize) -> usize {
    text[at..].char_indices().nth(n).map_or(text.len(), |(i, _)| at + i)
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Sorts hits by rule, then start, then end. Many hits (a long text's) are counted into
/// their rules first: hits come from the two literal passes each in order of their start, so
/// a rule's share is one or two sorted runs, which the stable sort merges in one pass; a
/// comparison sort of them all took 3% of a scan of logs.
fn sort_hits(hits: &mut Vec<Hit>, sorted: &mut Vec<Hit>, rules: usize) {
    if hits.len() < 256 {
        hits.sort_unstable_by_key(|h| (h.rule, h.start, h.end));
        return;
    }
    let mut first = vec![0usize; rules + 1];
    for h in hits.iter() {
        first[h.rule as usize + 1] += 1;
    }
    for r in 0..rules {
        first[r + 1] += first[r];
    }
    sorted.clear();
    sorted.resize(hits.len(), hits[0]);
    let mut next = first.clone();
    for &h in hits.iter() {
        sorted[next[h.rule as usize]] = h;
        next[h.rule as usize] += 1;
    }
    for r in 0..rules {
        sorted[first[r]..first[r + 1]].sort_by_key(|h| (h.start, h.end));
    }
    std::mem::swap(hits, sorted);
}

/// The longest match of a pattern, in bytes, when it is bounded.
fn longest_match(pattern: &str) -> Option<usize> {
    regex_syntax::Parser::new().parse(pattern).ok()?.properties().maximum_len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_sort_by_rule_start_and_end_however_many() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for n in [0, 1, 5, 255, 256, 300, 5000] {
            // Two runs in order of start, as the two literal passes give them.
            let mut hits: Vec<Hit> = (0..n)
                .map(|i| {
                    let start = if i < n / 3 { i * 7 } else { (i - n / 3) * 5 } + (next() % 3) as usize;
                    Hit {
                        rule: (next() % 40) as u32,
                        start,
                        end: start + 1 + (next() % 4) as usize,
                        keyword: false,
                    }
                })
                .collect();
            let mut expected: Vec<(u32, usize, usize)> =
                hits.iter().map(|h| (h.rule, h.start, h.end)).collect();
            expected.sort_unstable();
            sort_hits(&mut hits, &mut Vec::new(), 40);
            let got: Vec<(u32, usize, usize)> = hits.iter().map(|h| (h.rule, h.start, h.end)).collect();
            assert_eq!(got, expected, "{n} hits");
        }
    }

    /// Numbers below `n`, from a xorshift generator: the same for a seed, so a failure repeats.
    fn numbers(mut x: u64) -> impl FnMut(u64) -> usize {
        move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n) as usize
        }
    }

    #[test]
    fn near_matches_hold_every_overlapping_match() {
        let mut next = numbers(0x9e37_79b9_7f4a_7c15u64);
        for round in 0..200 {
            let mut found: Vec<Match> = (0..1 + next(60))
                .map(|_| {
                    let start = next(400);
                    // Mostly short, sometimes empty, now and then one long match.
                    let len = if next(20) == 0 { next(300) } else { next(12) };
                    Match { rule: next(5) as u32, start, end: start + len, fingerprint: None }
                })
                .collect();
            found.sort_unstable_by_key(|m| (m.start, m.end, m.rule));
            let longest = found.iter().map(|m| m.end - m.start).max().unwrap();
            let overlap = |a: &Match, b: &Match| a.start < b.end && b.start < a.end;
            for m in &found {
                let all: Vec<&Match> = found.iter().filter(|o| overlap(m, o)).collect();
                let near: Vec<&Match> =
                    near_matches(&found, longest, m).iter().filter(|o| overlap(m, o)).collect();
                assert_eq!(near, all, "round {round}, match {m:?}");
            }
        }
    }

    /// Each window widened to its lines on its own, then the overlaps merged: what
    /// [`line_windows`] computes with fewer searches for line breaks.
    fn line_windows_one_by_one(text: &str, windows: &[(usize, usize)]) -> Vec<(usize, usize)> {
        let bytes = text.as_bytes();
        let mut wide: Vec<(usize, usize)> = windows
            .iter()
            .map(|&(s, e)| {
                let lo = s.saturating_sub(MAX_LINE_REACH);
                let start = match bytes[lo..s].iter().rposition(|&b| b == b'\n') {
                    Some(p) => lo + p + 1,
                    None if lo == 0 => 0,
                    None => floor_char(text, s),
                };
                let hi = (e + MAX_LINE_REACH).min(bytes.len());
                let end = match bytes[e..hi].iter().position(|&b| b == b'\n') {
                    Some(p) => e + p,
                    None if hi == bytes.len() => bytes.len(),
                    None => ceil_char(text, e),
                };
                (start, end)
            })
            .collect();
        wide.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (s, e) in wide {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        merged
    }

    /// A rule in the gate pass runs on the lines around each end of its gate matches, as far
    /// back as its longest match (`max_len`, or its pattern's own bound when longer). A
    /// pattern that can match without bound could start before that, on the same line, and
    /// the rule would then search from inside a match it would have taken whole (a card
    /// number inside an IBAN). So each such pattern is bounded, or says why it need not be.
    #[test]
    fn the_gates_rules_have_bounded_matches() {
        // Its opening cannot match inside its own dotted runs, so no match starts within one.
        let unbounded_by_design = ["SLUICE_IPV4_ADDRESS"];
        for spec in builtin_specs().unwrap() {
            let rule = CompiledRule::from_spec(&spec).unwrap();
            let in_gate = !rule.keyword_required
                && rule.anchors.is_empty()
                && rule.trigger.is_none()
                && rule.inner_bytes.is_none();
            if in_gate && !unbounded_by_design.contains(&spec.id.as_str()) {
                assert!(longest_match(rule.regex.as_str()).is_some(), "{}: unbounded pattern", spec.id);
            }
        }
    }

    #[test]
    fn line_windows_are_each_windows_lines_merged() {
        let mut next = numbers(0x2545_f491_4f6c_dd1du64);
        for round in 0..300 {
            // Short lines, and now and then one longer than the reach for a line break.
            let mut text = String::new();
            while text.len() < 2_000 + next(12_000) {
                let line = if next(10) == 0 { 4_000 + next(6_000) } else { next(120) };
                for _ in 0..line {
                    text.push(if next(40) == 0 { 'é' } else { 'a' });
                }
                text.push('\n');
            }
            let mut windows: Vec<(usize, usize)> = (0..1 + next(40))
                .map(|_| {
                    let s = floor_char(&text, next(text.len() as u64));
                    let e = ceil_char(&text, (s + next(200)).min(text.len()));
                    (s, e)
                })
                .collect();
            let want = line_windows_one_by_one(&text, &windows);
            assert_eq!(line_windows(&text, &mut windows), want, "round {round}");
        }
        // A window ending one byte further, inside the last window, whose search for a line
        // break reaches one byte further too: far enough to find one the first did not.
        let text = format!("a{}b\nc", "é".repeat(MAX_LINE_REACH / 2));
        let mut windows = vec![(0, 2), (1, 3)];
        let want = line_windows_one_by_one(&text, &windows);
        assert_eq!(want, vec![(0, MAX_LINE_REACH + 2)]);
        assert_eq!(line_windows(&text, &mut windows), want);
    }
}

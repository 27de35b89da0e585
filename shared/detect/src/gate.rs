//! The gate: one lazy DFA over the patterns (or triggers) of the rules that have neither
//! keywords nor anchors, and over the literals searched anywhere, each its own pattern.
//!
//! One forward pass reports, for every offset where a match of some pattern ends, which
//! pattern it is (an overlapping search): so the engine knows which rule to run where,
//! without a second pass of a set of the rules over each line, and without the reverse pass
//! a leftmost search makes to find where each match starts.

use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::Arc;

use regex_automata::hybrid::dfa::{Cache, OverlappingState, DFA};
use regex_automata::nfa::thompson;
use regex_automata::util::pool::Pool;
use regex_automata::{Input, MatchKind};

type CacheFn = Box<dyn Fn() -> Cache + Send + Sync + UnwindSafe + RefUnwindSafe>;

pub(crate) struct Gate {
    dfa: Arc<DFA>,
    /// One cache of built states per thread that searches (the DFA itself is shared).
    caches: Pool<Cache, CacheFn>,
}

/// The DFA stopped without an answer: a pattern with a Unicode word boundary met a
/// non-ASCII byte. The caller then treats the whole text as a candidate.
#[derive(Debug)]
pub(crate) struct GaveUp;

impl Gate {
    pub fn build(patterns: &[String]) -> Result<Gate, String> {
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    // Every pattern's every end, not the leftmost match's.
                    .match_kind(MatchKind::All)
                    .cache_capacity(64 << 20)
                    .unicode_word_boundary(true),
            )
            .thompson(
                thompson::Config::new()
                    .nfa_size_limit(Some(64 << 20))
                    .which_captures(thompson::WhichCaptures::None),
            )
            .build_many(patterns)
            .map_err(|e| e.to_string())?;
        let dfa = Arc::new(dfa);
        let for_cache = Arc::clone(&dfa);
        let create: CacheFn = Box::new(move || for_cache.create_cache());
        Ok(Gate { dfa, caches: Pool::new(create) })
    }

    /// Calls `f(pattern, end)` for every offset `end` where a match of `pattern` ends
    /// (whatever it starts), in order of `end`.
    pub fn for_each_end(&self, text: &str, mut f: impl FnMut(usize, usize)) -> Result<(), GaveUp> {
        let mut cache = self.caches.get();
        let input = Input::new(text);
        let mut state = OverlappingState::start();
        loop {
            self.dfa.try_search_overlapping_fwd(&mut cache, &input, &mut state).map_err(|_| GaveUp)?;
            match state.get_match() {
                Some(m) => f(m.pattern().as_usize(), m.offset()),
                None => return Ok(()),
            }
        }
    }

    /// The earliest offset at or after `from` where a match of any pattern that starts at or
    /// after `from` ends.
    pub fn earliest_end(&self, text: &str, from: usize) -> Result<Option<usize>, GaveUp> {
        let mut cache = self.caches.get();
        let input = Input::new(text).range(from..).earliest(true);
        let found = self.dfa.try_search_fwd(&mut cache, &input).map_err(|_| GaveUp)?;
        Ok(found.map(|m| m.offset()))
    }
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

    #[test]
    fn earliest_end_from_an_offset_sees_the_byte_before_it() {
        let g = gate(&["abcd", "bc", r"(?-u:\b)[0-9]{2}"]);
        assert_eq!(g.earliest_end("abcd", 0).unwrap(), Some(3));
        assert_eq!(g.earliest_end("abcd", 2).unwrap(), None);
        // `x12`: no boundary before `1` even when the search starts there.
        assert_eq!(g.earliest_end("x12 34", 1).unwrap(), Some(6));
    }

    #[test]
    fn a_unicode_word_boundary_gives_up_on_non_ascii_text() {
        let g = gate(&[r"\bcafe\b"]);
        assert_eq!(ends(&g, "a cafe"), vec![(0, 6)]);
        assert!(g.for_each_end("un café cafe", |_, _| {}).is_err());
        assert!(g.earliest_end("un café cafe", 0).is_err());
    }
}

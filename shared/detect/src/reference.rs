//! The slow, obviously-correct way to run one rule: its regex over the whole text, then the
//! keyword, validator and suppression checks. The engine must find exactly what this finds
//! (the differential test), and the rule examples are checked against both.

use crate::keywords::{char_gap, is_term};
use crate::rule::CompiledRule;
use crate::KEYWORD_WINDOW;

/// Byte spans of every keyword of `rule` that stands as a term in `text`.
pub fn keyword_hits(rule: &CompiledRule, text: &str) -> Vec<(usize, usize)> {
    let lower = text.to_ascii_lowercase();
    let mut hits = Vec::new();
    for k in &rule.keywords {
        // The engine folds ASCII case only; so does this.
        let k = k.to_ascii_lowercase();
        let mut from = 0;
        while let Some(p) = lower[from..].find(k.as_str()) {
            let s = from + p;
            let e = s + k.len();
            if is_term(text, s, e) {
                hits.push((s, e));
            }
            from = s + lower[s..].chars().next().map_or(1, char::len_utf8);
        }
    }
    hits.sort_unstable();
    hits.dedup();
    hits
}

/// Whether any keyword of `rule` stands as a term in one of the context strings (a column
/// header, a JSON path element).
pub fn context_has_keyword(rule: &CompiledRule, context: &[&str]) -> bool {
    context.iter().any(|c| !keyword_hits(rule, c).is_empty())
}

/// Macie's proximity rule for managed identifiers: a keyword within 30 characters before or
/// after the value, or overlapping it. `hits` are sorted by start; only those that can be
/// within 30 characters (at most 4 bytes each) are looked at.
pub fn near_keyword(text: &str, hits: &[(usize, usize)], vs: usize, ve: usize) -> bool {
    const MAX_KEYWORD_BYTES: usize = 360; // 90 characters, the longest keyword Macie allows
    let reach = KEYWORD_WINDOW * 4;
    let lo = hits.partition_point(|&(ks, _)| ks + MAX_KEYWORD_BYTES + reach < vs);
    let hi = hits.partition_point(|&(ks, _)| ks <= ve + reach);
    hits[lo..hi.max(lo)].iter().any(|&(ks, ke)| {
        if ke <= vs {
            char_gap(text, ke, vs) <= KEYWORD_WINDOW
        } else if ve <= ks {
            char_gap(text, ve, ks) <= KEYWORD_WINDOW
        } else {
            true
        }
    })
}

/// Macie's rule for custom identifiers: a keyword that ends before the match ends, with at
/// most `distance` characters from the keyword's end to the match's end.
pub fn keyword_precedes(text: &str, hits: &[(usize, usize)], me: usize, distance: usize) -> bool {
    hits.iter().any(|&(_, ke)| ke <= me && char_gap(text, ke, me) <= distance)
}

/// Value spans `rule` alone finds in `text`, given the segment's structured context.
pub fn scan_rule(rule: &CompiledRule, text: &str, context: &[&str]) -> Vec<(usize, usize)> {
    let in_context = context_has_keyword(rule, context);
    let hits = if rule.keyword_required && !in_context { keyword_hits(rule, text) } else { Vec::new() };
    let mut out = Vec::new();
    for caps in rule.regex.get().captures_iter(text) {
        let whole = caps.get_match().expect("a match");
        let Some((vs, ve)) = rule.value_span(&caps) else { continue };
        if rule.keyword_required && !in_context {
            let ok = match &rule.custom {
                Some(c) => keyword_precedes(text, &hits, whole.end(), c.max_match_distance),
                None => near_keyword(text, &hits, vs, ve),
            };
            if !ok {
                continue;
            }
        }
        if rule.ignored(&text[whole.range()]) || !rule.accepts_value(&text[vs..ve]) {
            continue;
        }
        out.push((vs, ve));
    }
    out
}

//! Short values that a column already showed to hold nothing, so a repeat skips the engine.
//!
//! Structured data repeats itself: log levels, event types, status words, service names,
//! booleans. The engine's answer depends only on the text and its context (the column), so a
//! short value that came back clean in one column comes back clean again there. Only clean
//! results are remembered (a value with matches is scanned each time, for its locations),
//! and the value itself is compared, not a hash of it: a collision must never hide a finding.

use foldhash::{HashMap, HashSet};

/// Values longer than this are rarely repeated and cost more to keep.
const MAX_VALUE_BYTES: usize = 48;
/// Values remembered per object, over all columns.
const MAX_VALUES: usize = 4096;

#[derive(Default)]
pub(crate) struct CleanValues {
    by_column: HashMap<u64, HashSet<Box<str>>>,
    count: usize,
}

impl CleanValues {
    /// Whether `value` came back clean in `column` before.
    pub fn seen(&self, column: u64, value: &str) -> bool {
        value.len() <= MAX_VALUE_BYTES && self.by_column.get(&column).is_some_and(|s| s.contains(value))
    }

    /// Remembers that `value` came back clean in `column` (while there is room).
    pub fn remember(&mut self, column: u64, value: &str) {
        if value.len() > MAX_VALUE_BYTES || self.count >= MAX_VALUES {
            return;
        }
        if self.by_column.entry(column).or_default().insert(value.into()) {
            self.count += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_per_column_and_within_bounds() {
        let mut c = CleanValues::default();
        c.remember(1, "debug");
        assert!(c.seen(1, "debug"));
        assert!(!c.seen(2, "debug"), "another column may give the value keywords");
        assert!(!c.seen(1, "Debug"));
        let long = "x".repeat(MAX_VALUE_BYTES + 1);
        c.remember(1, &long);
        assert!(!c.seen(1, &long));
        for i in 0..MAX_VALUES + 10 {
            c.remember(3, &i.to_string());
        }
        assert!(c.seen(3, "0"));
        assert!(!c.seen(3, &(MAX_VALUES + 5).to_string()), "full: no more values kept");
    }
}

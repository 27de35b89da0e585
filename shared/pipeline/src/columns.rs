//! Columns of hexadecimal tokens, where a card number found without a keyword is a token.
//!
//! A column of 16-character hex hashes (`fb34a72017af4780`, …) holds, about once in 2,000
//! values, a token made only of decimal digits, and a tenth of those pass the Luhn check: a
//! card number to the card rule that needs no keyword. The column says otherwise: its other
//! values are the same length and have the letters a–f. So a keyword-free card number that
//! is a whole value of a structured column (CSV/Excel column, JSON path) waits until the
//! object is read; it is dropped if its column holds many hex tokens of its length with a
//! letter and few made of digits only (a random hex token is digits only once in ~2,000),
//! and counted otherwise. A column of real card numbers has no such letters.

use std::collections::HashMap;

/// Card numbers are 13 to 19 digits.
const MIN_LEN: usize = 13;
const MAX_LEN: usize = 19;
/// A column needs this many hex tokens of the value's length before it is called a column
/// of tokens: one or two hashes beside card numbers say nothing.
const MIN_TOKENS: u32 = 8;
/// Columns whose shape is remembered for one object (a hostile document has endless keys).
const MAX_COLUMNS: usize = 10_000;

#[derive(Default, Clone, Copy)]
struct Shape {
    /// Values that are hex tokens with at least one letter, by length − MIN_LEN.
    hex_tokens: [u32; MAX_LEN - MIN_LEN + 1],
    /// Values made of decimal digits only, by length − MIN_LEN.
    digits_only: [u32; MAX_LEN - MIN_LEN + 1],
}

/// The shape of each structured column of one object, by the segment's context id.
#[derive(Default)]
pub(crate) struct ColumnShapes {
    shapes: HashMap<u64, Shape>,
}

impl ColumnShapes {
    /// Counts one value of a column.
    pub fn observe(&mut self, column: u64, value: &str) {
        let v = value.trim().as_bytes();
        if !(MIN_LEN..=MAX_LEN).contains(&v.len()) || !v.iter().all(u8::is_ascii_hexdigit) {
            return; // most values end here, before any lookup
        }
        if self.shapes.len() >= MAX_COLUMNS && !self.shapes.contains_key(&column) {
            return;
        }
        let shape = self.shapes.entry(column).or_default();
        let counts = if v.iter().any(u8::is_ascii_alphabetic) {
            &mut shape.hex_tokens
        } else {
            &mut shape.digits_only
        };
        let n = &mut counts[v.len() - MIN_LEN];
        *n = n.saturating_add(1);
    }

    /// Whether a digits-only value of `len` characters in `column` is one of its hex tokens.
    pub fn is_token_column(&self, column: u64, len: usize) -> bool {
        let Some(shape) = self.shapes.get(&column) else { return false };
        if !(MIN_LEN..=MAX_LEN).contains(&len) {
            return false;
        }
        let (tokens, digits) = (shape.hex_tokens[len - MIN_LEN], shape.digits_only[len - MIN_LEN]);
        tokens >= MIN_TOKENS && u64::from(tokens) >= 4 * u64::from(digits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_of_hashes_is_a_token_column_for_its_length_only() {
        let mut c = ColumnShapes::default();
        for i in 0..20u64 {
            c.observe(1, &format!("{:016x}", i.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 0xa));
        }
        c.observe(1, "4442378565927686");
        assert!(c.is_token_column(1, 16));
        assert!(!c.is_token_column(1, 15), "other lengths are not its tokens");
        assert!(!c.is_token_column(2, 16), "an unseen column is not");
    }

    #[test]
    fn card_numbers_and_few_hashes_are_not_token_columns() {
        let mut c = ColumnShapes::default();
        for _ in 0..30 {
            c.observe(1, "4539578763621486");
        }
        for _ in 0..5 {
            c.observe(1, "fb34a72017af4780");
        }
        assert!(!c.is_token_column(1, 16), "five hashes beside thirty cards");
        for _ in 0..100 {
            c.observe(1, "fb34a72017af4780");
        }
        assert!(!c.is_token_column(1, 16), "a hundred hashes beside thirty cards: a mixed column");
        let mut c = ColumnShapes::default();
        for _ in 0..7 {
            c.observe(3, "fb34a72017af4780");
        }
        assert!(!c.is_token_column(3, 16), "fewer than MIN_TOKENS");
        for _ in 0..20 {
            c.observe(3, "ABCDEF0123456789"); // upper-case hex counts too
        }
        assert!(c.is_token_column(3, 16));
    }
}

//! Check-digit and structure validators, by the name a rule file gives in `validator:`.
//!
//! Each module keeps a `VALIDATORS` table of `(name, fn)`; a rule naming a validator that no
//! table has fails to compile, so a typo cannot silently turn a check off.

pub mod checksum;
mod contact;
mod credentials;
mod financial;
mod health;
mod names;
mod national;
mod secrets;

/// Takes the value a rule matched (its `value` group, or the whole match) and says whether it
/// is a real instance of the type.
pub type Validator = fn(&str) -> bool;

const TABLES: &[&[(&str, Validator)]] = &[
    checksum::VALIDATORS,
    contact::VALIDATORS,
    credentials::VALIDATORS,
    financial::VALIDATORS,
    health::VALIDATORS,
    names::VALIDATORS,
    national::VALIDATORS,
    secrets::VALIDATORS,
];

pub fn lookup(name: &str) -> Option<Validator> {
    TABLES.iter().flat_map(|t| t.iter()).find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// Loads the lists some validators look words up in (they load on first use otherwise).
pub fn load_lists() {
    names::load_lists();
}

pub fn names() -> impl Iterator<Item = &'static str> {
    TABLES.iter().flat_map(|t| t.iter()).map(|(n, _)| *n)
}

/// The value's ASCII letters and digits, upper-cased (separators dropped).
pub fn alnum_upper(s: &str) -> Vec<u8> {
    s.bytes().filter(u8::is_ascii_alphanumeric).map(|b| b.to_ascii_uppercase()).collect()
}

/// The ASCII digits of a value, as numbers, skipping separators.
pub fn digits(s: &str) -> Vec<u8> {
    s.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn validator_names_are_unique() {
        let mut names: Vec<_> = super::names().collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(n, names.len(), "two validators share a name");
    }
}

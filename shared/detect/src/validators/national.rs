//! Validators for national, tax and social-insurance identifiers.

use super::{digits, Validator};

pub(super) const VALIDATORS: &[(&str, Validator)] = &[("usa_ssn", usa_ssn)];

/// SSA rules for issued numbers: area 001–899 except 666, group 01–99, serial 0001–9999.
fn usa_ssn(v: &str) -> bool {
    let d = digits(v);
    if d.len() != 9 {
        return false;
    }
    let area = d[0] as u32 * 100 + d[1] as u32 * 10 + d[2] as u32;
    let group = d[3] * 10 + d[4];
    let serial = d[5..].iter().fold(0u32, |a, &x| a * 10 + x as u32);
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssn_structure() {
        assert!(usa_ssn("536-22-8726"));
        for bad in ["000-22-8726", "666-22-8726", "900-22-8726", "536-00-8726", "536-22-0000", "53622872"] {
            assert!(!usa_ssn(bad), "{bad}");
        }
    }
}

//! The catalog covers every one of Macie's managed data identifier IDs, and Sluice's own.

use std::collections::BTreeSet;

use sluice_detect::builtin_specs;

/// Macie's IDs, one per line (a copy of the list published on the four category pages of the
/// Macie user guide; see reference/macie.md §1).
const MACIE_IDS: &str = include_str!("macie_ids.txt");

#[test]
fn every_macie_identifier_has_a_rule() {
    let ids: BTreeSet<String> = builtin_specs().unwrap().into_iter().map(|s| s.id).collect();
    let macie: Vec<&str> =
        MACIE_IDS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    assert_eq!(macie.len(), 166);
    let missing: Vec<&&str> = macie.iter().filter(|id| !ids.contains(**id)).collect();
    assert!(missing.is_empty(), "{} Macie IDs have no rule: {missing:?}", missing.len());
    let unknown: Vec<&String> =
        ids.iter().filter(|id| !id.starts_with("SLUICE_") && !macie.contains(&id.as_str())).collect();
    assert!(unknown.is_empty(), "IDs that are neither Macie's nor SLUICE_: {unknown:?}");
}

#[test]
fn sluice_has_at_least_40_identifiers_of_its_own() {
    let ids: BTreeSet<String> =
        builtin_specs().unwrap().into_iter().map(|s| s.id).filter(|id| id.starts_with("SLUICE_")).collect();
    assert!(ids.len() >= 40, "only {} SLUICE_ identifiers: {ids:?}", ids.len());
}

#[test]
fn every_builtin_pattern_compiles() {
    // Built-in rules compile lazily, on first use: make sure none would fail then.
    for spec in builtin_specs().unwrap() {
        let rule = sluice_detect::CompiledRule::from_spec(&spec).unwrap();
        let _ = rule.regex.get();
    }
}

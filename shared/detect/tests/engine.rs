//! The engine's semantics: Macie's keyword window, structured context, custom identifiers,
//! allow lists, identifier selection and fingerprints.

use sluice_detect::{DetectionConfig, Engine};

fn ids(engine: &Engine, text: &str, context: &[&str]) -> Vec<String> {
    let ctx = engine.context(context);
    let mut out = Vec::new();
    engine.scan(text, &ctx, &mut out);
    out.iter().map(|m| engine.rules()[m.rule as usize].id.clone()).collect()
}

fn engine(yaml: &str) -> Engine {
    Engine::from_config(&DetectionConfig::from_yaml(yaml).unwrap()).unwrap()
}

const SSN_ONLY: &str = "identifiers: {selector: INCLUDE, ids: [USA_SOCIAL_SECURITY_NUMBER]}";

#[test]
fn keyword_window_is_30_characters_inclusive_on_either_side() {
    let e = engine(SSN_ONLY);
    for (gap, found) in [(29, true), (30, true), (31, false)] {
        let before = format!("ssn{}536-22-8726", " ".repeat(gap));
        let after = format!("536-22-8726{}ssn", " ".repeat(gap));
        assert_eq!(!ids(&e, &before, &[]).is_empty(), found, "keyword before, gap {gap}");
        assert_eq!(!ids(&e, &after, &[]).is_empty(), found, "keyword after, gap {gap}");
    }
}

#[test]
fn window_counts_characters_not_bytes() {
    let e = engine(SSN_ONLY);
    // 30 characters but 59 bytes between keyword and value.
    let text = format!("ssn {} 536-22-8726", "é".repeat(28));
    assert_eq!(ids(&e, &text, &[]).len(), 1);
    let text = format!("ssn {} 536-22-8726", "é".repeat(29));
    assert!(ids(&e, &text, &[]).is_empty(), "31 characters");
}

#[test]
fn column_header_or_json_path_satisfies_the_keyword() {
    let e = engine(SSN_ONLY);
    assert!(ids(&e, "536-22-8726", &[]).is_empty());
    assert_eq!(ids(&e, "536-22-8726", &["employee_ssn"]).len(), 1);
    assert_eq!(ids(&e, "536228726", &["$", "people", "socialSecurityNumber"]).len(), 1);
    assert!(ids(&e, "536-22-8726", &["order_id"]).is_empty());
}

#[test]
fn custom_identifier_keyword_must_precede_within_distance() {
    let e = engine(
        "identifiers: {selector: NONE}\ncustom_data_identifiers:\n  - name: Employee ID\n    regex: 'EMP-\\d{6}'\n    keywords: [employee]\n    maximum_match_distance: 20\n    ignore_words: [EMP-000000]\n",
    );
    assert_eq!(ids(&e, "employee EMP-123456", &[]), vec!["Employee ID"]);
    // Distance runs from the keyword's end to the match's end: 1 + 10 = 11 <= 20.
    assert_eq!(ids(&e, "employee: EMP-123456", &[]).len(), 1);
    assert!(ids(&e, &format!("employee{}EMP-123456", " ".repeat(11)), &[]).is_empty(), "21 > 20");
    assert!(ids(&e, "EMP-123456 employee", &[]).is_empty(), "keyword must precede");
    assert!(ids(&e, "employee EMP-000000", &[]).is_empty(), "ignore word");
    assert_eq!(ids(&e, "EMP-123456", &["employee id"]).len(), 1, "column header");
}

#[test]
fn custom_identifier_without_keywords_matches_anywhere() {
    let e = engine("identifiers: {selector: NONE}\ncustom_data_identifiers:\n  - {name: Ticket, regex: 'TCK-[0-9]{4}'}\n");
    assert_eq!(ids(&e, "see TCK-1234 and TCK-9999", &[]).len(), 2);
}

#[test]
fn allow_lists_drop_exact_texts_and_full_regex_matches() {
    let e = engine(&format!(
        "{SSN_ONLY}\nallow_lists:\n  - {{name: qa, texts: ['536-22-8726']}}\n  - {{name: synthetic, regex: '5\\d\\d-99-\\d{{4}}'}}\n"
    ));
    assert!(ids(&e, "SSN: 536-22-8726", &[]).is_empty());
    assert!(ids(&e, "SSN: 536-99-8726", &[]).is_empty());
    assert_eq!(ids(&e, "SSN: 536-22-8727", &[]).len(), 1);
}

#[test]
fn selectors() {
    assert!(engine("identifiers: {selector: NONE}").rules().is_empty());
    let rec = engine("identifiers: {selector: RECOMMENDED}");
    assert!(rec.rules().iter().all(|r| r.recommended));
    assert!(rec.rules().iter().any(|r| r.id == "USA_SOCIAL_SECURITY_NUMBER"));
    let ex = engine("identifiers: {selector: EXCLUDE, ids: [USA_SOCIAL_SECURITY_NUMBER]}");
    assert!(ex.rules().iter().all(|r| r.id != "USA_SOCIAL_SECURITY_NUMBER"));
    let err = Engine::from_config(
        &DetectionConfig::from_yaml("identifiers: {selector: INCLUDE, ids: [NOT_AN_ID]}").unwrap(),
    )
    .err()
    .unwrap()
    .to_string();
    assert!(err.contains("identifiers.ids[0]"), "{err}");
}

#[test]
fn fingerprints_are_keyed_and_stable_and_not_the_value() {
    let e = engine(SSN_ONLY).with_fingerprint_key([7; 32]);
    let mut a = Vec::new();
    e.scan("SSN 536-22-8726 and ssn 536-22-8726", &e.context::<&str>(&[]), &mut a);
    assert_eq!(a.len(), 2);
    assert_eq!(a[0].fingerprint, a[1].fingerprint);
    let other = engine(SSN_ONLY).with_fingerprint_key([8; 32]);
    let mut b = Vec::new();
    other.scan("SSN 536-22-8726", &other.context::<&str>(&[]), &mut b);
    assert_ne!(a[0].fingerprint, b[0].fingerprint);
    assert!(engine(SSN_ONLY).rules().len() == 1);
}

#[test]
fn hostile_text_does_not_panic() {
    let e = Engine::builtin().unwrap();
    let long_line = "9".repeat(2_000_000);
    let mut out = Vec::new();
    e.scan(&long_line, &e.context::<&str>(&[]), &mut out);
    e.scan("\u{0}ssn\u{0}536-22-8726\u{0}", &e.context::<&str>(&[]), &mut out);
    e.scan("ssn é\u{301}é 536-22-8726 ☃", &e.context::<&str>(&[]), &mut out);
}

#[test]
fn accented_keywords_match_in_any_case() {
    let e = engine("identifiers: {selector: INCLUDE, ids: [FRANCE_NATIONAL_IDENTIFICATION_NUMBER]}");
    let kws: Vec<&String> = e.rules()[0].keywords.iter().filter(|k| !k.is_ascii()).collect();
    assert!(!kws.is_empty(), "the rule has accented keywords");
    let lower = kws[0].to_lowercase();
    let upper = lower.to_uppercase();
    let mut a = Vec::new();
    let mut b = Vec::new();
    e.scan(&lower, &e.context::<&str>(&[]), &mut a);
    let ctx_lower = e.context(&[lower.as_str()]);
    let ctx_upper = e.context(&[upper.as_str()]);
    assert_eq!(ctx_lower, ctx_upper, "{lower} / {upper}");
    assert_ne!(ctx_lower, e.context::<&str>(&[]));
    e.scan(&upper, &ctx_upper, &mut b);
}

#[test]
fn a_column_named_more_precisely_wins_its_values() {
    let e = Engine::builtin().unwrap();
    // 13 digits, Luhn-valid, an issuer prefix: a card number to the card rules.
    let value = "5824539187326";
    assert_eq!(ids(&e, value, &["Bank Account Number"]), vec!["BANK_ACCOUNT_NUMBER"]);
    assert_eq!(ids(&e, value, &["checking_account_number"]), vec!["BANK_ACCOUNT_NUMBER"]);
    // `account number` alone is as much the card rule's keyword as the bank rule's: the card wins.
    assert_eq!(ids(&e, value, &["Account Number"]), vec!["CREDIT_CARD_NUMBER"]);
    assert_eq!(ids(&e, value, &["credit_card_number"]), vec!["CREDIT_CARD_NUMBER"]);
    // Without a column, as before: a card number.
    assert_eq!(ids(&e, value, &[]), vec!["CREDIT_CARD_NUMBER_(NO_KEYWORD)"]);
    // Values the bank rule does not take stay the card's.
    assert_eq!(
        ids(&e, "4539 5787 6362 1486", &["Bank Account Number"]),
        vec!["CREDIT_CARD_NUMBER_(NO_KEYWORD)"]
    );
}

//! Hostile inputs that are not archives: each ends with a status, quickly and in bounded memory.

use std::time::Instant;

use sluice_extract::{extract, Extraction, Limits, Segment};
use sluice_finding::{Reason, Status, StatusCode};

fn run(bytes: &[u8], name: &str) -> (Extraction, usize) {
    let mut text_bytes = 0;
    let mut sink = |s: &Segment<'_>| text_bytes += s.report.len();
    let ex = extract(bytes, name, None, Some(bytes.len() as u64), &Limits::default(), &mut sink).unwrap();
    (ex, text_bytes)
}

#[test]
fn billion_laughs_is_read_as_text_without_expanding_entities() {
    let mut doc = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    doc.push_str(" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n");
    for i in 2..=9 {
        let prev = format!("&lol{};", i - 1).repeat(10);
        doc.push_str(&format!(" <!ENTITY lol{i} \"{prev}\">\n"));
    }
    doc.push_str("]>\n<lolz>&lol9;</lolz>\n");
    let started = Instant::now();
    let (ex, text_bytes) = run(doc.as_bytes(), "lolz.xml");
    assert_eq!(ex.status, Status::complete());
    assert_eq!(text_bytes, doc.len(), "nothing expanded: the text is the document itself");
    assert!(started.elapsed().as_secs() < 5);
}

#[test]
fn json_lines_with_a_record_nested_too_deep_are_partial_and_keep_the_rest() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let data = format!("{{\"ssn\": \"536-22-8726\"}}\n{deep}\n{{\"b\": \"x\"}}\n");
    let (ex, text_bytes) = run(data.as_bytes(), "events.jsonl");
    assert_eq!(ex.status, Status::partial(Reason::JsonNestingLevelOverLimit));
    assert_eq!(text_bytes, "536-22-8726".len() + 1, "the other records are still read");
}

#[test]
fn a_document_over_the_size_limit_is_skipped_not_read_whole() {
    let limits = Limits { max_document_bytes: 1024, ..Limits::default() };
    let json = format!("{{\"a\": \"{}\"}}", "x".repeat(4096));
    let mut sink = |_: &Segment<'_>| {};
    let ex = extract(json.as_bytes(), "big.json", None, None, &limits, &mut sink).unwrap();
    assert_eq!(ex.status, Status::skipped(Reason::FileExceedsSizeLimit));
}

#[test]
fn binary_junk_under_text_names_is_unsupported() {
    let junk: Vec<u8> = (0..64 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    for name in ["notes.txt", "data.csv", "x.json", "a.eml", "b.pdf", "c.parquet"] {
        let (ex, _) = run(&junk, name);
        assert_eq!(ex.status.code, StatusCode::Skipped, "{name}");
    }
}

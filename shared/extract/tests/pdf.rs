//! PDF pages, generated in code with lopdf (`fixtures/`): text per page, located by page number; damaged
//! files end with a status, never a panic.

use sluice_extract::{extract, Extraction, Limits, Segment};
use sluice_finding::{Location, Page, Reason, Status};

mod fixtures;

use fixtures::pdf;

fn run(bytes: &[u8]) -> (Extraction, Vec<(String, Location)>) {
    let mut seen = Vec::new();
    let mut sink = |s: &Segment<'_>| {
        let loc = s.locate_sorted(&[(0, 1)]).remove(0);
        seen.push((s.text.to_string(), loc));
    };
    let ex =
        extract(bytes, "report.pdf", None, Some(bytes.len() as u64), &Limits::default(), &mut sink).unwrap();
    (ex, seen)
}

#[test]
fn pages_are_located_by_number() {
    let (ex, seen) = run(&pdf(&["Quarterly report", "Employee SSN 536-22-8726"]));
    assert_eq!(ex.status, Status::complete());
    assert_eq!(ex.mime_type, "application/pdf");
    let hit = seen.iter().find(|(t, _)| t.contains("536-22-8726")).expect("page 2 text");
    assert_eq!(hit.1, Location::Page(Page { page_number: 2 }));
}

#[test]
fn damaged_pdfs_end_with_a_status() {
    let mut cut = pdf(&["Employee SSN 536-22-8726"]);
    cut.truncate(cut.len() / 3);
    let (ex, _) = run(&cut);
    assert_eq!(ex.status, Status::skipped(Reason::UnableToParseFile));
    let (ex, _) =
        run(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF");
    assert_eq!(ex.status, Status::skipped(Reason::UnableToParseFile));
}

//! Word, PowerPoint and Excel packages, generated in code (`fixtures/`) as minimal Office Open XML zips.

use sluice_extract::{extract, Extraction, Limits, Segment};
use sluice_finding::{Cell, Location, Reason, Status, StatusCode};

mod fixtures;

use fixtures::{docx, docx_table, package, paragraphs, xlsx};

fn run(bytes: &[u8], name: &str) -> (Extraction, Vec<(String, Vec<String>, Location)>) {
    run_with(bytes, name, &Limits::default())
}

/// Extracts, and returns every occurrence of the planted SSN with its context and location.
fn run_with(bytes: &[u8], name: &str, limits: &Limits) -> (Extraction, Vec<(String, Vec<String>, Location)>) {
    let mut seen = Vec::new();
    let mut sink = |s: &Segment<'_>| {
        let spans: Vec<(usize, usize)> = s.text[s.report.clone()]
            .match_indices("536-22-8726")
            .map(|(i, m)| (s.report.start + i, s.report.start + i + m.len()))
            .collect();
        for loc in s.locate_sorted(&spans) {
            seen.push((s.text.to_string(), s.context.iter().map(|c| c.to_string()).collect(), loc));
        }
    };
    let ex = extract(bytes, name, None, Some(bytes.len() as u64), limits, &mut sink).unwrap();
    (ex, seen)
}

#[test]
fn word_body_and_header_become_lines() {
    let doc = docx(&["Employee record", "SSN: 536-22-8726"], "Confidential 536-22-8726");
    let (ex, seen) = run(&doc, "record.docx");
    assert_eq!(ex.status, Status::complete());
    assert!(ex.mime_type.contains("wordprocessingml"));
    assert_eq!(seen.len(), 2);
    assert!(
        matches!(seen[0].2, Location::Line(ref l) if l.start == 2 && l.start_column == 6),
        "{:?}",
        seen[0].2
    );
}

#[test]
fn word_table_cells_take_their_column_header_as_context() {
    let doc = docx_table(&[&["name", "ssn"], &["Jane", "536-22-8726"]]);
    let (ex, seen) = run(&doc, "roster.docx");
    assert_eq!(ex.status, Status::complete());
    assert_eq!(seen.len(), 1, "found once, as a cell with its header, not again in the text");
    assert_eq!(seen[0].1, vec!["ssn"]);
    assert!(
        matches!(seen[0].2, Location::Line(ref l) if l.start == 3 && l.start_column == 7),
        "{:?}",
        seen[0].2
    );
}

#[test]
fn powerpoint_slides_in_order_then_notes() {
    let deck = package(&[
        (
            "ppt/slides/slide2.xml",
            format!("<p:sld>{}</p:sld>", paragraphs("a", &["second slide 536-22-8726"])),
        ),
        ("ppt/slides/slide1.xml", format!("<p:sld>{}</p:sld>", paragraphs("a", &["first slide"]))),
        (
            "ppt/notesSlides/notesSlide1.xml",
            format!("<p:notes>{}</p:notes>", paragraphs("a", &["note 536-22-8726"])),
        ),
    ]);
    let (ex, seen) = run(&deck, "deck.pptx");
    assert_eq!(ex.status, Status::complete());
    let lines: Vec<u64> = seen
        .iter()
        .map(|s| match &s.2 {
            Location::Line(l) => l.start,
            _ => 0,
        })
        .collect();
    assert_eq!(lines, vec![3, 5], "slide 1 (line 1), slide 2 (line 3), notes (line 5)");
}

#[test]
fn excel_cells_carry_sheet_references_and_headers() {
    let book = xlsx(&[
        ("Summary", vec![vec!["note"], vec!["nothing here"]]),
        ("People", vec![vec!["name", "ssn"], vec!["Jane", "536-22-8726"]]),
    ]);
    let (ex, seen) = run(&book, "people.xlsx");
    assert_eq!(ex.status, Status::complete(), "{ex:?}");
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].1, vec!["ssn"]);
    assert_eq!(
        seen[0].2,
        Location::Cell(Cell {
            row: 2,
            column: 2,
            column_name: Some("ssn".into()),
            cell_reference: Some("People!B2".into())
        })
    );
}

#[test]
fn broken_or_bomb_packages_are_skipped_with_a_reason() {
    let (ex, _) = run(b"PK\x03\x04 this is not really a zip", "broken.docx");
    assert_eq!(ex.status.code, StatusCode::Skipped);

    let empty = package(&[("[Content_Types].xml", "<Types/>".into())]);
    let (ex, _) = run(&empty, "empty.pptx");
    assert_eq!(ex.status, Status::skipped(Reason::MalformedOrFileSizeExceedsLimit));

    let huge = "a".repeat(16 << 20); // 16 MiB in one run: deflates several hundred times
    let bomb = package(&[(
        "word/document.xml",
        format!("<w:document><w:p><w:r><w:t>{huge}</w:t></w:r></w:p></w:document>"),
    )]);
    let limits = Limits { ratio_check_after: 1 << 20, max_compression_ratio: 100, ..Limits::default() };
    let (ex, _) = run_with(&bomb, "bomb.docx", &limits);
    assert_eq!(ex.status, Status::skipped(Reason::OoxmlUncompressedRatioExceedsLimit));
}

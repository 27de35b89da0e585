//! Word, PowerPoint and Excel packages, generated here as minimal Office Open XML zips.

use std::io::{Cursor, Write};

use sluice_extract::{extract, Extraction, Limits, Segment};
use sluice_finding::{Cell, Location, Reason, Status, StatusCode};

fn package(parts: &[(&str, String)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in parts {
        w.start_file(*name, opts).unwrap();
        w.write_all(data.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn paragraphs(ns: &str, lines: &[&str]) -> String {
    lines.iter().map(|l| format!("<{ns}:p><{ns}:r><{ns}:t>{l}</{ns}:t></{ns}:r></{ns}:p>")).collect()
}

fn docx(lines: &[&str], header: &str) -> Vec<u8> {
    package(&[
        ("[Content_Types].xml", "<Types/>".into()),
        (
            "word/document.xml",
            format!("<w:document><w:body>{}</w:body></w:document>", paragraphs("w", lines)),
        ),
        ("word/header1.xml", format!("<w:hdr>{}</w:hdr>", paragraphs("w", &[header]))),
    ])
}

fn xlsx(sheets: &[(&str, Vec<Vec<&str>>)]) -> Vec<u8> {
    let mut parts = vec![
        ("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
    ];
    let mut book = String::from(
        r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#,
    );
    let mut rels = String::from(
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    let mut names = Vec::new();
    for (i, (name, rows)) in sheets.iter().enumerate() {
        book.push_str(&format!(r#"<sheet name="{name}" sheetId="{}" r:id="rId{}"/>"#, i + 1, i + 1));
        rels.push_str(&format!(r#"<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{}.xml"/>"#, i + 1, i + 1));
        let mut xml = String::from(
            r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
        );
        for (r, row) in rows.iter().enumerate() {
            xml.push_str(&format!(r#"<row r="{}">"#, r + 1));
            for (c, v) in row.iter().enumerate() {
                let col = (b'A' + c as u8) as char;
                xml.push_str(&format!(r#"<c r="{col}{}" t="inlineStr"><is><t>{v}</t></is></c>"#, r + 1));
            }
            xml.push_str("</row>");
        }
        xml.push_str("</sheetData></worksheet>");
        names.push((format!("xl/worksheets/sheet{}.xml", i + 1), xml));
    }
    book.push_str("</sheets></workbook>");
    rels.push_str("</Relationships>");
    parts.push(("xl/workbook.xml", book));
    parts.push(("xl/_rels/workbook.xml.rels", rels));
    let named: Vec<(&str, String)> = names.iter().map(|(n, x)| (n.as_str(), x.clone())).collect();
    parts.extend(named);
    package(&parts)
}

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
    let cell = |t: &str| format!("<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>");
    let row = |cells: &[&str]| format!("<w:tr>{}</w:tr>", cells.iter().map(|c| cell(c)).collect::<String>());
    let body = format!(
        "{}<w:tbl>{}{}</w:tbl>",
        paragraphs("w", &["Travel roster"]),
        row(&["name", "ssn"]),
        row(&["Jane", "536-22-8726"])
    );
    let doc = package(&[("word/document.xml", format!("<w:document><w:body>{body}</w:body></w:document>"))]);
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

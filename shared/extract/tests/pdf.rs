//! PDF pages, generated here with lopdf: text per page, located by page number; damaged
//! files end with a status, never a panic.

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};
use sluice_extract::{extract, Extraction, Limits, Segment};
use sluice_finding::{Location, Page, Reason, Status};

fn pdf(pages: &[&str]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id =
        doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Courier" });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut kids = Vec::new();
    for text in pages {
        let content = Content {
            operations: vec![
                Operation::new("BT", vec![]),
                Operation::new("Tf", vec!["F1".into(), 12.into()]),
                Operation::new("Td", vec![72.into(), 700.into()]),
                Operation::new("Tj", vec![Object::string_literal(*text)]),
                Operation::new("ET", vec![]),
            ],
        };
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
        let page_id =
            doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => content_id });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    let tree = dictionary! {
        "Type" => "Pages", "Kids" => kids, "Count" => count, "Resources" => resources_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    };
    doc.objects.insert(pages_id, Object::Dictionary(tree));
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    doc.compress();
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

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

//! PDF text, one segment per page located by `pages {pageNumber}`.
//!
//! The extractor is a third-party parser meeting hostile input: a panic inside it is caught
//! and becomes `UNABLE_TO_PARSE_FILE`, so one bad PDF never takes the batch down. A hang cannot
//! be caught, so what is known to make pdf-extract loop is refused before it reads a page: a
//! page tree whose `/Parent` links form a cycle (pdf-extract follows them, without end, to find
//! a page's inherited MediaBox and Resources; found by fuzzing).

use std::io::Read;

use sluice_finding::{Reason, Status};

use crate::segment::{Segment, SegmentOrigin};
use crate::{read_bounded, ExtractError, Extraction, Limits, SegmentSink};

const MIME: &str = "application/pdf";

pub(crate) fn extract<R: Read>(
    reader: R,
    limits: &Limits,
    sink: &mut dyn SegmentSink,
) -> Result<Extraction, ExtractError> {
    let Some(bytes) = read_bounded(reader, limits.max_document_bytes)? else {
        return Ok(Extraction::skipped(MIME, Reason::FileExceedsSizeLimit));
    };
    let pages = std::panic::catch_unwind(|| text_by_page(&bytes));
    let Ok(Some(pages)) = pages else {
        return Ok(Extraction::skipped(MIME, Reason::UnableToParseFile));
    };
    for (i, text) in pages.iter().enumerate() {
        if text.trim().is_empty() {
            continue;
        }
        sink.segment(&Segment {
            text,
            context: &[],
            context_id: None,
            report: 0..text.len(),
            origin: SegmentOrigin::Page { page_number: i as u64 + 1 },
        });
    }
    Ok(Extraction { status: Status::complete(), mime_type: MIME, size_classified: bytes.len() as u64 })
}

/// `pdf_extract::extract_text_from_mem_by_pages`, with the page tree checked first: the text of
/// each page, or `None` for a file that cannot be read.
fn text_by_page(bytes: &[u8]) -> Option<Vec<String>> {
    let mut doc = lopdf::Document::load_mem(bytes).ok()?;
    if doc.is_encrypted() {
        // As pdf-extract does: the empty user password opens many "protected" PDFs.
        doc.decrypt("").ok()?;
    }
    if parent_cycle(&doc) {
        return None;
    }
    let mut pages = Vec::new();
    for page_num in 1.. {
        let mut text = String::new();
        if pdf_extract::output_doc_page(&doc, &mut pdf_extract::PlainTextOutput::new(&mut text), page_num)
            .is_err()
        {
            break;
        }
        pages.push(text);
    }
    Some(pages)
}

/// Whether following `/Parent` from some page comes back to an object already passed.
fn parent_cycle(doc: &lopdf::Document) -> bool {
    doc.page_iter().any(|page| {
        let mut seen = std::collections::HashSet::from([page]);
        let mut dict = doc.get_dictionary(page).ok();
        while let Some(parent) = dict.and_then(|d| d.get(b"Parent").ok()?.as_reference().ok()) {
            if !seen.insert(parent) {
                return true;
            }
            dict = doc.get_dictionary(parent).ok();
        }
        false
    })
}

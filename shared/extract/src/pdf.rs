//! PDF text, one segment per page located by `pages {pageNumber}`.
//!
//! The extractor is a third-party parser meeting hostile input: a panic inside it is caught
//! and becomes `UNABLE_TO_PARSE_FILE`, so one bad PDF never takes the batch down.

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
    let pages = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem_by_pages(&bytes));
    let pages = match pages {
        Ok(Ok(pages)) => pages,
        Ok(Err(_)) | Err(_) => return Ok(Extraction::skipped(MIME, Reason::UnableToParseFile)),
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

//! CSV, TSV and other delimited text: one segment per cell, located by row and column, with
//! the column's header as the keyword context for every value under it.

use std::io::Read;

use sluice_finding::{Reason, Status};

use crate::segment::{Segment, SegmentOrigin};
use crate::{ExtractError, Extraction, Limits, SegmentSink};

pub fn extract<R: Read>(
    reader: R,
    delimiter: u8,
    mime_type: &'static str,
    _limits: &Limits,
    sink: &mut dyn SegmentSink,
) -> Result<Extraction, ExtractError> {
    let decoded = crate::decode::utf8_text(reader)?;
    let mut csv =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(decoded);
    let mut header: Vec<String> = Vec::new();
    let mut record = csv::ByteRecord::new();
    let mut row = 0u64;
    let mut status = Status::complete();
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) if e.is_io_error() => {
                return Err(match e.into_kind() {
                    csv::ErrorKind::Io(io) => ExtractError::Io(io),
                    _ => unreachable!("checked is_io_error"),
                })
            }
            Err(_) => {
                status = Status::partial(Reason::UnableToParseFile);
                break;
            }
        }
        row += 1;
        if row == 1 {
            header = record.iter().map(|f| String::from_utf8_lossy(f).trim().to_string()).collect();
        }
        for (i, field) in record.iter().enumerate() {
            // The stream was decoded to UTF-8 already: checked, not copied (the lossy
            // reader's character walk cost more than the check).
            let text = match std::str::from_utf8(field) {
                Ok(s) => std::borrow::Cow::Borrowed(s),
                Err(_) => String::from_utf8_lossy(field),
            };
            if text.trim().is_empty() {
                continue;
            }
            let name =
                if row == 1 { None } else { header.get(i).map(String::as_str).filter(|h| !h.is_empty()) };
            let one;
            let ctx: &[&str] = match name {
                Some(n) => {
                    one = [n];
                    &one
                }
                None => &[],
            };
            sink.segment(&Segment {
                text: &text,
                context: ctx,
                context_id: Some(if row == 1 { u64::MAX } else { i as u64 }),
                report: 0..text.len(),
                origin: SegmentOrigin::Cell {
                    row,
                    column: i as u64 + 1,
                    column_name: name,
                    cell_reference: None,
                },
            });
        }
    }
    let size = csv.position().byte();
    Ok(Extraction { status, mime_type, size_classified: size })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sluice_finding::{Cell, Location};

    #[test]
    fn cells_carry_row_column_and_header_context() {
        let data = "name;ssn\r\n\"Doe; Jane\";536-22-8726\r\nBob;\"multi\nline\"\r\n";
        let mut seen = Vec::new();
        let mut sink = |seg: &Segment<'_>| {
            let loc = seg.locate_sorted(&[(0, seg.text.len())]).remove(0);
            seen.push((
                seg.text.to_string(),
                seg.context.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                loc,
            ));
        };
        let ex = extract(data.as_bytes(), b';', "text/csv", &Limits::default(), &mut sink).unwrap();
        assert_eq!(ex.status, Status::complete());
        assert_eq!(seen.len(), 6);
        assert_eq!(seen[3].0, "536-22-8726");
        assert_eq!(seen[3].1, vec!["ssn"]);
        assert_eq!(
            seen[3].2,
            Location::Cell(Cell { row: 2, column: 2, column_name: Some("ssn".into()), cell_reference: None })
        );
        assert_eq!(seen[5].0, "multi\nline");
    }
}

//! CSV, TSV and other delimited text: one segment per cell, located by row and column, with
//! the column's header as the keyword context for every value under it.

use std::io::{BufReader, Read};

use crate::bytemask::{Block, ByteTest};

use sluice_finding::Status;

use crate::line_block::{LineBlock, BLOCK_LINES};
use crate::segment::{Segment, SegmentOrigin};
use crate::{ExtractError, Extraction, Limits, SegmentSink};

pub fn extract<R: Read>(
    reader: R,
    delimiter: u8,
    mime_type: &'static str,
    _limits: &Limits,
    sink: &mut dyn SegmentSink,
) -> Result<Extraction, ExtractError> {
    let mut decoded = BufReader::with_capacity(64 << 10, crate::decode::utf8_text(reader)?);
    let mut parser = Parser::new(delimiter);
    let mut table = Table { header: Vec::new(), row: 0 };
    // Whether rows may be screened as written: known once the header is read.
    let mut screened: Option<bool> = None;
    let mut block = LineBlock::default();
    let mut size = 0u64;
    loop {
        // The header first, one line at a time.
        let max_lines = if screened.is_some() { BLOCK_LINES } else { 1 };
        let filled = block.fill(&mut decoded, max_lines, u64::MAX)?;
        size += filled.read;
        if block.len() == 0 {
            break;
        }
        block.screen(sink, screened == Some(true));
        for i in 0..block.len() {
            let line = block.line(i);
            if !block.hot(i) && parser.at_record_start() && reads_as_written(line, delimiter) {
                table.row += 1; // one record, holding nothing: counted, not parsed
                continue;
            }
            parser.feed(line, &mut |fields| table.record(fields, sink));
            if screened.is_none() && table.row > 0 {
                let plain = table.header.iter().all(|h| h.is_empty() || sink.plain_context(&[h.as_str()]));
                // Only delimiters that bound terms and matches as a line break does.
                screened = Some(plain && matches!(delimiter, b',' | b';' | b'\t' | b'|'));
            }
        }
    }
    parser.finish(&mut |fields| table.record(fields, sink));
    Ok(Extraction { status: Status::complete(), mime_type, size_classified: size })
}

/// Whether a row, as written, is one record whose fields are there verbatim between
/// delimiters (no quotes, no lone carriage return), none of them a hex token of card length
/// (a token the sink counts to judge its column, see the pipeline's `columns`). A screen of
/// such a line stands for a screen of its values: the delimiters bound terms and matches as
/// line breaks do.
fn reads_as_written(line: &[u8], delimiter: u8) -> bool {
    let body = line.strip_suffix(b"\n").unwrap_or(line);
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    if body.is_empty() || memchr::memchr2(b'"', b'\r', body).is_some() {
        return false;
    }
    // Delimiters found 64 bytes a step: fields are short, and a split's byte-by-byte
    // search was most of the cost of reading a CSV whose rows are screened.
    let hex = |field: &[u8]| field.len() >= 13 && crate::is_hex_token(field);
    let mut field_start = 0;
    for (k, chunk) in body.chunks(64).enumerate() {
        let mut delimiters = Block::padded(chunk).mask(ByteTest::Is(delimiter));
        while delimiters != 0 {
            let at = 64 * k + delimiters.trailing_zeros() as usize;
            delimiters &= delimiters - 1;
            if hex(&body[field_start..at]) {
                return false;
            }
            field_start = at + 1;
        }
    }
    !hex(&body[field_start..])
}

/// What the rows read so far say about the next: the header, and how many came.
struct Table {
    header: Vec<String>,
    row: u64,
}

impl Table {
    /// One parsed record: a segment per non-empty cell, with its column's header as context.
    fn record(&mut self, fields: Fields<'_>, sink: &mut dyn SegmentSink) {
        self.row += 1;
        let row = self.row;
        if row == 1 {
            self.header = fields.iter().map(|f| String::from_utf8_lossy(f).trim().to_string()).collect();
        }
        // The stream was decoded to UTF-8 already: checked, not copied (the lossy reader's
        // character walk cost more than the check), and once per record rather than once per
        // field (delimiters are ASCII, so every field of a valid record is whole characters).
        let record = std::str::from_utf8(fields.bytes).ok();
        for (i, span) in fields.spans().enumerate() {
            let text = match record.and_then(|r| r.get(span.clone())) {
                Some(field) => std::borrow::Cow::Borrowed(field),
                None => String::from_utf8_lossy(&fields.bytes[span]),
            };
            if text.trim().is_empty() {
                continue;
            }
            let name = if row == 1 {
                None
            } else {
                self.header.get(i).map(String::as_str).filter(|h| !h.is_empty())
            };
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
}

/// The fields of one record.
struct Fields<'a> {
    bytes: &'a [u8],
    ends: &'a [usize],
}

impl<'a> Fields<'a> {
    fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        let bytes = self.bytes;
        self.spans().map(move |span| &bytes[span])
    }

    /// Where each field lies in `bytes`.
    fn spans(&self) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
        self.ends.iter().scan(0, |start, &end| {
            let span = *start..end;
            *start = end;
            Some(span)
        })
    }
}

/// `csv_core`'s push parser, fed line by line so that lines may be skipped between records.
struct Parser {
    core: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    /// Bytes and fields of the record being read.
    out_len: usize,
    ends_len: usize,
}

impl Parser {
    fn new(delimiter: u8) -> Parser {
        Parser {
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            out: vec![0; 4096],
            ends: vec![0; 64],
            out_len: 0,
            ends_len: 0,
        }
    }

    /// Whether no record is part-way read: a line fed now begins one. (Inside a quoted
    /// field the line break before it was written out, so a record is part-way read.)
    fn at_record_start(&self) -> bool {
        self.out_len == 0 && self.ends_len == 0
    }

    /// Reads `input` (a line, or nothing for the end of the object), handing over each
    /// record it completes.
    fn feed(&mut self, mut input: &[u8], on_record: &mut dyn FnMut(Fields<'_>)) {
        // `csv_core` reads an empty input as the end of the data: it gets one only at the end.
        let at_end = input.is_empty();
        loop {
            let (result, n_in, n_out, n_ends) =
                self.core.read_record(input, &mut self.out[self.out_len..], &mut self.ends[self.ends_len..]);
            input = &input[n_in..];
            self.out_len += n_out;
            self.ends_len += n_ends;
            match result {
                csv_core::ReadRecordResult::InputEmpty | csv_core::ReadRecordResult::End => return,
                csv_core::ReadRecordResult::OutputFull => {
                    let len = self.out.len() * 2;
                    self.out.resize(len, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let len = self.ends.len() * 2;
                    self.ends.resize(len, 0);
                }
                csv_core::ReadRecordResult::Record => {
                    on_record(Fields { bytes: &self.out[..self.out_len], ends: &self.ends[..self.ends_len] });
                    self.out_len = 0;
                    self.ends_len = 0;
                }
            }
            if input.is_empty() && !at_end {
                return;
            }
        }
    }

    /// The end of the object: a record without its line break is read too.
    fn finish(&mut self, on_record: &mut dyn FnMut(Fields<'_>)) {
        self.feed(&[], on_record);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sluice_finding::{Cell, Location};

    /// The row check, written plainly: field by field.
    fn reads_as_written_plainly(line: &[u8], delimiter: u8) -> bool {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        if body.is_empty() || body.contains(&b'"') || body.contains(&b'\r') {
            return false;
        }
        !body.split(|&b| b == delimiter).any(|field| field.len() >= 13 && crate::is_hex_token(field))
    }

    #[test]
    fn the_row_check_agrees_with_a_plain_one() {
        let pieces: [&[u8]; 9] = [
            b",",
            b"\t",
            b"abcdef0123456",
            b"fb34a72017af4780",
            b" fb34a72017af4780 ",
            b"1234",
            b"x",
            b"\"",
            b"\x00",
        ];
        // Quotes are rare, or nearly every row would have one.
        for (round, mut line) in crate::random_lines(&pieces, b"\"", 9, 60).enumerate() {
            if round % 2 == 0 {
                line.push(b'\n');
            }
            for delimiter in [b',', b'\t', 0] {
                assert_eq!(
                    reads_as_written(&line, delimiter),
                    reads_as_written_plainly(&line, delimiter),
                    "{:?}",
                    String::from_utf8_lossy(&line)
                );
            }
        }
    }

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

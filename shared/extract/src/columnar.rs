//! Parquet and Avro: one record per row, located by `recordIndex` and `jsonPath`, with the
//! column or field names on the path as keyword context (Macie's rule for record formats).
//! Rows are walked the same way as JSON, so the two agree on paths.
//!
//! Both readers are third-party parsers meeting hostile input, and both panic on some damaged
//! files (parquet's `unimplemented!` for an unknown page type, apache-avro's `unwrap` on a bad
//! schema name, found by fuzzing): as for PDF, a panic is caught and ends the object with
//! MALFORMED_FILE (skipped if no row was read, partial if some were), never the batch.

use std::cell::Cell;
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};

use sluice_finding::{Reason, Status, StatusCode};

use crate::{json, read_bounded, thrift, ExtractError, Extraction, Limits, SegmentSink};

const PARQUET: &str = "application/vnd.apache.parquet";
const AVRO: &str = "application/avro";

/// Parquet's footer sits at the end: the file is read whole, within the size limit.
pub(crate) fn parquet<R: Read>(
    reader: R,
    limits: &Limits,
    sink: &mut dyn SegmentSink,
) -> Result<Extraction, ExtractError> {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let Some(bytes) = read_bounded(reader, limits.max_document_bytes)? else {
        return Ok(Extraction::skipped(PARQUET, Reason::FileExceedsSizeLimit));
    };
    let size = bytes.len() as u64;
    let rows_read = Cell::new(0u64);
    let data = bytes::Bytes::from(bytes);
    let read = catch_unwind(AssertUnwindSafe(|| {
        // Lengths the Thrift decoders would allocate before reading are checked first.
        if !thrift::footer_fits(&data) {
            return Extraction::skipped(PARQUET, Reason::MalformedFile);
        }
        let Ok(file) = SerializedFileReader::new(data.clone()) else {
            return Extraction::skipped(PARQUET, Reason::MalformedFile);
        };
        if !thrift::page_headers_fit(&data, file.metadata()) {
            return Extraction::skipped(PARQUET, Reason::MalformedFile);
        }
        let rows = match file.get_row_iter(None) {
            Ok(rows) => rows,
            Err(_) => return Extraction::skipped(PARQUET, Reason::UnableToParseFile),
        };
        for (index, row) in rows.enumerate() {
            match row {
                Ok(row) => {
                    json::walk(&json::Json::from_value(&row.to_json_value()), index as u64, sink);
                    rows_read.set(index as u64 + 1);
                }
                // A damaged page: what was read stays found.
                Err(_) => {
                    return Extraction {
                        status: Status::partial(Reason::MalformedFile),
                        mime_type: PARQUET,
                        size_classified: size,
                    }
                }
            }
        }
        Extraction { status: Status::complete(), mime_type: PARQUET, size_classified: size }
    }));
    Ok(read.unwrap_or_else(|_| panicked(PARQUET, rows_read.get(), size)))
}

/// The status of a file whose reader panicked after `rows` rows.
fn panicked(mime_type: &'static str, rows: u64, size: u64) -> Extraction {
    if rows == 0 {
        Extraction::skipped(mime_type, Reason::MalformedFile)
    } else {
        Extraction { status: Status::partial(Reason::MalformedFile), mime_type, size_classified: size }
    }
}

/// Avro object container files stream block by block. A block is decoded whole, so a block
/// (and any string, or any array's or map's declared length) larger than the document limit
/// is refused rather than allocated: apache-avro's own cap, process-wide, is set from the
/// first `Limits` seen (its default, 512 MiB, lets a 400-byte file reserve that much).
pub(crate) fn avro<R: Read>(
    reader: R,
    limits: &Limits,
    sink: &mut dyn SegmentSink,
) -> Result<Extraction, ExtractError> {
    apache_avro::util::max_allocation_bytes(usize::try_from(limits.max_document_bytes).unwrap_or(usize::MAX));
    let mut counted = CountingReader { inner: reader, count: 0 };
    let rows_read = Cell::new(0u64);
    let read = catch_unwind(AssertUnwindSafe(|| {
        let records = match apache_avro::Reader::new(&mut counted) {
            Ok(r) => r,
            Err(_) => return Extraction::skipped(AVRO, Reason::MalformedFile),
        };
        let mut status = Status::complete();
        for (index, value) in records.enumerate() {
            let json = value.ok().and_then(|v| serde_json::Value::try_from(v).ok());
            match json {
                Some(v) => {
                    json::walk(&json::Json::from_value(&v), index as u64, sink);
                    rows_read.set(index as u64 + 1);
                }
                None => {
                    status = Status::partial(Reason::MalformedFile);
                    break;
                }
            }
        }
        Extraction { status, mime_type: AVRO, size_classified: 0 }
    }));
    let size = counted.count;
    Ok(match read {
        Ok(ex) if ex.status.code == StatusCode::Skipped => ex,
        Ok(ex) => Extraction { size_classified: size, ..ex },
        Err(_) => panicked(AVRO, rows_read.get(), size),
    })
}

struct CountingReader<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

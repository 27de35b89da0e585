//! Parquet and Avro: one record per row, located by `recordIndex` and `jsonPath`, with the
//! column or field names on the path as keyword context (Macie's rule for record formats).
//! Rows are walked the same way as JSON, so the two agree on paths.

use std::io::Read;

use sluice_finding::{Reason, Status};

use crate::{json, read_bounded, ExtractError, Extraction, Limits, SegmentSink};

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
    let Ok(file) = SerializedFileReader::new(bytes::Bytes::from(bytes)) else {
        return Ok(Extraction::skipped(PARQUET, Reason::MalformedFile));
    };
    let rows = match file.get_row_iter(None) {
        Ok(rows) => rows,
        Err(_) => return Ok(Extraction::skipped(PARQUET, Reason::UnableToParseFile)),
    };
    for (index, row) in rows.enumerate() {
        match row {
            Ok(row) => json::walk(&row.to_json_value(), index as u64, sink),
            // A damaged page: what was read stays found.
            Err(_) => {
                return Ok(Extraction {
                    status: Status::partial(Reason::MalformedFile),
                    mime_type: PARQUET,
                    size_classified: size,
                })
            }
        }
    }
    Ok(Extraction { status: Status::complete(), mime_type: PARQUET, size_classified: size })
}

/// Avro object container files stream block by block.
pub(crate) fn avro<R: Read>(reader: R, sink: &mut dyn SegmentSink) -> Result<Extraction, ExtractError> {
    let mut counted = CountingReader { inner: reader, count: 0 };
    let records = match apache_avro::Reader::new(&mut counted) {
        Ok(r) => r,
        Err(_) => return Ok(Extraction::skipped(AVRO, Reason::MalformedFile)),
    };
    let mut status = Status::complete();
    for (index, value) in records.enumerate() {
        let json = value.ok().and_then(|v| serde_json::Value::try_from(v).ok());
        match json {
            Some(v) => json::walk(&v, index as u64, sink),
            None => {
                status = Status::partial(Reason::MalformedFile);
                break;
            }
        }
    }
    Ok(Extraction { status, mime_type: AVRO, size_classified: counted.count })
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

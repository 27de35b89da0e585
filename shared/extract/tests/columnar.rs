//! Parquet (snappy, zstd, gzip, uncompressed) and Avro (null, deflate, snappy, zstd) files
//! generated in code (`fixtures/`): every value is a record with its JSON path and field-name context.

use sluice_extract::{extract, Extraction, Limits, Segment};
use sluice_finding::{Location, Record, Status, StatusCode};

mod fixtures;

use fixtures::{avro_file, parquet_file};

/// Every SSN-shaped value with its context and location.
fn run(bytes: &[u8], name: &str) -> (Extraction, Vec<(String, Vec<String>, Location)>) {
    let mut seen = Vec::new();
    let mut sink = |s: &Segment<'_>| {
        if s.text.len() == 11 && s.text.as_bytes()[3] == b'-' {
            let loc = s.locate_sorted(&[(0, s.text.len())]).remove(0);
            seen.push((s.text.to_string(), s.context.iter().map(|c| c.to_string()).collect(), loc));
        }
    };
    let ex = extract(bytes, name, None, Some(bytes.len() as u64), &Limits::default(), &mut sink).unwrap();
    (ex, seen)
}

#[test]
fn parquet_rows_are_records_with_column_context_in_every_codec() {
    use parquet::basic::{Compression, GzipLevel, ZstdLevel};
    for codec in [
        Compression::UNCOMPRESSED,
        Compression::SNAPPY,
        Compression::ZSTD(ZstdLevel::default()),
        Compression::GZIP(GzipLevel::default()),
    ] {
        let (ex, seen) = run(&parquet_file(codec), "customers.parquet");
        assert_eq!(ex.status, Status::complete(), "{codec:?}");
        assert_eq!(ex.mime_type, "application/vnd.apache.parquet");
        assert_eq!(seen.len(), 2, "{codec:?}");
        assert_eq!(seen[1].1, vec!["ssn"]);
        assert_eq!(seen[1].2, Location::Record(Record { record_index: 1, json_path: "$.ssn".into() }));
    }
}

#[test]
fn avro_records_have_nested_paths_in_every_codec() {
    use apache_avro::Codec;
    for codec in
        [Codec::Null, Codec::Deflate(Default::default()), Codec::Snappy, Codec::Zstandard(Default::default())]
    {
        let (ex, seen) = run(&avro_file(codec), "customers.avro");
        assert_eq!(ex.status, Status::complete(), "{codec:?}");
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].1, vec!["identity", "ssn"]);
        assert_eq!(
            seen[0].2,
            Location::Record(Record { record_index: 0, json_path: "$.identity.ssn".into() })
        );
    }
}

#[test]
fn truncated_files_end_with_a_status() {
    let mut p = parquet_file(parquet::basic::Compression::SNAPPY);
    p.truncate(p.len() - 20);
    let (ex, _) = run(&p, "cut.parquet");
    assert_eq!(ex.status.code, StatusCode::Skipped);

    let mut a = avro_file(apache_avro::Codec::Snappy);
    let cut = a.len() - 10;
    a.truncate(cut);
    let (ex, _) = run(&a, "cut.avro");
    assert_ne!(ex.status.code, StatusCode::Complete);
}

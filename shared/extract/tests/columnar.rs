//! Parquet (snappy, zstd, gzip, uncompressed) and Avro (null, deflate, snappy, zstd) files
//! generated here: every value is a record with its JSON path and field-name context.

use std::sync::Arc;

use sluice_extract::{extract, Extraction, Limits, Segment};
use sluice_finding::{Location, Record, Status, StatusCode};

fn parquet_file(codec: parquet::basic::Compression) -> Vec<u8> {
    use parquet::data_type::{ByteArray, ByteArrayType};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    let schema = Arc::new(
        parquet::schema::parser::parse_message_type(
            "message customer { REQUIRED BYTE_ARRAY name (UTF8); REQUIRED BYTE_ARRAY ssn (UTF8); }",
        )
        .unwrap(),
    );
    let props = Arc::new(WriterProperties::builder().set_compression(codec).build());
    let mut out = Vec::new();
    let mut writer = SerializedFileWriter::new(&mut out, schema, props).unwrap();
    let mut group = writer.next_row_group().unwrap();
    let columns: [Vec<&str>; 2] = [vec!["Jane", "Bob"], vec!["536-22-8726", "219-47-1186"]];
    for values in columns {
        let mut col = group.next_column().unwrap().unwrap();
        let data: Vec<ByteArray> = values.iter().map(|v| ByteArray::from(*v)).collect();
        col.typed::<ByteArrayType>().write_batch(&data, None, None).unwrap();
        col.close().unwrap();
    }
    group.close().unwrap();
    writer.close().unwrap();
    out
}

fn avro_file(codec: apache_avro::Codec) -> Vec<u8> {
    let schema = apache_avro::Schema::parse_str(
        r#"{"type": "record", "name": "customer", "fields": [
            {"name": "name", "type": "string"},
            {"name": "identity", "type": {"type": "record", "name": "identity", "fields": [{"name": "ssn", "type": "string"}]}}
        ]}"#,
    )
    .unwrap();
    let mut writer = apache_avro::Writer::with_codec(&schema, Vec::new(), codec);
    for (name, ssn) in [("Jane", "536-22-8726"), ("Bob", "219-47-1186")] {
        let mut identity = apache_avro::types::Record::new(schema_field(&schema)).unwrap();
        identity.put("ssn", ssn);
        let mut record = apache_avro::types::Record::new(&schema).unwrap();
        record.put("name", name);
        record.put("identity", identity);
        writer.append(record).unwrap();
    }
    writer.into_inner().unwrap()
}

fn schema_field(schema: &apache_avro::Schema) -> &apache_avro::Schema {
    match schema {
        apache_avro::Schema::Record(r) => &r.fields[1].schema,
        _ => unreachable!(),
    }
}

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

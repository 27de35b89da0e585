//! Archives: members read as objects of their own, nesting, and every bomb ends with a
//! status, never an unbounded read. All fixtures are generated in code
//! (`fixtures/`).

use sluice_extract::{extract, Extraction, Limits, Segment};
use sluice_finding::{Reason, Status, StatusCode};

mod fixtures;

use fixtures::{gzip, tar, zip};

/// Extracts and returns the status and every segment's text.
fn run(bytes: &[u8], name: &str, limits: &Limits) -> (Extraction, Vec<String>) {
    let mut texts = Vec::new();
    let mut sink = |s: &Segment<'_>| texts.push(s.text[s.report.clone()].to_string());
    let ex = extract(bytes, name, None, Some(bytes.len() as u64), limits, &mut sink).unwrap();
    (ex, texts)
}

const SECRET: &[u8] = b"employee ssn: 536-22-8726\n";

fn found(texts: &[String]) -> usize {
    texts.iter().map(|t| t.matches("536-22-8726").count()).sum()
}

#[test]
fn gzip_under_a_csv_name_is_read_as_gzip() {
    let (ex, texts) = run(&gzip(b"name,ssn\nJane,536-22-8726\n"), "export.csv", &Limits::default());
    assert_eq!(ex.mime_type, "application/gzip");
    assert_eq!(ex.status, Status::complete());
    assert_eq!(found(&texts), 1);
}

#[test]
fn tar_gz_and_zip_members_are_extracted() {
    let t = tar(&[("a/notes.txt", SECRET), ("b/data.json", br#"{"ssn": "536-22-8726"}"#)]);
    let (ex, texts) = run(&gzip(&t), "backup.tar.gz", &Limits::default());
    assert_eq!(ex.status, Status::complete());
    assert_eq!(found(&texts), 2);

    let z = zip(&[("x.txt", SECRET), ("y.log", SECRET)]);
    let (ex, texts) = run(&z, "bundle.zip", &Limits::default());
    assert_eq!(ex.mime_type, "application/zip");
    assert_eq!(ex.status, Status::complete());
    assert_eq!(found(&texts), 2);
}

#[test]
fn unsupported_members_make_the_archive_partial() {
    let z = zip(&[("x.txt", SECRET), ("photo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")]);
    let (ex, texts) = run(&z, "bundle.zip", &Limits::default());
    assert_eq!(ex.status, Status::partial(Reason::ArchiveContainsUnprocessedFiles));
    assert_eq!(found(&texts), 1, "the readable member still counts");
}

#[test]
fn nesting_past_the_limit_is_reported_and_shallower_members_are_kept() {
    // 42.zip-style: zips inside zips, 12 deep, with a secret at every level.
    let mut inner = zip(&[("leaf.txt", SECRET)]);
    for level in 0..12 {
        inner = zip(&[(&format!("level{level}.zip"), &inner), ("here.txt", SECRET)]);
    }
    let (ex, texts) = run(&inner, "nested.zip", &Limits::default());
    assert_eq!(ex.status, Status::partial(Reason::ArchiveNestingLevelOverLimit));
    assert!(found(&texts) >= 9, "levels within the limit are read: {}", found(&texts));
}

#[test]
fn gzip_bomb_stops_at_the_ratio_limit() {
    let text = vec![b'a'; 96 << 20]; // 96 MiB of one letter: about 100 KB compressed
    let bomb = gzip(&text);
    assert!(bomb.len() < 200_000);
    let limits = Limits { ratio_check_after: 8 << 20, ..Limits::default() };
    let (ex, _) = run(&bomb, "bomb.txt.gz", &limits);
    assert_eq!(ex.status, Status::partial(Reason::ArchiveTotalBytesExtractedOverLimit));
    assert!(ex.size_classified < 32 << 20, "stopped early: {}", ex.size_classified);
}

#[test]
fn total_extracted_bytes_and_member_count_are_bounded() {
    let many: Vec<(String, Vec<u8>)> = (0..50).map(|i| (format!("m{i}.txt"), SECRET.to_vec())).collect();
    let refs: Vec<(&str, &[u8])> = many.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
    let z = zip(&refs);
    let (ex, texts) = run(&z, "many.zip", &Limits { max_archive_members: 10, ..Limits::default() });
    assert_eq!(ex.status, Status::partial(Reason::ArchiveTotalDocumentsProcessedOverLimit));
    assert_eq!(found(&texts), 10);

    let big = tar(&[("big.txt", &vec![b'a'; 1 << 20]), ("after.txt", SECRET)]);
    let (ex, _) = run(&big, "big.tar", &Limits { max_extracted_bytes: 64 << 10, ..Limits::default() });
    assert_eq!(ex.status, Status::partial(Reason::ArchiveTotalBytesExtractedOverLimit));
}

#[test]
fn zip_bomb_declared_ratio_is_refused_before_reading() {
    let z = zip(&[("zeros.txt", &vec![0u8; 80 << 20])]);
    let (ex, _) = run(&z, "bomb.zip", &Limits { ratio_check_after: 1 << 20, ..Limits::default() });
    assert_eq!(ex.status.code, StatusCode::Partial);
    assert_eq!(ex.status.reason, Some(Reason::ArchiveTotalBytesExtractedOverLimit));
    assert_eq!(ex.size_classified, 0);
}

#[test]
fn corrupt_archives_end_with_a_status() {
    let mut gz = gzip(&SECRET.repeat(1000));
    gz.truncate(gz.len() / 2);
    let (ex, _) = run(&gz, "cut.log.gz", &Limits::default());
    assert_eq!(ex.status.reason, Some(Reason::MalformedFile));

    let mut z = zip(&[("x.txt", SECRET)]);
    z.truncate(z.len() - 30);
    let (ex, _) = run(&z, "cut.zip", &Limits::default());
    assert_eq!(ex.status.code, StatusCode::Skipped);

    let garbage = [b"PK\x03\x04".as_slice(), &[0xAB; 500]].concat();
    let (ex, _) = run(&garbage, "junk.zip", &Limits::default());
    assert_eq!(ex.status, Status::skipped(Reason::MalformedFile));
}

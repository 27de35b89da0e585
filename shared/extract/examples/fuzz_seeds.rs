//! Writes the seed inputs of the fuzz targets (`fuzz/seeds/<target>/`), from the same fixture
//! generators as the integration tests, plus the event samples under `events/`.
//!
//! `cargo run -p sluice-extract --example fuzz_seeds -- fuzz/seeds` (from the repository root).
//! Each target's directory is written anew; the output is the same on every run but for the
//! order of the two metadata entries in a compressed Avro file's header (apache-avro writes
//! them from a hash map). Targets that cover several formats read their first byte as a
//! selector (see `fuzz/fuzz_targets/`): such seeds start with the selector byte.

#[path = "../tests/fixtures/mod.rs"]
mod fixtures;

use std::path::{Path, PathBuf};

use fixtures::{avro_file, docx, docx_table, gzip, parquet_file, pdf, pdf_with, pptx, tar, xlsx, zip};

/// libFuzzer is run with -max_len=65536: a seed must fit.
const MAX_SEED: usize = 64 << 10;

const SECRET: &[u8] = b"employee ssn: 536-22-8726\n";

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "fuzz/seeds".into()));
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut total = 0;
    for (target, seeds) in seeds(&repo) {
        let dir = out.join(target);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).unwrap();
        }
        std::fs::create_dir_all(&dir).unwrap();
        for (name, bytes) in seeds {
            assert!(bytes.len() < MAX_SEED, "{target}/{name} is {} bytes", bytes.len());
            std::fs::write(dir.join(name), &bytes).unwrap();
            total += 1;
        }
    }
    println!("{total} seeds written under {}", out.display());
}

/// A seed file: its name and its bytes.
type Seed = (String, Vec<u8>);
/// A target and its seeds.
type TargetSeeds = (&'static str, Vec<Seed>);

/// A selector byte, then the object.
fn with(selector: u8, bytes: &[u8]) -> Vec<u8> {
    [&[selector][..], bytes].concat()
}

fn utf16le(s: &str) -> Vec<u8> {
    b"\xff\xfe".iter().copied().chain(s.encode_utf16().flat_map(u16::to_le_bytes)).collect()
}

fn named(seeds: Vec<(&str, Vec<u8>)>) -> Vec<Seed> {
    seeds.into_iter().map(|(n, b)| (n.to_string(), b)).collect()
}

/// Every target's seeds: (target, [(file name, bytes)]).
fn seeds(repo: &Path) -> Vec<TargetSeeds> {
    let record = "Employee record\nname: Jane Doe\nssn: 536-22-8726\ncard 4111 1111 1111 1111\n";
    // Past one 32 KiB chunk (the fuzz targets' chunk size), multi-byte characters at the cut.
    let long: String = (0..1200).map(|i| format!("l{i} é ☃ 😀 ssn 536-22-{i:04}\n")).collect();
    let one_line: String = "x€".repeat(12_000) + " SECRET-VALUE";
    let email_b64 = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: records\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: base64\r\n\r\nU1NOOiA1MzYtMjItODcyNg==\r\n--XX\r\nContent-Type: text/csv; name=\"people.csv\"\r\n\
Content-Disposition: attachment; filename=\"people.csv\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\
bmFtZSxzc24KSmFuZSw1MzYtMjItODcyNgo=\r\n--XX--\r\n"
        .to_vec();
    let email_png = b"From: a@example.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n\
--XX\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XX\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"x.png\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\r\n--XX--\r\n"
        .to_vec();
    let email_qp = "From: =?utf-8?q?J=C3=A9r=C3=B4me?= <j@example.com>\r\nSubject: =?utf-8?b?U1NO?=\r\n\
Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
num=E9ro de s=E9cu: 1 85 05 78 006 084 36=\r\nssn 536-22-8726\r\n"
        .as_bytes()
        .to_vec();
    let attached_zip = zip(&[("people.csv", b"name,ssn\nJane,536-22-8726\n")]);
    let email_zip = [
        &b"From: a@example.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\n\
Content-Type: application/zip; name=\"people.zip\"\r\nContent-Disposition: attachment; filename=\"people.zip\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\n"[..],
        base64(&attached_zip).as_bytes(),
        b"\r\n--B--\r\n",
    ]
    .concat();
    let mut laughs = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    for i in 1..=9 {
        let prev = if i == 1 { "&lol;".repeat(10) } else { format!("&lol{};", i - 1).repeat(10) };
        laughs.push_str(&format!(" <!ENTITY lol{i} \"{prev}\">\n"));
    }
    laughs.push_str("]>\n<lolz>&lol9;</lolz>\n");
    let nested_zip = zip(&[
        ("inner.zip", &zip(&[("leaf.txt", SECRET)])),
        ("data.json", br#"{"ssn": "536-22-8726"}"#),
        ("notes.txt", SECRET),
    ]);
    let backup = tar(&[("a/notes.txt", SECRET), ("b/data.json", br#"{"ssn": "536-22-8726"}"#)]);
    let events: Vec<Seed> = {
        let mut files: Vec<PathBuf> = std::fs::read_dir(repo.join("events"))
            .expect("the event samples")
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
            .collect()
    };
    type Named<'a> = (&'a str, Vec<u8>);
    let all: Vec<(&'static str, Vec<Named>)> = vec![
        (
            "text",
            vec![
                ("record.txt", record.as_bytes().to_vec()),
                ("utf16le.txt", utf16le(record)),
                ("latin1.txt", b"num\xe9ro de s\xe9cu: 1 85 05 78 006 084 36\r\nnom: Andr\xe9\r\n".to_vec()),
                ("long.txt", long.as_bytes().to_vec()),
                ("one-line.txt", one_line.as_bytes().to_vec()),
            ],
        ),
        (
            "csv",
            vec![
                ("quoted.csv", with(0, b"name,ssn\r\n\"Doe, Jane\",536-22-8726\r\nBob,\"multi\nline\"\r\n")),
                ("semicolons.csv", with(0, b"name;ssn;note\nJane;536-22-8726;\"a \"\"quoted\"\" note\"\n")),
                ("ragged.tsv", with(1, b"name\tssn\nJane\t536-22-8726\textra\n\tonly second\n")),
                ("utf16.csv", with(0, &utf16le("name,ssn\nJos\u{e9},536-22-8726\n"))),
            ],
        ),
        (
            "json",
            vec![
                (
                    "customer.json",
                    br#"{"customer": {"ssn": "536-22-8726", "cards": [{"pan": 4111}], "odd key": "x"}}"#.to_vec(),
                ),
                (
                    "escapes.json",
                    br#"{"a":"\u00e9\ud83d\ude00\n","b":1e400,"c":-0.0,"d":[true,false,null],"e'":{"":12345678901234567890}}"#
                        .to_vec(),
                ),
                ("deep.json", format!("{}\"v\"{}", "[".repeat(256), "]".repeat(256)).into_bytes()),
                ("malformed.json", b"{\"ssn\": \"536-22-8726\", oops\nsecond line".to_vec()),
            ],
        ),
        (
            "jsonl",
            vec![
                ("mixed.jsonl", b"{\"a\": \"x\"}\n\nnot json ssn 1\n{\"b\": [\"y\"]}\n".to_vec()),
                (
                    "too-deep.jsonl",
                    format!("{{\"ssn\": \"536-22-8726\"}}\n{}{}\n{{\"b\": 1}}\r\n", "[".repeat(300), "]".repeat(300))
                        .into_bytes(),
                ),
            ],
        ),
        (
            "markup",
            vec![
                ("lolz.xml", with(0, laughs.as_bytes())),
                (
                    "page.html",
                    with(
                        1,
                        b"<!doctype html><html><head><title>HR</title></head><body><p>SSN: <b>536-22-8726</b></p>\
<script>var k = 'AKIAIOSFODNN7EXAMPLE';</script><!-- note --></body></html>\n",
                    ),
                ),
            ],
        ),
        (
            "email",
            vec![
                ("base64-csv.eml", email_b64),
                ("png.eml", email_png),
                ("quoted-printable.eml", email_qp),
                ("zip.eml", email_zip),
            ],
        ),
        (
            "office",
            vec![
                ("record.docx", with(0, &docx(&["Employee record", "SSN: 536-22-8726"], "Confidential"))),
                ("table.docx", with(0, &docx_table(&[&["name", "ssn"], &["Jane", "536-22-8726"]]))),
                ("deck.pptx", with(1, &pptx(&["first slide", "second 536-22-8726"], &["note 536-22-8726"]))),
                (
                    "book.xlsx",
                    with(
                        2,
                        &xlsx(&[
                            ("Summary", vec![vec!["note"], vec!["nothing here"]]),
                            ("People", vec![vec!["name", "ssn"], vec!["Jane", "536-22-8726"]]),
                        ]),
                    ),
                ),
            ],
        ),
        (
            "pdf",
            vec![
                ("two-pages.pdf", pdf(&["Quarterly report", "Employee SSN 536-22-8726"])),
                ("uncompressed.pdf", pdf_with(&["Employee SSN 536-22-8726"], false)),
                (
                    "dangling.pdf",
                    b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"
                        .to_vec(),
                ),
            ],
        ),
        (
            "parquet",
            {
                use parquet::basic::{Compression, GzipLevel, ZstdLevel};
                vec![
                    ("uncompressed.parquet", parquet_file(Compression::UNCOMPRESSED)),
                    ("snappy.parquet", parquet_file(Compression::SNAPPY)),
                    ("zstd.parquet", parquet_file(Compression::ZSTD(ZstdLevel::default()))),
                    ("gzip.parquet", parquet_file(Compression::GZIP(GzipLevel::default()))),
                ]
            },
        ),
        (
            "avro",
            {
                use apache_avro::Codec;
                vec![
                    ("null.avro", avro_file(Codec::Null)),
                    ("deflate.avro", avro_file(Codec::Deflate(Default::default()))),
                    ("snappy.avro", avro_file(Codec::Snappy)),
                    ("zstd.avro", avro_file(Codec::Zstandard(Default::default()))),
                ]
            },
        ),
        (
            "archive",
            vec![
                ("notes.txt.gz", with(0, &gzip(SECRET))),
                ("backup.tar", with(1, &backup)),
                ("nested.zip", with(2, &nested_zip)),
                ("backup.tar.gz", with(3, &gzip(&backup))),
            ],
        ),
    ];
    let mut out: Vec<TargetSeeds> = all.into_iter().map(|(t, s)| (t, named(s))).collect();
    out.push(("events", events));
    out
}

/// Standard base64 with padding, in 76-character lines, as mail has it.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (i, chunk) in bytes.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push_str("\r\n");
        }
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * k)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

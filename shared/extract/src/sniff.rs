//! Which reader an object needs: magic bytes first, then the Content-Type, then the name
//! (a gzip stream under a `.csv` name is gzip).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    /// A SQL dump: `INSERT` values and `COPY` rows are read with their column names.
    Sql,
    Html,
    Xml,
    Email,
    /// CSV, TSV and friends, with the delimiter byte.
    Delimited(u8),
    Json,
    JsonLines,
    Gzip,
    Tar,
    Zip,
    Office(crate::office::Office),
    Parquet,
    Avro,
    Pdf,
    /// Not read: images, audio, video and other binaries; the MIME type to report.
    Unsupported(&'static str),
}

impl Format {
    pub fn mime_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain",
            Format::Sql => "application/sql",
            Format::Html => "text/html",
            Format::Xml => "application/xml",
            Format::Email => "message/rfc822",
            Format::Delimited(b'\t') => "text/tab-separated-values",
            Format::Delimited(_) => "text/csv",
            Format::Json => "application/json",
            Format::JsonLines => "application/jsonl",
            Format::Gzip => "application/gzip",
            Format::Tar => "application/x-tar",
            Format::Zip => "application/zip",
            Format::Office(kind) => kind.mime_type(),
            Format::Parquet => "application/vnd.apache.parquet",
            Format::Avro => "application/avro",
            Format::Pdf => "application/pdf",
            Format::Unsupported(m) => m,
        }
    }
}

const MAGIC: &[(&[u8], &str)] = &[
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"RIFF", "application/octet-stream"),
    (b"\x7fELF", "application/x-executable"),
    (b"MZ", "application/x-msdownload"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"BZh", "application/x-bzip2"),
    (b"\xfd7zXZ\x00", "application/x-xz"),
    (b"\x28\xb5\x2f\xfd", "application/zstd"),
];

/// Decides the format from the first bytes of the object, its Content-Type and its name.
pub fn sniff(head: &[u8], content_type: Option<&str>, name: &str) -> Format {
    let has_bom =
        head.starts_with(b"\xef\xbb\xbf") || head.starts_with(b"\xff\xfe") || head.starts_with(b"\xfe\xff");
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if !has_bom {
        if head.starts_with(b"\x1f\x8b") {
            return Format::Gzip;
        }
        if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
            // Office documents are zip packages: the name tells which.
            use crate::office::Office;
            return match ext {
                "docx" | "docm" => Format::Office(Office::Word),
                "pptx" | "pptm" => Format::Office(Office::PowerPoint),
                "xlsx" | "xlsm" => Format::Office(Office::Excel),
                _ => Format::Zip,
            };
        }
        if head.len() > 262 && &head[257..262] == b"ustar" {
            return Format::Tar;
        }
        if head.starts_with(b"PAR1") {
            return Format::Parquet;
        }
        if head.starts_with(b"Obj\x01") {
            return Format::Avro;
        }
        if head.starts_with(b"%PDF-") {
            return Format::Pdf;
        }
        for (magic, mime) in MAGIC {
            if head.starts_with(magic) {
                // "BM" and "MZ" are two letters a text file may well start with.
                if (*magic == b"BM" || *magic == b"MZ") && looks_like_text(head) {
                    break;
                }
                return Format::Unsupported(mime);
            }
        }
        if !looks_like_text(head) {
            return Format::Unsupported("application/octet-stream");
        }
    }
    let ct = content_type.unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let by_type = match ct.as_str() {
        "text/csv" => Some(Format::Delimited(b',')),
        "text/tab-separated-values" => Some(Format::Delimited(b'\t')),
        "application/json" => Some(Format::Json),
        "application/x-ndjson" | "application/jsonl" | "application/x-jsonlines" => Some(Format::JsonLines),
        "text/html" => Some(Format::Html),
        "application/xml" | "text/xml" => Some(Format::Xml),
        "message/rfc822" => Some(Format::Email),
        "application/sql" => Some(Format::Sql),
        _ => None,
    };
    if let Some(f) = by_type {
        return f;
    }
    match ext {
        "csv" => Format::Delimited(sniff_delimiter(head)),
        "tsv" | "tab" => Format::Delimited(b'\t'),
        "json" | "ipynb" | "tfstate" => Format::Json,
        "jsonl" | "ndjson" => Format::JsonLines,
        "html" | "htm" => Format::Html,
        "xml" => Format::Xml,
        "eml" => Format::Email,
        "sql" => Format::Sql,
        _ => Format::Text,
    }
}

/// The delimiter of a CSV file: the candidate most frequent on its first line.
fn sniff_delimiter(head: &[u8]) -> u8 {
    let first = head.split(|&b| b == b'\n').next().unwrap_or(head);
    [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|d| first.iter().filter(|b| *b == d).count())
        .filter(|d| first.contains(d))
        .unwrap_or(b',')
}

/// Text, possibly with a few NULs or invalid bytes, as opposed to a binary: at least 85% of
/// the first bytes are printable ASCII, whitespace, NUL-separated text or UTF-8.
fn looks_like_text(head: &[u8]) -> bool {
    if head.is_empty() {
        return true;
    }
    let sample = &head[..head.len().min(8192)];
    let printable = sample
        .iter()
        .filter(|&&b| b == b'\n' || b == b'\r' || b == b'\t' || b == 0 || b == 0x0c || b >= 0x20)
        .count();
    let control = sample.len() - printable;
    let nul = sample.iter().filter(|&&b| b == 0).count();
    control * 100 <= sample.len() * 5 && nul * 100 <= sample.len() * 30
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_beats_extension_and_type() {
        assert_eq!(sniff(b"\x1f\x8b\x08\x00rest", Some("text/csv"), "x.csv"), Format::Gzip);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nxx", None, "a.txt"), Format::Unsupported("image/png"));
    }

    #[test]
    fn content_type_then_extension() {
        assert_eq!(sniff(b"a,b\n1,2\n", Some("application/json"), "x.csv"), Format::Json);
        assert_eq!(sniff(b"a;b\n1;2\n", None, "x.csv"), Format::Delimited(b';'));
        assert_eq!(sniff(b"a\tb\n", None, "x.tsv"), Format::Delimited(b'\t'));
        assert_eq!(sniff(b"{}\n{}\n", None, "x.jsonl"), Format::JsonLines);
        assert_eq!(sniff(b"hello", None, "README"), Format::Text);
        assert_eq!(sniff(b"MZ is a text", None, "notes.txt"), Format::Text);
    }

    #[test]
    fn binaries_are_unsupported_but_nul_separated_text_is_text() {
        let bin: Vec<u8> = (0u8..=255).cycle().take(4096).collect();
        assert!(matches!(sniff(&bin, None, "blob.dat"), Format::Unsupported(_)));
        assert_eq!(sniff(b"name\0ssn 536-22-8726\0more text here\0", None, "x.txt"), Format::Text);
        assert_eq!(sniff(b"\xff\xfeh\0i\0", None, "x.txt"), Format::Text);
    }
}

//! Bytes in, text segments with Macie-shaped locations out.
//!
//! The extractor never sees the classifier: it hands each [`Segment`] to a [`SegmentSink`]
//! (the pipeline, which runs the engine on it) and reports a [`Extraction`] status. A
//! segment knows how to turn a byte span of its text into a [`Location`].

mod archive;
mod bytemask;
mod columnar;
mod decode;
mod email;
mod embedded;
mod json;
mod line_block;
mod markup;
mod office;
mod pdf;
mod segment;
mod sniff;
mod sql;
mod table;
mod text;
mod thrift;

use std::io::Read;

pub use office::Office;
pub use segment::{Segment, SegmentOrigin};
use sluice_finding::{Reason, Status};
pub use sniff::{sniff, Format};

/// Receives every segment an extractor produces, in document order.
pub trait SegmentSink {
    fn segment(&mut self, segment: &Segment<'_>);
    /// The segments that follow, until the matching [`SegmentSink::leave_member`], come from
    /// this member of an archive (or attachment of an e-mail), named by its path inside it.
    /// Members nest as archives do.
    fn enter_member(&mut self, _path: &str) {}
    fn leave_member(&mut self) {}
    /// One structured record (a JSON object of scalar fields) written out as `key: value`
    /// pairs, after its fields went to [`SegmentSink::segment`] one by one: for identifiers
    /// made of two fields (an access key ID beside its secret). Ignored by default.
    fn record(&mut self, _fields: &Segment<'_>) {}
    /// Whether [`SegmentSink::record`] does anything (writing records out costs a copy of
    /// every object's fields).
    fn wants_records(&self) -> bool {
        false
    }
    /// Marks which lines of a line-structured object could yield anything, before they are
    /// parsed: `lines` holds a block of raw lines, each ended by a line break, line `i`
    /// starting at `starts[i]`. A line left unmarked is not parsed, so its values never reach
    /// [`SegmentSink::segment`]; the extractor asks only where a line holds its values and
    /// keys verbatim (see `json::reads_as_written`). By default every line is read.
    fn screen_lines(&mut self, _lines: &str, starts: &[usize], hot: &mut Vec<bool>) {
        hot.clear();
        hot.resize(starts.len(), true);
    }
    /// Whether values under this context (a column's header) are read as if they had none,
    /// so that rows of them may be screened as written. By default none is.
    fn plain_context(&mut self, _context: &[&str]) -> bool {
        false
    }
}

impl<F: FnMut(&Segment<'_>)> SegmentSink for F {
    fn segment(&mut self, segment: &Segment<'_>) {
        self(segment)
    }
}

/// A value of 13 to 19 hex digits with a letter (around it, white space): the tokens the
/// pipeline counts to tell a column of hex tokens. A line holding one is always parsed.
pub(crate) fn is_hex_token(value: &[u8]) -> bool {
    // Longer than a token, and no end a trim could take off: no token (most such values
    // are UUIDs and longer hashes, and this spares their UTF-8 check).
    let untrimmable = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphanumeric);
    if value.len() > 19 && untrimmable(value.first()) && untrimmable(value.last()) {
        return false;
    }
    let token = std::str::from_utf8(value).map_or("", str::trim).as_bytes();
    (13..=19).contains(&token.len())
        && token.iter().all(u8::is_ascii_hexdigit)
        && token.iter().any(u8::is_ascii_alphabetic)
}

/// Limits against hostile or oversized objects. Streamed formats have no size limit: their
/// memory is bounded by the chunk size whatever the object's size.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Formats parsed whole (a JSON document) are skipped above this size.
    pub max_document_bytes: u64,
    /// Macie's JSON nesting limit.
    pub max_json_depth: usize,
    /// Bytes of decoded text handed to the engine at once. Each cut costs the overlap read
    /// again on both sides and a fresh start of every pass: 4 MB chunks scanned application
    /// logs ~10% faster than 1 MB ones (and 256 KB ones ~15% slower), for ~5 MB more memory.
    pub chunk_bytes: usize,
    /// Archives inside archives, as Macie counts them.
    pub max_archive_depth: usize,
    /// Members extracted from one object, all levels together.
    pub max_archive_members: u64,
    /// Bytes decompressed from one object, all levels together.
    pub max_extracted_bytes: u64,
    /// Decompressed/compressed ratio past which a stream is a bomb ...
    pub max_compression_ratio: u64,
    /// ... once it has produced this much (small files compress very well too).
    pub ratio_check_after: u64,
    /// Time one object may take; past it, what was found so far is reported with
    /// `TIME_CUT_OFF_REACHED`. `None`: no limit (the command line's default).
    pub time_limit: Option<std::time::Duration>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_document_bytes: 256 << 20,
            max_json_depth: 256,
            chunk_bytes: 4 << 20,
            max_archive_depth: 10,
            max_archive_members: 100_000,
            max_extracted_bytes: 10 << 30,
            max_compression_ratio: 1000,
            ratio_check_after: 64 << 20,
            time_limit: None,
        }
    }
}

/// What an extraction did: the object's status, its MIME type and the bytes classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extraction {
    pub status: Status,
    pub mime_type: &'static str,
    pub size_classified: u64,
}

impl Extraction {
    fn skipped(mime_type: &'static str, reason: Reason) -> Extraction {
        Extraction { status: Status::skipped(reason), mime_type, size_classified: 0 }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("reading the object: {0}")]
    Io(#[from] std::io::Error),
}

/// Extracts an object: sniffs its format from its first bytes, content type and name, then
/// streams or parses it, calling `sink` for every segment. Archive members are extracted in
/// turn and reported under the archive.
pub fn extract<R: Read>(
    mut reader: R,
    name: &str,
    content_type: Option<&str>,
    size: Option<u64>,
    limits: &Limits,
    sink: &mut dyn SegmentSink,
) -> Result<Extraction, ExtractError> {
    let budget = archive::Budget::default();
    extract_nested(&mut reader, name, content_type, size, limits, &budget, 0, sink)
}

/// One object or archive member. Not generic over the reader, so that archives in archives
/// do not nest types without end.
#[allow(clippy::too_many_arguments)]
pub(crate) fn extract_nested(
    mut reader: &mut dyn Read,
    name: &str,
    content_type: Option<&str>,
    size: Option<u64>,
    limits: &Limits,
    budget: &archive::Budget,
    depth: usize,
    sink: &mut dyn SegmentSink,
) -> Result<Extraction, ExtractError> {
    let mut head = vec![0u8; 8192];
    let n = read_full(&mut reader, &mut head)?;
    head.truncate(n);
    let format = sniff(&head, content_type, name);
    let rest = std::io::Cursor::new(head).chain(reader);
    match format {
        Format::Text => text::extract(rest, format.mime_type(), limits, sink),
        Format::Html | Format::Xml => markup::extract(rest, format.mime_type(), limits, sink),
        Format::Sql => sql::extract(rest, limits, sink),
        Format::Email => email::extract(rest, limits, budget, depth, sink),
        Format::Delimited(delimiter) => table::extract(rest, delimiter, format.mime_type(), limits, sink),
        Format::Json => {
            if size.is_some_and(|s| s > limits.max_document_bytes) {
                return Ok(Extraction::skipped(format.mime_type(), Reason::FileExceedsSizeLimit));
            }
            json::extract_document(rest, limits, sink)
        }
        Format::JsonLines => json::extract_lines(rest, limits, sink),
        Format::Gzip => archive::gzip(rest, name, limits, budget, depth, sink),
        Format::Tar => archive::tar(rest, limits, budget, depth, sink),
        Format::Zip => archive::zip(rest, limits, budget, depth, sink),
        Format::Office(kind) => office::extract(rest, kind, limits, sink),
        Format::Parquet => columnar::parquet(rest, limits, sink),
        Format::Avro => columnar::avro(rest, limits, sink),
        Format::Pdf => pdf::extract(rest, limits, sink),
        Format::Unsupported(mime) => Ok(Extraction::skipped(mime, Reason::UnsupportedFileTypeException)),
    }
}

/// Reads a whole object that a format needs at once (zip's directory sits at the end), or
/// `None` when it is larger than `limit`: the caller skips it with FILE_EXCEEDS_SIZE_LIMIT.
pub(crate) fn read_bounded<R: Read>(reader: R, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

fn read_full<R: Read>(r: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Random lines for the tests that hold a fast line check to a plain one.
#[cfg(test)]
pub(crate) fn random_lines(
    pieces: &[&'static [u8]],
    rare: &[u8],
    rare_one_in: u64,
    max_pieces: u64,
) -> impl Iterator<Item = Vec<u8>> {
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let pieces = pieces.to_vec();
    let rare = rare.to_vec();
    (0..20_000).map(move |_| {
        let mut line = Vec::new();
        for _ in 0..next() % max_pieces {
            let r = next();
            let piece = pieces[(r % pieces.len() as u64) as usize];
            if piece == rare.as_slice() && !r.is_multiple_of(rare_one_in) {
                continue; // rare, or nearly every line would have one
            }
            line.extend_from_slice(piece);
        }
        line
    })
}

#[cfg(test)]
mod tests {
    use super::is_hex_token;

    #[test]
    fn hex_tokens_are_13_to_19_hex_digits_with_a_letter_once_trimmed() {
        for token in [
            "fb34a72017af4780",
            "  fb34a72017af4780     ",
            "fb34a72017af4780      ",
            "\u{3000}fb34a72017af4780",
            "abcdef0123456",
        ] {
            assert!(is_hex_token(token.as_bytes()), "{token:?}");
        }
        let not_tokens = [
            "fb34a72017af4780fb34a7",               // too long
            "4442378565927686",                     // no letter
            "fb34a72017af",                         // too short
            "c10b7fe2-0476-4f11-9091-1011144d0529", // a UUID
            "fb34a72017af478g",                     // not hex
            "  fb34a72017af4780fb34a7  ",           // too long once trimmed
        ];
        for value in not_tokens {
            assert!(!is_hex_token(value.as_bytes()), "{value:?}");
        }
    }
}

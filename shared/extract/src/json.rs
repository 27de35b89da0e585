//! JSON documents and JSON Lines: one segment per string or number, located by record and
//! JSON path, with every element of the path as keyword context.

use std::borrow::Cow;
use std::io::{BufReader, Read};

use crate::bytemask::{Block, ByteTest};

use serde_json::Value;
use sluice_finding::{Reason, Status};

use crate::line_block::{LineBlock, BLOCK_LINES};
use crate::segment::{Segment, SegmentOrigin};
use crate::{ExtractError, Extraction, Limits, SegmentSink};

const MIME_JSON: &str = "application/json";
const MIME_JSONL: &str = "application/jsonl";
/// Macie truncates a JSON path longer than this from its first element.
const MAX_PATH: usize = 250;

pub fn extract_document<R: Read>(
    reader: R,
    limits: &Limits,
    sink: &mut dyn SegmentSink,
) -> Result<Extraction, ExtractError> {
    let Some(bytes) = crate::read_bounded(reader, limits.max_document_bytes)? else {
        return Ok(Extraction::skipped(MIME_JSON, Reason::FileExceedsSizeLimit));
    };
    let size = bytes.len() as u64;
    if too_deep(&bytes, limits.max_json_depth) {
        return Ok(Extraction::skipped(MIME_JSON, Reason::JsonNestingLevelOverLimit));
    }
    let text = decode_lossy(&bytes);
    match parse(&text) {
        Some(value) => {
            walk(&value, 0, sink);
            Ok(Extraction { status: Status::complete(), mime_type: MIME_JSON, size_classified: size })
        }
        // Macie reads a malformed structured file as text.
        None => {
            crate::text::stream_lines(text.as_bytes(), limits.chunk_bytes, sink)?;
            Ok(Extraction { status: Status::complete(), mime_type: MIME_JSON, size_classified: size })
        }
    }
}

pub fn extract_lines<R: Read>(
    reader: R,
    limits: &Limits,
    sink: &mut dyn SegmentSink,
) -> Result<Extraction, ExtractError> {
    let mut reader = BufReader::new(reader);
    let mut block = LineBlock::default();
    let mut index = 0u64;
    let mut size = 0u64;
    let mut status = Status::complete();
    loop {
        let filled = block.fill(&mut reader, BLOCK_LINES, limits.max_document_bytes)?;
        size += filled.read;
        block.screen(sink, true);
        for i in 0..block.len() {
            let trimmed = block.line(i).trim_ascii();
            if !trimmed.is_empty() {
                if too_deep(trimmed, limits.max_json_depth) {
                    // Too deep to parse safely: this record is skipped, the others are read.
                    status = Status::partial(Reason::JsonNestingLevelOverLimit);
                } else if block.hot(i) || !reads_as_written(trimmed) {
                    read_line(trimmed, index, sink);
                }
            }
            index += 1;
        }
        if filled.too_long {
            status = Status::partial(Reason::FileExceedsSizeLimit);
            break;
        }
        if filled.at_end {
            break;
        }
    }
    Ok(Extraction { status, mime_type: MIME_JSONL, size_classified: size })
}

/// One JSON Lines record: its values, or the line as text when it is not JSON (as Macie
/// reads a malformed structured file).
fn read_line(line: &[u8], index: u64, sink: &mut dyn SegmentSink) {
    let text = decode_lossy(line);
    match parse(&text) {
        Some(v) => walk(&v, index, sink),
        None => sink.segment(&Segment {
            text: &text,
            context: &[],
            context_id: None,
            report: 0..text.len(),
            origin: SegmentOrigin::Lines { line: index + 1, column: 0 },
        }),
    }
}

/// Whether a record's line, as written, holds everything its parse would hand over, so
/// that a screen of the line stands for a screen of its values ([`SegmentSink::screen_lines`]):
/// every key and value is there verbatim between quotes or delimiters that bound a term as a
/// line break does, and nothing but the screen depends on the values.
///
/// Not so, and the line is parsed whatever the screen says, when it holds an escape (the
/// parsed string differs from the written one: `\u0034`, `\n`), a byte-order mark, a number
/// with an exponent outside strings (`4.111111111111111e15` is written out as sixteen
/// digits), or a string of 13 to 19 hex digits with a letter (a token the sink counts to
/// judge its column, see the pipeline's `columns`). Other numbers are written out with the
/// digits they were written with, or fewer.
fn reads_as_written(line: &[u8]) -> bool {
    if line.starts_with(b"\xEF\xBB\xBF") {
        return false;
    }
    // 64 bytes a step, as bit masks: a record is mostly short keys and values, and both a
    // search call per quote and a byte-by-byte state machine cost more than the bytes.
    let mut inside_before = 0u64; // all ones when a string is open at the block's start
    let mut digit_before = 0u64; // the last byte of the block before was a digit
    let mut open = None; // where the open string's text starts
    for (k, chunk) in line.chunks(64).enumerate() {
        let block = Block::padded(chunk);
        let [quotes, digits, es, escapes] = block.masks([
            ByteTest::Is(b'"'),
            ByteTest::Within(b'0', b'9'),
            ByteTest::EitherCase(b'e'),
            ByteTest::Is(b'\\'),
        ]);
        if escapes != 0 {
            return false;
        }
        // Bit i: a string is open just after byte i (an opening quote's bit is set, a
        // closing one's clear).
        let inside = prefix_xor(quotes) ^ inside_before;
        // A digit then `e` or `E` outside strings: adjacent bytes with no quote between,
        // so both lie outside when the `e` does.
        if ((digits << 1) | digit_before) & es & !inside != 0 {
            return false;
        }
        let mut q = quotes;
        while q != 0 {
            let at = 64 * k + q.trailing_zeros() as usize;
            q &= q - 1;
            match open.take() {
                None => open = Some(at + 1),
                Some(from) => {
                    if at - from >= 13 && crate::is_hex_token(&line[from..at]) {
                        return false;
                    }
                }
            }
        }
        inside_before = if inside >> 63 == 1 { u64::MAX } else { 0 };
        digit_before = digits >> 63;
    }
    // A string never closed is no value (the line is not JSON, and is read as text).
    true
}

/// Prefix XOR: bit i is the parity of bits 0..=i.
fn prefix_xor(mut x: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        x ^= x << shift;
    }
    x
}

/// The text of a record: borrowed when it is UTF-8 already (nearly always; no copy per line).
fn decode_lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    if !bytes.starts_with(b"\xEF\xBB\xBF") {
        if let Ok(text) = std::str::from_utf8(bytes) {
            return std::borrow::Cow::Borrowed(text);
        }
    }
    let enc = crate::decode::choose_encoding(bytes);
    enc.decode_with_bom_removal(bytes).0
}

fn parse(text: &str) -> Option<Json<'_>> {
    let mut de = serde_json::Deserializer::from_str(text);
    // Depth was already bounded by `too_deep`, so serde's own recursion guard (128) may go.
    de.disable_recursion_limit();
    let v = serde::Deserialize::deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(v)
}

/// A parsed JSON value whose strings and keys borrow from the document wherever they hold
/// no escape (nearly always): reading a record allocates only its arrays and objects, where
/// `serde_json::Value` allocated every key and string. Duplicate keys are all kept (a
/// value hidden behind a later duplicate is still in the object's bytes).
pub(crate) enum Json<'a> {
    Null,
    Bool,
    Number(serde_json::Number),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    /// A Parquet row or Avro record, converted by its reader to `serde_json::Value`.
    pub(crate) fn from_value(v: &'a Value) -> Json<'a> {
        match v {
            Value::Null => Json::Null,
            Value::Bool(_) => Json::Bool,
            Value::Number(n) => Json::Number(n.clone()),
            Value::String(s) => Json::String(Cow::Borrowed(s)),
            Value::Array(items) => Json::Array(items.iter().map(Json::from_value).collect()),
            Value::Object(map) => Json::Object(
                map.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Json::from_value(v))).collect(),
            ),
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for Json<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor(std::marker::PhantomData))
    }
}

struct JsonVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> serde::de::Visitor<'de> for JsonVisitor<'a> {
    type Value = Json<'a>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json<'a>, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Json<'a>, E> {
        Ok(Json::Bool)
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json<'a>, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json<'a>, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json<'a>, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Json::Null, Json::Number))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Json<'a>, E> {
        Ok(Json::String(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json<'a>, E> {
        Ok(Json::String(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Json<'a>, E> {
        Ok(Json::String(Cow::Owned(v)))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'a>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Json<'a>, A::Error> {
        let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some(Key(k)) = map.next_key()? {
            fields.push((k, map.next_value()?));
        }
        Ok(Json::Object(fields))
    }
}

/// An object's key, borrowed from the document when it holds no escape.
struct Key<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for Key<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for KeyVisitor<'a> {
            type Value = Key<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor(std::marker::PhantomData))
    }
}

/// Whether the document nests deeper than `limit`. Nesting is at most the number of
/// openers: counting them is a vectorised search (a record holds a handful), so the
/// string-aware walk rarely runs.
fn too_deep(bytes: &[u8], limit: usize) -> bool {
    let openers = memchr::memchr2_iter(b'{', b'[', bytes).count();
    openers > limit && nesting_depth(bytes) > limit
}

/// Deepest nesting of `[`/`{` outside strings, without parsing: the guard Macie's 256-level
/// limit needs before a recursive parser is let near the document.
fn nesting_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for &b in bytes {
        if in_str {
            match (esc, b) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

pub(crate) fn walk(value: &Json<'_>, record_index: u64, sink: &mut dyn SegmentSink) {
    let mut keys: Vec<&str> = Vec::new();
    let mut path = String::from("$");
    visit(value, record_index, &mut keys, &mut path, sink);
}

fn visit<'v>(
    value: &'v Json<'_>,
    record_index: u64,
    keys: &mut Vec<&'v str>,
    path: &mut String,
    sink: &mut dyn SegmentSink,
) {
    match value {
        Json::Object(fields) => {
            let record = if sink.wants_records() { flat_record(fields) } else { None };
            for (k, v) in fields {
                let k: &'v str = k;
                let len = path.len();
                if k.chars().all(|c| c.is_alphanumeric() || c == '_') && !k.is_empty() {
                    path.push('.');
                    path.push_str(k);
                } else {
                    path.push_str("['");
                    path.push_str(&k.replace('\'', "\\'"));
                    path.push_str("']");
                }
                keys.push(k);
                visit(v, record_index, keys, path, sink);
                keys.pop();
                path.truncate(len);
            }
            if let Some(line) = record {
                let shown = truncate_path(path);
                sink.record(&Segment {
                    text: &line,
                    context: keys,
                    context_id: None,
                    report: 0..line.len(),
                    origin: SegmentOrigin::Record { record_index, json_path: &shown },
                });
            }
        }
        Json::Array(items) => {
            if let Some(lines) = line_strings(items) {
                if let Some(table) = crate::embedded::detect(&lines) {
                    for (i, line) in lines.iter().enumerate() {
                        let len = path.len();
                        let _ = std::fmt::Write::write_fmt(path, format_args!("[{i}]"));
                        if !table.covers(i) {
                            emit(line, record_index, keys, path, sink);
                        }
                        emit_rows(&table, |row| row == i, record_index, keys, path, sink);
                        path.truncate(len);
                    }
                    return;
                }
            }
            for (i, v) in items.iter().enumerate() {
                let len = path.len();
                let _ = std::fmt::Write::write_fmt(path, format_args!("[{i}]"));
                visit(v, record_index, keys, path, sink);
                path.truncate(len);
            }
        }
        Json::String(s) if !s.contains('\n') => emit(s, record_index, keys, path, sink),
        Json::String(s) => {
            let lines: Vec<&str> = s.split_inclusive('\n').collect();
            match (lines.len() > 1).then(|| crate::embedded::detect(&lines)).flatten() {
                Some(table) => {
                    for (i, line) in lines.iter().enumerate() {
                        if !table.covers(i) {
                            emit(line, record_index, keys, path, sink);
                        }
                    }
                    emit_rows(&table, |_| true, record_index, keys, path, sink);
                }
                None => emit(s, record_index, keys, path, sink),
            }
        }
        Json::Number(n) => emit(&n.to_string(), record_index, keys, path, sink),
        Json::Bool | Json::Null => {}
    }
}

/// Fields of one object written out for the identifiers that span fields: objects of two to
/// 32 scalar fields, each short (larger objects are documents, not records).
fn flat_record(fields: &[(Cow<'_, str>, Json<'_>)]) -> Option<String> {
    if fields.len() < 2 || fields.len() > 32 {
        return None;
    }
    let mut line = String::new();
    for (k, v) in fields {
        if matches!(v, Json::Bool | Json::Null) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(", ");
        }
        line.push_str(k);
        line.push_str(": ");
        match v {
            Json::String(s) if s.len() <= 256 => line.push_str(s),
            Json::Number(n) => {
                let _ = std::fmt::Write::write_fmt(&mut line, format_args!("{n}"));
            }
            _ => return None,
        }
    }
    Some(line)
}

/// The items of an array that holds a text line by line (a notebook's `source` and `text`):
/// strings only, at least two, each ending in a line break but perhaps the last.
fn line_strings<'v>(items: &'v [Json<'_>]) -> Option<Vec<&'v str>> {
    let lines: Vec<&str> = items.iter().map(Json::as_str).collect::<Option<_>>()?;
    let broken = lines.len() >= 2
        && lines[..lines.len() - 1].iter().all(|l| l.ends_with('\n') && !l.trim_end().contains('\n'));
    broken.then_some(lines)
}

/// The values of an embedded table's rows (those `which` picks), each with its column's
/// header after the JSON path's keys as keyword context, located at `path`.
fn emit_rows(
    table: &crate::embedded::EmbeddedTable,
    which: impl Fn(usize) -> bool,
    record_index: u64,
    keys: &[&str],
    path: &str,
    sink: &mut dyn SegmentSink,
) {
    let shown = truncate_path(path);
    for (_, fields) in table.rows.iter().filter(|(row, _)| which(*row)) {
        for (field, header) in fields.iter().zip(&table.header) {
            if field.is_empty() {
                continue;
            }
            let mut context = keys.to_vec();
            context.push(header);
            sink.segment(&Segment {
                text: field,
                context: &context,
                context_id: Some(crate::segment::context_id(&context)),
                report: 0..field.len(),
                origin: SegmentOrigin::Record { record_index, json_path: &shown },
            });
        }
    }
}

fn emit(text: &str, record_index: u64, keys: &[&str], path: &str, sink: &mut dyn SegmentSink) {
    if text.is_empty() {
        return;
    }
    let shown = truncate_path(path);
    // Records repeat the same keys: let the consumer work out their keywords once per path.
    let context_id = crate::segment::context_id(keys);
    sink.segment(&Segment {
        text,
        context: keys,
        context_id: Some(context_id),
        report: 0..text.len(),
        origin: SegmentOrigin::Record { record_index, json_path: &shown },
    });
}

/// Macie's rule: a path over 250 characters loses its first elements (`$..c.d`).
fn truncate_path(path: &str) -> std::borrow::Cow<'_, str> {
    if path.len() <= MAX_PATH || path.chars().count() <= MAX_PATH {
        return std::borrow::Cow::Borrowed(path);
    }
    let chars: Vec<char> = path.chars().collect();
    let tail: String = chars[chars.len() - (MAX_PATH - 3)..].iter().collect();
    let cut = tail.find(['.', '[']).unwrap_or(0);
    std::borrow::Cow::Owned(format!("$..{}", tail[cut..].trim_start_matches('.')))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line check, written plainly: string by string.
    fn reads_as_written_plainly(line: &[u8]) -> bool {
        if line.starts_with(b"\xEF\xBB\xBF") || line.contains(&b'\\') {
            return false;
        }
        let parts: Vec<&[u8]> = line.split(|&b| b == b'"').collect();
        let mut outside = true;
        let mut prev_digit = false;
        for (i, &part) in parts.iter().enumerate() {
            // A string never closed is no value (the line is not JSON, and is read as text).
            let unclosed = i + 1 == parts.len() && !outside;
            if outside {
                for &b in part {
                    if prev_digit && (b == b'e' || b == b'E') {
                        return false;
                    }
                    prev_digit = b.is_ascii_digit();
                }
            } else if !unclosed && part.len() >= 13 && crate::is_hex_token(part) {
                return false;
            }
            if !outside {
                prev_digit = false;
            }
            outside = !outside;
            if !outside {
                prev_digit = false;
            }
        }
        true
    }

    #[test]
    fn the_line_check_agrees_with_a_plain_one() {
        let pieces: [&[u8]; 18] = [
            b"\"",
            b"abcdef0123456",
            b"   fb34a72017af4780   ",
            b"\xe3\x80\x80fb34a72017af4780",
            b"fb34a72017af4780fb34a7",
            b"1",
            b"e",
            b"E",
            b"5",
            b"x",
            b" ",
            b"fb34a72017af4780",
            b"4442378565927686",
            b"\\",
            b"\xc3\xa9",
            b":",
            b"{",
            b"ab",
        ];
        // Escapes are rare, or nearly every line would have one.
        for line in crate::random_lines(&pieces, b"\\", 7, 90) {
            assert_eq!(
                reads_as_written(&line),
                reads_as_written_plainly(&line),
                "{:?}",
                String::from_utf8_lossy(&line)
            );
        }
    }
    use sluice_finding::{Location, Record};

    fn collect(
        f: impl FnOnce(&mut dyn SegmentSink) -> Extraction,
    ) -> (Extraction, Vec<(String, Vec<String>, Location)>) {
        let mut seen = Vec::new();
        let mut sink = |seg: &Segment<'_>| {
            let loc = seg.locate_sorted(&[(0, 1)]).remove(0);
            seen.push((seg.text.to_string(), seg.context.iter().map(|s| s.to_string()).collect(), loc));
        };
        let ex = f(&mut sink);
        (ex, seen)
    }

    #[test]
    fn json_paths_and_context() {
        let doc = br#"{"customer": {"ssn": "536-22-8726", "cards": [{"pan": 4111}], "odd key": "x"}}"#;
        let (ex, seen) = collect(|s| extract_document(&doc[..], &Limits::default(), s).unwrap());
        assert_eq!(ex.status, Status::complete());
        assert_eq!(seen[0].1, vec!["customer", "ssn"]);
        assert_eq!(
            seen[0].2,
            Location::Record(Record { record_index: 0, json_path: "$.customer.ssn".into() })
        );
        assert_eq!(
            seen[1].2,
            Location::Record(Record { record_index: 0, json_path: "$.customer.cards[0].pan".into() })
        );
        assert_eq!(
            seen[2].2,
            Location::Record(Record { record_index: 0, json_path: "$.customer['odd key']".into() })
        );
    }

    #[test]
    fn escaped_strings_numbers_and_duplicate_keys_are_all_read() {
        let doc = br#"{"k\u0065y": "x\"y", "big": 12345678901234567890, "f": 1.5e3, "neg": -7, "a": 1, "a": "536-22-8726"}"#;
        let (_, seen) = collect(|s| extract_document(&doc[..], &Limits::default(), s).unwrap());
        let texts: Vec<(&str, &str)> =
            seen.iter().map(|(t, ctx, _)| (t.as_str(), ctx.last().map_or("", String::as_str))).collect();
        assert_eq!(
            texts,
            [
                ("x\"y", "key"),
                ("12345678901234567890", "big"),
                ("1500.0", "f"),
                ("-7", "neg"),
                ("1", "a"),
                ("536-22-8726", "a")
            ]
        );
    }

    #[test]
    fn json_lines_index_records_and_fall_back_to_text() {
        let data = b"{\"a\": \"x\"}\n\nnot json ssn 1\n{\"b\": [\"y\"]}\n";
        let (_, seen) = collect(|s| extract_lines(&data[..], &Limits::default(), s).unwrap());
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[0].2, Location::Record(Record { record_index: 0, json_path: "$.a".into() }));
        assert!(matches!(seen[1].2, Location::Line(ref l) if l.start == 3));
        assert_eq!(seen[2].2, Location::Record(Record { record_index: 3, json_path: "$.b[0]".into() }));
    }

    #[test]
    fn a_table_printed_in_a_notebook_output_gives_each_value_its_header() {
        let doc = br#"{"cells": [{"source": ["import pandas as pd\n", "df.head()"],
            "outputs": [{"text": ["record_id,name,SSN\n", "100001,Travis Cole,214 09 8644\n", "100013,Steven Davis,624-41-1447\n"]}]}],
            "report": "name;ssn\nJane Roe;536-22-8726\n"}"#;
        let (_, seen) = collect(|s| extract_document(&doc[..], &Limits::default(), s).unwrap());
        let ssn: Vec<_> = seen.iter().filter(|(text, _, _)| text == "624-41-1447").collect();
        assert_eq!(ssn.len(), 1, "{seen:?}");
        assert_eq!(ssn[0].1, vec!["cells", "outputs", "text", "SSN"]);
        assert_eq!(
            ssn[0].2,
            Location::Record(Record { record_index: 0, json_path: "$.cells[0].outputs[0].text[2]".into() })
        );
        let jane: Vec<_> = seen.iter().filter(|(text, _, _)| text == "536-22-8726").collect();
        assert_eq!(jane.len(), 1);
        assert_eq!(jane[0].1, vec!["report", "ssn"]);
        // Code is not a table: its lines are read as they are, once each.
        assert_eq!(seen.iter().filter(|(text, _, _)| text.contains("import pandas")).count(), 1);
        assert!(!seen.iter().any(|(text, _, _)| text.contains("Travis Cole,214")), "rows go by cell");
    }

    #[test]
    fn nesting_over_the_limit_is_skipped_with_macies_reason() {
        let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
        let (ex, seen) = collect(|s| extract_document(deep.as_bytes(), &Limits::default(), s).unwrap());
        assert_eq!(ex.status, Status::skipped(Reason::JsonNestingLevelOverLimit));
        assert!(seen.is_empty());
        let ok = format!("{}\"v\"{}", "[".repeat(256), "]".repeat(256));
        let (ex, seen) = collect(|s| extract_document(ok.as_bytes(), &Limits::default(), s).unwrap());
        assert_eq!(ex.status, Status::complete());
        assert_eq!(seen.len(), 1);
    }

    #[test]
    fn long_paths_are_truncated_from_the_front() {
        let p = format!("$.{}", (0..100).map(|i| format!("k{i}")).collect::<Vec<_>>().join("."));
        let t = truncate_path(&p);
        assert!(t.starts_with("$..") && t.ends_with(".k99") && t.chars().count() <= MAX_PATH, "{t}");
    }
}

//! SQL dumps (mysqldump, pg_dump, phpMyAdmin exports): each value of an `INSERT` statement
//! and of a `COPY … FROM stdin` block is read with its column's name as keyword context, as a
//! CSV cell is with its header. Read as free text, a value in the tenth tuple of an `INSERT`
//! is far outside Macie's 30-character keyword window of the column list. Everything else
//! (schema, comments, statements) is read as free text. Locations are `lineRanges`.
//!
//! Line by line, so memory is bounded by the longest line kept whole ([`MAX_LINE`]; an
//! extended `INSERT` of mysqldump is one line of about 1 MB); a longer line is read as text.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

use sluice_finding::Status;

use crate::segment::{Segment, SegmentOrigin};
use crate::{ExtractError, Extraction, Limits, SegmentSink};

const MIME: &str = "application/sql";
/// Longest line parsed as a statement; longer ones are read as text, in pieces.
const MAX_LINE: u64 = 16 << 20;
/// Tables whose column lists are remembered (a dump of a whole schema has hundreds).
const MAX_TABLES: usize = 10_000;

/// Words that start a line of a `CREATE TABLE` body without naming a column.
const NOT_COLUMNS: [&str; 10] =
    ["PRIMARY", "KEY", "UNIQUE", "CONSTRAINT", "INDEX", "FOREIGN", "CHECK", "FULLTEXT", "SPATIAL", "EXCLUDE"];

pub fn extract<R: Read>(
    reader: R,
    limits: &Limits,
    sink: &mut dyn SegmentSink,
) -> Result<Extraction, ExtractError> {
    let mut reader = BufReader::new(crate::decode::utf8_text(reader)?);
    let mut dump = Dump::new(limits.chunk_bytes);
    let mut raw = Vec::new();
    let mut size = 0u64;
    loop {
        raw.clear();
        let n = (&mut reader).take(MAX_LINE).read_until(b'\n', &mut raw)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        let whole = raw.ends_with(b"\n") || n < MAX_LINE as usize;
        let line = String::from_utf8_lossy(&raw);
        dump.line(&line, whole, sink);
    }
    dump.flush(sink);
    Ok(Extraction { status: Status::complete(), mime_type: MIME, size_classified: size })
}

/// What the dump has said so far that later lines need.
struct Dump {
    /// Column names of each table created so far, for `INSERT`s without a column list.
    tables: HashMap<String, Vec<String>>,
    /// The table whose `CREATE TABLE` body is being read, and its columns so far.
    creating: Option<(String, Vec<String>)>,
    /// Columns of the `INSERT` whose tuples continue on the following lines.
    inserting: Option<Vec<String>>,
    /// Columns of the `COPY … FROM stdin` block being read.
    copying: Option<Vec<String>>,
    /// Free text not yet handed on, and the line and column it starts at.
    text: String,
    text_line: u64,
    text_column: u64,
    chunk: usize,
    /// Line number of the next line, and whether the last piece ended its line.
    line: u64,
    column: u64,
}

impl Dump {
    fn new(chunk: usize) -> Dump {
        Dump {
            tables: HashMap::new(),
            creating: None,
            inserting: None,
            copying: None,
            text: String::new(),
            text_line: 1,
            text_column: 0,
            chunk,
            line: 1,
            column: 0,
        }
    }

    /// One line (or, for a line over [`MAX_LINE`], one piece of it: `whole` is false).
    fn line(&mut self, raw: &str, whole: bool, sink: &mut dyn SegmentSink) {
        let (line, column) = (self.line, self.column);
        if whole {
            self.line += 1;
            self.column = 0;
        } else {
            self.column += raw.chars().count() as u64;
        }
        if !whole || column > 0 {
            return self.push_text(raw, line, column, sink);
        }
        let content = raw.trim_end_matches(['\n', '\r']);
        if let Some(columns) = self.copying.clone() {
            if content == "\\." {
                self.copying = None;
            } else {
                self.copy_row(content, &columns, line, sink);
                return;
            }
        } else if let Some(columns) = self.inserting.clone() {
            if let Some((found, ends)) =
                content.trim_start().starts_with('(').then(|| values(content, 0)).flatten()
            {
                self.emit_values(content, &found, &columns, line, sink);
                if ends {
                    self.inserting = None;
                }
                return;
            }
            self.inserting = None;
        }
        let upper: String = content.trim_start().chars().take(40).collect::<String>().to_ascii_uppercase();
        if let Some((name, columns)) = &mut self.creating {
            let first = content.trim_start();
            if first.starts_with(')') {
                let (name, columns) = (std::mem::take(name), std::mem::take(columns));
                self.creating = None;
                if self.tables.len() < MAX_TABLES && !columns.is_empty() {
                    self.tables.insert(name, columns);
                }
            } else if let Some((word, _)) = identifier(first) {
                if !NOT_COLUMNS.contains(&word.to_ascii_uppercase().as_str()) {
                    columns.push(word);
                }
            }
        } else if upper.starts_with("CREATE TABLE") {
            let rest = &content.trim_start()["CREATE TABLE".len()..];
            let rest = strip_keywords(rest, &["IF", "NOT", "EXISTS"]);
            if let Some((name, _)) = identifier(rest) {
                self.creating = Some((name, Vec::new()));
            }
        } else if let Some(at) = ["INSERT INTO", "INSERT IGNORE INTO", "REPLACE INTO"]
            .iter()
            .find(|p| upper.starts_with(**p))
            .map(|p| content.len() - content.trim_start().len() + p.len())
        {
            if self.insert(content, at, line, sink) {
                return;
            }
        } else if upper.starts_with("COPY ")
            && content.trim_end().to_ascii_uppercase().ends_with("FROM STDIN;")
        {
            let rest = &content.trim_start()[5..];
            if let Some((name, after)) = identifier(rest) {
                let columns = column_list(after).or_else(|| self.tables.get(&name).cloned());
                self.copying = columns;
            }
        }
        self.push_text(raw, line, 0, sink);
    }

    /// `INSERT INTO name [(columns)] VALUES (…), (…)`: each value with its column's name.
    /// False when the statement cannot be read this way (it is then read as text).
    fn insert(&mut self, content: &str, at: usize, line: u64, sink: &mut dyn SegmentSink) -> bool {
        let Some((name, after)) = identifier(&content[at..]) else { return false };
        let columns = match column_list(after) {
            Some(columns) => columns,
            None => match self.tables.get(&name) {
                Some(columns) => columns.clone(),
                None => return false,
            },
        };
        let upper = content.to_ascii_uppercase();
        let Some(v) = upper[at..].find("VALUES").map(|v| at + v + "VALUES".len()) else { return false };
        let Some((found, ends)) = values(content, v) else { return false };
        self.emit_values(content, &found, &columns, line, sink);
        if !ends {
            self.inserting = Some(columns);
        }
        true
    }

    fn emit_values(
        &mut self,
        content: &str,
        found: &[Value],
        columns: &[String],
        line: u64,
        sink: &mut dyn SegmentSink,
    ) {
        // Pending text goes out first, so segments stay in document order.
        self.flush(sink);
        for &(start, end, index, column) in found {
            emit(&content[start..end], columns.get(index).map(String::as_str), line, column, sink);
        }
    }

    fn copy_row(&mut self, content: &str, columns: &[String], line: u64, sink: &mut dyn SegmentSink) {
        self.flush(sink);
        let mut chars = 0u64;
        let mut from = 0usize;
        for (i, field) in content.split('\t').enumerate() {
            let start = from;
            from += field.len() + 1;
            if field == "\\N" || field.trim().is_empty() {
                chars += field.chars().count() as u64 + 1;
                continue;
            }
            let column = chars;
            chars += field.chars().count() as u64 + 1;
            let name = columns.get(i).map(String::as_str);
            emit(&content[start..start + field.len()], name, line, column, sink);
        }
    }

    fn push_text(&mut self, raw: &str, line: u64, column: u64, sink: &mut dyn SegmentSink) {
        if self.text.is_empty() {
            self.text_line = line;
            self.text_column = column;
        }
        self.text.push_str(raw);
        if self.text.len() >= self.chunk {
            self.flush(sink);
        }
    }

    fn flush(&mut self, sink: &mut dyn SegmentSink) {
        if self.text.is_empty() {
            return;
        }
        sink.segment(&Segment {
            text: &self.text,
            context: &[],
            context_id: None,
            report: 0..self.text.len(),
            origin: SegmentOrigin::Lines { line: self.text_line, column: self.text_column },
        });
        self.text.clear();
    }
}

fn emit(value: &str, column_name: Option<&str>, line: u64, column: u64, sink: &mut dyn SegmentSink) {
    let one;
    let context: &[&str] = match column_name {
        Some(name) => {
            one = [name];
            &one
        }
        None => &[],
    };
    sink.segment(&Segment {
        text: value,
        context,
        context_id: Some(crate::segment::context_id(context)),
        report: 0..value.len(),
        origin: SegmentOrigin::Lines { line, column },
    });
}

/// A value of a tuple: its byte span in the line, its index in the tuple, and the number of
/// characters before it on the line.
type Value = (usize, usize, usize, u64);

/// The values of the tuples of `content` from byte `from` on, and whether the statement ends
/// on this line (`;`) or its tuples go on; `None` when this is not a list of tuples (nothing
/// is taken from a line that does not parse whole).
fn values(content: &str, from: usize) -> Option<(Vec<Value>, bool)> {
    let mut out = Vec::new();
    let bytes = content.as_bytes();
    let mut i = from;
    let mut chars = content[..from].chars().count() as u64; // characters before byte i
    let advance = |chars: &mut u64, a: usize, b: usize| *chars += content[a..b].chars().count() as u64;
    let mut tuples = 0;
    loop {
        // Between tuples: spaces and commas, then `(`, or the end.
        let start = i;
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b',' | b'\r' | b'\n') {
            i += 1;
        }
        advance(&mut chars, start, i);
        match bytes.get(i) {
            // The tuples go on on the next lines (`VALUES` may end this one).
            None => return Some((out, false)),
            Some(b';') => return (tuples > 0).then_some((out, true)),
            Some(b'(') => {}
            Some(_) => return None,
        }
        i += 1;
        chars += 1;
        tuples += 1;
        let mut index = 0usize;
        loop {
            let start = i;
            while i < bytes.len() && bytes[i] == b' ' {
                i += 1;
            }
            advance(&mut chars, start, i);
            let value_start = i;
            let value_chars = chars;
            let (inner, next) = if bytes.get(i) == Some(&b'\'') {
                let end = quoted_end(bytes, i + 1)?;
                ((i + 1, end), end + 1)
            } else {
                let mut depth = 0i32;
                let mut j = i;
                while j < bytes.len() {
                    match bytes[j] {
                        b'(' => depth += 1,
                        b')' if depth == 0 => break,
                        b')' => depth -= 1,
                        b',' if depth == 0 => break,
                        b'\'' => j = quoted_end(bytes, j + 1)?,
                        _ => {}
                    }
                    j += 1;
                }
                let text = content[i..j].trim_end();
                ((i, i + text.len()), j)
            };
            let value = &content[inner.0..inner.1];
            if !value.is_empty() && !value.eq_ignore_ascii_case("NULL") {
                out.push((inner.0, inner.1, index, value_chars + u64::from(inner.0 > value_start)));
            }
            advance(&mut chars, value_start, next.min(bytes.len()));
            i = next;
            while i < bytes.len() && bytes[i] == b' ' {
                i += 1;
                chars += 1;
            }
            match bytes.get(i) {
                Some(b',') => {
                    i += 1;
                    chars += 1;
                    index += 1;
                }
                Some(b')') => {
                    i += 1;
                    chars += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
}

/// The byte index of the quote closing a string that starts at `from` (after its opening
/// quote): `''` and `\'` are quotes inside it.
fn quoted_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\'' if bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b'\'' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// An identifier at the start of `s` (after spaces): bare, `backquoted`, "double-quoted" or
/// [bracketed], possibly schema-qualified (the last part is kept). Returns it and what follows.
fn identifier(s: &str) -> Option<(String, &str)> {
    let mut rest = s.trim_start();
    let mut name = None;
    loop {
        let (part, after) = match rest.chars().next()? {
            q @ ('`' | '"' | '[') => {
                let close = if q == '[' { ']' } else { q };
                let end = rest[1..].find(close)? + 1;
                (&rest[1..end], &rest[end + 1..])
            }
            c if c.is_alphanumeric() || c == '_' => {
                let end =
                    rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')).unwrap_or(rest.len());
                (&rest[..end], &rest[end..])
            }
            _ => return name.map(|n| (n, rest)),
        };
        name = Some(part.to_string());
        match after.strip_prefix('.') {
            Some(more) => rest = more,
            None => return Some((part.to_string(), after)),
        }
    }
}

/// `(a, b, c)` right after a table's name.
fn column_list(s: &str) -> Option<Vec<String>> {
    let s = s.trim_start().strip_prefix('(')?;
    let close = s.find(')')?;
    let mut columns = Vec::new();
    for part in s[..close].split(',') {
        columns.push(identifier(part)?.0);
    }
    Some(columns)
}

fn strip_keywords<'a>(mut s: &'a str, words: &[&str]) -> &'a str {
    loop {
        let t = s.trim_start();
        match words.iter().find(|w| t.len() >= w.len() && t[..w.len()].eq_ignore_ascii_case(w)) {
            Some(w) => s = &t[w.len()..],
            None => return t,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sluice_finding::{LineRange, Location};

    fn read(dump: &str) -> Vec<(String, Vec<String>, Location)> {
        let mut seen = Vec::new();
        let mut sink = |seg: &Segment<'_>| {
            let loc = seg.locate_sorted(&[(0, 1)]).remove(0);
            seen.push((seg.text.to_string(), seg.context.iter().map(|s| s.to_string()).collect(), loc));
        };
        let ex = extract(dump.as_bytes(), &Limits::default(), &mut sink).unwrap();
        assert_eq!(ex.status, Status::complete());
        seen
    }

    fn at(line: u64, start_column: u64) -> Location {
        Location::Line(LineRange { start: line, end: line, start_column })
    }

    #[test]
    fn insert_values_carry_their_column_names_and_positions() {
        let dump = "-- MySQL dump\nINSERT INTO `customers` (`id`,`name`,`SSN`) VALUES ('1','Ann Lee','536-22-8726'),(2,'O''Brien',NULL);\n";
        let seen = read(dump);
        assert_eq!(seen[0].0, "-- MySQL dump\n");
        let ssn = seen.iter().find(|s| s.0 == "536-22-8726").unwrap();
        assert_eq!(ssn.1, ["SSN"]);
        assert_eq!(ssn.2, at(2, dump.lines().nth(1).unwrap().find("536").unwrap() as u64 + 1));
        let obrien = seen.iter().find(|s| s.0.starts_with("O'")).unwrap();
        assert_eq!(obrien.1, ["name"]);
        assert!(!seen.iter().any(|s| s.0 == "NULL"));
    }

    #[test]
    fn columns_come_from_create_table_when_the_insert_has_none() {
        let dump = "CREATE TABLE IF NOT EXISTS public.people (\n  `id` int NOT NULL,\n  `ssn` varchar(11),\n  PRIMARY KEY (`id`)\n);\nINSERT INTO people VALUES\n(1,'536-22-8726'),\n(2,'219-09-9999');\n";
        let seen = read(dump);
        let values: Vec<_> =
            seen.iter().filter(|s| s.1 == ["ssn"]).map(|s| (s.0.as_str(), s.2.clone())).collect();
        assert_eq!(values, [("536-22-8726", at(7, 5)), ("219-09-9999", at(8, 5))]);
    }

    #[test]
    fn copy_blocks_are_rows_of_tab_separated_values() {
        let dump = "COPY public.customers (id, email, ssn) FROM stdin;\n1\tann@example.com\t536-22-8726\n2\t\\N\t219-09-9999\n\\.\nSELECT 1;\n";
        let seen = read(dump);
        let ssn: Vec<_> =
            seen.iter().filter(|s| s.1 == ["ssn"]).map(|s| (s.0.as_str(), s.2.clone())).collect();
        assert_eq!(ssn, [("536-22-8726", at(2, 19)), ("219-09-9999", at(3, 6))]);
        assert!(seen.iter().any(|s| s.0.contains("SELECT 1;")));
    }

    #[test]
    fn what_is_not_a_readable_insert_is_text() {
        let seen = read("INSERT INTO t SELECT * FROM u;\nINSERT INTO unknown VALUES (1, 'x');\n");
        assert_eq!(seen.len(), 1);
        assert!(seen[0].1.is_empty() && seen[0].0.contains("unknown"));
        let broken = read("INSERT INTO t (a) VALUES ('never closed\n");
        assert!(broken.iter().all(|s| s.1.is_empty()));
    }
}

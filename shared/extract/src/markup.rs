//! XML and HTML as Macie reads them: the text and the attribute values, not the markup.
//!
//! The document streams through [`Blanked`], which turns every byte of markup syntax (`<`,
//! `>`, `/`, `=`, the quotes, whole declarations) into a space and keeps line breaks, so the
//! text keeps its byte offsets, lines and columns and then streams like any other text
//! (bounded memory, chunks with overlap, `lineRanges`). Element text, attribute values,
//! comments and CDATA sections are kept: a secret in an HTML comment or an inline script is
//! still a secret. Element and attribute names are kept as words, because in XML they are
//! what names a value (`<CVV>899</CVV>`): Macie reads XML as text and finds its keywords
//! there. Entities are never expanded (no billion laughs).

use std::io::Read;

use sluice_finding::Status;

use crate::segment::{Segment, SegmentOrigin};
use crate::{ExtractError, Extraction, Limits, SegmentSink};

/// HTML documents up to this size are read whole, so that their tables can be read by column;
/// larger ones stream as text with their markup blanked.
const HTML_TABLES_UP_TO: u64 = 16 << 20;

pub fn extract<R: Read>(
    reader: R,
    mime_type: &'static str,
    limits: &Limits,
    sink: &mut dyn SegmentSink,
) -> Result<Extraction, ExtractError> {
    let mut decoded = crate::decode::utf8_text(reader)?;
    let chunk = limits.chunk_bytes.max(2 * crate::text::OVERLAP);
    if mime_type == "text/html" {
        let mut whole = Vec::new();
        (&mut decoded).take(HTML_TABLES_UP_TO + 1).read_to_end(&mut whole)?;
        if whole.len() as u64 <= HTML_TABLES_UP_TO {
            let size = whole.len() as u64;
            let mut blanked = Blanked::new(std::io::empty());
            let mut text = whole.clone();
            blanked.blank(&mut text);
            // Blanking is byte for byte and keeps every non-ASCII character whole or blanks it
            // whole, so the text is still UTF-8.
            let mut text = String::from_utf8(text)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            let original = String::from_utf8_lossy(&whole);
            tables(&original, &mut text, sink);
            crate::text::stream_lines(text.as_bytes(), chunk, sink)?;
            return Ok(Extraction { status: Status::complete(), mime_type, size_classified: size });
        }
        let mut blanked = Blanked::new(std::io::Cursor::new(whole).chain(decoded));
        crate::text::stream_lines(&mut blanked, chunk, sink)?;
        return Ok(Extraction { status: Status::complete(), mime_type, size_classified: blanked.read });
    }
    let mut blanked = Blanked::new(decoded);
    crate::text::stream_lines(&mut blanked, chunk, sink)?;
    Ok(Extraction { status: Status::complete(), mime_type, size_classified: blanked.read })
}

/// A tag found in the document: its lower-case name, whether it closes, and the byte range
/// from its `<` to just after its `>`.
struct Tag {
    name: String,
    closing: bool,
    start: usize,
    end: usize,
}

fn next_tag(doc: &str, from: usize) -> Option<Tag> {
    let bytes = doc.as_bytes();
    let mut at = from;
    loop {
        let lt = at + memchr::memchr(b'<', &bytes[at..])?;
        let mut i = lt + 1;
        let closing = bytes.get(i) == Some(&b'/');
        if closing {
            i += 1;
        }
        let name_start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i == name_start {
            at = lt + 1;
            continue;
        }
        let name = doc[name_start..i].to_ascii_lowercase();
        let mut quote = 0u8;
        while i < bytes.len() {
            match (quote, bytes[i]) {
                (0, b'"' | b'\'') => quote = bytes[i],
                (0, b'>') => break,
                (q, c) if q != 0 && c == q => quote = 0,
                _ => {}
            }
            i += 1;
        }
        return Some(Tag { name, closing, start: lt, end: (i + 1).min(bytes.len()) });
    }
}

/// The cells of HTML tables whose first row is all `<th>`: each `<td>` value goes to `sink`
/// with its column's header as keyword context (as a CSV cell with its header) and is blanked
/// out of `text`, which the caller then reads as free text.
fn tables(doc: &str, text: &mut String, sink: &mut dyn SegmentSink) {
    let mut header: Vec<String> = Vec::new();
    let mut row: Vec<(bool, usize, usize)> = Vec::new(); // (is header cell, content start, end)
    let mut cell: Option<(bool, usize)> = None;
    let mut cells: Vec<(usize, usize, String)> = Vec::new(); // value span, its header
    let mut at = 0;
    let end_row = |row: &mut Vec<(bool, usize, usize)>,
                   header: &mut Vec<String>,
                   cells: &mut Vec<(usize, usize, String)>,
                   text: &str| {
        if row.is_empty() {
            return;
        }
        if row.iter().all(|(th, _, _)| *th) {
            *header = row
                .iter()
                .map(|&(_, s, e)| text[s..e].split_whitespace().collect::<Vec<_>>().join(" "))
                .collect();
        } else if !header.is_empty() {
            for (i, &(_, s, e)) in row.iter().enumerate() {
                let Some(name) = header.get(i).filter(|h| !h.is_empty()) else { continue };
                // The text between the tags inside the cell (`<b>…</b>`, `<a href>…</a>`).
                let mut pos = s;
                loop {
                    let inner = next_tag(doc, pos).filter(|t| t.start < e);
                    let piece_end = inner.as_ref().map_or(e, |t| t.start);
                    let value = &text[pos..piece_end];
                    let lead = value.len() - value.trim_start().len();
                    let trimmed = value.trim();
                    if !trimmed.is_empty() {
                        cells.push((pos + lead, pos + lead + trimmed.len(), name.clone()));
                    }
                    match inner {
                        Some(t) => pos = t.end.min(e),
                        None => break,
                    }
                }
            }
        }
        row.clear();
    };
    while let Some(tag) = next_tag(doc, at) {
        at = tag.end.max(tag.start + 1);
        let is_cell = tag.name == "td" || tag.name == "th";
        let ends_cell = is_cell || matches!(tag.name.as_str(), "tr" | "table" | "thead" | "tbody" | "tfoot");
        if ends_cell {
            if let Some((th, start)) = cell.take() {
                row.push((th, start, tag.start));
            }
        }
        match (tag.name.as_str(), tag.closing) {
            ("td" | "th", false) => cell = Some((tag.name == "th", tag.end)),
            ("tr", _) => end_row(&mut row, &mut header, &mut cells, text),
            ("table", _) => {
                end_row(&mut row, &mut header, &mut cells, text);
                header.clear();
            }
            _ => {}
        }
    }
    end_row(&mut row, &mut header, &mut cells, text);
    if cells.is_empty() {
        return;
    }
    // Locations: lines and columns counted once, in document order.
    let (mut line, mut line_start, mut pos) = (1u64, 0usize, 0usize);
    let bytes = text.as_bytes().to_vec();
    for (s, e, name) in &cells {
        for nl in memchr::memchr_iter(b'\n', &bytes[pos..*s]) {
            line += 1;
            line_start = pos + nl + 1;
        }
        pos = *s;
        let column = text[line_start..*s].chars().count() as u64;
        let value = &text[*s..*e];
        let context = [name.as_str()];
        sink.segment(&Segment {
            text: value,
            context: &context,
            context_id: Some(crate::segment::context_id(&context)),
            report: 0..value.len(),
            origin: SegmentOrigin::Lines { line, column },
        });
    }
    // The values were read with their headers: the free text must not count them again.
    // Whole characters are replaced by spaces, byte for byte, so the text stays UTF-8.
    let mut out = std::mem::take(text).into_bytes();
    for (s, e, _) in &cells {
        out[*s..*e].fill(b' ');
    }
    *text = String::from_utf8(out).expect("whole characters were blanked");
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    /// Just after `<`: a tag, a declaration, or a literal `<` in text.
    Open,
    /// In a tag, outside attribute values.
    Tag,
    /// In an attribute value, with its quote.
    Value(u8),
    /// Just after `<!` or `<?`.
    DeclarationStart,
    /// After `<!-`.
    CommentDash,
    /// After `<!` and this many bytes of `[CDATA[`.
    CdataOpening(u8),
    /// Any other declaration (`<!DOCTYPE … [ … ]>`, `<?xml …?>`): markup, its quoted literals
    /// included, so entity definitions are never text. Tracks `[ ]` depth and quotes.
    Declaration {
        depth: u8,
        quote: u8,
    },
    /// Comment or CDATA content, kept, with the run of closing `-` or `]` seen so far.
    Kept {
        cdata: bool,
        run: u8,
    },
}

const CDATA: &[u8] = b"[CDATA[";

/// UTF-8 text in, the same text with its markup blanked out.
pub struct Blanked<R> {
    inner: R,
    state: State,
    /// Bytes read from the inner reader (the size classified).
    read: u64,
}

impl<R: Read> Blanked<R> {
    pub fn new(inner: R) -> Blanked<R> {
        Blanked { inner, state: State::Text, read: 0 }
    }
}

impl<R: Read> Read for Blanked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        self.blank(&mut buf[..n]);
        Ok(n)
    }
}

impl<R> Blanked<R> {
    /// Blanks the markup in `bytes`, in place and byte for byte, so every byte offset, line
    /// and column of the text stays where it was. A non-ASCII character of markup (in a
    /// declaration) becomes as many spaces as it had bytes.
    fn blank(&mut self, bytes: &mut [u8]) {
        for b in bytes {
            // Line breaks are kept whatever they stand in, so lines keep their numbers.
            if !(self.step(*b) || *b == b'\n' || *b == b'\r') {
                *b = b' ';
            }
        }
    }

    /// Advances the state over one byte; true when the byte is content to keep.
    fn step(&mut self, b: u8) -> bool {
        match self.state {
            State::Text => {
                if b == b'<' {
                    self.state = State::Open;
                    false
                } else {
                    true
                }
            }
            State::Open => {
                self.state = match b {
                    b'!' | b'?' => State::DeclarationStart,
                    b'/' => State::Tag,
                    b if b.is_ascii_alphabetic() || b >= 0x80 => {
                        self.state = State::Tag;
                        return true;
                    }
                    b'<' => State::Open,
                    // `a < b`: not markup. The `<` is already a space; the rest is text.
                    _ => State::Text,
                };
                self.state == State::Text
            }
            State::Tag => {
                match b {
                    b'>' => self.state = State::Text,
                    b'"' | b'\'' => self.state = State::Value(b),
                    _ => {}
                }
                // Element and attribute names stay as words: in XML they are the keywords
                // (`<CVV>899</CVV>`, `<ssn>`), as Macie reads them within its 30 characters.
                b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':') || b >= 0x80
            }
            State::Value(quote) => {
                if b == quote {
                    self.state = State::Tag;
                    false
                } else {
                    true
                }
            }
            State::DeclarationStart => {
                self.state = match b {
                    b'-' => State::CommentDash,
                    b'[' => State::CdataOpening(1),
                    b'>' => State::Text,
                    _ => State::Declaration { depth: 0, quote: 0 },
                };
                false
            }
            State::CommentDash => {
                self.state = match b {
                    b'-' => State::Kept { cdata: false, run: 0 },
                    b'>' => State::Text,
                    _ => State::Declaration { depth: 0, quote: 0 },
                };
                false
            }
            State::CdataOpening(m) => {
                self.state = if b == CDATA[m as usize] {
                    if m as usize + 1 == CDATA.len() {
                        State::Kept { cdata: true, run: 0 }
                    } else {
                        State::CdataOpening(m + 1)
                    }
                } else if b == b'>' {
                    State::Text
                } else {
                    State::Declaration { depth: 1, quote: 0 }
                };
                false
            }
            State::Declaration { depth, quote } => {
                self.state = match (quote, b) {
                    (0, b'"' | b'\'') => State::Declaration { depth, quote: b },
                    (0, b'[') => State::Declaration { depth: depth.saturating_add(1), quote },
                    (0, b']') => State::Declaration { depth: depth.saturating_sub(1), quote },
                    (0, b'>') if depth == 0 => State::Text,
                    (q, c) if q != 0 && c == q => State::Declaration { depth, quote: 0 },
                    _ => State::Declaration { depth, quote },
                };
                false
            }
            State::Kept { cdata, run } => {
                let close = if cdata { b']' } else { b'-' };
                if b == close {
                    self.state = State::Kept { cdata, run: run.saturating_add(1).min(2) };
                    true
                } else if b == b'>' && run >= 2 {
                    self.state = State::Text;
                    false
                } else {
                    self.state = State::Kept { cdata, run: 0 };
                    true
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sluice_finding::{LineRange, Location};

    fn blank(s: &str) -> String {
        let mut out = String::new();
        Blanked::new(s.as_bytes()).read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn markup_becomes_spaces_and_text_keeps_its_place() {
        let doc = "<p class=\"x\">SSN: 536-22-8726</p>\n<td title='card 4111'>é</td>";
        let out = blank(doc);
        assert_eq!(out.len(), doc.len());
        assert_eq!(out.lines().count(), 2);
        assert_eq!(out.find("SSN: 536-22-8726"), doc.find("SSN: 536-22-8726"));
        assert!(out.contains("card 4111") && out.contains('é'));
        assert!(!out.contains('<') && !out.contains('>') && !out.contains('=') && !out.contains('"'));
        assert!(out.starts_with(" p class  x  SSN"), "names stay as words: {out:?}");
    }

    #[test]
    fn html_table_values_take_their_column_header_and_stay_in_place() {
        let doc = "<html><body>\n<table>\n<thead><tr><th>Name</th><th>Social Security Number</th></tr></thead>\n\
                   <tr><td>Jane Roe</td><td> 536-22-8726 </td></tr>\n<tr><td>Bob</td><td><b>219-09-9999</b></td>\n</table>\n\
                   <p>ssn 078-05-1120</p></body></html>";
        let mut seen = Vec::new();
        let mut sink = |seg: &Segment<'_>| {
            seen.push((
                seg.text.to_string(),
                seg.context.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
                seg.locate_sorted(&[(0, 1)]).remove(0),
            ));
        };
        let ex = extract(doc.as_bytes(), "text/html", &Limits::default(), &mut sink).unwrap();
        assert_eq!(ex.size_classified, doc.len() as u64);
        let ssn: Vec<_> = seen.iter().filter(|s| s.1 == ["Social Security Number"]).collect();
        assert_eq!(ssn.len(), 2, "{seen:?}");
        assert_eq!(ssn[0].0, "536-22-8726");
        let line4 = doc.lines().nth(3).unwrap();
        assert_eq!(
            ssn[0].2,
            Location::Line(LineRange {
                start: 4,
                end: 4,
                start_column: line4.find("536").unwrap() as u64 + 1
            })
        );
        assert_eq!(ssn[1].0, "219-09-9999");
        let free = seen.iter().find(|s| s.1.is_empty()).unwrap();
        assert!(
            !free.0.contains("536-22-8726") && !free.0.contains("219-09-9999"),
            "cells are not read twice"
        );
        assert!(free.0.contains("ssn 078-05-1120") && !free.0.contains("Jane Roe"));
    }

    #[test]
    fn comments_and_cdata_are_kept_declarations_are_not() {
        let out = blank("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"lol\">]><!-- key=abc --><![CDATA[ssn 536-22-8726]]>a < b");
        assert!(out.contains(" key=abc ") && out.contains("ssn 536-22-8726"), "{out:?}");
        assert!(!out.contains("version") && !out.contains("lol") && !out.contains("ENTITY"), "{out:?}");
        assert!(out.ends_with("a   b") || out.ends_with("a  b"), "{out:?}");
    }
}

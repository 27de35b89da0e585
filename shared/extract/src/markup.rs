//! XML and HTML as Macie reads them: the text and the attribute values, not the markup.
//!
//! The document streams through [`Blanked`], which turns every character of markup syntax
//! (`<`, `>`, `/`, `=`, the quotes, whole declarations) into one space and keeps line breaks,
//! so the text keeps its line and column positions and then streams like any other text
//! (bounded memory, chunks with overlap, `lineRanges`). Element text, attribute values,
//! comments and CDATA sections are kept: a secret in an HTML comment or an inline script is
//! still a secret. Element and attribute names are kept as words, because in XML they are
//! what names a value (`<CVV>899</CVV>`): Macie reads XML as text and finds its keywords
//! there. Entities are never expanded (no billion laughs).

use std::io::Read;

use sluice_finding::Status;

use crate::decode::{choose_encoding, Utf8Reader};
use crate::{read_full, ExtractError, Extraction, Limits, SegmentSink};

pub fn extract<R: Read>(
    mut reader: R,
    mime_type: &'static str,
    limits: &Limits,
    sink: &mut dyn SegmentSink,
) -> Result<Extraction, ExtractError> {
    let mut head = vec![0u8; 4096];
    let n = read_full(&mut reader, &mut head)?;
    head.truncate(n);
    let encoding = choose_encoding(&head);
    let decoded = Utf8Reader::new(std::io::Cursor::new(head).chain(reader), encoding);
    let mut blanked = Blanked::new(decoded);
    crate::text::stream_lines(&mut blanked, limits.chunk_bytes.max(2 * crate::text::OVERLAP), sink)?;
    Ok(Extraction { status: Status::complete(), mime_type, size_classified: blanked.read })
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
        // In place: the output of a byte is never longer than the byte, and a character of
        // markup (up to 4 bytes) becomes one space, so `w` never passes `r`.
        let mut w = 0;
        for r in 0..n {
            let b = buf[r];
            // Line breaks are kept whatever they stand in, so lines keep their numbers.
            if self.step(b) || b == b'\n' || b == b'\r' {
                buf[w] = b;
                w += 1;
            } else if b & 0xC0 != 0x80 {
                // One space for each character of markup (its continuation bytes drop).
                buf[w] = b' ';
                w += 1;
            }
        }
        Ok(w)
    }
}

impl<R> Blanked<R> {
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

    fn blank(s: &str) -> String {
        let mut out = String::new();
        Blanked::new(s.as_bytes()).read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn markup_becomes_spaces_and_text_keeps_its_place() {
        let doc = "<p class=\"x\">SSN: 536-22-8726</p>\n<td title='card 4111'>é</td>";
        let out = blank(doc);
        assert_eq!(out.chars().count(), doc.chars().count());
        assert_eq!(out.lines().count(), 2);
        assert_eq!(out.find("SSN: 536-22-8726"), doc.find("SSN: 536-22-8726"));
        assert!(out.contains("card 4111") && out.contains('é'));
        assert!(!out.contains('<') && !out.contains('>') && !out.contains('=') && !out.contains('"'));
        assert!(out.starts_with(" p class  x  SSN"), "names stay as words: {out:?}");
    }

    #[test]
    fn comments_and_cdata_are_kept_declarations_are_not() {
        let out = blank("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"lol\">]><!-- key=abc --><![CDATA[ssn 536-22-8726]]>a < b");
        assert!(out.contains(" key=abc ") && out.contains("ssn 536-22-8726"), "{out:?}");
        assert!(!out.contains("version") && !out.contains("lol") && !out.contains("ENTITY"), "{out:?}");
        assert!(out.ends_with("a   b") || out.ends_with("a  b"), "{out:?}");
    }
}

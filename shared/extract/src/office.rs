//! Office Open XML: Word and PowerPoint as text with line locations, Excel as cells with
//! `Sheet!C5` references and the header row as keyword context. All three are zip packages,
//! read within the document size limit and refused when a part inflates like a bomb.

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use sluice_finding::{Reason, Status};

use crate::segment::{Segment, SegmentOrigin};
use crate::{ExtractError, Extraction, Limits, SegmentSink};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Office {
    Word,
    PowerPoint,
    Excel,
}

impl Office {
    pub fn mime_type(self) -> &'static str {
        match self {
            Office::Word => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Office::PowerPoint => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            Office::Excel => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

fn done(status: Status, kind: Office, size: u64) -> Extraction {
    Extraction { status, mime_type: kind.mime_type(), size_classified: size }
}

pub(crate) fn extract<R: Read>(
    mut reader: R,
    kind: Office,
    limits: &Limits,
    sink: &mut dyn SegmentSink,
) -> Result<Extraction, ExtractError> {
    let Some(bytes) = crate::read_bounded(&mut reader, limits.max_document_bytes)? else {
        return Ok(done(Status::skipped(Reason::FileExceedsSizeLimit), kind, 0));
    };
    let size = bytes.len() as u64;
    let Ok(mut package) = zip::ZipArchive::new(Cursor::new(&bytes[..])) else {
        return Ok(done(Status::skipped(Reason::MalformedOrFileSizeExceedsLimit), kind, 0));
    };
    // Macie's own OOXML limits: a part's declared size against the package, before reading.
    let mut total = 0u64;
    for i in 0..package.len() {
        let Ok(part) = package.by_index_raw(i) else { continue };
        total += part.size();
        if part.size() > limits.ratio_check_after
            && part.size() / part.compressed_size().max(1) > limits.max_compression_ratio
        {
            return Ok(done(Status::skipped(Reason::OoxmlUncompressedRatioExceedsLimit), kind, 0));
        }
    }
    if total > limits.max_extracted_bytes {
        return Ok(done(Status::skipped(Reason::OoxmlUncompressedSizeExceedsLimit), kind, 0));
    }
    match kind {
        Office::Excel => excel(bytes, kind, size, sink),
        Office::Word | Office::PowerPoint => {
            let names: Vec<String> = package.file_names().map(String::from).collect();
            let parts = text_parts(kind, &names);
            if parts.is_empty() {
                return Ok(done(Status::skipped(Reason::MalformedOrFileSizeExceedsLimit), kind, 0));
            }
            let mut text = String::new();
            let mut cells = Vec::new();
            for name in parts {
                let mut xml = Vec::new();
                let read = package
                    .by_name(&name)
                    .map_err(|_| ())
                    .and_then(|f| f.take(limits.max_document_bytes).read_to_end(&mut xml).map_err(|_| ()));
                if read.is_err() || xml_text(&xml, kind, &mut text, &mut cells).is_err() {
                    return Ok(done(Status::skipped(Reason::MalformedOrFileSizeExceedsLimit), kind, 0));
                }
            }
            emit_table_cells(&mut text, &cells, sink);
            crate::text::stream_lines(text.as_bytes(), limits.chunk_bytes, sink)?;
            Ok(done(Status::complete(), kind, size))
        }
    }
}

/// The parts that hold a document's text, in reading order: Word's body, headers, footers,
/// footnotes and comments; PowerPoint's slides, then their notes, by number.
fn text_parts(kind: Office, names: &[String]) -> Vec<String> {
    let numbered = |prefix: &str| {
        let mut v: Vec<(u32, String)> = names
            .iter()
            .filter_map(|n| {
                let rest = n.strip_prefix(prefix)?.strip_suffix(".xml")?;
                Some((rest.parse().ok()?, n.clone()))
            })
            .collect();
        v.sort();
        v.into_iter().map(|(_, n)| n)
    };
    match kind {
        Office::Word => {
            let mut parts: Vec<String> =
                names.iter().filter(|n| *n == "word/document.xml").cloned().collect();
            for prefix in ["word/header", "word/footer"] {
                let mut extra: Vec<String> = names
                    .iter()
                    .filter(|n| n.starts_with(prefix) && n.ends_with(".xml") && !n.contains("/_rels/"))
                    .cloned()
                    .collect();
                extra.sort();
                parts.extend(extra);
            }
            for name in ["word/footnotes.xml", "word/endnotes.xml", "word/comments.xml"] {
                if names.iter().any(|n| n == name) {
                    parts.push(name.to_string());
                }
            }
            parts
        }
        Office::PowerPoint => {
            numbered("ppt/slides/slide").chain(numbered("ppt/notesSlides/notesSlide")).collect()
        }
        Office::Excel => Vec::new(),
    }
}

/// A cell of a Word table below its header row: where its text sits in the document text,
/// and the header of its column.
struct TableCell {
    start: usize,
    end: usize,
    header: String,
}

/// Hands each table cell to the engine as a value of its own, with its column's header as
/// keyword context (as for a spreadsheet), and blanks it out of the running text so that it
/// is not counted twice. Line and column still point into the document text.
fn emit_table_cells(text: &mut String, cells: &[TableCell], sink: &mut dyn SegmentSink) {
    if cells.is_empty() {
        return;
    }
    let mut blanked = String::with_capacity(text.len());
    let mut copied = 0;
    let (mut line, mut line_start, mut scanned) = (1u64, 0usize, 0usize);
    for cell in cells {
        for nl in memchr::memchr_iter(b'\n', &text.as_bytes()[scanned..cell.start]) {
            line += 1;
            line_start = scanned + nl + 1;
        }
        scanned = cell.start;
        let value = &text[cell.start..cell.end];
        let column = text[line_start..cell.start].chars().count() as u64;
        let context = [cell.header.as_str()];
        sink.segment(&Segment {
            text: value,
            context: &context,
            context_id: None,
            report: 0..value.len(),
            origin: SegmentOrigin::Lines { line, column },
        });
        blanked.push_str(&text[copied..cell.start]);
        blanked.extend(value.chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
        copied = cell.end;
    }
    blanked.push_str(&text[copied..]);
    *text = blanked;
}

/// Appends the text of one part: runs (`w:t`, `a:t`) joined, a line per paragraph, a tab
/// per tab or table cell. Cells of Word tables below a header row are noted in `cells`.
fn xml_text(
    xml: &[u8],
    kind: Office,
    out: &mut String,
    cells: &mut Vec<TableCell>,
) -> Result<(), quick_xml::Error> {
    let (para, run, cell) = match kind {
        Office::Word => (b"w:p".as_slice(), b"w:t".as_slice(), b"w:tc".as_slice()),
        _ => (b"a:p".as_slice(), b"a:t".as_slice(), b"a:tc".as_slice()),
    };
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut in_run = false;
    // Top-level Word tables only: their first row is the header.
    let (mut depth, mut row, mut col, mut cell_start) = (0usize, 0usize, 0usize, 0usize);
    let mut header: Vec<String> = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf)?;
        if kind == Office::Word {
            match &event {
                Event::Start(e) if e.name().as_ref() == b"w:tbl" => {
                    depth += 1;
                    if depth == 1 {
                        row = 0;
                        header.clear();
                    }
                }
                Event::End(e) if e.name().as_ref() == b"w:tbl" => depth = depth.saturating_sub(1),
                Event::Start(e) if depth == 1 && e.name().as_ref() == b"w:tr" => col = 0,
                Event::End(e) if depth == 1 && e.name().as_ref() == b"w:tr" => {
                    row += 1;
                    out.push('\n'); // a table row is one line, its cells separated by tabs
                }
                Event::Start(e) if depth == 1 && e.name().as_ref() == b"w:tc" => cell_start = out.len(),
                Event::End(e) if depth == 1 && e.name().as_ref() == b"w:tc" => {
                    let value = out[cell_start..].trim_end();
                    if row == 0 {
                        header.push(value.trim().to_string());
                    } else if let Some(h) = header.get(col).filter(|h| !h.is_empty()) {
                        if !value.trim().is_empty() {
                            cells.push(TableCell {
                                start: cell_start,
                                end: cell_start + value.len(),
                                header: h.clone(),
                            });
                        }
                    }
                    col += 1;
                }
                _ => {}
            }
        }
        match event {
            Event::Start(e) if e.name().as_ref() == run => in_run = true,
            Event::End(e) if e.name().as_ref() == run => in_run = false,
            Event::End(e) if e.name().as_ref() == para => out.push(if depth > 0 { ' ' } else { '\n' }),
            Event::End(e) if e.name().as_ref() == cell => out.push('\t'),
            Event::Empty(e) if matches!(e.name().as_ref(), b"w:tab") => out.push('\t'),
            Event::Empty(e) if matches!(e.name().as_ref(), b"w:br" | b"a:br" | b"w:cr") => out.push('\n'),
            Event::Text(t) if in_run => out.push_str(&t.unescape().unwrap_or_default()),
            Event::CData(t) if in_run => out.push_str(&String::from_utf8_lossy(&t)),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    out.push('\n');
    Ok(())
}

/// `C5`-style column letters for a 0-based column.
fn column_letters(mut col: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII letters")
}

fn excel(
    bytes: Vec<u8>,
    kind: Office,
    size: u64,
    sink: &mut dyn SegmentSink,
) -> Result<Extraction, ExtractError> {
    use calamine::{Data, Reader, Xlsx};
    let Ok(mut book) = Xlsx::new(Cursor::new(bytes)) else {
        return Ok(done(Status::skipped(Reason::MalformedOrFileSizeExceedsLimit), kind, 0));
    };
    let mut status = Status::complete();
    for (sheet_index, sheet) in book.sheet_names().into_iter().enumerate() {
        let Ok(range) = book.worksheet_range(&sheet) else {
            status = Status::partial(Reason::UnableToParseFile);
            continue;
        };
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let mut header: Vec<String> = Vec::new();
        for (r, row) in range.rows().enumerate() {
            for (c, value) in row.iter().enumerate() {
                let text = match value {
                    Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                    Data::Int(i) => i.to_string(),
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                    Data::Float(f) => f.to_string(),
                    Data::DateTime(_) | Data::Bool(_) | Data::Error(_) | Data::Empty => continue,
                };
                if r == 0 {
                    header.resize(c + 1, String::new());
                    header[c] = text.trim().to_string();
                }
                if text.trim().is_empty() {
                    continue;
                }
                let row_no = row0 + r as u32 + 1;
                let col_no = col0 + c as u32;
                let name =
                    if r == 0 { None } else { header.get(c).map(String::as_str).filter(|h| !h.is_empty()) };
                let ctx: Vec<&str> = name.into_iter().collect();
                let reference = format!("{sheet}!{}{row_no}", column_letters(col_no));
                sink.segment(&Segment {
                    text: &text,
                    context: &ctx,
                    context_id: Some(
                        ((sheet_index as u64) << 32) | c as u64 | if r == 0 { 1 << 31 } else { 0 },
                    ),
                    report: 0..text.len(),
                    origin: SegmentOrigin::Cell {
                        row: row_no as u64,
                        column: col_no as u64 + 1,
                        column_name: name,
                        cell_reference: Some(&reference),
                    },
                });
            }
        }
    }
    Ok(done(status, kind, size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn word_runs_join_into_lines() {
        let xml = br#"<w:document><w:body><w:p><w:r><w:t>SSN: </w:t></w:r><w:r><w:t>536-22-8726</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve">second &amp; line</w:t></w:r></w:p></w:body></w:document>"#;
        let mut out = String::new();
        xml_text(xml, Office::Word, &mut out, &mut Vec::new()).unwrap();
        assert_eq!(out, "SSN: 536-22-8726\nsecond & line\n\n");
    }
}

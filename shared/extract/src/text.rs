//! Free text (logs, source, YAML, INI, Markdown, HL7), streamed in chunks so memory stays
//! bounded whatever the object's size.

use std::io::Read;

use sluice_finding::Status;

use crate::segment::{Segment, SegmentOrigin};
use crate::{read_full, ExtractError, Extraction, Limits, SegmentSink};

/// Text kept on each side of a chunk cut, so a keyword and its value, or a value itself, can
/// straddle the cut. Longer than any rule's window (30 + its longest value) and than a PEM key.
pub const OVERLAP: usize = 16 << 10;

pub fn extract<R: Read>(
    reader: R,
    mime_type: &'static str,
    limits: &Limits,
    sink: &mut dyn SegmentSink,
) -> Result<Extraction, ExtractError> {
    let decoded = crate::decode::utf8_text(reader)?;
    let size = stream_lines(decoded, limits.chunk_bytes.max(2 * OVERLAP), sink)?;
    Ok(Extraction { status: Status::complete(), mime_type, size_classified: size })
}

/// Streams UTF-8 text to `sink` in chunks of about `chunk` bytes. Each chunk is cut after a
/// newline where there is one; every byte is reported by exactly one chunk; each chunk also
/// sees up to [`OVERLAP`] bytes of its neighbours.
pub fn stream_lines<R: Read>(
    mut reader: R,
    chunk: usize,
    sink: &mut dyn SegmentSink,
) -> Result<u64, ExtractError> {
    // Zeroed once and kept at its size: `buf[..filled]` holds the text. (Growing it to each
    // read's size and cutting it back after zeroed a chunk's worth of bytes per chunk.) It
    // holds a read's `chunk + OVERLAP` after the kept look-behind: OVERLAP bytes, and up to
    // three more where the look-behind starts inside a character.
    let mut buf: Vec<u8> = vec![0; chunk + 2 * OVERLAP + 4];
    let mut filled = 0usize;
    let mut fresh = 0usize; // buf[..fresh] was reported by the previous chunk
    let mut line = 1u64; // line of buf[0]
    let mut column = 0u64; // characters before buf[0] on its line
    let mut total = 0u64;
    let mut eof = false;
    while !eof || fresh < filled {
        if !eof {
            let want = fresh + chunk + OVERLAP;
            if want > filled {
                if want > buf.len() {
                    buf.resize(want, 0);
                }
                let n = read_full(&mut reader, &mut buf[filled..want])?;
                filled += n;
                total += n as u64;
                eof = filled < want;
            }
        }
        let buf_text = &buf[..filled];
        // Only whole characters (the decoder yields valid UTF-8; a read may split one).
        let valid = if eof { filled } else { last_boundary(buf_text) };
        let cut = if eof && valid <= fresh + chunk + OVERLAP {
            valid
        } else {
            let limit = (fresh + chunk).min(valid);
            match memchr::memrchr(b'\n', &buf_text[fresh..limit]) {
                Some(p) => fresh + p + 1,
                None => floor_boundary(buf_text, limit).max(fresh + 1),
            }
        };
        let cut = ceil_boundary(buf_text, cut).min(valid);
        let scan_end = ceil_boundary(buf_text, (cut + OVERLAP).min(valid)).min(valid);
        let text = simdutf8::compat::from_utf8(&buf_text[..scan_end])
            .unwrap_or_else(|e| std::str::from_utf8(&buf_text[..e.valid_up_to()]).expect("valid prefix"));
        let report_end = cut.min(text.len());
        if fresh < report_end {
            sink.segment(&Segment {
                text,
                context: &[],
                context_id: None,
                report: fresh..report_end,
                origin: SegmentOrigin::Lines { line, column },
            });
        }
        if cut >= filled && eof {
            break;
        }
        // Keep OVERLAP bytes before the cut as look-behind for the next chunk.
        let keep_from = floor_boundary(buf_text, cut.saturating_sub(OVERLAP));
        let dropped = &buf_text[..keep_from];
        match memchr::memrchr(b'\n', dropped) {
            Some(p) => {
                line += memchr::memchr_iter(b'\n', dropped).count() as u64;
                column = String::from_utf8_lossy(&dropped[p + 1..]).chars().count() as u64;
            }
            None => column += String::from_utf8_lossy(dropped).chars().count() as u64,
        }
        buf.copy_within(keep_from..filled, 0);
        filled -= keep_from;
        fresh = cut - keep_from;
    }
    Ok(total)
}

fn is_boundary(b: u8) -> bool {
    (b as i8) >= -0x40 // not a UTF-8 continuation byte
}

fn last_boundary(buf: &[u8]) -> usize {
    let mut i = buf.len();
    // Step back over a trailing incomplete character (at most 3 bytes).
    for back in 1..=4.min(buf.len()) {
        let b = buf[buf.len() - back];
        if is_boundary(b) {
            let need = if b < 0x80 {
                1
            } else if b >= 0xf0 {
                4
            } else if b >= 0xe0 {
                3
            } else {
                2
            };
            if back < need {
                i = buf.len() - back;
            }
            break;
        }
    }
    i
}

fn floor_boundary(buf: &[u8], mut i: usize) -> usize {
    while i > 0 && i < buf.len() && !is_boundary(buf[i]) {
        i -= 1;
    }
    i
}

fn ceil_boundary(buf: &[u8], mut i: usize) -> usize {
    while i < buf.len() && !is_boundary(buf[i]) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Collects (absolute line, column, text) of every occurrence of `needle` reported.
    fn find_all(input: &str, chunk: usize, needle: &str) -> Vec<(u64, u64)> {
        let mut found = Vec::new();
        let mut sink = |seg: &Segment<'_>| {
            let spans: Vec<(usize, usize)> = seg
                .text
                .match_indices(needle)
                .map(|(i, _)| (i, i + needle.len()))
                .filter(|(s, _)| seg.report.contains(s))
                .collect();
            for loc in seg.locate_sorted(&spans) {
                if let sluice_finding::Location::Line(l) = loc {
                    found.push((l.start, l.start_column));
                }
            }
        };
        stream_lines(input.as_bytes(), chunk, &mut sink).unwrap();
        found
    }

    #[test]
    fn each_occurrence_is_reported_once_with_its_line_and_column() {
        let mut text = String::new();
        for i in 0..5000 {
            text.push_str(&format!("line {i} é SECRET-{i:05}\n"));
        }
        let found = find_all(&text, 1000, "SECRET-");
        assert_eq!(found.len(), 5000);
        assert_eq!(found[0], (1, 10));
        assert_eq!(found[4999], (5000, 13));
    }

    #[test]
    fn a_value_across_a_cut_in_one_huge_line_is_found_once() {
        // No newline at all: the cut falls inside the line; the overlap keeps the value whole.
        let mut text = "x".repeat(3 * OVERLAP - 3);
        text.push_str("SECRET-VALUE");
        text.push_str(&"y".repeat(3 * OVERLAP));
        let found = find_all(&text, 2 * OVERLAP, "SECRET-VALUE");
        assert_eq!(found, vec![(1, 3 * OVERLAP as u64 - 2)]);
    }

    #[test]
    fn empty_and_tiny_inputs() {
        assert!(find_all("", 1024, "x").is_empty());
        assert_eq!(find_all("x", 1024, "x"), vec![(1, 1)]);
    }
}

use sluice_finding::{Cell, LineRange, Location, Page, Record};

/// How a segment's byte offsets map to Macie's location shapes.
#[derive(Debug, Clone)]
pub enum SegmentOrigin<'a> {
    /// Free text whose first byte sits at `line` (1-based), `column` (0-based characters
    /// already on that line before the segment starts).
    Lines {
        line: u64,
        column: u64,
    },
    Cell {
        row: u64,
        column: u64,
        column_name: Option<&'a str>,
        cell_reference: Option<&'a str>,
    },
    Record {
        record_index: u64,
        json_path: &'a str,
    },
    Page {
        page_number: u64,
    },
}

/// A piece of text to classify, with its structured context and where it sits.
#[derive(Debug, Clone)]
pub struct Segment<'a> {
    pub text: &'a str,
    /// Column header or JSON path elements: Macie's keyword context for structured data.
    pub context: &'a [&'a str],
    /// Equal for segments that share a context within one object (one column), so the
    /// consumer can work out the context's keywords once.
    pub context_id: Option<u64>,
    /// Only matches starting in this byte range belong to this segment; the text around it
    /// is overlap with the neighbouring chunks, there for keywords and values across the cut.
    pub report: std::ops::Range<usize>,
    pub origin: SegmentOrigin<'a>,
}

/// The [`Segment::context_id`] of a context: a hash of its elements (FNV-1a, the elements
/// kept apart). A JSON document repeats its paths on every value, so this runs per value:
/// it must cost little for a twenty-byte path.
pub(crate) fn context_id<S: AsRef<str>>(context: &[S]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in context {
        for &b in part.as_ref().as_bytes().iter().chain(&[0xff]) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

impl Segment<'_> {
    /// Locations of spans sorted by start, walking the text once.
    pub fn locate_sorted(&self, spans: &[(usize, usize)]) -> Vec<Location> {
        match &self.origin {
            SegmentOrigin::Lines { line, column } => {
                let bytes = self.text.as_bytes();
                let mut out = Vec::with_capacity(spans.len());
                let (mut pos, mut cur_line, mut line_start, mut first_line) = (0usize, *line, 0usize, true);
                // Characters from the line's start to `pos`, carried from span to span: a long
                // line dense with findings was counted again from its start for each one.
                let mut chars_to_pos = 0u64;
                for &(s, e) in spans {
                    debug_assert!(s >= pos, "spans must be sorted");
                    // Counted in bulk, then the last one found: a call per line break cost
                    // more than the rest of locating a finding.
                    let gap = &bytes[pos..s];
                    let new_line = match memchr::memrchr(b'\n', gap) {
                        Some(last) => {
                            cur_line += memchr::memchr_iter(b'\n', gap).count() as u64;
                            line_start = pos + last + 1;
                            first_line = false;
                            true
                        }
                        None => false,
                    };
                    chars_to_pos = if new_line {
                        self.text[line_start..s].chars().count() as u64
                    } else {
                        chars_to_pos + self.text[pos..s].chars().count() as u64
                    };
                    pos = s;
                    let mut col = chars_to_pos + 1;
                    if first_line {
                        col += column;
                    }
                    let end_line = cur_line + memchr::memchr_iter(b'\n', &bytes[s..e.max(s)]).count() as u64;
                    out.push(Location::Line(LineRange { start: cur_line, end: end_line, start_column: col }));
                }
                out
            }
            SegmentOrigin::Cell { row, column, column_name, cell_reference } => {
                let cell = Location::Cell(Cell {
                    row: *row,
                    column: *column,
                    column_name: column_name.map(str::to_string),
                    cell_reference: cell_reference.map(str::to_string),
                });
                vec![cell; spans.len()]
            }
            SegmentOrigin::Record { record_index, json_path } => {
                let rec = Location::Record(Record {
                    record_index: *record_index,
                    json_path: json_path.to_string(),
                });
                vec![rec; spans.len()]
            }
            SegmentOrigin::Page { page_number } => {
                vec![Location::Page(Page { page_number: *page_number }); spans.len()]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_locations_count_lines_and_characters() {
        let text = "first line\nsé 536\nthird 123\n";
        let seg = Segment {
            text,
            context: &[],
            context_id: None,
            report: 0..text.len(),
            origin: SegmentOrigin::Lines { line: 10, column: 4 },
        };
        let a = text.find("first").unwrap();
        let b = text.find("536").unwrap();
        let c = text.find("123").unwrap();
        let locs = seg.locate_sorted(&[(a, a + 5), (b, b + 3), (c, c + 3)]);
        assert_eq!(locs[0], Location::Line(LineRange { start: 10, end: 10, start_column: 5 }));
        assert_eq!(locs[1], Location::Line(LineRange { start: 11, end: 11, start_column: 4 }));
        assert_eq!(locs[2], Location::Line(LineRange { start: 12, end: 12, start_column: 7 }));
    }

    /// Many spans on the same lines (several per line, multi-byte characters between them,
    /// spans that hold line breaks), and sparser ones with many line breaks between two:
    /// each line is the line breaks before it, each column the characters before it on its line.
    #[test]
    fn columns_of_many_spans_per_line() {
        let mut text = String::new();
        for i in 0..300 {
            text.push_str(["né ", "x", "日本 ", "536 ", "\n", "ab\ncd "][i % 6]);
        }
        let seg = Segment {
            text: &text,
            context: &[],
            context_id: None,
            report: 0..text.len(),
            origin: SegmentOrigin::Lines { line: 1, column: 0 },
        };
        for every in [1, 7, 60] {
            let spans: Vec<(usize, usize)> = text
                .char_indices()
                .filter(|(_, c)| c.is_alphanumeric())
                .map(|(i, _)| (i, (i + 6).min(text.len())))
                .filter(|&(_, e)| text.is_char_boundary(e))
                .step_by(every)
                .collect();
            let locs = seg.locate_sorted(&spans);
            for (&(s, e), loc) in spans.iter().zip(&locs) {
                let line_start = text[..s].rfind('\n').map_or(0, |p| p + 1);
                let line = 1 + text[..s].matches('\n').count() as u64;
                let end = line + text[s..e].matches('\n').count() as u64;
                let column = text[line_start..s].chars().count() as u64 + 1;
                assert_eq!(
                    *loc,
                    Location::Line(LineRange { start: line, end, start_column: column }),
                    "span at {s}, every {every}"
                );
            }
        }
    }
}

//! Structured values held back so that many are screened at once.
//!
//! A CSV cell or a JSON value is a few bytes: scanning each alone costs mostly the engine's
//! fixed cost per call (a gate search and a keyword walk set up for twenty bytes). Values
//! whose column or path names no identifier are copied here instead, and
//! [`Engine::screen`] passes over a whole batch once; only the values it keeps are scanned
//! one by one, exactly as before. Records (the `key: value` line of a JSON object) wait in
//! the same queue, so everything reaches the result in the order the extractor sent it.

use std::ops::Range;

use sluice_detect::Engine;
use sluice_extract::{Segment, SegmentOrigin};

/// Values held before a screen: enough to spread the per-call cost, few enough to stay in
/// cache.
const MAX_VALUES: usize = 2048;
const MAX_BYTES: usize = 128 << 10;
/// Longer values gain nothing from a batch: they are scanned at once.
pub(crate) const MAX_VALUE_LEN: usize = 1024;

#[derive(Default)]
pub(crate) struct Batch {
    /// The held values, each followed by a line break: the form [`Engine::screen`] takes.
    joined: String,
    /// The held records' texts (not screened: their own rules decide).
    records: String,
    /// Column names, cell references and JSON paths of the held items.
    names: String,
    items: Vec<Held>,
    /// Start in `joined` of each held value.
    value_starts: Vec<usize>,
    hot: Vec<bool>,
}

struct Held {
    record: bool,
    text: Range<usize>,
    context_id: Option<u64>,
    report: Range<usize>,
    origin: HeldOrigin,
}

enum HeldOrigin {
    Lines { line: u64, column: u64 },
    Cell { row: u64, column: u64, column_name: Option<Range<usize>>, cell_reference: Option<Range<usize>> },
    Record { record_index: u64, json_path: Range<usize> },
    Page { page_number: u64 },
}

/// What comes out of the batch, in the order it went in.
pub(crate) enum Released<'a> {
    /// A value the screen kept: scan it.
    Value(Segment<'a>),
    /// A record, as [`sluice_extract::SegmentSink::record`] received it.
    Record(Segment<'a>),
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn is_full(&self) -> bool {
        self.items.len() >= MAX_VALUES || self.joined.len() >= MAX_BYTES
    }

    /// Holds a value that its context gives no identifier to (see the module docs).
    pub fn push_value(&mut self, segment: &Segment<'_>) {
        self.value_starts.push(self.joined.len());
        self.push(segment, false);
    }

    pub fn push_record(&mut self, fields: &Segment<'_>) {
        self.push(fields, true);
    }

    fn push(&mut self, segment: &Segment<'_>, record: bool) {
        let buf = if record { &mut self.records } else { &mut self.joined };
        let start = buf.len();
        buf.push_str(segment.text);
        let text = start..buf.len();
        buf.push('\n');
        let origin = match &segment.origin {
            SegmentOrigin::Lines { line, column } => HeldOrigin::Lines { line: *line, column: *column },
            SegmentOrigin::Cell { row, column, column_name, cell_reference } => HeldOrigin::Cell {
                row: *row,
                column: *column,
                column_name: column_name.map(|n| self.name(n)),
                cell_reference: cell_reference.map(|r| self.name(r)),
            },
            SegmentOrigin::Record { record_index, json_path } => {
                HeldOrigin::Record { record_index: *record_index, json_path: self.name(json_path) }
            }
            SegmentOrigin::Page { page_number } => HeldOrigin::Page { page_number: *page_number },
        };
        self.items.push(Held {
            record,
            text,
            context_id: segment.context_id,
            report: segment.report.clone(),
            origin,
        });
    }

    fn name(&mut self, s: &str) -> Range<usize> {
        let start = self.names.len();
        self.names.push_str(s);
        start..self.names.len()
    }

    /// Screens the held values and hands over, in order, the records and the values kept;
    /// the batch is empty afterwards (its buffers stay for the next).
    pub fn release(&mut self, engine: &Engine, mut f: impl FnMut(Released<'_>)) {
        engine.screen(&self.joined, &self.value_starts, &mut self.hot);
        // One verdict per held value, in order; records are always handed over.
        let mut verdicts = self.hot.iter();
        for held in &self.items {
            let kept = held.record || *verdicts.next().expect("a verdict for every held value");
            if !kept {
                continue;
            }
            let name = |r: &Range<usize>| &self.names[r.clone()];
            let origin = match &held.origin {
                HeldOrigin::Lines { line, column } => SegmentOrigin::Lines { line: *line, column: *column },
                HeldOrigin::Cell { row, column, column_name, cell_reference } => SegmentOrigin::Cell {
                    row: *row,
                    column: *column,
                    column_name: column_name.as_ref().map(name),
                    cell_reference: cell_reference.as_ref().map(name),
                },
                HeldOrigin::Record { record_index, json_path } => {
                    SegmentOrigin::Record { record_index: *record_index, json_path: name(json_path) }
                }
                HeldOrigin::Page { page_number } => SegmentOrigin::Page { page_number: *page_number },
            };
            let segment = Segment {
                text: if held.record {
                    &self.records[held.text.clone()]
                } else {
                    &self.joined[held.text.clone()]
                },
                context: &[],
                context_id: held.context_id,
                report: held.report.clone(),
                origin,
            };
            f(if held.record { Released::Record(segment) } else { Released::Value(segment) });
        }
        self.joined.clear();
        self.records.clear();
        self.names.clear();
        self.items.clear();
        self.value_starts.clear();
    }
}

//! Sluice's use cases, free of any AWS or terminal concern.
//!
//! [`classify`] is the heart of both the scanner Lambda and the `sluice` command: one object's
//! bytes in, Macie's classification result out.

#[cfg(any(test, feature = "fakes"))]
pub mod fakes;
pub mod ports;
mod scan;

pub use scan::{unknown_posture, ObjectChange, Ports, ScanError, ScanSummary, Scanner, Scope};

use std::collections::HashMap;
use std::io::Read;

use sluice_detect::{ContextHits, Engine, Match};
use sluice_extract::{extract, ExtractError, Limits, Segment, SegmentSink};
use sluice_finding::{ClassificationResult, ResultBuilder};

/// Macie stops counting full names and mailing addresses after 1,000 in a file (macie.md §4.2).
const CONTEXTUAL_CAP: u64 = 1000;
const CONTEXTUAL_IDS: [&str; 2] = ["NAME", "ADDRESS"];
/// Distinct column headers / JSON paths whose keywords are remembered for one object.
const MAX_CACHED_CONTEXTS: usize = 10_000;

/// What to read an object as.
#[derive(Debug, Clone, Copy, Default)]
pub struct ObjectHint<'a> {
    /// The object's key or file name (its extension is the last resort for the format).
    pub name: &'a str,
    pub content_type: Option<&'a str>,
    pub size: Option<u64>,
}

/// Classifies one object. `max_locations` is 1,000 for a discovery result, 15 for a finding.
pub fn classify<R: Read>(
    engine: &Engine,
    reader: R,
    hint: ObjectHint<'_>,
    limits: &Limits,
    max_locations: usize,
) -> Result<ClassificationResult, ExtractError> {
    let mut sink = EngineSink {
        engine,
        builder: ResultBuilder::new(max_locations),
        matches: Vec::new(),
        spans: Vec::new(),
        contexts: HashMap::new(),
        contextual_counts: HashMap::new(),
    };
    let extraction = extract(reader, hint.name, hint.content_type, hint.size, limits, &mut sink)?;
    Ok(sink.builder.finish(extraction.mime_type, extraction.size_classified, extraction.status))
}

/// Runs the engine on every segment and tallies what it finds.
struct EngineSink<'e> {
    engine: &'e Engine,
    builder: ResultBuilder<'e>,
    matches: Vec<Match>,
    spans: Vec<(usize, usize)>,
    contexts: HashMap<u64, ContextHits>,
    contextual_counts: HashMap<u32, u64>,
}

impl SegmentSink for EngineSink<'_> {
    fn segment(&mut self, segment: &Segment<'_>) {
        let engine = self.engine;
        let computed;
        if self.contexts.len() > MAX_CACHED_CONTEXTS {
            self.contexts.clear(); // a hostile document with endless distinct keys
        }
        let ctx = match segment.context_id {
            Some(id) => self.contexts.entry(id).or_insert_with(|| engine.context(segment.context)),
            None => {
                computed = engine.context(segment.context);
                &computed
            }
        };
        self.matches.clear();
        engine.scan(segment.text, ctx, &mut self.matches);
        self.matches.retain(|m| segment.report.contains(&m.start));
        if self.matches.is_empty() {
            return;
        }
        self.spans.clear();
        self.spans.extend(self.matches.iter().map(|m| (m.start, m.end)));
        let locations = segment.locate_sorted(&self.spans);
        for (m, loc) in self.matches.iter().zip(locations) {
            let info = engine.info(m.rule);
            if CONTEXTUAL_IDS.contains(&info.id) {
                let n = self.contextual_counts.entry(m.rule).or_default();
                if *n >= CONTEXTUAL_CAP {
                    continue;
                }
                *n += 1;
            }
            self.builder.add(info, loc);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sluice_detect::DetectionConfig;
    use sluice_finding::{FindingType, Location, Severity, StatusCode};

    fn engine() -> Engine {
        let cfg =
            DetectionConfig::from_yaml("identifiers: {selector: INCLUDE, ids: [USA_SOCIAL_SECURITY_NUMBER]}")
                .unwrap();
        Engine::from_config(&cfg).unwrap()
    }

    #[test]
    fn text_object_gives_line_locations_and_macie_severity() {
        let text = "hello\nemployee ssn: 536-22-8726\n";
        let r = classify(
            &engine(),
            text.as_bytes(),
            ObjectHint { name: "a.txt", ..Default::default() },
            &Limits::default(),
            1000,
        )
        .unwrap();
        assert_eq!(r.status.code, StatusCode::Complete);
        assert_eq!(r.severity, Some(Severity::High));
        assert_eq!(r.finding_type, Some(FindingType::Personal));
        let det = &r.sensitive_data[0].detections[0];
        assert_eq!(det.kind, "USA_SOCIAL_SECURITY_NUMBER");
        assert_eq!(det.occurrences.line_ranges[0].start, 2);
        assert_eq!(det.occurrences.line_ranges[0].start_column, 15);
    }

    #[test]
    fn csv_header_is_the_keyword() {
        let csv = "name,ssn\nJane,536-22-8726\nBob,536-22-8727\n";
        let r = classify(
            &engine(),
            csv.as_bytes(),
            ObjectHint { name: "a.csv", ..Default::default() },
            &Limits::default(),
            1000,
        )
        .unwrap();
        let det = &r.sensitive_data[0].detections[0];
        assert_eq!(det.count, 2);
        assert_eq!(r.mime_type, "text/csv");
        assert!(matches!(
            Location::Cell(det.occurrences.cells[1].clone()),
            Location::Cell(ref c) if c.row == 3 && c.column == 2 && c.column_name.as_deref() == Some("ssn")
        ));
    }

    #[test]
    fn binary_is_skipped_with_a_reason_and_no_finding() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        let r = classify(
            &engine(),
            &png[..],
            ObjectHint { name: "x.png", ..Default::default() },
            &Limits::default(),
            1000,
        )
        .unwrap();
        assert_eq!(r.status.code, StatusCode::Skipped);
        assert_eq!(r.finding_type, None);
    }
}

//! Sluice's use cases, free of any AWS or terminal concern.
//!
//! [`classify`] is the heart of both the scanner Lambda and the `sluice` command: one object's
//! bytes in, Macie's classification result out.

mod batch;
mod columns;
#[cfg(any(test, feature = "fakes"))]
pub mod fakes;
pub mod ports;
mod scan;

pub use scan::{unknown_posture, ObjectChange, Ports, ScanError, ScanSummary, Scanner, Scope};

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::rc::Rc;
use std::time::Instant;

use sluice_detect::{ContextHits, Engine, Match};
use sluice_extract::{extract, ExtractError, Limits, Segment, SegmentOrigin, SegmentSink};
use sluice_finding::{ClassificationResult, EmbeddedFile, Location, Reason, ResultBuilder, Status};

use crate::batch::{Batch, Released};
use crate::columns::ColumnShapes;

/// Macie stops counting full names and mailing addresses after 1,000 in a file (macie.md §4.2).
const CONTEXTUAL_CAP: u64 = 1000;
const CONTEXTUAL_IDS: [&str; 2] = ["NAME", "ADDRESS"];
/// Distinct column headers / JSON paths whose keywords are remembered for one object.
const MAX_CACHED_CONTEXTS: usize = 10_000;
/// Archive members whose findings a result lists one by one (all of them still count in the
/// archive's totals): a bound on a result's size whatever the archive holds.
const MAX_EMBEDDED_FILES: usize = 1000;

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
    classify_with(engine, reader, hint, limits, max_locations, true)
}

fn classify_with<R: Read>(
    engine: &Engine,
    reader: R,
    hint: ObjectHint<'_>,
    limits: &Limits,
    max_locations: usize,
    screen_raw_lines: bool,
) -> Result<ClassificationResult, ExtractError> {
    let deadline = limits.time_limit.map(|limit| Instant::now() + limit);
    let timed_out = Cell::new(false);
    let mut sink = EngineSink {
        engine,
        max_locations,
        builder: ResultBuilder::new(max_locations),
        matches: Vec::new(),
        spans: Vec::new(),
        contexts: HashMap::default(),
        contextual_counts: HashMap::new(),
        deadline,
        timed_out: &timed_out,
        members: Vec::new(),
        embedded: BTreeMap::new(),
        record_values: HashSet::new(),
        columns: ColumnShapes::default(),
        pending_cards: Vec::new(),
        batch: Batch::default(),
        screen_raw_lines,
    };
    let reader = DeadlineReader { inner: reader, deadline, timed_out: &timed_out };
    let extraction = extract(reader, hint.name, hint.content_type, hint.size, limits, &mut sink);
    if timed_out.get() {
        // Whatever the extractor made of the cut (an I/O error, a truncated archive), the
        // object was cut by time: report what was found before it as Macie does.
        let mime = match &extraction {
            Ok(e) => e.mime_type,
            Err(_) => sluice_extract::sniff(&[], hint.content_type, hint.name).mime_type(),
        };
        let size = extraction.as_ref().map_or(0, |e| e.size_classified);
        return Ok(sink.finish(mime, size, Status::partial(Reason::TimeCutOffReached)));
    }
    let extraction = extraction?;
    Ok(sink.finish(extraction.mime_type, extraction.size_classified, extraction.status))
}

/// Ends the object's stream once its time is up (the extractor then stops where it is).
struct DeadlineReader<'a, R> {
    inner: R,
    deadline: Option<Instant>,
    timed_out: &'a Cell<bool>,
}

impl<R: Read> Read for DeadlineReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            self.timed_out.set(true);
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the object's time limit was reached",
            ));
        }
        self.inner.read(buf)
    }
}

/// Runs the engine on every segment and tallies what it finds.
struct EngineSink<'e> {
    engine: &'e Engine,
    max_locations: usize,
    builder: ResultBuilder<'e>,
    matches: Vec<Match>,
    spans: Vec<(usize, usize)>,
    contexts: HashMap<u64, Rc<ContextHits>, std::hash::BuildHasherDefault<IdHasher>>,
    contextual_counts: HashMap<u32, u64>,
    deadline: Option<Instant>,
    timed_out: &'e Cell<bool>,
    /// The archive members being read, outermost first.
    members: Vec<String>,
    /// What each member with findings holds, by its path.
    embedded: BTreeMap<String, ResultBuilder<'e>>,
    /// Identifier and value digests found in the fields of the record being read.
    record_values: HashSet<(u64, u64)>,
    /// Which structured columns are columns of hex tokens ([`crate::columns`]).
    columns: ColumnShapes,
    /// Keyword-free card numbers that are whole column values, decided once the columns are
    /// known: (column, value length, rule, location, archive member).
    pending_cards: Vec<(u64, usize, u32, Location, Option<String>)>,
    /// Structured values (and records) waiting to be screened together ([`crate::batch`]).
    batch: Batch,
    /// Whether lines are screened before they are parsed ([`SegmentSink::screen_lines`]);
    /// tests turn it off to compare.
    screen_raw_lines: bool,
}

/// Card numbers held back per object; past this they count at once.
const MAX_PENDING_CARDS: usize = 10_000;

impl EngineSink<'_> {
    fn finish(mut self, mime_type: &str, size: u64, status: Status) -> ClassificationResult {
        self.flush();
        for (column, len, rule, loc, member) in std::mem::take(&mut self.pending_cards) {
            if !self.columns.is_token_column(column, len) {
                self.add_one(rule, loc, member);
            }
        }
        let mut result = self.builder.finish(mime_type, size, status);
        result.embedded_files = self
            .embedded
            .into_iter()
            .map(|(file_path, builder)| {
                let member = builder.finish("", 0, Status::complete());
                EmbeddedFile {
                    file_path,
                    sensitive_data: member.sensitive_data,
                    custom_data_identifiers: member.custom_data_identifiers,
                }
            })
            .filter(|f| !f.sensitive_data.is_empty() || f.custom_data_identifiers.total_count > 0)
            .collect();
        result
    }
}

impl SegmentSink for EngineSink<'_> {
    fn record(&mut self, fields: &Segment<'_>) {
        if self.timed_out.get() || !self.engine.has_record_rules() {
            return;
        }
        if self.batch.is_empty() {
            self.scan_record(fields);
        } else {
            // After the fields still held: the record needs their findings (see scan_record).
            self.batch.push_record(fields);
        }
    }

    fn wants_records(&self) -> bool {
        self.engine.has_record_rules()
    }

    /// A context that gives no identifier its keyword.
    fn plain_context(&mut self, context: &[&str]) -> bool {
        self.engine.context(context).is_empty()
    }

    /// The lines' values are there verbatim, keys and all (the extractor asks only then), so
    /// what the screen finds cold in a line is cold in each value and key path it holds: no
    /// keyword of any key, no anchor, no gate match.
    fn screen_lines(&mut self, lines: &str, starts: &[usize], hot: &mut Vec<bool>) {
        if self.screen_raw_lines {
            self.engine.screen(lines, starts, hot);
        } else {
            hot.clear();
            hot.resize(starts.len(), true);
        }
    }

    fn enter_member(&mut self, path: &str) {
        self.flush();
        self.members.push(path.to_string());
    }

    fn leave_member(&mut self) {
        self.flush();
        self.members.pop();
    }

    fn segment(&mut self, segment: &Segment<'_>) {
        // Formats parsed whole (PDF, Office) hand over their segments after the last read.
        if self.timed_out.get() || self.deadline.is_some_and(|d| Instant::now() >= d) {
            self.timed_out.set(true);
            return;
        }
        let engine = self.engine;
        if self.contexts.len() > MAX_CACHED_CONTEXTS {
            self.contexts.clear(); // a hostile document with endless distinct keys
        }
        let ctx = match segment.context_id {
            Some(id) => {
                Rc::clone(self.contexts.entry(id).or_insert_with(|| Rc::new(engine.context(segment.context))))
            }
            None => Rc::new(engine.context(segment.context)),
        };
        if let Some(column) = segment.context_id {
            self.columns.observe(column, segment.text);
            // A short value whose column or path names no identifier: screened in a batch.
            if ctx.is_empty() && segment.text.len() <= batch::MAX_VALUE_LEN {
                self.batch.push_value(segment);
                if self.batch.is_full() {
                    self.flush();
                }
                return;
            }
        }
        self.flush();
        self.scan_segment(segment, &ctx);
    }
}

impl EngineSink<'_> {
    /// Screens the held values, then scans those the screen keeps and the held records, in
    /// the order they came.
    fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let mut batch = std::mem::take(&mut self.batch);
        let none = ContextHits::none();
        batch.release(self.engine, |held| match held {
            Released::Value(segment) => self.scan_segment(&segment, &none),
            Released::Record(fields) => self.scan_record(&fields),
        });
        self.batch = batch; // its buffers, for the next batch
    }

    fn scan_segment(&mut self, segment: &Segment<'_>, ctx: &ContextHits) {
        let engine = self.engine;
        self.matches.clear();
        engine.scan(segment.text, ctx, &mut self.matches);
        self.matches.retain(|m| segment.report.contains(&m.start));
        if self.matches.is_empty() {
            return;
        }
        if matches!(segment.origin, SegmentOrigin::Record { .. }) && self.record_values.len() < 1024 {
            for m in &self.matches {
                let id = fingerprint(engine.info(m.rule).id);
                self.record_values.insert((id, fingerprint(&segment.text[m.start..m.end])));
            }
        }
        self.add_matches(segment);
    }

    fn scan_record(&mut self, fields: &Segment<'_>) {
        self.matches.clear();
        self.engine.scan_record(fields.text, &mut self.matches);
        // A secret its own field already showed (`"aws_secret_access_key": …`) is not counted
        // again for its record.
        let (seen, engine) = (&self.record_values, self.engine);
        self.matches.retain(|m| {
            !seen.contains(&(fingerprint(engine.info(m.rule).id), fingerprint(&fields.text[m.start..m.end])))
        });
        self.add_matches(fields);
        self.record_values.clear();
    }
}

/// Hashes the context ids (FNV digests of a path, or column numbers) of the per-object
/// context cache with one multiplication: the default SipHash cost more than the lookup it
/// served, once per CSV cell and JSON value.
#[derive(Default)]
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u64(&mut self, v: u64) {
        // Fibonacci hashing spreads column numbers 0, 1, 2… over the table's buckets.
        self.0 = (self.0 ^ v).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// A short digest of a value, to recognise it again within one record (never stored).
fn fingerprint(value: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(value, &mut h);
    std::hash::Hasher::finish(&h)
}

impl EngineSink<'_> {
    /// Locates the matches found in `segment` and adds them to the result (and to the
    /// archive member's, inside an archive).
    fn add_matches(&mut self, segment: &Segment<'_>) {
        let engine = self.engine;
        if self.matches.is_empty() {
            return;
        }
        self.spans.clear();
        self.spans.extend(self.matches.iter().map(|m| (m.start, m.end)));
        let locations = segment.locate_sorted(&self.spans);
        let column = segment.context_id.filter(|_| self.pending_cards.len() < MAX_PENDING_CARDS);
        let whole_value = segment.text.trim();
        let member = (!self.members.is_empty()).then(|| self.members.join("/"));
        let matches = std::mem::take(&mut self.matches);
        for (m, loc) in matches.iter().zip(locations) {
            let value = &segment.text[m.start..m.end];
            if let Some(column) = column {
                if value == whole_value && engine.skips_hex_token_columns(m.rule) {
                    self.pending_cards.push((column, value.len(), m.rule, loc, member.clone()));
                    continue;
                }
            }
            self.add_one(m.rule, loc, member.clone());
        }
        self.matches = matches; // its buffer, for the next segment
    }

    /// Adds one match to the result (and to its archive member's, inside an archive).
    fn add_one(&mut self, rule: u32, loc: Location, member: Option<String>) {
        let info = self.engine.info(rule);
        if CONTEXTUAL_IDS.contains(&info.id) {
            let n = self.contextual_counts.entry(rule).or_default();
            if *n >= CONTEXTUAL_CAP {
                return;
            }
            *n += 1;
        }
        if let Some(path) = member {
            let room = self.embedded.len() < MAX_EMBEDDED_FILES;
            if let Some(builder) = match self.embedded.get_mut(&path) {
                Some(builder) => Some(builder),
                None if room => {
                    Some(self.embedded.entry(path).or_insert_with(|| ResultBuilder::new(self.max_locations)))
                }
                None => None,
            } {
                builder.add(info, loc.clone());
            }
        }
        self.builder.add(info, loc);
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

    fn card_engine() -> Engine {
        let ids = "[CREDIT_CARD_NUMBER, \"CREDIT_CARD_NUMBER_(NO_KEYWORD)\"]";
        let cfg =
            DetectionConfig::from_yaml(&format!("identifiers: {{selector: INCLUDE, ids: {ids}}}")).unwrap();
        Engine::from_config(&cfg).unwrap()
    }

    fn card_count(name: &str, body: &str) -> u64 {
        let hint = ObjectHint { name, ..Default::default() };
        let r = classify(&card_engine(), body.as_bytes(), hint, &Limits::default(), 1000).unwrap();
        r.sensitive_data.iter().flat_map(|s| &s.detections).map(|d| d.count).sum()
    }

    /// Sixteen hex characters with at least one letter, as hashes are.
    fn hex_token(i: u64) -> String {
        format!("{:015x}a", i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 4)
    }

    #[test]
    fn a_luhn_valid_number_in_a_column_of_hex_hashes_is_a_hash() {
        // 4442378565927686 is all digits and passes Luhn: in a column of hashes, a hash.
        let mut rows: Vec<String> =
            (0..40).map(|i| format!("{{\"k\": {i}, \"h\": \"{}\"}}", hex_token(i))).collect();
        rows.insert(25, r#"{"k": 99, "h": "4442378565927686"}"#.to_string());
        assert_eq!(card_count("a.json", &format!("[{}]", rows.join(","))), 0);
        let mut csv = String::from("id,h\n");
        for i in 0..40 {
            csv.push_str(&format!("{i},{}\n", hex_token(i)));
        }
        csv.push_str("99,4442378565927686\n");
        assert_eq!(card_count("a.csv", &csv), 0, "the hash comes last, after its column is known");
    }

    #[test]
    fn card_numbers_in_their_own_column_or_beside_few_hashes_still_count() {
        let rows: Vec<String> =
            (0..40).map(|i| format!("{{\"k\": {i}, \"h\": \"4442378565927686\"}}")).collect();
        assert_eq!(card_count("a.json", &format!("[{}]", rows.join(","))), 40);
        let mut rows: Vec<String> = (0..5).map(|i| format!("{{\"h\": \"{}\"}}", hex_token(i))).collect();
        rows.push(r#"{"h": "4442378565927686"}"#.to_string());
        assert_eq!(
            card_count("a.json", &format!("[{}]", rows.join(","))),
            1,
            "five hashes are not a column of them"
        );
        // Not a whole value: a card inside a sentence of a hash column still counts.
        let mut rows: Vec<String> = (0..40).map(|i| format!("{{\"h\": \"{}\"}}", hex_token(i))).collect();
        rows.push(r#"{"h": "paid with 4442378565927686 today"}"#.to_string());
        assert_eq!(card_count("a.json", &format!("[{}]", rows.join(","))), 1);
    }

    /// A reader that turns slow after its first 64 KB: the object outlasts its time limit.
    struct Slow(Vec<u8>, usize);

    impl Read for Slow {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.1 >= 64 << 10 {
                std::thread::sleep(std::time::Duration::from_millis(30));
            }
            let n = buf.len().min(self.0.len() - self.1).min(4096);
            buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
            self.1 += n;
            Ok(n)
        }
    }

    #[test]
    fn an_object_past_its_time_limit_keeps_what_was_found_and_says_why() {
        let mut text = String::from("employee ssn: 536-22-8726\n");
        text.push_str(&"nothing to see here\n".repeat(10_000));
        text.push_str("late ssn: 536-22-8727\n");
        let limits = Limits {
            time_limit: Some(std::time::Duration::from_millis(300)),
            chunk_bytes: 32 << 10,
            ..Limits::default()
        };
        let hint = ObjectHint { name: "slow.txt", ..Default::default() };
        let r = classify(&engine(), Slow(text.clone().into_bytes(), 0), hint, &limits, 1000).unwrap();
        assert_eq!(r.status, Status::partial(Reason::TimeCutOffReached));
        assert_eq!(r.mime_type, "text/plain");
        let found = &r.sensitive_data[0].detections[0];
        assert_eq!(found.count, 1, "the first chunk's finding is kept, the late one never read");
        let unlimited = classify(&engine(), text.as_bytes(), hint, &Limits::default(), 1000).unwrap();
        assert_eq!(unlimited.status.code, StatusCode::Complete);
        assert_eq!(unlimited.sensitive_data[0].detections[0].count, 2);
    }

    #[test]
    fn an_archive_result_names_the_members_that_hold_each_finding() {
        let mut tar = tar::Builder::new(Vec::new());
        for (path, body) in [
            ("docs/readme.txt", "nothing here\n"),
            ("exports/staff.csv", "name,ssn\nJane,536-22-8726\nBob,536-22-8727\n"),
            ("exports/notes.txt", "employee ssn: 536-22-8728\n"),
        ] {
            let mut header = tar::Header::new_gnu();
            header.set_size(body.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            tar.append_data(&mut header, path, body.as_bytes()).unwrap();
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &tar.into_inner().unwrap()).unwrap();
        let bytes = gz.finish().unwrap();
        let hint = ObjectHint { name: "bundle.tar.gz", ..Default::default() };
        let r = classify(&engine(), &bytes[..], hint, &Limits::default(), 1000).unwrap();
        assert_eq!(r.total_count(), 3, "the archive's totals count every member");
        let members: Vec<(&str, u64)> = r
            .embedded_files
            .iter()
            .map(|f| (f.file_path.as_str(), f.sensitive_data.iter().map(|i| i.total_count).sum()))
            .collect();
        assert_eq!(members, [("bundle.tar/exports/notes.txt", 1), ("bundle.tar/exports/staff.csv", 2)]);
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["embeddedFiles"][1]["filePath"], "bundle.tar/exports/staff.csv");
        assert!(r.truncated(15).embedded_files.is_empty(), "a finding leaves members out, as Macie's do");
    }

    #[test]
    fn an_access_key_pair_in_two_fields_of_one_object_is_found_once() {
        let cfg = "identifiers: {selector: INCLUDE, ids: [AWS_CREDENTIALS]}";
        let engine = Engine::from_config(&DetectionConfig::from_yaml(cfg).unwrap()).unwrap();
        let tfstate = r#"{"resources": [{"type": "aws_iam_access_key", "instances": [{"attributes":
            {"id": "AKIAZAZVAGI4ESHKQFNK", "secret": "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", "user": "ci"}}]}]}"#;
        let hint = ObjectHint { name: "terraform.tfstate", ..Default::default() };
        let r = classify(&engine, tfstate.as_bytes(), hint, &Limits::default(), 1000).unwrap();
        let det = &r.sensitive_data[0].detections[0];
        assert_eq!((det.kind.as_str(), det.count), ("AWS_CREDENTIALS", 1));
        assert_eq!(
            det.occurrences.records[0].json_path, "$.resources[0].instances[0].attributes",
            "located at the record that holds the pair"
        );
        // Named by its own key, the secret is found in its field; its record does not count it again.
        let cli = r#"{"AccessKey": {"AccessKeyId": "AKIAZAZVAGI4ESHKQFNK", "SecretAccessKey": "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"}}"#;
        let r = classify(
            &engine,
            cli.as_bytes(),
            ObjectHint { name: "key.json", ..Default::default() },
            &Limits::default(),
            1000,
        )
        .unwrap();
        assert_eq!(r.sensitive_data[0].detections[0].count, 1);
        // A secret-shaped value beside no access key ID is not a pair.
        let lone = r#"{"id": "build-42", "secret": "/pLnREG6rNcrSI4ja6HmErEegNWmS/2NXPukywv1"}"#;
        let r = classify(
            &engine,
            lone.as_bytes(),
            ObjectHint { name: "x.json", ..Default::default() },
            &Limits::default(),
            1000,
        )
        .unwrap();
        assert!(r.sensitive_data.is_empty());
    }

    /// Values are screened in batches of many records; what is found, and where, must be what
    /// each record alone gives: the held values, the records behind them and the values
    /// scanned at once (a path that names an identifier) keep their order and their findings.
    #[test]
    fn batched_values_find_what_each_record_alone_finds() {
        let engine = Engine::builtin().unwrap();
        let mut lines = Vec::new();
        for i in 0..5000u64 {
            let line = match i % 997 {
                10 => format!(
                    r#"{{"n": {i}, "id": "AKIAZAZVAGI4ESHKQFNK", "secret": "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"}}"#
                ),
                20 => format!(r#"{{"n": {i}, "note": "refund to GB82 WEST 1234 5698 7654 32 today"}}"#),
                30 => format!(
                    r#"{{"n": {i}, "customer_ssn": "536-22-8726", "note": "call 4111 1111 1111 1111"}}"#
                ),
                40 => format!(
                    r#"{{"n": {i}, "AccessKeyId": "AKIAZAZVAGI4ESHKQFNK", "SecretAccessKey": "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"}}"#
                ),
                _ => format!(
                    r#"{{"n": {i}, "ts": "2024-03-19T07:50:59.783Z", "type": "search", "session": "{:032x}"}}"#,
                    i * 7919
                ),
            };
            lines.push(line);
        }
        let hint = ObjectHint { name: "events.jsonl", ..Default::default() };
        let found = |r: &ClassificationResult| -> Vec<(String, u64)> {
            let mut v: Vec<(String, u64)> = r
                .sensitive_data
                .iter()
                .flat_map(|s| &s.detections)
                .flat_map(|d| d.occurrences.records.iter().map(move |rec| (d.kind.clone(), rec.record_index)))
                .collect();
            v.sort();
            v
        };
        let whole = classify(&engine, lines.join("\n").as_bytes(), hint, &Limits::default(), 1000).unwrap();
        let mut alone = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let r = classify(&engine, line.as_bytes(), hint, &Limits::default(), 1000).unwrap();
            alone.extend(found(&r).into_iter().map(|(kind, _)| (kind, i as u64)));
        }
        alone.sort();
        for want in [("AWS_CREDENTIALS", 10), ("AWS_CREDENTIALS", 40), ("UK_BANK_ACCOUNT_NUMBER", 1017)] {
            assert!(alone.contains(&(want.0.to_string(), want.1)), "{want:?} is among {alone:?}");
        }
        assert_eq!(found(&whole), alone);
    }

    /// A deterministic generator (xorshift) of numbers below `n`, so that a failure reproduces.
    fn below(mut state: u64) -> impl FnMut(usize) -> usize {
        move |n| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        }
    }

    /// JSON Lines are screened line by line as written and only the lines the screen keeps
    /// are parsed: the result must be the one every line parsed gives, whatever the values
    /// (every rule's examples and counter-examples, under plain keys, under their context's
    /// keys, nested, in arrays, beside plain records), the escapes, the numbers (an exponent
    /// writes a card number out in full) and the columns of hex tokens (counted in lines that
    /// hold nothing).
    #[test]
    fn screened_lines_find_what_every_line_parsed_finds() {
        let engine = Engine::builtin().unwrap();
        let mut texts: Vec<(String, Vec<String>)> = Vec::new();
        for spec in sluice_detect::builtin_specs().unwrap() {
            for ex in spec.examples.iter().chain(&spec.negative_examples) {
                let context = match ex {
                    sluice_detect::Example::WithContext { context, .. } => context.clone(),
                    sluice_detect::Example::Text(_) => Vec::new(),
                };
                texts.push((ex.text().to_string(), context));
            }
        }
        let mut next = below(0x2545_f491_4f6c_dd1d);
        let quoted = |t: &str| serde_json::to_string(t).unwrap();
        let mut lines = Vec::new();
        for i in 0..6000usize {
            let plain =
                format!(r#""n": {i}, "ts": "2024-03-19T07:50:59.783Z", "session": "{:032x}""#, i * 7919);
            let line = match next(12) {
                0..=2 => {
                    let (text, context) = &texts[next(texts.len())];
                    let mut value = quoted(text);
                    for key in context.iter().rev() {
                        value = format!("{{{}: {value}}}", quoted(key));
                    }
                    format!("{{{plain}, \"v\": {value}}}")
                }
                3 => {
                    let (text, _) = &texts[next(texts.len())];
                    format!(r#"{{{plain}, "items": [1, {{"deep": [{}, 2.5]}}]}}"#, quoted(text))
                }
                4 => match next(4) {
                    0 => format!(r#"{{{plain}, "amount": 4.539578763621486e15}}"#),
                    1 => format!(r#"{{{plain}, "amount": 4539578763621486, "ratio": 12.50}}"#),
                    2 => format!(r#"{{{plain}, "amount": 45395787636214.86E2, "ok": true}}"#),
                    _ => format!(r#"{{{plain}, "amount": 999999999999.9999999, "n2": -0}}"#),
                },
                // A column of 16-digit hex tokens, now and then one of digits only that passes
                // the Luhn check: a token, not a card, once the column is known.
                5..=7 => format!(
                    r#"{{{plain}, "tok": "{:016x}"}}"#,
                    (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 0xa
                ),
                8 if i % 5 == 0 => format!(r#"{{{plain}, "tok": "4442378565927686"}}"#),
                9 => {
                    format!(r#"{{{plain}, "note": "caf\u00e9 {}"}}"#, ["4111 1111 1111 1111", "ok"][next(2)])
                }
                10 => format!(
                    r#"{{"id": "AKIAZAZVAGI4ESHKQFNK", "secret": "/pLnREG6rNcrSI4ja6HmErEegNWmS/2NXPukywv{}"}}"#,
                    next(10)
                ),
                _ => format!("{{{plain}}}"),
            };
            lines.push(line);
        }
        lines.push("not json: 4111 1111 1111 1111".into());
        lines.push(r#"{"unterminated": "4111111111111111"#.into());
        let object = lines.join("\n");
        let hint = ObjectHint { name: "events.jsonl", ..Default::default() };
        let limits = Limits::default();
        let screened = classify_with(&engine, object.as_bytes(), hint, &limits, 1000, true).unwrap();
        let parsed = classify_with(&engine, object.as_bytes(), hint, &limits, 1000, false).unwrap();
        let kinds: HashSet<&str> =
            parsed.sensitive_data.iter().flat_map(|s| &s.detections).map(|d| d.kind.as_str()).collect();
        assert!(kinds.len() > 40, "the examples give many kinds: {kinds:?}");
        assert!(kinds.contains("CREDIT_CARD_NUMBER_(NO_KEYWORD)") && kinds.contains("AWS_CREDENTIALS"));
        assert_eq!(screened, parsed);
        // The card written with an exponent is found (the raw line shows no card number).
        let alone = |line: &str| classify_with(&engine, line.as_bytes(), hint, &limits, 1000, true).unwrap();
        let exponent = alone(r#"{"amount": 4.539578763621486e15}"#);
        assert_eq!(exponent.sensitive_data[0].detections[0].kind, "CREDIT_CARD_NUMBER_(NO_KEYWORD)");
    }

    /// Delimited rows are screened as written and only the rows the screen keeps are parsed:
    /// the result must be the one every row parsed gives, for each delimiter, under a plain
    /// header and under one that names an identifier, whatever the cells (every rule's
    /// examples and counter-examples, quoted where they must be, some across lines) and with
    /// a column of hex tokens (counted in rows that hold nothing).
    #[test]
    fn screened_rows_find_what_every_row_parsed_finds() {
        let engine = Engine::builtin().unwrap();
        let mut texts: Vec<String> = Vec::new();
        for spec in sluice_detect::builtin_specs().unwrap() {
            texts.extend(spec.examples.iter().chain(&spec.negative_examples).map(|ex| ex.text().to_string()));
        }
        let mut next = below(0x9e37_79b9_7f4a_7c15);
        for delimiter in [b',', b';', b'\t', b'|'] {
            for header in [["id", "created_at", "note", "tok"], ["id", "created_at", "ssn", "tok"]] {
                let mut w = csv::WriterBuilder::new().delimiter(delimiter).from_writer(Vec::new());
                w.write_record(header).unwrap();
                for i in 0..4000u64 {
                    let note = match next(16) {
                        0 => texts[next(texts.len())].clone(),
                        1 => "536-22-8726".to_string(),
                        _ => String::new(),
                    };
                    // Every other row a hex token, now and then one of digits only that
                    // passes the Luhn check (a token, once the column is known).
                    let tok = match i {
                        _ if i % 50 == 0 => "4442378565927686".to_string(),
                        _ if i % 2 == 0 => format!("{:016x}", i.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 0xa),
                        _ => String::new(),
                    };
                    w.write_record([i.to_string(), "2024-03-05T07:23:10.358Z".into(), note, tok]).unwrap();
                }
                let object = w.into_inner().unwrap();
                let hint = ObjectHint { name: "rows.csv", ..Default::default() };
                let limits = Limits::default();
                let screened = classify_with(&engine, &object[..], hint, &limits, 1000, true).unwrap();
                let parsed = classify_with(&engine, &object[..], hint, &limits, 1000, false).unwrap();
                let count: u64 = parsed.sensitive_data.iter().map(|s| s.total_count).sum();
                assert!(count > 50, "the examples give many findings: {count}");
                assert_eq!(screened, parsed, "delimiter {:?}, header {header:?}", delimiter as char);
            }
        }
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

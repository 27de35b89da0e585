//! What every extraction target shares: the limits, a sink that touches every segment's
//! text and locations the way the pipeline does, and the panic policy.
//!
//! Panic policy. libfuzzer-sys installs a panic hook that aborts the process, and a hook runs
//! when a panic starts, before anyone has had a chance to catch it. sluice-extract catches
//! panics on purpose in one place: pdf-extract, a third-party parser, panics on many damaged
//! PDFs, and `pdf::extract` turns that into UNABLE_TO_PARSE_FILE. Under libfuzzer-sys's hook
//! each such caught panic would still abort and be reported as a crash that the real
//! scanner never has. Any extraction target can reach pdf-extract (magic bytes beat the
//! name, and archives and e-mails carry PDFs as members), so every one of them runs through
//! [`run_guarded`]: it replaces the hook with one that only remembers the message, and
//! catches the panic itself at the entry point. A panic that escapes `extract` is still a
//! crash: the target prints the message and aborts, and libFuzzer saves the input.
//!
//! To see the difference, run a target with `SLUICE_FUZZ_LIBFUZZER_HOOK=1`: the hook is left
//! as libfuzzer-sys set it, and the first PDF that pdf-extract panics on aborts the run, though
//! sluice-extract catches that panic.

use std::cell::RefCell;
use std::hint::black_box;
use std::panic::AssertUnwindSafe;
use std::sync::Once;

use sluice_extract::{extract, Limits, Segment, SegmentSink};
use sluice_finding::Location;

/// The crate's defaults, with sizes cut so that no single input can legitimately run for
/// seconds (libFuzzer's -timeout is 10 s): archives stop at 64 MiB extracted, a bomb's ratio
/// is checked after 1 MiB, and documents parsed whole (JSON, PDF, zip, Office, Parquet) are
/// read up to 4 MiB. Text is cut into 32 KiB chunks (the smallest the text reader uses)
/// rather than 1 MiB, so that inputs of up to 64 KiB reach the chunk cuts too.
pub fn limits() -> Limits {
    Limits {
        max_document_bytes: 4 << 20,
        max_extracted_bytes: 64 << 20,
        ratio_check_after: 1 << 20,
        chunk_bytes: 32 << 10,
        ..Limits::default()
    }
}

/// Extracts `data` as an object called `name`, with a sink that touches everything.
pub fn extract_as(data: &[u8], name: &str) {
    run_guarded(|| {
        let mut sink = Toucher::default();
        let result = extract(data, name, None, Some(data.len() as u64), &limits(), &mut sink);
        // An error is an acceptable answer (the caller reports the object as unreadable);
        // only a panic, a hang or a blown memory limit is a failure.
        match result {
            Ok(ex) => {
                black_box((ex.status, ex.mime_type.len(), ex.size_classified));
            }
            Err(e) => {
                black_box(e.to_string());
            }
        }
        black_box((sink.bytes, sink.locations));
    });
}

/// For targets that cover several formats: the first byte picks the object's name (so its
/// extension picks the parser), the rest is the object. `None` for an empty input.
pub fn pick<'a>(data: &'a [u8], names: &[&'static str]) -> Option<(&'static str, &'a [u8])> {
    let (&first, rest) = data.split_first()?;
    Some((names[first as usize % names.len()], rest))
}

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// Runs `f`, letting panics that `f` catches itself go, and aborting on one that escapes.
pub fn run_guarded(f: impl FnOnce()) {
    HOOK.call_once(|| {
        if std::env::var_os("SLUICE_FUZZ_LIBFUZZER_HOOK").is_none() {
            std::panic::set_hook(Box::new(|info| {
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(info.to_string()));
            }));
        }
    });
    LAST_PANIC.with(|p| p.borrow_mut().take());
    if std::panic::catch_unwind(AssertUnwindSafe(f)).is_err() {
        let message = LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_default();
        eprintln!("a panic escaped the entry point: {message}");
        std::process::abort();
    }
}

/// Does with each segment what the pipeline does: reads the whole text and the context,
/// slices the reported range, and asks for the locations of spans across it (every word's
/// start, as the engine's matches would be: sorted, on character boundaries).
#[derive(Default)]
pub struct Toucher {
    pub bytes: u64,
    pub locations: u64,
}

/// Spans asked for per segment, so that a huge segment costs linear time.
const MAX_SPANS: usize = 256;

impl SegmentSink for Toucher {
    fn segment(&mut self, s: &Segment<'_>) {
        let reported =
            s.text.get(s.report.clone()).expect("a segment's report range is a character range of its text");
        self.bytes += black_box(s.text.bytes().fold(0u64, |a, b| a.wrapping_mul(31).wrapping_add(b as u64)));
        for c in s.context {
            black_box(c.len());
        }
        black_box(s.context_id);
        let base = s.report.start;
        let mut spans = vec![(base, s.report.end)];
        let mut word: Option<usize> = None;
        for (i, ch) in reported.char_indices() {
            match (ch.is_whitespace(), word) {
                (false, None) => word = Some(i),
                (true, Some(start)) => {
                    spans.push((base + start, base + i));
                    word = None;
                }
                _ => {}
            }
            if spans.len() >= MAX_SPANS {
                break;
            }
        }
        if let Some(start) = word {
            if spans.len() < MAX_SPANS {
                spans.push((base + start, s.report.end));
            }
        }
        let locations = s.locate_sorted(&spans);
        assert_eq!(locations.len(), spans.len(), "one location per span");
        for location in &locations {
            match location {
                Location::Line(l) => {
                    assert!(l.start >= 1 && l.end >= l.start && l.start_column >= 1, "{l:?}")
                }
                Location::Cell(c) => assert!(c.row >= 1 && c.column >= 1, "{c:?}"),
                Location::Record(r) => {
                    black_box(r.json_path.len());
                }
                Location::Page(p) => assert!(p.page_number >= 1, "{p:?}"),
            }
        }
        self.locations += locations.len() as u64;
    }
}

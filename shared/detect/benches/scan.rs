//! The engine alone, without extraction: MB/s over free text, and the cost of one call on
//! the short values that CSV cells and JSON fields hand it (where per-call overhead, not
//! bytes, sets the speed).
//!
//! `cargo bench -p sluice-detect --bench scan [-- FILE]` (FILE: any text, for example a log
//! from ../shared/corpus/gen_bulk.py; without it, generated log lines are used)

use std::time::Instant;

use sluice_detect::{ContextHits, Engine, Match};

/// Log-like lines without sensitive data, plus one SSN near its keyword every 50 lines.
fn generated_text(bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 200);
    let mut i = 0u64;
    while s.len() < bytes {
        i += 1;
        let line = match i % 5 {
            0 => format!("2024-03-10 07:31:18,840 INFO  [payment-gateway] Cache miss for key product:{i}\n"),
            1 => format!("{{\"ts\": \"2024-03-07T02:38:37Z\", \"level\": \"debug\", \"msg\": \"GC pause {i}ms\"}}\n"),
            2 => format!("10.102.251.{} - - [10/Mar/2024:16:59:59 +0000] \"GET /api/v1/users/{i} HTTP/1.1\" 301 66546\n", i % 255),
            3 => format!("Mar 11 04:47:49 ip-85-0-27 user-api[{i}]: Loaded configuration profile=prod region=us-east-1\n"),
            _ => format!("order ORD-{i:08} transitioned PENDING -> PAID for customer cus_{i:x}\n"),
        };
        s.push_str(&line);
        if i.is_multiple_of(50) {
            s.push_str("employee ssn: 536-22-8726\n");
        }
    }
    s
}

/// The shortest of three runs of `scan` (seconds), each into a cleared `out`.
fn best_of_3(out: &mut Vec<Match>, mut scan: impl FnMut(&mut Vec<Match>)) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..3 {
        out.clear();
        let t = Instant::now();
        scan(out);
        best = best.min(t.elapsed().as_secs_f64());
    }
    best
}

fn main() {
    let path = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let text = match &path {
        Some(p) => String::from_utf8_lossy(&std::fs::read(p).expect("read FILE")).into_owned(),
        None => generated_text(32 << 20),
    };
    let engine = Engine::builtin().expect("engine builds");
    engine.compile_all();
    let none = ContextHits::none();
    let mut out = Vec::new();

    // Free text in 1 MiB pieces (cut at line ends), as the text reader hands it over.
    let mut pieces = Vec::new();
    let mut rest = text.as_str();
    while !rest.is_empty() {
        let mut cut = rest.len().min(1 << 20);
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        if let Some(nl) = rest[..cut].rfind('\n') {
            if cut < rest.len() {
                cut = nl + 1;
            }
        }
        pieces.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    let best = best_of_3(&mut out, |out| {
        for p in &pieces {
            engine.scan(p, &none, out);
        }
    });
    let found = out.len();
    println!(
        "free text:      {:.1} MB, {found} matches, {:.1} MB/s (best of 3, one thread)",
        text.len() as f64 / 1e6,
        text.len() as f64 / 1e6 / best
    );

    // Short values, as CSV cells and JSON fields arrive.
    let values: Vec<String> = (0..200_000u64)
        .map(|i| match i % 6 {
            0 => format!("2024-03-{:02}T13:29:47.540Z", i % 28 + 1),
            1 => format!("{:08x}-a1e3-4ef2-ac6e-8a7c058b85b0", i),
            2 => format!("{}", i * 7919 % 100_000),
            3 => "click".to_string(),
            4 => format!("{}.{:02}", i % 500, i % 100),
            _ => "Processed batch 87054 (3430 records)".to_string(),
        })
        .collect();
    let best = best_of_3(&mut out, |out| {
        for v in &values {
            engine.scan(v, &none, out);
        }
    });
    println!(
        "short values:   {:.0} ns per call ({} values, {} matches)",
        best * 1e9 / values.len() as f64,
        values.len(),
        out.len()
    );
}

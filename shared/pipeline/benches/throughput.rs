//! Throughput and memory of the whole classification path on one thread.
//!
//!     cargo bench -p sluice-pipeline --bench throughput -- /tmp/bulk
//!     cargo bench -p sluice-pipeline --bench throughput -- /tmp/bulk --against-reference 9
//!     cargo bench -p sluice-pipeline --bench throughput -- /tmp/bulk --cold-against-reference 9
//!     cargo bench -p sluice-pipeline --bench throughput -- /tmp/bulk --passes 5   # steady state, for a profiler
//!
//! Streams every file under the folder through `classify` (sniffing, decoding, extraction,
//! the engine with every identifier on by default, result building), one after another on
//! one thread, and prints the engine's build time (part of cold start), MB/s and the peak
//! resident memory of the process. Generate the input with ../shared/corpus/gen_bulk.py.
//!
//! `--against-reference N` then runs N rounds, each one pass of Sluice and one pass of a
//! fixed yardstick over the same files: the issue's "one fused Rust `regex`" baseline, 26
//! common detector patterns in one `regex` (327 MB/s on the reference machine). A shared VM
//! runs the same binary 1.5x faster in some minutes than in others; both passes of a round
//! run in the same seconds, so their ratio moves far less than either speed. It still moves
//! (0.76–0.99 in session 11: slow minutes slow Sluice more than the yardstick), so a change
//! is measured by alternating both versions in one process (docs/perf).
//!
//! Those rounds are warm: the engine and the yardstick have each made a pass, so their lazy
//! automata have built the states the text leads to. `--cold-against-reference N` times
//! first passes instead, a new engine and a new yardstick each round: what a new scanner
//! does over its first objects, and how the issue's figures (runs of a tool) were taken.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;
use std::time::Instant;

use sluice_detect::Engine;
use sluice_extract::Limits;
use sluice_pipeline::{classify, ObjectHint};

#[path = "common/bulk_files.rs"]
mod bulk_files;

/// The yardstick's patterns: the kinds of detectors a regex-based scanner runs (ASCII
/// classes and boundaries, as such tools write them). Its speed, not its findings, is used.
const REFERENCE_PATTERNS: [&str; 26] = [
    r"\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b",
    r"\b(?:4[0-9]{3}|5[1-5][0-9]{2}|3[47][0-9]{2}|6011)[ -]?[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{1,4}\b",
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
    r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
    r"(?i)aws_secret_access_key\s*[:=]\s*[A-Za-z0-9/+=]{40}",
    r"\bgh[pousr]_[A-Za-z0-9]{36}\b",
    r"\bxox[baprs]-[A-Za-z0-9-]{10,}",
    r"\b[sr]k_live_[A-Za-z0-9]{24,}",
    r"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*",
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
    r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){3,7}\b",
    r"\b\(?[0-9]{3}\)?[ .-][0-9]{3}[ .-][0-9]{4}\b",
    r"\b(?:[0-9]{1,3}\.){3}[0-9]{1,3}\b",
    r"(?i)\b(?:dob|date of birth)\W{1,3}[0-9]{1,2}[/-][0-9]{1,2}[/-][0-9]{2,4}",
    r"\b[A-CEGHJ-PR-TW-Z]{2}[0-9]{6}[A-D]\b",
    r"(?i)passport\W{1,3}[A-Z0-9]{6,9}\b",
    r"\bAIza[0-9A-Za-z_-]{35}\b",
    r"\bSK[0-9a-fA-F]{32}\b",
    r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b",
    r"\bnpm_[A-Za-z0-9]{36}\b",
    r"(?i)\bpassword\s*[:=]\s*\S{6,}",
    r"\b(?:postgres|mysql|mongodb)(?:ql)?://[^:\s]+:[^@\s]+@",
    r"\b[0-9]{3}[ -][0-9]{3}[ -][0-9]{3}\b",
    r"-?[0-9]{1,2}\.[0-9]{4,},\s*-?[0-9]{1,3}\.[0-9]{4,}",
    r"\b[A-HJ-NPR-Z0-9]{17}\b",
    r"(?i)\bbearer\s+[A-Za-z0-9._~+/-]{20,}=*",
];

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args.iter().find(|a| !a.starts_with("--") && a.parse::<usize>().is_err()).map(PathBuf::from);
    let Some(dir) = dir else {
        eprintln!("usage: cargo bench -p sluice-pipeline --bench throughput -- DIR [--passes N] [--against-reference N] [--cold-against-reference N]");
        eprintln!("(no folder given: nothing measured)");
        return;
    };
    // `FLAG N`: N rounds (9 when N is left out); `None` without the flag.
    let rounds_of = |flag: &str| {
        let at = args.iter().position(|a| a == flag)?;
        Some(args.get(at + 1).and_then(|n| n.parse::<usize>().ok()).unwrap_or(9))
    };
    let rounds = rounds_of("--against-reference");
    let cold_rounds = rounds_of("--cold-against-reference");
    let t0 = Instant::now();
    let engine = Engine::builtin().expect("engine builds");
    let build = t0.elapsed();
    // Patterns compile on first use; pay that here so the figure below is steady-state speed.
    let t_compile = std::time::Instant::now();
    engine.compile_all();
    let compile = t_compile.elapsed();
    let files = bulk_files::bulk_files(&dir);
    let limits = Limits::default();
    let (secs, bytes, findings) = sluice_pass(&engine, &files, &limits);
    println!("engine build:   {:.1} ms ({} rules)", build.as_secs_f64() * 1e3, engine.rules().len());
    println!("first-use compile of every pattern: {:.1} ms", compile.as_secs_f64() * 1e3);
    println!("objects:        {}", files.len());
    println!("bytes:          {:.1} MB", bytes as f64 / 1e6);
    println!("occurrences:    {findings}");
    println!("time:           {secs:.2} s");
    println!("throughput:     {:.1} MB/s (one thread)", bytes as f64 / 1e6 / secs);
    println!("peak RSS:       {:.1} MB", peak_rss_mb());
    // `--passes N`: N more passes of Sluice alone, each timed (steady state, for a profiler).
    let passes =
        args.iter().position(|a| a == "--passes").and_then(|i| args.get(i + 1)?.parse::<usize>().ok());
    for pass in 0..passes.unwrap_or(0) {
        let (secs, bytes, _) = sluice_pass(&engine, &files, &limits);
        println!("pass {:>2}: {:.1} MB/s", pass + 1, bytes as f64 / 1e6 / secs);
    }
    if let Some(rounds) = rounds {
        against_reference(&engine, &files, &limits, rounds);
    }
    if let Some(rounds) = cold_rounds {
        cold_against_reference(&files, &limits, rounds);
    }
}

/// One pass of Sluice over every file: seconds, bytes classified, occurrences found.
fn sluice_pass(engine: &Engine, files: &[PathBuf], limits: &Limits) -> (f64, u64, u64) {
    let (mut bytes, mut findings) = (0u64, 0u64);
    let t = Instant::now();
    for path in files {
        let file = File::open(path).expect("open");
        let size = file.metadata().map(|m| m.len()).ok();
        let name = path.to_string_lossy();
        let r = classify(
            engine,
            BufReader::with_capacity(256 << 10, file),
            ObjectHint { name: &name, content_type: None, size },
            limits,
            1000,
        )
        .expect("classify");
        bytes += r.size_classified;
        findings += r.sensitive_data.iter().map(|s| s.total_count).sum::<u64>();
    }
    (t.elapsed().as_secs_f64(), bytes, findings)
}

/// One pass of the yardstick: each file read whole, then every match of the fused pattern.
fn reference_pass(reference: &regex::bytes::Regex, files: &[PathBuf]) -> (f64, u64) {
    let (mut bytes, mut matches) = (0u64, 0u64);
    let t = Instant::now();
    for path in files {
        let data = std::fs::read(path).expect("read");
        bytes += data.len() as u64;
        matches += reference.find_iter(&data).count() as u64;
    }
    std::hint::black_box(matches);
    (t.elapsed().as_secs_f64(), bytes)
}

fn reference_regex() -> regex::bytes::Regex {
    let fused = REFERENCE_PATTERNS.iter().map(|p| format!("(?:{p})")).collect::<Vec<_>>().join("|");
    regex::bytes::RegexBuilder::new(&fused)
        .unicode(false)
        .size_limit(64 << 20)
        .dfa_size_limit(64 << 20)
        .build()
        .expect("the yardstick compiles")
}

/// Warm rounds: one engine and one yardstick, each having made a pass already (its lazy
/// automata's states built), then both timed over the same files in each round.
fn against_reference(engine: &Engine, files: &[PathBuf], limits: &Limits, rounds: usize) {
    let reference = reference_regex();
    reference_pass(&reference, files); // its lazy DFA's states, as Sluice's were built above
    println!("warm rounds (automata built by an earlier pass):");
    compare(rounds, |sluice_first| {
        in_order(sluice_first, || sluice_pass(engine, files, limits), || reference_pass(&reference, files))
    });
}

/// Cold rounds: each round builds a new engine and a new yardstick (untimed) and times each
/// one's first pass, so both pay for the lazy automata's states as they meet the text (a
/// new scanner's first objects; the issue's figures are runs of a tool, cold).
fn cold_against_reference(files: &[PathBuf], limits: &Limits, rounds: usize) {
    println!("cold rounds (a new engine and a new yardstick each round):");
    compare(rounds, |sluice_first| {
        let engine = Engine::builtin().expect("engine builds");
        engine.compile_all();
        let reference = reference_regex();
        in_order(sluice_first, || sluice_pass(&engine, files, limits), || reference_pass(&reference, files))
    });
}

/// Runs Sluice's pass and the yardstick's, Sluice's first or second.
fn in_order<A, B>(sluice_first: bool, sluice: impl FnOnce() -> A, yardstick: impl FnOnce() -> B) -> (A, B) {
    if sluice_first {
        let a = sluice();
        (a, yardstick())
    } else {
        let b = yardstick();
        (sluice(), b)
    }
}

/// Runs `rounds` rounds of `round(sluice_first)` (Sluice's and the yardstick's passes, as
/// seconds and bytes) and prints each round's speeds and their ratio, then the medians.
fn compare(rounds: usize, mut round: impl FnMut(bool) -> ((f64, u64, u64), (f64, u64))) {
    let (mut ours, mut theirs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for n in 0..rounds {
        // Alternate which goes first, so neither always meets the same part of a slow minute.
        let (a, b) = round(n % 2 == 0);
        let (s, r) = (a.1 as f64 / 1e6 / a.0, b.1 as f64 / 1e6 / b.0);
        println!("round {:>2}: sluice {s:6.1} MB/s, reference {r:6.1} MB/s, ratio {:.3}", n + 1, s / r);
        ours.push(s);
        theirs.push(r);
        ratios.push(s / r);
    }
    let (ours, theirs, ratios) = (sorted(ours), sorted(theirs), sorted(ratios));
    println!("sluice:    best {:.1} MB/s, median {:.1}", ours[ours.len() - 1], median(&ours));
    println!("reference: best {:.1} MB/s, median {:.1}", theirs[theirs.len() - 1], median(&theirs));
    println!(
        "ratio sluice / reference: median {:.3} (min {:.3}, max {:.3}); at the reference machine's 327 MB/s: {:.0} MB/s",
        median(&ratios),
        ratios[0],
        ratios[ratios.len() - 1],
        median(&ratios) * 327.0
    );
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

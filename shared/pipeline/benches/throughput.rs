//! Throughput and memory of the whole classification path on one thread.
//!
//!     cargo bench -p sluice-pipeline --bench throughput -- /tmp/bulk
//!
//! Streams every file under the folder through `classify` (sniffing, decoding, extraction,
//! the engine with every identifier on by default, result building), one after another on
//! one thread, and prints the engine's build time (part of cold start), MB/s and the peak
//! resident memory of the process. Generate the input with ../shared/corpus/gen_bulk.py.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;
use std::time::Instant;

use sluice_detect::Engine;
use sluice_extract::Limits;
use sluice_pipeline::{classify, ObjectHint};

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
    let dir = std::env::args().skip(1).find(|a| !a.starts_with("--")).map(PathBuf::from);
    let Some(dir) = dir else {
        eprintln!("usage: cargo bench -p sluice-pipeline --bench throughput -- DIR");
        eprintln!("(no folder given: nothing measured)");
        return;
    };
    let t0 = Instant::now();
    let engine = Engine::builtin().expect("engine builds");
    let build = t0.elapsed();
    // Patterns compile on first use; pay that here so the figure below is steady-state speed.
    let t_compile = std::time::Instant::now();
    engine.compile_all();
    let compile = t_compile.elapsed();
    let mut files: Vec<PathBuf> = walk(&dir);
    files.retain(|p| {
        !matches!(
            p.file_name().and_then(|n| n.to_str()),
            Some("labels.jsonl" | "manifest.json" | "values.jsonl")
        )
    });
    files.sort();
    let limits = Limits::default();
    let (mut bytes, mut findings) = (0u64, 0u64);
    let t1 = Instant::now();
    for path in &files {
        let file = File::open(path).expect("open");
        let size = file.metadata().map(|m| m.len()).ok();
        let name = path.to_string_lossy();
        let r = classify(
            &engine,
            BufReader::with_capacity(256 << 10, file),
            ObjectHint { name: &name, content_type: None, size },
            &limits,
            1000,
        )
        .expect("classify");
        bytes += r.size_classified;
        findings += r.sensitive_data.iter().map(|s| s.total_count).sum::<u64>();
    }
    let secs = t1.elapsed().as_secs_f64();
    println!("engine build:   {:.1} ms ({} rules)", build.as_secs_f64() * 1e3, engine.rules().len());
    println!("first-use compile of every pattern: {:.1} ms", compile.as_secs_f64() * 1e3);
    println!("objects:        {}", files.len());
    println!("bytes:          {:.1} MB", bytes as f64 / 1e6);
    println!("occurrences:    {findings}");
    println!("time:           {secs:.2} s");
    println!("throughput:     {:.1} MB/s (one thread)", bytes as f64 / 1e6 / secs);
    println!("peak RSS:       {:.1} MB", peak_rss_mb());
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

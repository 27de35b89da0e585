//! Two rule catalogs, side by side in one process: the built-in one (A) and the built-in one
//! with some rules replaced (B), each classifying the same in-memory files on one thread,
//! alternating every pass.
//!
//!     cargo run --release -p sluice-pipeline --example rules_ab -- DIR RULES.yaml [ROUNDS] [BYTES]
//!
//! `RULES.yaml` holds `rules:` in the catalog's own format; each replaces the built-in rule
//! with the same `id` and `name`. Each file under DIR is cut to BYTES (default 6 MB) at a
//! line end. A shared VM runs the same binary 1.5x faster in some minutes than in others;
//! both catalogs run in the same seconds, so the per-round ratio is what tells a change
//! (docs/perf). Prints each catalog's MB/s and occurrences, and the ratio B/A. With
//! `RULES_AB_FRESH=1` each pass runs on new engines (first passes).
use std::path::Path;
use std::time::Instant;

use sluice_detect::config::AllowList;
use sluice_detect::rule::{builtin_specs, CompiledRule, RuleSpec};
use sluice_detect::Engine;
use sluice_extract::Limits;
use sluice_pipeline::{classify, ObjectHint};

#[path = "../benches/common/bulk_files.rs"]
mod bulk_files;

#[derive(serde::Deserialize)]
struct Replacements {
    rules: Vec<RuleSpec>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(rules)) = (args.first(), args.get(1)) else {
        eprintln!("usage: rules_ab DIR RULES.yaml [ROUNDS] [BYTES]");
        std::process::exit(2);
    };
    let rounds: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(12);
    let cap: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(6_000_000);
    let text = std::fs::read_to_string(rules).expect("read the replacement rules");
    let replacements: Replacements = serde_yaml_ng::from_str(&text).expect("parse the replacement rules");

    let catalog = |replace: bool| -> Engine {
        let mut specs = builtin_specs().expect("built-in rules");
        if replace {
            for r in &replacements.rules {
                let slot = specs.iter_mut().find(|s| s.id == r.id && s.name == r.name);
                *slot.unwrap_or_else(|| panic!("no built-in rule {} ({})", r.id, r.name)) = r.clone();
            }
        }
        let rules = specs
            .iter()
            .filter(|s| s.enabled_by_default)
            .map(|s| CompiledRule::from_spec(s).expect("rule compiles"))
            .collect();
        let engine = Engine::from_rules(rules, AllowList::default()).expect("engine builds");
        engine.compile_all();
        engine
    };
    let mut engines = [catalog(false), catalog(true)];
    // `RULES_AB_FRESH=1`: new engines before every pass (not timed), so each pass builds its
    // lazy automata's states as it meets the text, as a new scanner's first objects do.
    let fresh = std::env::var_os("RULES_AB_FRESH").is_some();

    let files = bulk_files::bulk_files(Path::new(dir));
    let inputs: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|p| {
            let mut b = std::fs::read(p).expect("read file");
            if b.len() > cap {
                let cut = b[..cap].iter().rposition(|&c| c == b'\n').map_or(cap, |i| i + 1);
                b.truncate(cut);
            }
            (p.to_string_lossy().into_owned(), b)
        })
        .collect();
    let total: usize = inputs.iter().map(|(_, b)| b.len()).sum();
    let limits = Limits::default();
    let pass = |engine: &Engine| -> (f64, u64) {
        let t = Instant::now();
        let mut found = 0;
        for (name, b) in &inputs {
            let hint = ObjectHint { name, content_type: None, size: Some(b.len() as u64) };
            let r = classify(engine, &b[..], hint, &limits, 1000).expect("classify");
            found += r.sensitive_data.iter().map(|s| s.total_count).sum::<u64>();
        }
        (t.elapsed().as_secs_f64(), found)
    };
    let found = [pass(&engines[0]).1, pass(&engines[1]).1]; // warm both
    let (mut speeds, mut ratios) = ([Vec::new(), Vec::new()], Vec::new());
    for round in 0..rounds {
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        let mut secs = [0.0; 2];
        for v in order {
            if fresh {
                engines[v] = catalog(v == 1);
            }
            secs[v] = pass(&engines[v]).0;
        }
        let mb = total as f64 / 1e6;
        speeds[0].push(mb / secs[0]);
        speeds[1].push(mb / secs[1]);
        ratios.push(secs[0] / secs[1]);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let quartiles = |v: &Vec<f64>| (v[v.len() / 4], v[3 * v.len() / 4]);
    println!("{:.1} MB x {rounds} rounds", total as f64 / 1e6);
    for (v, label) in ["A (built-in)", "B (replaced)"].iter().enumerate() {
        let m = median(&mut speeds[v]);
        println!("{label}: median {m:.1} MB/s, best {:.1}, occurrences {}", speeds[v][rounds - 1], found[v]);
    }
    let m = median(&mut ratios);
    let (q1, q3) = quartiles(&ratios);
    println!("speed ratio B/A per round: median {m:.3} (quartiles {q1:.3} .. {q3:.3})");
}

//! Where the engine's build time goes (it is most of the scanner's cold start): the rule
//! files parsed, then the whole engine built, each repeated and the median printed.
//!
//! `cargo bench -p sluice-detect --bench build_time`

use std::time::{Duration, Instant};

use sluice_detect::{rule::builtin_specs, Engine};

fn median(mut runs: Vec<Duration>) -> f64 {
    runs.sort();
    runs[runs.len() / 2].as_secs_f64() * 1e3
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let runs = 15;
    println!("rule files parsed:  {:6.1} ms", time(runs, || builtin_specs().unwrap()));
    println!("engine built:       {:6.1} ms", time(runs, || Engine::builtin().unwrap()));
}

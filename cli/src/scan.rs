use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use sluice_detect::Engine;
use sluice_extract::Limits;
use sluice_finding::{ClassificationResult, Reason, ResultBuilder, Status};
use sluice_pipeline::{classify, ObjectHint};

use crate::output::{ObjectLine, Summary};
use crate::{OutputFormat, ScanArgs};

/// A file to scan and the path it is reported under (relative to the folder named on the
/// command line, so results from two machines compare).
struct Target {
    file: PathBuf,
    shown: String,
}

fn collect_targets(paths: &[PathBuf]) -> Result<Vec<Target>> {
    let mut targets = Vec::new();
    for root in paths {
        let meta = std::fs::metadata(root).with_context(|| format!("{}", root.display()))?;
        if meta.is_file() {
            targets.push(Target { file: root.clone(), shown: root.display().to_string() });
            continue;
        }
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.with_context(|| format!("walking {}", root.display()))?;
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
                targets.push(Target {
                    file: entry.path().to_path_buf(),
                    shown: rel.to_string_lossy().into_owned(),
                });
            }
        }
    }
    Ok(targets)
}

/// A file that could not be read still gets a result, with Macie's reason.
fn unreadable(err: &std::io::Error) -> ClassificationResult {
    let reason = match err.kind() {
        std::io::ErrorKind::PermissionDenied => Reason::PermissionDenied,
        std::io::ErrorKind::NotFound => Reason::SourceObjectNoLongerAvailable,
        _ => Reason::UnableToParseFile,
    };
    ResultBuilder::new(0).finish("application/octet-stream", 0, Status::skipped(reason))
}

fn scan_one(
    engine: &Engine,
    target: &Target,
    limits: &Limits,
    max_locations: usize,
) -> (ClassificationResult, bool) {
    let file = match File::open(&target.file) {
        Ok(f) => f,
        Err(e) => return (unreadable(&e), true),
    };
    let size = file.metadata().ok().map(|m| m.len());
    let hint = ObjectHint { name: &target.shown, content_type: None, size };
    match classify(engine, BufReader::with_capacity(256 << 10, file), hint, limits, max_locations) {
        Ok(r) => (r, false),
        Err(sluice_extract::ExtractError::Io(e)) => (unreadable(&e), true),
    }
}

pub fn run(engine: &Engine, args: &ScanArgs) -> Result<Summary> {
    let targets = collect_targets(&args.paths)?;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(args.threads.unwrap_or(0)).build()?;
    let sink: Box<dyn Write + Send> = match &args.output {
        Some(p) => Box::new(File::create(p).with_context(|| format!("creating {}", p.display()))?),
        None => Box::new(std::io::stdout()),
    };
    let out = Mutex::new(BufWriter::new(sink));
    let summary = Mutex::new(Summary::default());
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(Some(targets.len() as u64), ProgressDrawTarget::stderr())
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} objects {wide_bar} {elapsed_precise} eta {eta}")
            .expect("static template"),
    );
    let limits = Limits::default();
    let started = Instant::now();
    let jsonl = matches!(args.format, OutputFormat::Jsonl);
    let write_error: Mutex<Option<std::io::Error>> = Mutex::new(None);
    pool.install(|| {
        targets.par_iter().for_each(|t| {
            let (result, unreadable) = scan_one(engine, t, &limits, args.max_locations);
            if jsonl {
                let line = serde_json::to_string(&ObjectLine { path: &t.shown, result: &result })
                    .expect("results serialize");
                let mut o = out.lock().expect("output lock");
                if let Err(e) = writeln!(o, "{line}") {
                    write_error.lock().expect("lock").get_or_insert(e);
                }
            }
            let mut s = summary.lock().expect("summary lock");
            s.add(&result);
            s.errors += unreadable as u64;
            bar.inc(1);
        })
    });
    bar.finish_and_clear();
    if let Some(e) = write_error.into_inner().expect("lock") {
        return Err(e).context("writing results");
    }
    let summary = summary.into_inner().expect("summary lock");
    let mut out = out.into_inner().expect("output lock");
    if !jsonl {
        summary.print(&mut out, started.elapsed().as_secs_f64())?;
    } else if args.output.is_some() && !args.quiet {
        summary.print(&mut std::io::stderr(), started.elapsed().as_secs_f64())?;
    }
    out.flush()?;
    Ok(summary)
}

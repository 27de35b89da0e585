//! `sluice`: Sluice's engine on local files, with no AWS account.

mod identifiers;
mod output;
mod scan;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use sluice_detect::{DetectionConfig, Engine, Selector};
use sluice_finding::Severity;

#[derive(Parser)]
#[command(
    name = "sluice",
    version,
    about = "Find sensitive data in files, the way Amazon Macie does, in seconds"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan files and folders (recursively) for sensitive data.
    Scan(ScanArgs),
    /// List the identifier catalog: ID, category, keyword required, validator.
    Identifiers {
        /// Print JSON Lines instead of a table.
        #[arg(long)]
        json: bool,
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    /// A summary table (objects, bytes, findings by severity and type).
    Summary,
    /// One line per object, shaped like Macie's sensitive data discovery result.
    Jsonl,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Low,
    Medium,
    High,
}

#[derive(clap::Args)]
pub struct ScanArgs {
    /// Files or folders to scan.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "summary")]
    format: OutputFormat,
    /// Write the output here instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Sluice's YAML configuration (custom identifiers, allow lists, identifier selection).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Macie's selector: ALL, RECOMMENDED, NONE, INCLUDE:ID,ID… or EXCLUDE:ID,ID… (overrides
    /// the configuration file's selection).
    #[arg(long)]
    identifiers: Option<String>,
    /// Exit with status 1 when a finding reaches this severity.
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Worker threads (default: one per core).
    #[arg(long)]
    threads: Option<usize>,
    /// Locations kept per type and object (Macie's discovery results keep 1,000).
    #[arg(long, default_value_t = sluice_finding::MAX_LOCATIONS_IN_RESULT)]
    max_locations: usize,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

fn load_config(path: Option<&PathBuf>, selector: Option<&str>) -> Result<DetectionConfig> {
    let mut config = match path {
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            DetectionConfig::from_yaml(&text).with_context(|| format!("in {}", p.display()))?
        }
        None => DetectionConfig::default(),
    };
    if let Some(sel) = selector {
        let (word, ids) = sel.split_once(':').unwrap_or((sel, ""));
        config.identifiers.selector = match word.to_ascii_uppercase().as_str() {
            "ALL" => Selector::All,
            "RECOMMENDED" => Selector::Recommended,
            "NONE" => Selector::None,
            "INCLUDE" => Selector::Include,
            "EXCLUDE" => Selector::Exclude,
            other => anyhow::bail!(
                "--identifiers: `{other}` is not ALL, RECOMMENDED, NONE, INCLUDE:… or EXCLUDE:…"
            ),
        };
        config.identifiers.ids =
            ids.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
    }
    Ok(config)
}

fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Identifiers { json, config } => {
            let engine = Engine::from_config(&load_config(config.as_ref(), Some("ALL"))?)?;
            identifiers::print(&engine, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Scan(args) => {
            let config = load_config(args.config.as_ref(), args.identifiers.as_deref())?;
            let engine = Engine::from_config(&config)?;
            let threshold = args.fail_on.map(|f| match f {
                FailOn::Low => Severity::Low,
                FailOn::Medium => Severity::Medium,
                FailOn::High => Severity::High,
            });
            let summary = scan::run(&engine, &args)?;
            let failed = threshold.is_some_and(|t| summary.max_severity.is_some_and(|s| s >= t));
            Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
    }
}

fn main() -> ExitCode {
    // A panic inside a third-party parser is caught and becomes a status; its message could
    // quote the object's bytes, so only the place is printed, never the payload.
    std::panic::set_hook(Box::new(|info| {
        let place = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("sluice: a parser failed at {place}; the object is reported as unparseable");
    }));
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sluice: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

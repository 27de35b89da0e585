//! Sluice's classification engine.
//!
//! Text segments (with the structured context Macie uses for keyword proximity) go in;
//! matches come out as identifier, byte span and at most a keyed-hash fingerprint. The
//! matched text itself never leaves this crate.

pub mod config;
pub mod engine;
mod gate;
pub mod keywords;
mod literals;
pub mod reference;
pub mod rule;
pub mod validators;

pub use config::{AllowList, DetectionConfig, Selector};
pub use engine::{ContextHits, Engine, Match};
pub use rule::{builtin_specs, CompiledRule, Example, Origin, RuleSpec};

/// Macie's keyword window for managed identifiers: 30 characters, inclusive (macie.md §1.1).
pub const KEYWORD_WINDOW: usize = 30;

#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    #[error("rule files: {0}")]
    Rules(String),
    #[error("rule {id}: field `{field}`: {msg}")]
    Rule { id: String, field: String, msg: String },
    #[error("configuration: field `{field}`: {msg}")]
    Config { field: String, msg: String },
}

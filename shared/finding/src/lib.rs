//! Sluice's domain model, shaped like Amazon Macie's so that findings carry over.
//!
//! This crate is the leaf of the workspace: it knows nothing of regexes, formats or AWS.
//! Nothing in it ever holds a matched sensitive value: a detection is a type, a count and
//! locations.

mod location;
mod object;
mod record;
mod result;
mod severity;

pub use location::{Cell, LineRange, Location, Occurrences, Page, Record};
pub use object::{
    BlockPublicAccess, BucketPosture, DefaultEncryption, EffectivePermission, ObjectMeta, ObjectRef,
    PolicyFindingType, Sequencer, SEQUENCER_WIDTH,
};
pub use record::{finding_id, policy_finding_id, timestamp, ScanRecord};
pub use result::{
    ClassificationResult, CustomDataIdentifiers, CustomDetection, Detection, IdentifierInfo, ResultBuilder,
    SensitiveDataItem, SeverityRule, Status, StatusCode, MAX_LOCATIONS_IN_FINDING, MAX_LOCATIONS_IN_RESULT,
};
pub use severity::{Category, FindingType, Severity, SeverityRow};

/// Macie's reason codes for a `PARTIAL` or `SKIPPED` classification (macie.md §4.3), plus one
/// of Sluice's: Macie leaves objects outside a job's scope out silently, Sluice records them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Reason {
    ArchiveContainsUnprocessedFiles,
    ArchiveExceedsSizeLimit,
    ArchiveNestingLevelOverLimit,
    ArchiveTotalBytesExtractedOverLimit,
    ArchiveTotalDocumentsProcessedOverLimit,
    /// Outside the configured prefixes, suffixes or tags (Sluice's own).
    ExcludedByScope,
    FileExceedsSizeLimit,
    InvalidEncryption,
    InvalidKmsKey,
    InvalidObjectState,
    JsonNestingLevelOverLimit,
    MalformedFile,
    MalformedOrFileSizeExceedsLimit,
    NoSuchBucketAvailable,
    ObjectVersionMismatch,
    OoxmlUncompressedRatioExceedsLimit,
    OoxmlUncompressedSizeExceedsLimit,
    PermissionDenied,
    SourceObjectNoLongerAvailable,
    TimeCutOffReached,
    UnableToParseFile,
    UnsupportedFileTypeException,
}

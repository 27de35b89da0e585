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
    ClassificationResult, CustomDataIdentifiers, CustomDetection, Detection, EmbeddedFile, IdentifierInfo,
    ResultBuilder, SensitiveDataItem, SeverityRule, Status, StatusCode, MAX_LOCATIONS_IN_FINDING,
    MAX_LOCATIONS_IN_RESULT,
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

impl Reason {
    /// The code as Macie writes it (`PERMISSION_DENIED`).
    pub fn as_str(self) -> &'static str {
        use Reason::*;
        match self {
            ArchiveContainsUnprocessedFiles => "ARCHIVE_CONTAINS_UNPROCESSED_FILES",
            ArchiveExceedsSizeLimit => "ARCHIVE_EXCEEDS_SIZE_LIMIT",
            ArchiveNestingLevelOverLimit => "ARCHIVE_NESTING_LEVEL_OVER_LIMIT",
            ArchiveTotalBytesExtractedOverLimit => "ARCHIVE_TOTAL_BYTES_EXTRACTED_OVER_LIMIT",
            ArchiveTotalDocumentsProcessedOverLimit => "ARCHIVE_TOTAL_DOCUMENTS_PROCESSED_OVER_LIMIT",
            ExcludedByScope => "EXCLUDED_BY_SCOPE",
            FileExceedsSizeLimit => "FILE_EXCEEDS_SIZE_LIMIT",
            InvalidEncryption => "INVALID_ENCRYPTION",
            InvalidKmsKey => "INVALID_KMS_KEY",
            InvalidObjectState => "INVALID_OBJECT_STATE",
            JsonNestingLevelOverLimit => "JSON_NESTING_LEVEL_OVER_LIMIT",
            MalformedFile => "MALFORMED_FILE",
            MalformedOrFileSizeExceedsLimit => "MALFORMED_OR_FILE_SIZE_EXCEEDS_LIMIT",
            NoSuchBucketAvailable => "NO_SUCH_BUCKET_AVAILABLE",
            ObjectVersionMismatch => "OBJECT_VERSION_MISMATCH",
            OoxmlUncompressedRatioExceedsLimit => "OOXML_UNCOMPRESSED_RATIO_EXCEEDS_LIMIT",
            OoxmlUncompressedSizeExceedsLimit => "OOXML_UNCOMPRESSED_SIZE_EXCEEDS_LIMIT",
            PermissionDenied => "PERMISSION_DENIED",
            SourceObjectNoLongerAvailable => "SOURCE_OBJECT_NO_LONGER_AVAILABLE",
            TimeCutOffReached => "TIME_CUT_OFF_REACHED",
            UnableToParseFile => "UNABLE_TO_PARSE_FILE",
            UnsupportedFileTypeException => "UNSUPPORTED_FILE_TYPE_EXCEPTION",
        }
    }
}

#[cfg(test)]
mod reason_tests {
    #[test]
    fn reason_codes_match_their_serde_names() {
        for r in [
            super::Reason::PermissionDenied,
            super::Reason::ExcludedByScope,
            super::Reason::TimeCutOffReached,
        ] {
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
    }
}

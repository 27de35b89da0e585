//! The seams between the scan use case and the outside world. The AWS adapters (`sluice-aws`)
//! implement them; [`crate::fakes`] implements them in memory for tests of the flow.
//!
//! The traits are synchronous: classification is CPU work over a blocking `Read`, so the
//! Lambda runs the whole use case on a blocking thread and the adapters bridge to async there.

use std::io::Read;

use sluice_finding::{BucketPosture, ObjectMeta, ObjectRef, PolicyFindingType, Reason, ScanRecord};

/// A failure of an outside system. The message names the operation and the AWS error code,
/// never object content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortError {
    /// Throttling, 5xx, timeouts: the event should be delivered again.
    #[error("{0} (retryable)")]
    Retryable(String),
    /// Retrying would fail the same way (a malformed request, a missing permission on a sink).
    #[error("{0}")]
    Permanent(String),
}

impl PortError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, PortError::Retryable(_))
    }
}

/// An object opened for reading.
pub struct OpenedObject {
    pub meta: ObjectMeta,
    pub body: Box<dyn Read + Send>,
}

/// Why an object could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// The object cannot be read and retrying will not change that: recorded as `SKIPPED`
    /// with Macie's reason (gone, access denied, KMS, archived storage class).
    #[error("object unavailable: {0:?}")]
    Unavailable(Reason),
    #[error(transparent)]
    Failed(#[from] PortError),
}

/// Reads objects: the exact version an event names.
pub trait ObjectSource {
    fn open(&self, object: &ObjectRef) -> Result<OpenedObject, OpenError>;
    /// The object's tags, read only when the scan scope filters on tags.
    fn tags(&self, object: &ObjectRef) -> Result<Vec<(String, String)>, OpenError>;
}

/// A bucket's posture, and whether it was evaluated just now (policy findings are published
/// when it is, not on every object).
pub struct PostureReading {
    pub posture: BucketPosture,
    pub fresh: bool,
}

pub trait BucketPostures {
    fn posture(&self, bucket: &str) -> Result<PostureReading, PortError>;
}

/// Writes the sensitive data discovery result of every object scanned.
pub trait ResultsArchive {
    /// Stores `record` (with up to 1,000 locations per type) and returns its S3 URI.
    fn put(&self, record: &ScanRecord) -> Result<String, PortError>;
}

/// What the store knew of the object before this write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousFinding {
    /// When the object's finding was first raised, kept across rescans.
    pub created_at: String,
    pub had_finding: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveOutcome {
    /// Written; `previous` is the record it replaced, if any.
    Saved { previous: Option<PreviousFinding> },
    /// A newer event for the same key is already stored: this one is dropped, and so are its
    /// publications (the newer result's own processing publishes).
    Stale,
}

/// A record whose object was removed, with the finding it had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedRecord {
    pub record: ScanRecord,
    pub created_at: String,
}

/// The findings table: one record per object version.
pub trait FindingStore {
    fn save(&self, record: &ScanRecord) -> Result<SaveOutcome, PortError>;
    /// Marks every stored version of `object` older than its removal archived, returning those
    /// that had a finding (to be archived where they were published).
    fn archive(&self, object: &ObjectRef, at: &str) -> Result<Vec<ArchivedRecord>, PortError>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingState {
    Active,
    /// The object is now clean or gone: Security Hub closes the finding.
    Archived,
}

/// A finding to publish (Security Hub, EventBridge).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Publication {
    SensitiveData { record: ScanRecord, state: FindingState, created_at: String, updated_at: String },
    Policy { record: ScanRecord, finding_type: PolicyFindingType, updated_at: String },
}

impl Publication {
    pub fn id(&self) -> String {
        match self {
            Publication::SensitiveData { record, .. } => record.finding_id(),
            Publication::Policy { record, finding_type, .. } => {
                sluice_finding::policy_finding_id(&record.object.bucket, *finding_type)
            }
        }
    }
}

pub trait FindingPublisher {
    /// Publishes a batch; one result per publication, in order. Batching, size limits and
    /// retries of partial failures are the adapter's job.
    fn publish(&self, publications: &[Publication]) -> Vec<Result<(), PortError>>;
}

//! The port the executor acts through: reads of the current state, and the few mutating
//! calls. The AWS adapter implements it over S3; [`crate::fakes`] in memory.

use serde::{Deserialize, Serialize};
pub use sluice_finding::BlockPublicAccess;

use crate::action::Tag;

/// One object, or one version of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectId {
    pub bucket: String,
    pub key: String,
    /// `None`: the current version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
}

impl ObjectId {
    pub fn new(bucket: impl Into<String>, key: impl Into<String>, version_id: Option<String>) -> ObjectId {
        ObjectId { bucket: bucket.into(), key: key.into(), version_id }
    }

    pub fn current(&self) -> ObjectId {
        ObjectId { version_id: None, ..self.clone() }
    }
}

/// S3's names for server-side encryption.
pub const SSE_S3: &str = "AES256";
pub const SSE_KMS: &str = "aws:kms";
pub const SSE_KMS_DSSE: &str = "aws:kms:dsse";

/// What HEAD says of an object version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectState {
    pub version_id: Option<String>,
    pub size: u64,
    /// `AES256`, `aws:kms`, `aws:kms:dsse`, or `None` for an unencrypted object.
    pub server_side_encryption: Option<String>,
    pub kms_key_id: Option<String>,
}

/// A bucket's default encryption rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BucketEncryption {
    pub sse_algorithm: String,
    pub kms_key_id: Option<String>,
    pub bucket_key_enabled: bool,
}

/// The encryption a copy is written with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CopyEncryption {
    /// The destination bucket's default encryption.
    BucketDefault,
    /// SSE-KMS with this key, or the AWS managed key when `None`.
    Kms { kms_key_id: Option<String> },
}

/// CopyObject from an exact version, keeping metadata, content type and tags (directives
/// COPY). Above 5 GB the adapter copies in parts (UploadPartCopy), which the executor does
/// not need to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyRequest {
    pub source: ObjectId,
    pub source_size: u64,
    pub destination_bucket: String,
    pub destination_key: String,
    pub encryption: CopyEncryption,
}

/// The size above which S3 refuses a single CopyObject: the adapter switches to a multipart
/// copy there.
pub const SINGLE_COPY_LIMIT: u64 = 5 * 1024 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetErrorKind {
    AccessDenied,
    /// Throttling, 5xx, timeouts: worth retrying.
    Transient,
    /// Anything else the service refused (a bad key, an invalid request).
    Rejected,
}

/// A failed call, with a message fit for an audit record: AWS error codes and names of
/// buckets and keys, never object content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind:?}: {message}")]
pub struct TargetError {
    pub kind: TargetErrorKind,
    pub message: String,
}

impl TargetError {
    pub fn new(kind: TargetErrorKind, message: impl Into<String>) -> TargetError {
        TargetError { kind, message: message.into() }
    }

    pub fn retryable(&self) -> bool {
        self.kind == TargetErrorKind::Transient
    }
}

pub type TargetResult<T> = Result<T, TargetError>;

/// The S3 state remediation reads and changes. Synchronous: the Lambda adapter drives its
/// async SDK calls from a blocking context. "Not found" answers are values (`None`, an empty
/// tag set), not errors, so that the executor can tell "already gone" from "failed".
pub trait RemediationTarget {
    // reads
    /// The bucket's tags; empty when it has none (`NoSuchTagSet`).
    fn bucket_tags(&self, bucket: &str) -> TargetResult<Vec<Tag>>;
    /// `None` when the bucket has no Block Public Access configuration.
    fn public_access_block(&self, bucket: &str) -> TargetResult<Option<BlockPublicAccess>>;
    /// `None` when the bucket has no default encryption configuration.
    fn bucket_encryption(&self, bucket: &str) -> TargetResult<Option<BucketEncryption>>;
    /// `None` when the object (or that version) does not exist.
    fn head_object(&self, object: &ObjectId) -> TargetResult<Option<ObjectState>>;
    /// `None` when the object (or that version) does not exist.
    fn object_tags(&self, object: &ObjectId) -> TargetResult<Option<Vec<Tag>>>;
    /// Whether the object's ACL grants nothing beyond its owner; `true` when the bucket has
    /// ACLs disabled (object ownership BucketOwnerEnforced), where no grant can exist.
    fn object_acl_is_private(&self, object: &ObjectId) -> TargetResult<bool>;

    // changes
    fn put_public_access_block(&self, bucket: &str, settings: BlockPublicAccess) -> TargetResult<()>;
    fn put_bucket_encryption(&self, bucket: &str, encryption: &BucketEncryption) -> TargetResult<()>;
    /// Replaces the object's whole tag set (S3 has no partial update): the executor passes
    /// the merged set.
    fn put_object_tags(&self, object: &ObjectId, tags: &[Tag]) -> TargetResult<()>;
    /// Returns the version the copy created (`None` in an unversioned bucket).
    fn copy_object(&self, request: &CopyRequest) -> TargetResult<Option<String>>;
    /// Sets the canned ACL `private`.
    fn put_object_acl_private(&self, object: &ObjectId) -> TargetResult<()>;
    /// Deletes that exact version (or the current object when no version is named).
    fn delete_object(&self, object: &ObjectId) -> TargetResult<()>;
}

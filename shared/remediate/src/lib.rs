//! Sluice's remediation, as pure data and logic: the `remediation:` policy of the
//! configuration file, planning a finding into actions, an executor that makes each action
//! idempotent over a [`RemediationTarget`], and the audit record of what happened.
//!
//! No AWS SDK here: the remediator Lambda implements [`RemediationTarget`] over S3, writes the
//! [`AuditRecord`] to DynamoDB and publishes it as a `Sluice Remediation` event.
//!
//! ```text
//! FindingDetail ──plan(policy)──► Plan ──execute(target)──► AuditRecord
//! ```

mod action;
mod audit;
mod execute;
mod finding;
mod plan;
mod policy;
mod target;

#[cfg(feature = "fakes")]
pub mod fakes;

pub use action::{
    remediator_iam_actions, Action, ActionKind, Tag, AUDIT_IAM_ACTIONS, EXECUTOR_IAM_ACTIONS,
    MAX_OBJECT_TAGS, QUARANTINE_TAG_KEY, QUARANTINE_TAG_VALUE,
};
pub use audit::{
    ActionRecord, AuditRecord, Outcome, RecordStatus, AUDIT_SCHEMA_VERSION, EVENT_DETAIL_TYPE, EVENT_SOURCE,
};
pub use execute::execute;
pub use finding::{
    ClassificationDetails, ClassificationResultDetail, CustomDataIdentifiersDetail, CustomDetectionDetail,
    DetectionDetail, FindingDetail, KeyValue, PublicAccess, ResourcesAffected, S3Bucket, S3Object,
    SensitiveDataDetail, ServerSideEncryption, SeverityDetail, StatusDetail, TypeCount,
};
pub use plan::{
    is_opted_out, plan, NotTaken, Plan, PlannedAction, SkipReason, Subject, OPT_OUT_TAG_KEY,
    OPT_OUT_TAG_VALUE,
};
pub use policy::{
    glob_match, LoadOptions, Mode, PolicyError, RemediationPolicy, Rule, RuleMatch,
    DEFAULT_QUARANTINE_PREFIX, TAG_PLACEHOLDERS,
};
pub use target::{
    BlockPublicAccess, BucketEncryption, CopyEncryption, CopyRequest, ObjectId, ObjectState,
    RemediationTarget, TargetError, TargetErrorKind, TargetResult, SINGLE_COPY_LIMIT, SSE_KMS, SSE_KMS_DSSE,
    SSE_S3,
};

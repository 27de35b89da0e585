//! The closed set of remediation actions, each declaring the IAM actions its execution calls,
//! so that a test can hold the remediator's role in `template.yaml` to exactly their union.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// An S3 tag. S3 allows 10 per object, keys of 1–128 and values of 0–256 characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

impl Tag {
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Tag {
        Tag { key: key.into(), value: value.into() }
    }
}

/// S3's limit of tags on one object.
pub const MAX_OBJECT_TAGS: usize = 10;

/// The tag the quarantine action puts on the original object, for a bucket policy to deny
/// reads on (`s3:ExistingObjectTag/sluice:quarantined`).
pub const QUARANTINE_TAG_KEY: &str = "sluice:quarantined";
pub const QUARANTINE_TAG_VALUE: &str = "true";

/// A remediation action. The set is closed: the executor knows how to make each one
/// idempotent, and each declares the permissions it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// PutPublicAccessBlock with all four settings on the bucket.
    BlockPublicAccess,
    /// PutBucketEncryption: SSE-KMS with this key and the bucket key enabled, or SSE-S3
    /// when no key is given (a bucket already on SSE-KMS is never downgraded).
    DefaultEncryption { kms_key_id: Option<String> },
    /// Copy the exact version in place with SSE-KMS (this key, or the AWS managed key),
    /// keeping metadata, tags and content type; multipart above 5 GB.
    EncryptObject { kms_key_id: Option<String> },
    /// Merge these tags into the object's tags: existing keys keep their values.
    TagObject { tags: Vec<Tag> },
    /// Copy to `bucket` under `prefix` + source bucket + `/` + key, then restrict the
    /// original (object ACL private, quarantine tag); delete it only if `delete_original`.
    Quarantine { bucket: String, prefix: String, delete_original: bool },
}

/// The kinds of action, in the order the executor runs them: bucket first, then the object's
/// tags, the quarantine copy (taken from the version the finding names), and the in-place
/// re-encryption last, whose copy carries the tags and the restrictions along.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    BlockPublicAccess,
    DefaultEncryption,
    TagObject,
    Quarantine,
    EncryptObject,
}

impl ActionKind {
    pub const ALL: [ActionKind; 5] = [
        ActionKind::BlockPublicAccess,
        ActionKind::DefaultEncryption,
        ActionKind::TagObject,
        ActionKind::Quarantine,
        ActionKind::EncryptObject,
    ];

    /// The name used in the policy file and in audit records.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::BlockPublicAccess => "block-public-access",
            ActionKind::DefaultEncryption => "default-encryption",
            ActionKind::TagObject => "tag-object",
            ActionKind::Quarantine => "quarantine",
            ActionKind::EncryptObject => "encrypt-object",
        }
    }

    pub fn parse(name: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Whether the action works on the object (and so needs one in the finding).
    pub fn on_object(self) -> bool {
        matches!(self, ActionKind::TagObject | ActionKind::Quarantine | ActionKind::EncryptObject)
    }
}

const BLOCK_PUBLIC_ACCESS: &[&str] = &["s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"];
// PutBucketEncryption's IAM action is s3:PutEncryptionConfiguration; S3 checks no KMS
// permission of the caller when a bucket's default key is set.
const DEFAULT_ENCRYPTION: &[&str] = &["s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration"];
const ENCRYPT_OBJECT: &[&str] = &[
    // HEAD of the current version and of the exact version; ListBucket turns a missing
    // object into 404 instead of 403, so that "already gone" is told from "denied".
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:ListBucket",
    // CopyObject (and UploadPartCopy above 5 GB) with the tagging directive COPY
    "s3:GetObjectTagging",
    "s3:GetObjectVersionTagging",
    "s3:PutObject",
    "s3:PutObjectTagging",
    "s3:AbortMultipartUpload",
    // reading an SSE-KMS source and writing with the target key
    "kms:Decrypt",
    "kms:GenerateDataKey",
];
const TAG_OBJECT: &[&str] = &[
    "s3:GetObjectTagging",
    "s3:GetObjectVersionTagging",
    "s3:PutObjectTagging",
    "s3:PutObjectVersionTagging",
];
const QUARANTINE_KEEP: &[&str] = &[
    // copy the exact version, tags included, to the quarantine bucket (ListBucket there
    // tells an absent copy (404) from a denied HEAD (403))
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:GetObjectTagging",
    "s3:GetObjectVersionTagging",
    "s3:ListBucket",
    "s3:PutObject",
    "s3:PutObjectTagging",
    "s3:AbortMultipartUpload",
    // restrict the original: ACL private and the quarantine tag
    "s3:GetObjectAcl",
    "s3:GetObjectVersionAcl",
    "s3:PutObjectAcl",
    "s3:PutObjectVersionAcl",
    "s3:PutObjectVersionTagging",
    "kms:Decrypt",
    "kms:GenerateDataKey",
];
const QUARANTINE_DELETE: &[&str] = &[
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:GetObjectTagging",
    "s3:GetObjectVersionTagging",
    "s3:ListBucket",
    "s3:PutObject",
    "s3:PutObjectTagging",
    "s3:AbortMultipartUpload",
    "s3:GetObjectAcl",
    "s3:GetObjectVersionAcl",
    "s3:PutObjectAcl",
    "s3:PutObjectVersionAcl",
    "s3:PutObjectVersionTagging",
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
];

/// What the executor itself calls whatever the actions: it reads the bucket's tags again
/// before changing anything, so that an opt-out tag set after the scan is honoured.
pub const EXECUTOR_IAM_ACTIONS: &[&str] = &["s3:GetBucketTagging"];

/// What the remediator calls to record its work: the audit item in the findings table and
/// the `Sluice Remediation` event. (Reading the configuration object takes `s3:GetObject`
/// and `kms:Decrypt`, which the actions already hold.)
pub const AUDIT_IAM_ACTIONS: &[&str] = &["dynamodb:PutItem", "events:PutEvents"];

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::BlockPublicAccess => ActionKind::BlockPublicAccess,
            Action::DefaultEncryption { .. } => ActionKind::DefaultEncryption,
            Action::EncryptObject { .. } => ActionKind::EncryptObject,
            Action::TagObject { .. } => ActionKind::TagObject,
            Action::Quarantine { .. } => ActionKind::Quarantine,
        }
    }

    /// The IAM actions executing this action may call. Only a quarantine that deletes the
    /// original needs `s3:DeleteObject*`, which the template grants behind its own switch.
    pub fn iam_actions(&self) -> &'static [&'static str] {
        match self {
            Action::BlockPublicAccess => BLOCK_PUBLIC_ACCESS,
            Action::DefaultEncryption { .. } => DEFAULT_ENCRYPTION,
            Action::EncryptObject { .. } => ENCRYPT_OBJECT,
            Action::TagObject { .. } => TAG_OBJECT,
            Action::Quarantine { delete_original: false, .. } => QUARANTINE_KEEP,
            Action::Quarantine { delete_original: true, .. } => QUARANTINE_DELETE,
        }
    }

    /// One action of every variant (and both quarantine flavours), to compute the union
    /// of permissions any policy can need.
    pub fn representatives() -> Vec<Action> {
        let mut out = Vec::new();
        for kind in ActionKind::ALL {
            match kind {
                ActionKind::BlockPublicAccess => out.push(Action::BlockPublicAccess),
                ActionKind::DefaultEncryption => out.push(Action::DefaultEncryption { kms_key_id: None }),
                ActionKind::EncryptObject => out.push(Action::EncryptObject { kms_key_id: None }),
                ActionKind::TagObject => out.push(Action::TagObject { tags: Vec::new() }),
                ActionKind::Quarantine => {
                    for delete_original in [false, true] {
                        out.push(Action::Quarantine {
                            bucket: String::new(),
                            prefix: String::new(),
                            delete_original,
                        });
                    }
                }
            }
        }
        out
    }
}

/// Every IAM action the remediator may call: the executor's reads, the audit writes and the
/// union over every action (with deletion only when `allow_delete`).
pub fn remediator_iam_actions(allow_delete: bool) -> BTreeSet<&'static str> {
    let mut set: BTreeSet<&'static str> =
        EXECUTOR_IAM_ACTIONS.iter().chain(AUDIT_IAM_ACTIONS).copied().collect();
    for action in Action::representatives() {
        if matches!(action, Action::Quarantine { delete_original: true, .. }) && !allow_delete {
            continue;
        }
        set.extend(action.iam_actions().iter().copied());
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_representative_and_a_name_that_parses_back() {
        let kinds: BTreeSet<ActionKind> = Action::representatives().iter().map(Action::kind).collect();
        assert_eq!(kinds.len(), ActionKind::ALL.len());
        for kind in ActionKind::ALL {
            assert_eq!(ActionKind::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn only_a_deleting_quarantine_may_delete() {
        for action in Action::representatives() {
            let deletes = action.iam_actions().iter().any(|a| a.starts_with("s3:Delete"));
            assert_eq!(
                deletes,
                matches!(action, Action::Quarantine { delete_original: true, .. }),
                "{action:?}"
            );
        }
        assert!(!remediator_iam_actions(false).contains("s3:DeleteObject"));
        assert!(remediator_iam_actions(true).contains("s3:DeleteObjectVersion"));
    }

    #[test]
    fn a_deleting_quarantine_needs_what_a_keeping_one_needs_and_more() {
        let keep: BTreeSet<_> = QUARANTINE_KEEP.iter().collect();
        let delete: BTreeSet<_> = QUARANTINE_DELETE.iter().collect();
        assert!(keep.is_subset(&delete));
        assert_eq!(delete.len() - keep.len(), 2);
    }
}

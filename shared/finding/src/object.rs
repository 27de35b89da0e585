//! The S3 side of the model: which object a result is about, and the posture of its bucket.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Width every sequencer is padded to, so that DynamoDB's string `<` orders them.
pub const SEQUENCER_WIDTH: usize = 32;

/// An S3 event's `sequencer`: hexadecimal, comparable only between events for the same key.
///
/// S3 documents that sequencers of different lengths compare after left-padding the shorter
/// with zeros; storing the padded, upper-cased form makes plain string order the event order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sequencer(String);

impl Sequencer {
    /// Parses a sequencer as S3 sends it; `None` when it is empty, not hexadecimal or longer
    /// than [`SEQUENCER_WIDTH`] (nothing S3 sends, so nothing to order by).
    pub fn parse(raw: &str) -> Option<Sequencer> {
        let raw = raw.trim();
        if raw.is_empty() || raw.len() > SEQUENCER_WIDTH || !raw.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(Sequencer(format!("{:0>width$}", raw.to_ascii_uppercase(), width = SEQUENCER_WIDTH)))
    }

    /// The padded form, as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Sequencer {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Sequencer::parse(&s).ok_or_else(|| "a sequencer is 1 to 32 hexadecimal digits".to_string())
    }
}

impl From<Sequencer> for String {
    fn from(s: Sequencer) -> String {
        s.0
    }
}

impl fmt::Display for Sequencer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One S3 object version named by an event, with the key already decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    pub bucket: String,
    pub key: String,
    /// Absent when the bucket is not versioned (S3 then says `"null"`, which is dropped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequencer: Option<Sequencer>,
    /// When S3 says the event happened (ISO 8601), if the event says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
}

impl ObjectRef {
    pub fn new(bucket: impl Into<String>, key: impl Into<String>) -> ObjectRef {
        ObjectRef {
            bucket: bucket.into(),
            key: key.into(),
            version_id: None,
            size: None,
            etag: None,
            sequencer: None,
            event_time: None,
        }
    }

    /// `s3://bucket/key`, for people; not a plaintext risk (keys are names, not contents).
    pub fn uri(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }

    pub fn object_arn(&self, partition: &str) -> String {
        format!("arn:{partition}:s3:::{}/{}", self.bucket, self.key)
    }

    pub fn bucket_arn(&self, partition: &str) -> String {
        format!("arn:{partition}:s3:::{}", self.bucket)
    }
}

/// What S3 told us about the object when it was read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// `AES256`, `aws:kms`, `aws:kms:dsse`, or absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_side_encryption: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<String>,
}

/// Macie's `publicAccess.effectivePermission`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EffectivePermission {
    Public,
    NotPublic,
    #[default]
    Unknown,
}

impl EffectivePermission {
    pub fn as_str(self) -> &'static str {
        match self {
            EffectivePermission::Public => "PUBLIC",
            EffectivePermission::NotPublic => "NOT_PUBLIC",
            EffectivePermission::Unknown => "UNKNOWN",
        }
    }
}

/// The four Block Public Access switches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockPublicAccess {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl BlockPublicAccess {
    pub const ALL: BlockPublicAccess = BlockPublicAccess {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    };

    pub fn all_on(&self) -> bool {
        *self == BlockPublicAccess::ALL
    }

    /// Whether a public bucket policy is neutralised.
    pub fn blocks_policy(&self) -> bool {
        self.restrict_public_buckets
    }

    /// Whether public ACL grants are neutralised.
    pub fn blocks_acls(&self) -> bool {
        self.ignore_public_acls
    }

    /// The switch-by-switch union of bucket and account settings (either one blocking is enough).
    pub fn union(self, other: BlockPublicAccess) -> BlockPublicAccess {
        BlockPublicAccess {
            block_public_acls: self.block_public_acls || other.block_public_acls,
            ignore_public_acls: self.ignore_public_acls || other.ignore_public_acls,
            block_public_policy: self.block_public_policy || other.block_public_policy,
            restrict_public_buckets: self.restrict_public_buckets || other.restrict_public_buckets,
        }
    }
}

/// A bucket's default encryption, Macie's `defaultServerSideEncryption`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DefaultEncryption {
    /// `AES256`, `aws:kms` or `aws:kms:dsse`; `NONE` when the bucket has none.
    pub encryption_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_master_key_id: Option<String>,
}

/// What Sluice could learn of a bucket's exposure. Every field is `None` when S3 would not
/// say (access denied, emulator gaps): unknown is never reported as safe.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BucketPosture {
    pub bucket: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_public_access: Option<BlockPublicAccess>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_block_public_access: Option<BlockPublicAccess>,
    /// `GetBucketPolicyStatus.IsPublic`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_is_public: Option<bool>,
    /// ACL grants to AllUsers or AuthenticatedUsers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acl_is_public: Option<bool>,
    /// The bucket policy grants a principal in another account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_externally: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_encryption: Option<DefaultEncryption>,
    /// The bucket's own tags (for remediation opt-out and policy matching).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<(String, String)>,
}

/// Macie's policy finding types, raised from a bucket's posture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PolicyFindingType {
    #[serde(rename = "Policy:IAMUser/S3BlockPublicAccessDisabled")]
    BlockPublicAccessDisabled,
    #[serde(rename = "Policy:IAMUser/S3BucketPublic")]
    BucketPublic,
    #[serde(rename = "Policy:IAMUser/S3BucketEncryptionDisabled")]
    BucketEncryptionDisabled,
    #[serde(rename = "Policy:IAMUser/S3BucketSharedExternally")]
    BucketSharedExternally,
}

impl PolicyFindingType {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyFindingType::BlockPublicAccessDisabled => "Policy:IAMUser/S3BlockPublicAccessDisabled",
            PolicyFindingType::BucketPublic => "Policy:IAMUser/S3BucketPublic",
            PolicyFindingType::BucketEncryptionDisabled => "Policy:IAMUser/S3BucketEncryptionDisabled",
            PolicyFindingType::BucketSharedExternally => "Policy:IAMUser/S3BucketSharedExternally",
        }
    }

    /// Macie's severities for policy findings: a public or shared bucket is High, the rest Medium/Low.
    pub fn severity(self) -> crate::Severity {
        match self {
            PolicyFindingType::BucketPublic => crate::Severity::High,
            PolicyFindingType::BucketSharedExternally => crate::Severity::High,
            PolicyFindingType::BlockPublicAccessDisabled => crate::Severity::Medium,
            PolicyFindingType::BucketEncryptionDisabled => crate::Severity::Low,
        }
    }
}

impl BucketPosture {
    /// Macie's effective permission: public only when a public policy or ACL is not neutralised
    /// by Block Public Access at the bucket or account level; unknown when S3 would not say.
    pub fn effective_permission(&self) -> EffectivePermission {
        let bpa = match (self.block_public_access, self.account_block_public_access) {
            (Some(b), Some(a)) => Some(b.union(a)),
            (b, a) => b.or(a),
        };
        let policy_open = match self.policy_is_public {
            Some(true) => Some(!bpa.is_some_and(|b| b.blocks_policy())),
            Some(false) => Some(false),
            None if bpa.is_some_and(|b| b.blocks_policy()) => Some(false),
            None => None,
        };
        let acl_open = match self.acl_is_public {
            Some(true) => Some(!bpa.is_some_and(|b| b.blocks_acls())),
            Some(false) => Some(false),
            None if bpa.is_some_and(|b| b.blocks_acls()) => Some(false),
            None => None,
        };
        match (policy_open, acl_open) {
            (Some(true), _) | (_, Some(true)) => EffectivePermission::Public,
            (Some(false), Some(false)) => EffectivePermission::NotPublic,
            _ => EffectivePermission::Unknown,
        }
    }

    /// The policy findings this posture raises, by Macie's definitions (macie.md §3).
    pub fn policy_findings(&self) -> Vec<PolicyFindingType> {
        let mut out = Vec::new();
        let bucket_bpa_off = self.block_public_access.is_some_and(|b| !b.all_on());
        let account_bpa_on = self.account_block_public_access.is_some_and(|a| a.all_on());
        if bucket_bpa_off && !account_bpa_on {
            out.push(PolicyFindingType::BlockPublicAccessDisabled);
        }
        if self.effective_permission() == EffectivePermission::Public {
            out.push(PolicyFindingType::BucketPublic);
        }
        if self.default_encryption.as_ref().is_some_and(|e| e.encryption_type == "NONE") {
            out.push(PolicyFindingType::BucketEncryptionDisabled);
        }
        if self.shared_externally == Some(true) {
            out.push(PolicyFindingType::BucketSharedExternally);
        }
        out
    }

    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequencers_of_different_lengths_order_after_left_padding() {
        let short = Sequencer::parse("0055AED6DCD90281E5").unwrap();
        let longer_newer = Sequencer::parse("0055AED6DCD90281E6FF").unwrap();
        assert!(short < longer_newer);
        assert_eq!(short.as_str().len(), SEQUENCER_WIDTH);
        assert_eq!(Sequencer::parse("00ab"), Sequencer::parse("AB"));
        assert!(Sequencer::parse("").is_none());
        assert!(Sequencer::parse("xyz").is_none());
        assert!(Sequencer::parse(&"1".repeat(33)).is_none());
        let json = serde_json::to_string(&short).unwrap();
        assert_eq!(serde_json::from_str::<Sequencer>(&json).unwrap(), short);
    }

    fn posture() -> BucketPosture {
        BucketPosture { bucket: "b".into(), ..Default::default() }
    }

    #[test]
    fn public_policy_is_public_unless_block_public_access_restricts_it() {
        let mut p = posture();
        p.policy_is_public = Some(true);
        p.acl_is_public = Some(false);
        assert_eq!(p.effective_permission(), EffectivePermission::Public);
        p.account_block_public_access = Some(BlockPublicAccess::ALL);
        assert_eq!(p.effective_permission(), EffectivePermission::NotPublic);
    }

    #[test]
    fn unknown_is_never_reported_as_safe() {
        let mut p = posture();
        assert_eq!(p.effective_permission(), EffectivePermission::Unknown);
        p.policy_is_public = Some(false);
        assert_eq!(p.effective_permission(), EffectivePermission::Unknown, "ACL unknown");
        p.acl_is_public = Some(false);
        assert_eq!(p.effective_permission(), EffectivePermission::NotPublic);
        let mut q = posture();
        q.block_public_access = Some(BlockPublicAccess::ALL);
        assert_eq!(q.effective_permission(), EffectivePermission::NotPublic);
    }

    #[test]
    fn policy_findings_follow_macie() {
        let mut p = posture();
        p.block_public_access = Some(BlockPublicAccess::default());
        p.acl_is_public = Some(true);
        p.policy_is_public = Some(false);
        p.default_encryption =
            Some(DefaultEncryption { encryption_type: "NONE".into(), kms_master_key_id: None });
        p.shared_externally = Some(true);
        assert_eq!(
            p.policy_findings(),
            vec![
                PolicyFindingType::BlockPublicAccessDisabled,
                PolicyFindingType::BucketPublic,
                PolicyFindingType::BucketEncryptionDisabled,
                PolicyFindingType::BucketSharedExternally
            ]
        );
        p.block_public_access = Some(BlockPublicAccess::ALL);
        p.default_encryption =
            Some(DefaultEncryption { encryption_type: "aws:kms".into(), kms_master_key_id: None });
        p.shared_externally = None;
        assert!(p.policy_findings().is_empty());
    }
}

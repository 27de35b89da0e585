//! One object's scan, as stored and published: the classification result plus what it is about.

use serde::{Deserialize, Serialize};

use crate::{BucketPosture, ClassificationResult, EffectivePermission, ObjectMeta, ObjectRef};

/// The outcome of scanning one object version, from which every sink builds its own shape
/// (DynamoDB item, ASFF finding, EventBridge detail, discovery result).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanRecord {
    pub object: ObjectRef,
    /// What S3 said when the object was read; absent when it could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<ObjectMeta>,
    pub posture: BucketPosture,
    pub result: ClassificationResult,
    /// RFC 3339 UTC with milliseconds.
    pub scanned_at: String,
    /// The discovery result's S3 URI, once written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detailed_results_location: Option<String>,
}

impl ScanRecord {
    pub fn effective_permission(&self) -> EffectivePermission {
        self.posture.effective_permission()
    }

    /// Whether this scan raises a sensitive data finding.
    pub fn has_finding(&self) -> bool {
        self.result.finding_type.is_some()
    }

    /// The finding's identity: one per object (bucket and key, not version), so a rescan updates
    /// the same finding instead of adding one. Hashed because keys can be 1,024 bytes and ASFF
    /// ids stop at 512.
    pub fn finding_id(&self) -> String {
        finding_id(&self.object.bucket, &self.object.key)
    }
}

/// See [`ScanRecord::finding_id`].
pub fn finding_id(bucket: &str, key: &str) -> String {
    let mut h = blake3::Hasher::new();
    h.update(bucket.as_bytes());
    h.update(b"\0");
    h.update(key.as_bytes());
    format!("sluice/sensitive-data/{}", &h.finalize().to_hex()[..40])
}

/// The id of a bucket's policy finding of one type.
pub fn policy_finding_id(bucket: &str, finding_type: crate::PolicyFindingType) -> String {
    let short = finding_type.as_str().rsplit('/').next().unwrap_or("policy");
    format!("sluice/policy/{bucket}/{short}")
}

/// Formats a time as ASFF and Macie want it: `2026-11-27T01:02:03.456Z`.
pub fn timestamp(t: std::time::SystemTime) -> String {
    humantime::format_rfc3339_millis(t).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_ids_are_stable_per_object_and_bounded() {
        let a = finding_id("b", "k");
        assert_eq!(a, finding_id("b", "k"));
        assert_ne!(a, finding_id("b", "k2"));
        assert_ne!(finding_id("ab", "c"), finding_id("a", "bc"));
        assert!(finding_id("b", &"k".repeat(1024)).len() < 100);
    }

    #[test]
    fn timestamps_are_asff_shaped() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_700_000_000_123);
        assert_eq!(timestamp(t), "2023-11-14T22:13:20.123Z");
    }
}

//! The finding as the scanner publishes it: the `detail` of a `Sluice Finding` EventBridge
//! event, which follows the field names of a Macie finding so that rules written for Macie
//! carry over. Only the fields remediation reads are declared; every other field (occurrence
//! locations, titles, timestamps) is ignored, so nothing sensitive is ever held here.

use serde::{Deserialize, Serialize};
use sluice_finding::Severity;

/// Macie's finding `detail`, reduced to what planning needs. Every field is optional so that
/// a finding with gaps (a policy finding has no object; the emulator omits fields) still
/// parses; planning decides what a gap means.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FindingDetail {
    #[serde(default)]
    pub id: Option<String>,
    /// `SensitiveData:S3Object/Financial`, `Policy:IAMUser/S3BucketPublic`…
    #[serde(rename = "type", default)]
    pub finding_type: String,
    /// `CLASSIFICATION` or `POLICY`.
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub severity: Option<SeverityDetail>,
    #[serde(default)]
    pub resources_affected: ResourcesAffected,
    #[serde(default)]
    pub classification_details: Option<ClassificationDetails>,
}

/// `severity {description, score}`: Low/Medium/High and 1/2/3.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeverityDetail {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub score: Option<u8>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourcesAffected {
    #[serde(default)]
    pub s3_bucket: Option<S3Bucket>,
    #[serde(default)]
    pub s3_object: Option<S3Object>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct S3Bucket {
    pub name: String,
    #[serde(default)]
    pub arn: Option<String>,
    #[serde(default)]
    pub public_access: Option<PublicAccess>,
    #[serde(default)]
    pub default_server_side_encryption: Option<ServerSideEncryption>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub tags: Vec<KeyValue>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicAccess {
    /// `PUBLIC`, `NOT_PUBLIC` or `UNKNOWN`.
    #[serde(default)]
    pub effective_permission: Option<String>,
}

/// Macie's `{encryptionType, kmsMasterKeyId}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerSideEncryption {
    #[serde(default)]
    pub encryption_type: Option<String>,
    #[serde(default)]
    pub kms_master_key_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct KeyValue {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct S3Object {
    pub key: String,
    /// Macie writes `""` for an unversioned object; see [`S3Object::version`].
    #[serde(default)]
    pub version_id: Option<String>,
    #[serde(default)]
    pub e_tag: Option<String>,
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default)]
    pub server_side_encryption: Option<ServerSideEncryption>,
}

impl S3Object {
    /// The exact version the finding is about, if the bucket is versioned (Macie and the
    /// emulator write `""` or `"null"` for none).
    pub fn version(&self) -> Option<&str> {
        self.version_id.as_deref().filter(|v| !v.is_empty() && *v != "null")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassificationDetails {
    #[serde(default)]
    pub result: Option<ClassificationResultDetail>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassificationResultDetail {
    #[serde(default)]
    pub status: Option<StatusDetail>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub sensitive_data: Vec<SensitiveDataDetail>,
    #[serde(default)]
    pub custom_data_identifiers: Option<CustomDataIdentifiersDetail>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusDetail {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SensitiveDataDetail {
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub total_count: Option<u64>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub detections: Vec<DetectionDetail>,
}

/// One detected type and its count (the occurrences are not read).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct DetectionDetail {
    #[serde(rename = "type", default)]
    pub detection_type: String,
    #[serde(default)]
    pub count: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomDataIdentifiersDetail {
    #[serde(default)]
    pub total_count: Option<u64>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub detections: Vec<CustomDetectionDetail>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct CustomDetectionDetail {
    #[serde(default)]
    pub arn: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub count: u64,
}

/// Macie writes `null` for some empty lists (`tags`, `detections`): read it as empty.
fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A detected identifier type and how many times it occurred: the only trace of the data
/// that remediation keeps.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TypeCount {
    #[serde(rename = "type")]
    pub identifier_type: String,
    pub count: u64,
}

impl FindingDetail {
    /// Parses the `detail` of a `Sluice Finding` event.
    pub fn from_json(text: &str) -> Result<FindingDetail, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The severity, from `score` when present (1, 2, 3), else from `description`.
    pub fn severity(&self) -> Option<Severity> {
        let s = self.severity.as_ref()?;
        match s.score {
            Some(1) => Some(Severity::Low),
            Some(2) => Some(Severity::Medium),
            Some(3) => Some(Severity::High),
            _ => s.description.as_deref().and_then(Severity::parse),
        }
    }

    pub fn bucket(&self) -> Option<&S3Bucket> {
        self.resources_affected.s3_bucket.as_ref()
    }

    pub fn object(&self) -> Option<&S3Object> {
        self.resources_affected.s3_object.as_ref()
    }

    /// Every detected identifier type with its count: managed identifiers by their ID,
    /// custom identifiers by their name (or ARN when unnamed), sorted for stable output.
    pub fn detected_types(&self) -> Vec<TypeCount> {
        let Some(result) = self.classification_details.as_ref().and_then(|c| c.result.as_ref()) else {
            return Vec::new();
        };
        let mut out: Vec<TypeCount> = result
            .sensitive_data
            .iter()
            .flat_map(|item| item.detections.iter())
            .map(|d| TypeCount { identifier_type: d.detection_type.clone(), count: d.count })
            .collect();
        if let Some(custom) = &result.custom_data_identifiers {
            out.extend(custom.detections.iter().filter_map(|d| {
                let name = d.name.clone().or_else(|| d.arn.clone())?;
                Some(TypeCount { identifier_type: name, count: d.count })
            }));
        }
        out.sort();
        out
    }

    /// The sensitive data categories present (`FINANCIAL_INFORMATION`…).
    pub fn data_categories(&self) -> Vec<&str> {
        let Some(result) = self.classification_details.as_ref().and_then(|c| c.result.as_ref()) else {
            return Vec::new();
        };
        let mut out: Vec<&str> = result.sensitive_data.iter().filter_map(|i| i.category.as_deref()).collect();
        if result.custom_data_identifiers.as_ref().is_some_and(|c| !c.detections.is_empty()) {
            out.push("CUSTOM_IDENTIFIER");
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_macie_shaped_detail_and_ignores_occurrences() {
        let text = r#"{"id":"f1","type":"SensitiveData:S3Object/Multiple","category":"CLASSIFICATION",
          "severity":{"description":"High","score":3},
          "resourcesAffected":{"s3Bucket":{"name":"b","arn":"arn:aws:s3:::b","tags":null,
             "publicAccess":{"effectivePermission":"PUBLIC"},
             "defaultServerSideEncryption":{"encryptionType":"AES256","kmsMasterKeyId":null}},
           "s3Object":{"key":"a/b.csv","versionId":"","eTag":"e","size":80,
             "serverSideEncryption":{"encryptionType":"AES256"}}},
          "classificationDetails":{"result":{"status":{"code":"COMPLETE"},
             "sensitiveData":[{"category":"FINANCIAL_INFORMATION","totalCount":3,
                "detections":[{"type":"CREDIT_CARD_NUMBER","count":3,"occurrences":{"cells":[{"row":2,"column":1}]}}]}],
             "customDataIdentifiers":{"totalCount":1,"detections":[{"arn":"x","name":"Employee ID","count":1}]}}}}"#;
        let f = FindingDetail::from_json(text).unwrap();
        assert_eq!(f.severity(), Some(Severity::High));
        assert_eq!(f.object().unwrap().version(), None);
        assert!(f.bucket().unwrap().tags.is_empty());
        assert_eq!(
            f.detected_types(),
            vec![
                TypeCount { identifier_type: "CREDIT_CARD_NUMBER".into(), count: 3 },
                TypeCount { identifier_type: "Employee ID".into(), count: 1 },
            ]
        );
        assert_eq!(f.data_categories(), vec!["CUSTOM_IDENTIFIER", "FINANCIAL_INFORMATION"]);
    }

    #[test]
    fn severity_falls_back_to_the_description() {
        let f = FindingDetail::from_json(r#"{"type":"t","severity":{"description":"Medium"}}"#).unwrap();
        assert_eq!(f.severity(), Some(Severity::Medium));
        let f = FindingDetail::from_json(r#"{"type":"t"}"#).unwrap();
        assert_eq!(f.severity(), None);
    }
}

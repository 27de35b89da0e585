//! Publications as EventBridge entries, as pure mapping: `source` `sluice`, `detail-type`
//! `Sluice Finding`, and a `detail` with the field names of a Macie finding, so that rules
//! written for Macie's events carry over and `sluice-remediate` reads it
//! (`sluice_remediate::FindingDetail`).
//!
//! Deliberate differences from Macie:
//! - a policy finding has no `s3Object` (Macie leaves it null too): it is about the bucket,
//!   and an object there would make the remediator act on an object for a bucket finding;
//! - an archived finding whose object is now clean carries no `type` and no `severity`: there
//!   is nothing left to classify, and a rule on severity (the remediator's) must not fire;
//! - `policyDetails.action.apiCallDetails` holds only `firstSeen`/`lastSeen`, when Sluice saw
//!   the posture: Sluice evaluates posture, it does not read CloudTrail for the API call.

use serde::{Deserialize, Serialize};
use sluice_finding::{
    BlockPublicAccess, BucketPosture, ClassificationResult, CustomDataIdentifiers, PolicyFindingType,
    ScanRecord, SensitiveDataItem, Severity, Status,
};
use sluice_pipeline::ports::{FindingState, Publication};

use crate::asff;
use crate::context::AwsContext;

pub const SOURCE: &str = "sluice";
pub const DETAIL_TYPE: &str = "Sluice Finding";
pub const SCHEMA_VERSION: &str = "1.0";
/// An entry must be smaller than 256 KB (aws-wire.md §3).
pub const MAX_ENTRY_BYTES: usize = 256 * 1024;

/// Macie's `EncryptionType` values.
const ENCRYPTION_TYPES: [&str; 5] = ["NONE", "AES256", "aws:kms", "UNKNOWN", "aws:kms:dsse"];
/// Macie's `StorageClass` values.
const STORAGE_CLASSES: [&str; 9] = [
    "STANDARD",
    "REDUCED_REDUNDANCY",
    "STANDARD_IA",
    "INTELLIGENT_TIERING",
    "DEEP_ARCHIVE",
    "ONEZONE_IA",
    "GLACIER",
    "GLACIER_IR",
    "OUTPOSTS",
];

/// One `PutEvents` entry, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub source: String,
    pub detail_type: String,
    pub resources: Vec<String>,
    /// The detail as a JSON object string.
    pub detail: String,
    /// The finding's id, to name the entry in errors.
    pub finding_id: String,
}

impl Entry {
    /// PutEvents' entry size: the UTF-8 bytes of Source, DetailType, Detail and every
    /// Resources entry (Time is not set, so no 14 bytes for it).
    pub fn size(&self) -> usize {
        self.source.len()
            + self.detail_type.len()
            + self.detail.len()
            + self.resources.iter().map(String::len).sum::<usize>()
    }
}

// ---------------------------------------------------------------------------------------------
// The detail: Macie's finding members, camelCase.

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Detail {
    pub schema_version: String,
    pub id: String,
    pub account_id: String,
    pub partition: String,
    pub region: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub finding_type: Option<String>,
    pub title: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<DetailSeverity>,
    /// `CLASSIFICATION` or `POLICY`.
    pub category: String,
    pub count: u64,
    pub created_at: String,
    pub updated_at: String,
    pub archived: bool,
    pub sample: bool,
    pub resources_affected: ResourcesAffected,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification_details: Option<ClassificationDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_details: Option<PolicyDetails>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetailSeverity {
    /// `Low`, `Medium`, `High`.
    pub description: String,
    /// 1, 2, 3.
    pub score: u8,
}

impl From<Severity> for DetailSeverity {
    fn from(s: Severity) -> DetailSeverity {
        DetailSeverity { description: s.description().into(), score: s.score() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourcesAffected {
    pub s3_bucket: S3Bucket,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_object: Option<S3Object>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S3Bucket {
    pub name: String,
    pub arn: String,
    pub public_access: PublicAccess,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_server_side_encryption: Option<Encryption>,
    pub tags: Vec<KeyValue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicAccess {
    /// `PUBLIC`, `NOT_PUBLIC` or `UNKNOWN`.
    pub effective_permission: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission_configuration: Option<PermissionConfiguration>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionConfiguration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_level_permissions: Option<LevelPermissions>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket_level_permissions: Option<LevelPermissions>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LevelPermissions {
    pub block_public_access: BlockPublicAccess,
}

/// Macie's `{encryptionType, kmsMasterKeyId}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Encryption {
    pub encryption_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_master_key_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyValue {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S3Object {
    pub bucket_arn: String,
    pub key: String,
    /// `bucket/key`.
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e_tag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_side_encryption: Option<Encryption>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassificationDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detailed_results_location: Option<String>,
    pub result: DetailResult,
}

/// Macie's `classificationDetails.result`: the classification result without Sluice's own
/// severity and finding type (they are the detail's `severity` and `type`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DetailResult {
    pub mime_type: String,
    pub size_classified: u64,
    pub status: Status,
    pub additional_occurrences: bool,
    pub sensitive_data: Vec<SensitiveDataItem>,
    pub custom_data_identifiers: CustomDataIdentifiers,
}

impl From<&ClassificationResult> for DetailResult {
    fn from(r: &ClassificationResult) -> DetailResult {
        DetailResult {
            mime_type: r.mime_type.clone(),
            size_classified: r.size_classified,
            status: r.status.clone(),
            additional_occurrences: r.additional_occurrences,
            sensitive_data: r.sensitive_data.clone(),
            custom_data_identifiers: r.custom_data_identifiers.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyDetails {
    pub action: PolicyAction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyAction {
    /// Always `AWS_API_CALL`, Macie's only action type.
    pub action_type: String,
    pub api_call_details: ApiCallDetails,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiCallDetails {
    pub first_seen: String,
    pub last_seen: String,
}

// ---------------------------------------------------------------------------------------------
// Mapping.

/// The entry for `publication`, with occurrence locations trimmed until it is smaller than
/// [`MAX_ENTRY_BYTES`].
pub fn entry(ctx: &AwsContext, publication: &Publication) -> Entry {
    match publication {
        Publication::SensitiveData { record, state, created_at, updated_at } => {
            asff::fit_result(&record.result, MAX_ENTRY_BYTES - 1, Entry::size, |result| {
                let detail = sensitive_data_detail(ctx, record, result, *state, created_at, updated_at);
                to_entry(&detail, vec![record.object.object_arn(&ctx.partition)])
            })
        }
        Publication::Policy { record, finding_type, updated_at } => {
            let detail = policy_detail(ctx, record, *finding_type, updated_at);
            to_entry(&detail, vec![record.object.bucket_arn(&ctx.partition)])
        }
    }
}

fn to_entry(detail: &Detail, resources: Vec<String>) -> Entry {
    Entry {
        source: SOURCE.into(),
        detail_type: DETAIL_TYPE.into(),
        resources,
        detail: serde_json::to_string(detail).expect("a detail has string keys only and always serializes"),
        finding_id: detail.id.clone(),
    }
}

/// The Macie-shaped detail of a sensitive data publication, over `result` (the record's
/// result, possibly trimmed).
pub fn sensitive_data_detail(
    ctx: &AwsContext,
    record: &ScanRecord,
    result: &ClassificationResult,
    state: FindingState,
    created_at: &str,
    updated_at: &str,
) -> Detail {
    Detail {
        schema_version: SCHEMA_VERSION.into(),
        id: record.finding_id(),
        account_id: ctx.account_id.clone(),
        partition: ctx.partition.clone(),
        region: ctx.region.clone(),
        finding_type: result.finding_type.map(|t| t.as_str().to_string()),
        title: asff::title(record, state),
        description: asff::description(&record.result, state),
        severity: result.severity.map(DetailSeverity::from),
        category: "CLASSIFICATION".into(),
        count: 1,
        created_at: created_at.to_string(),
        updated_at: updated_at.to_string(),
        archived: state == FindingState::Archived,
        sample: false,
        resources_affected: ResourcesAffected {
            s3_bucket: s3_bucket(ctx, record),
            s3_object: Some(s3_object(ctx, record)),
        },
        classification_details: Some(ClassificationDetails {
            detailed_results_location: record.detailed_results_location.clone(),
            result: DetailResult::from(result),
        }),
        policy_details: None,
    }
}

pub fn policy_detail(
    ctx: &AwsContext,
    record: &ScanRecord,
    finding_type: PolicyFindingType,
    at: &str,
) -> Detail {
    Detail {
        schema_version: SCHEMA_VERSION.into(),
        id: sluice_finding::policy_finding_id(&record.object.bucket, finding_type),
        account_id: ctx.account_id.clone(),
        partition: ctx.partition.clone(),
        region: ctx.region.clone(),
        finding_type: Some(finding_type.as_str().into()),
        title: asff::policy_title(&record.object.bucket, finding_type),
        description: asff::policy_description(&record.posture, finding_type),
        severity: Some(finding_type.severity().into()),
        category: "POLICY".into(),
        count: 1,
        created_at: at.to_string(),
        updated_at: at.to_string(),
        archived: false,
        sample: false,
        resources_affected: ResourcesAffected { s3_bucket: s3_bucket(ctx, record), s3_object: None },
        classification_details: None,
        policy_details: Some(PolicyDetails {
            action: PolicyAction {
                action_type: "AWS_API_CALL".into(),
                api_call_details: ApiCallDetails { first_seen: at.to_string(), last_seen: at.to_string() },
            },
        }),
    }
}

fn s3_bucket(ctx: &AwsContext, record: &ScanRecord) -> S3Bucket {
    let posture: &BucketPosture = &record.posture;
    let level =
        |b: Option<BlockPublicAccess>| b.map(|block_public_access| LevelPermissions { block_public_access });
    let permission_configuration = match (posture.account_block_public_access, posture.block_public_access) {
        (None, None) => None,
        (account, bucket) => Some(PermissionConfiguration {
            account_level_permissions: level(account),
            bucket_level_permissions: level(bucket),
        }),
    };
    S3Bucket {
        name: record.object.bucket.clone(),
        arn: record.object.bucket_arn(&ctx.partition),
        public_access: PublicAccess {
            effective_permission: posture.effective_permission().as_str().into(),
            permission_configuration,
        },
        default_server_side_encryption: posture.default_encryption.as_ref().map(|e| Encryption {
            encryption_type: encryption_type(&e.encryption_type),
            kms_master_key_id: e.kms_master_key_id.clone(),
        }),
        tags: posture
            .tags
            .iter()
            .map(|(key, value)| KeyValue { key: key.clone(), value: value.clone() })
            .collect(),
    }
}

fn s3_object(ctx: &AwsContext, record: &ScanRecord) -> S3Object {
    let object = &record.object;
    let meta = record.meta.as_ref();
    let file = object.key.rsplit('/').next().unwrap_or_default();
    let extension = file.rsplit_once('.').map(|(_, ext)| ext).filter(|e| !e.is_empty()).map(str::to_string);
    S3Object {
        bucket_arn: object.bucket_arn(&ctx.partition),
        key: object.key.clone(),
        path: format!("{}/{}", object.bucket, object.key),
        extension,
        version_id: meta.and_then(|m| m.version_id.clone()).or_else(|| object.version_id.clone()),
        e_tag: meta.and_then(|m| m.etag.clone()).or_else(|| object.etag.clone()),
        size: meta.map(|m| m.size).or(object.size),
        server_side_encryption: meta.and_then(|m| m.server_side_encryption.as_ref()).map(|t| Encryption {
            encryption_type: encryption_type(t),
            kms_master_key_id: meta.and_then(|m| m.kms_key_id.clone()),
        }),
        storage_class: meta
            .and_then(|m| m.storage_class.clone())
            .filter(|c| STORAGE_CLASSES.contains(&c.as_str())),
        last_modified: meta
            .and_then(|m| m.last_modified.clone())
            .filter(|t| asff::parse_timestamp(t).is_some()),
    }
}

/// Macie's `EncryptionType` word for what S3 said; anything else is `UNKNOWN`.
fn encryption_type(s3: &str) -> String {
    if ENCRYPTION_TYPES.contains(&s3) {
        s3.to_string()
    } else {
        "UNKNOWN".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asff::fixtures::*;
    use sluice_finding::{CustomDetection, EffectivePermission};
    use sluice_remediate::FindingDetail;

    fn detail_of(e: &Entry) -> serde_json::Value {
        serde_json::from_str(&e.detail).unwrap()
    }

    #[test]
    fn a_sensitive_data_entry_has_macies_field_names() {
        let record = record();
        let e = entry(&ctx(), &active(record.clone()));
        assert_eq!(e.source, "sluice");
        assert_eq!(e.detail_type, "Sluice Finding");
        assert_eq!(e.resources, vec!["arn:aws:s3:::prod-data/exports/customers.txt"]);
        let d = detail_of(&e);
        assert_eq!(d["schemaVersion"], "1.0");
        assert_eq!(d["id"], record.finding_id());
        assert_eq!(d["accountId"], "123456789012");
        assert_eq!(d["partition"], "aws");
        assert_eq!(d["region"], "us-east-1");
        assert_eq!(d["type"], "SensitiveData:S3Object/Multiple");
        assert_eq!(d["severity"], serde_json::json!({"description": "High", "score": 3}));
        assert_eq!(d["category"], "CLASSIFICATION");
        assert_eq!(d["count"], 1);
        assert_eq!(d["archived"], false);
        assert_eq!(d["createdAt"], "2026-01-01T00:00:00.000Z");
        assert_eq!(d["updatedAt"], "2026-01-02T03:05:00.000Z");
        let bucket = &d["resourcesAffected"]["s3Bucket"];
        assert_eq!(bucket["name"], "prod-data");
        assert_eq!(bucket["arn"], "arn:aws:s3:::prod-data");
        assert_eq!(bucket["publicAccess"]["effectivePermission"], "PUBLIC");
        assert_eq!(
            bucket["publicAccess"]["permissionConfiguration"]["bucketLevelPermissions"]["blockPublicAccess"]
                ["blockPublicAcls"],
            true
        );
        assert_eq!(bucket["defaultServerSideEncryption"]["encryptionType"], "aws:kms");
        assert_eq!(bucket["tags"][0], serde_json::json!({"key": "team", "value": "data"}));
        let object = &d["resourcesAffected"]["s3Object"];
        assert_eq!(object["key"], "exports/customers.txt");
        assert_eq!(object["path"], "prod-data/exports/customers.txt");
        assert_eq!(object["extension"], "txt");
        assert_eq!(object["versionId"], "v1");
        assert_eq!(object["eTag"], "etag1");
        assert_eq!(object["size"], 4096);
        assert_eq!(object["storageClass"], "STANDARD");
        assert_eq!(object["lastModified"], "2026-01-02T03:04:05.000Z");
        assert_eq!(object["serverSideEncryption"]["encryptionType"], "aws:kms");
        let result = &d["classificationDetails"]["result"];
        assert_eq!(result["status"]["code"], "COMPLETE");
        assert_eq!(result["mimeType"], "text/plain");
        assert_eq!(result["additionalOccurrences"], true);
        assert!(result["sensitiveData"].as_array().unwrap().len() == 3);
        assert_eq!(result["customDataIdentifiers"]["detections"][0]["name"], "Employee ID");
        assert!(result.get("severity").is_none() && result.get("findingType").is_none(), "not Macie members");
        assert!(d["classificationDetails"]["detailedResultsLocation"]
            .as_str()
            .unwrap()
            .starts_with("s3://results/"));
        assert!(d.get("policyDetails").is_none());
    }

    #[test]
    fn the_remediator_reads_the_detail() {
        let e = entry(&ctx(), &active(record()));
        let f = FindingDetail::from_json(&e.detail).unwrap();
        assert_eq!(f.finding_type, "SensitiveData:S3Object/Multiple");
        assert_eq!(f.category.as_deref(), Some("CLASSIFICATION"));
        assert_eq!(f.severity(), Some(Severity::High));
        let bucket = f.bucket().unwrap();
        assert_eq!(bucket.name, "prod-data");
        assert_eq!(bucket.public_access.as_ref().unwrap().effective_permission.as_deref(), Some("PUBLIC"));
        assert_eq!(bucket.tags[0].key, "team");
        let object = f.object().unwrap();
        assert_eq!(object.key, "exports/customers.txt");
        assert_eq!(object.version(), Some("v1"));
        assert_eq!(object.size, Some(4096));
        let types = f.detected_types();
        assert!(types.iter().any(|t| t.identifier_type == "USA_SOCIAL_SECURITY_NUMBER" && t.count == 20));
        assert!(types.iter().any(|t| t.identifier_type == "Employee ID" && t.count == 1));
        assert_eq!(
            f.data_categories(),
            vec!["CREDENTIALS", "CUSTOM_IDENTIFIER", "FINANCIAL_INFORMATION", "PERSONAL_INFORMATION"]
        );
    }

    #[test]
    fn a_policy_entry_names_the_bucket_and_no_object() {
        let p = Publication::Policy {
            record: record(),
            finding_type: PolicyFindingType::BucketPublic,
            updated_at: "2026-01-02T03:05:00.000Z".into(),
        };
        let e = entry(&ctx(), &p);
        assert_eq!(e.resources, vec!["arn:aws:s3:::prod-data"]);
        let d = detail_of(&e);
        assert_eq!(d["type"], "Policy:IAMUser/S3BucketPublic");
        assert_eq!(d["category"], "POLICY");
        assert_eq!(d["severity"]["score"], 3);
        assert!(d["resourcesAffected"].get("s3Object").is_none());
        assert!(d.get("classificationDetails").is_none());
        assert_eq!(d["policyDetails"]["action"]["actionType"], "AWS_API_CALL");
        let f = FindingDetail::from_json(&e.detail).unwrap();
        assert!(f.object().is_none(), "the remediator must not act on an object for a bucket finding");
        assert_eq!(f.bucket().unwrap().name, "prod-data");
    }

    #[test]
    fn an_archived_clean_object_carries_no_type_and_no_severity() {
        let clean = ClassificationResult {
            finding_type: None,
            severity: None,
            sensitive_data: Vec::new(),
            custom_data_identifiers: Default::default(),
            additional_occurrences: false,
            ..result()
        };
        let p = Publication::SensitiveData {
            record: record_with("b", "k", clean),
            state: FindingState::Archived,
            created_at: "2026-01-01T00:00:00.000Z".into(),
            updated_at: "2026-02-01T00:00:00.000Z".into(),
        };
        let d = detail_of(&entry(&ctx(), &p));
        assert_eq!(d["archived"], true);
        assert!(d.get("type").is_none() && d.get("severity").is_none());
        assert_eq!(d["classificationDetails"]["result"]["sensitiveData"], serde_json::json!([]));
        let f = FindingDetail::from_json(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(f.severity(), None);
    }

    #[test]
    fn unknown_s3_words_become_macies_or_are_left_out() {
        let mut record = record();
        let meta = record.meta.as_mut().unwrap();
        meta.server_side_encryption = Some("aws:fancy".into());
        meta.storage_class = Some("EXPRESS_ONEZONE".into());
        meta.last_modified = Some("Tue, 02 Jan 2026 03:04:05 GMT".into());
        record.posture = sluice_finding::BucketPosture { bucket: "prod-data".into(), ..Default::default() };
        let d = detail_of(&entry(&ctx(), &active(record)));
        let object = &d["resourcesAffected"]["s3Object"];
        assert_eq!(object["serverSideEncryption"]["encryptionType"], "UNKNOWN");
        assert!(object.get("storageClass").is_none());
        assert!(object.get("lastModified").is_none());
        let bucket = &d["resourcesAffected"]["s3Bucket"];
        assert_eq!(bucket["publicAccess"]["effectivePermission"], EffectivePermission::Unknown.as_str());
        assert!(bucket["publicAccess"].get("permissionConfiguration").is_none());
        assert!(bucket.get("defaultServerSideEncryption").is_none());
    }

    #[test]
    fn a_huge_result_is_trimmed_under_256_kb() {
        let e = entry(&ctx(), &active(record_with("b", "big.json", huge_result(200, 15))));
        assert!(e.size() < MAX_ENTRY_BYTES, "{}", e.size());
        let d = detail_of(&e);
        let trimmed = &d["classificationDetails"]["result"];
        assert_eq!(trimmed["additionalOccurrences"], true);
        assert_eq!(trimmed["sensitiveData"][0]["detections"].as_array().unwrap().len(), 200);
        assert_eq!(trimmed["sensitiveData"][0]["totalCount"], 3000);

        let mut r = result();
        r.custom_data_identifiers.detections = (0..5000)
            .map(|i| CustomDetection {
                arn: format!("id-{i}-{}", "x".repeat(40)),
                name: format!("name-{i}-{}", "y".repeat(40)),
                count: 1,
                occurrences: Default::default(),
            })
            .collect();
        let e = entry(&ctx(), &active(record_with("b", "k", r)));
        assert!(e.size() < MAX_ENTRY_BYTES, "{}", e.size());
        assert_eq!(
            detail_of(&e)["classificationDetails"]["result"]["customDataIdentifiers"]["detections"],
            serde_json::json!([])
        );
    }

    /// The event as a rule delivers it (the envelope EventBridge adds around the entry).
    fn delivered(e: &Entry, id: &str) -> serde_json::Value {
        serde_json::json!({
            "version": "0",
            "id": id,
            "detail-type": e.detail_type,
            "source": e.source,
            "account": "123456789012",
            "time": "2026-01-02T03:05:01Z",
            "region": "us-east-1",
            "resources": e.resources,
            "detail": detail_of(e),
        })
    }

    #[test]
    fn the_documented_samples_are_what_the_mapping_produces() {
        let e = entry(&ctx(), &active(record()));
        check_sample(
            "eventbridge-sensitive-data.json",
            &delivered(&e, "6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"),
        );
        let p = Publication::Policy {
            record: record(),
            finding_type: PolicyFindingType::BucketPublic,
            updated_at: "2026-01-02T03:05:00.000Z".into(),
        };
        check_sample(
            "eventbridge-policy.json",
            &delivered(&entry(&ctx(), &p), "0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9"),
        );
    }

    #[test]
    fn the_entry_size_counts_source_type_detail_and_resources() {
        let e = Entry {
            source: "sluice".into(),
            detail_type: "Sluice Finding".into(),
            resources: vec!["arn:aws:s3:::b/k".into()],
            detail: "{}".into(),
            finding_id: "f".into(),
        };
        assert_eq!(e.size(), 6 + 14 + 2 + 16);
    }
}

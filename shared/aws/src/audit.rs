//! The remediation audit trail: each [`AuditRecord`] becomes an item of the findings table
//! (PutItem) and a `Sluice Remediation` event on the bus (PutEvents). A record holds names,
//! identifier types and counts, never a matched value, and so do both copies of it.
//!
//! The item sits under the object's partition key, beside the object's finding, so one Query
//! returns an object's history:
//!
//! | attribute | value |
//! | --- | --- |
//! | `pk` | the object's: `OBJECT#<bucket>#<key>` ([`object_pk`]; a bucket-level finding: `BUCKET#<bucket>`) |
//! | `sk` | `REMEDIATION#<remediatedAt>#<finding id>` |
//! | `recordType` | `REMEDIATION` |
//! | `remediatedAt` | ISO 8601, milliseconds |
//! | `expiresAt` | epoch seconds, the table's TTL attribute |
//! | `status`, `mode`, `findingId` | copied from the record for filters |
//! | `record` | the whole record as a map |
//!
//! The item has no `scannedAt`, so the table's finding indexes (all sorted by `scannedAt`)
//! never list it.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use serde_json::Value;
use sluice_remediate::{AuditRecord, EVENT_DETAIL_TYPE, EVENT_SOURCE};

use crate::sdk_error::{describe, FailureClass};

pub use crate::dynamodb::object_pk;

/// The partition key of a bucket's own items (policy findings, bucket-level remediation).
pub fn bucket_partition_key(bucket: &str) -> String {
    format!("BUCKET#{bucket}")
}

pub const RECORD_TYPE: &str = "REMEDIATION";
/// The table's TTL attribute (`TimeToLiveSpecification` in `template.yaml`).
pub const TTL_ATTRIBUTE: &str = "expiresAt";

/// Where a record was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditKeys {
    pub pk: String,
    pub sk: String,
}

/// The table keys of a record written at `at`.
pub fn audit_keys(record: &AuditRecord, at: SystemTime) -> AuditKeys {
    let subject = &record.subject;
    let pk = match (&subject.bucket, &subject.key) {
        (Some(bucket), Some(key)) => object_pk(bucket, key),
        (Some(bucket), None) => bucket_partition_key(bucket),
        // A finding without a bucket plans nothing, but its record is still kept.
        (None, _) => format!("FINDING#{}", subject.finding_id.as_deref().unwrap_or("unknown")),
    };
    let sk = format!(
        "{RECORD_TYPE}#{}#{}",
        sluice_finding::timestamp(at),
        subject.finding_id.as_deref().unwrap_or("-")
    );
    AuditKeys { pk, sk }
}

/// The DynamoDB item of a record written at `at`, expiring `retention` later.
pub fn audit_item(
    record: &AuditRecord,
    at: SystemTime,
    retention: Duration,
) -> HashMap<String, AttributeValue> {
    let keys = audit_keys(record, at);
    let expires = (at + retention).duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let json = serde_json::to_value(record).expect("an audit record always serializes");
    let mut item = HashMap::from([
        ("pk".to_string(), AttributeValue::S(keys.pk)),
        ("sk".to_string(), AttributeValue::S(keys.sk)),
        ("recordType".to_string(), AttributeValue::S(RECORD_TYPE.to_string())),
        ("remediatedAt".to_string(), AttributeValue::S(sluice_finding::timestamp(at))),
        (TTL_ATTRIBUTE.to_string(), AttributeValue::N(expires.to_string())),
    ]);
    for field in ["status", "mode", "findingId"] {
        if let Some(Value::String(s)) = json.get(field) {
            item.insert(field.to_string(), AttributeValue::S(s.clone()));
        }
    }
    item.insert("record".to_string(), attribute(&json));
    item
}

/// A JSON value as a DynamoDB attribute: objects as maps, arrays as lists, numbers as `N`.
pub fn attribute(value: &Value) -> AttributeValue {
    match value {
        Value::Null => AttributeValue::Null(true),
        Value::Bool(b) => AttributeValue::Bool(*b),
        Value::Number(n) => AttributeValue::N(n.to_string()),
        Value::String(s) => AttributeValue::S(s.clone()),
        Value::Array(items) => AttributeValue::L(items.iter().map(attribute).collect()),
        Value::Object(map) => AttributeValue::M(map.iter().map(|(k, v)| (k.clone(), attribute(v))).collect()),
    }
}

/// The `Sluice Remediation` event of a record.
pub fn audit_event(record: &AuditRecord, event_bus: &str, at: SystemTime) -> PutEventsRequestEntry {
    PutEventsRequestEntry::builder()
        .source(EVENT_SOURCE)
        .detail_type(EVENT_DETAIL_TYPE)
        .detail(record.to_json())
        .event_bus_name(event_bus)
        .time(aws_smithy_types::DateTime::from(at))
        .build()
}

/// PutEvents answers per entry; these codes are worth sending again.
const RETRYABLE_ENTRY_CODES: &[&str] = &["InternalFailure", "ThrottlingException"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit: {message}")]
pub struct AuditError {
    /// Whether writing again may succeed (throttling, a 5xx, a timeout).
    pub retryable: bool,
    pub message: String,
}

/// Writes audit records to the findings table and the bus.
#[derive(Debug, Clone)]
pub struct AuditSink {
    dynamodb: aws_sdk_dynamodb::Client,
    events: aws_sdk_eventbridge::Client,
    table: String,
    event_bus: String,
    retention: Duration,
}

impl AuditSink {
    /// `retention`: how long the table keeps a record (its `expiresAt`).
    pub fn new(
        dynamodb: aws_sdk_dynamodb::Client,
        events: aws_sdk_eventbridge::Client,
        table: impl Into<String>,
        event_bus: impl Into<String>,
        retention: Duration,
    ) -> AuditSink {
        AuditSink { dynamodb, events, table: table.into(), event_bus: event_bus.into(), retention }
    }

    /// Writes the item and publishes the event. Both are attempted even if the first fails,
    /// so that one outage loses as little as possible; the error names each failure.
    pub async fn record(&self, record: &AuditRecord, at: SystemTime) -> Result<AuditKeys, AuditError> {
        let keys = audit_keys(record, at);
        let (item, event) = tokio::join!(self.put_item(record, at), self.put_event(record, at));
        match (item, event) {
            (Ok(()), Ok(())) => Ok(keys),
            (Err(e), Ok(())) | (Ok(()), Err(e)) => Err(e),
            (Err(a), Err(b)) => Err(AuditError {
                retryable: a.retryable || b.retryable,
                message: format!("{}; {}", a.message, b.message),
            }),
        }
    }

    async fn put_item(&self, record: &AuditRecord, at: SystemTime) -> Result<(), AuditError> {
        self.dynamodb
            .put_item()
            .table_name(&self.table)
            .set_item(Some(audit_item(record, at, self.retention)))
            .send()
            .await
            .map_err(|e| {
                let f = describe(&format!("PutItem {}", self.table), &e);
                AuditError { retryable: f.class == FailureClass::Transient, message: f.message }
            })?;
        Ok(())
    }

    async fn put_event(&self, record: &AuditRecord, at: SystemTime) -> Result<(), AuditError> {
        let out =
            self.events.put_events().entries(audit_event(record, &self.event_bus, at)).send().await.map_err(
                |e| {
                    let f = describe(&format!("PutEvents {}", self.event_bus), &e);
                    AuditError { retryable: f.class == FailureClass::Transient, message: f.message }
                },
            )?;
        if out.failed_entry_count() == 0 {
            return Ok(());
        }
        let entry = out.entries().first();
        let code = entry.and_then(|e| e.error_code()).unwrap_or("unknown");
        let message = entry.and_then(|e| e.error_message()).unwrap_or_default();
        Err(AuditError {
            retryable: RETRYABLE_ENTRY_CODES.contains(&code),
            message: format!("PutEvents {}: the entry failed: {code}: {message}", self.event_bus),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sluice_remediate::{FindingDetail, LoadOptions, RemediationPolicy};

    fn record(finding: &str) -> AuditRecord {
        let policy = RemediationPolicy::from_config_yaml(
            "remediation: {mode: dry-run, rules: [{name: all, actions: [block-public-access]}]}",
            &LoadOptions::default(),
        )
        .unwrap();
        let plan = sluice_remediate::plan(&FindingDetail::from_json(finding).unwrap(), &policy);
        let fake = sluice_remediate::fakes::FakeS3::new();
        if let Some(bucket) = &plan.subject.bucket {
            fake.add_bucket(bucket);
        }
        sluice_remediate::execute(&plan, &fake)
    }

    const OBJECT_FINDING: &str = r#"{"id":"f-1","type":"SensitiveData:S3Object/Financial","severity":{"score":3},
        "resourcesAffected":{"s3Bucket":{"name":"prod"},"s3Object":{"key":"exports/a b.csv","versionId":"v1"}},
        "classificationDetails":{"result":{"sensitiveData":[{"category":"FINANCIAL_INFORMATION",
            "detections":[{"type":"CREDIT_CARD_NUMBER","count":4}]}]}}}"#;

    #[test]
    fn the_item_sits_under_the_object_and_expires() {
        let at = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        let item = audit_item(&record(OBJECT_FINDING), at, Duration::from_secs(86_400));
        assert_eq!(item["pk"], AttributeValue::S("OBJECT#prod#exports/a b.csv".into()));
        assert_eq!(item["sk"], AttributeValue::S("REMEDIATION#2023-11-14T22:13:20.123Z#f-1".into()));
        assert_eq!(item["expiresAt"], AttributeValue::N("1700086400".into()));
        assert_eq!(item["status"], AttributeValue::S("DRY_RUN".into()));
        assert_eq!(item["mode"], AttributeValue::S("dry-run".into()));
        assert!(!item.contains_key("scannedAt"), "audit items stay out of the finding indexes");
        let AttributeValue::M(record) = &item["record"] else { panic!("the record is a map") };
        let AttributeValue::L(types) = &record["detectedTypes"] else { panic!("detectedTypes is a list") };
        let AttributeValue::M(first) = &types[0] else { panic!("a type count is a map") };
        assert_eq!(first["count"], AttributeValue::N("4".into()));
        let AttributeValue::L(actions) = &record["actions"] else { panic!("actions is a list") };
        assert_eq!(actions.len(), 1);
    }

    #[test]
    fn bucket_findings_and_bucketless_findings_have_their_own_keys() {
        let at = UNIX_EPOCH;
        let bucket = record(
            r#"{"id":"p-1","type":"Policy:IAMUser/S3BucketPublic","resourcesAffected":{"s3Bucket":{"name":"prod"}}}"#,
        );
        assert_eq!(audit_keys(&bucket, at).pk, "BUCKET#prod");
        let none = record(r#"{"type":"SensitiveData:S3Object/Financial"}"#);
        let keys = audit_keys(&none, at);
        assert_eq!(keys.pk, "FINDING#unknown");
        assert_eq!(keys.sk, "REMEDIATION#1970-01-01T00:00:00.000Z#-");
    }

    #[test]
    fn the_event_carries_the_record_as_its_detail() {
        let r = record(OBJECT_FINDING);
        let entry = audit_event(&r, "sluice-bus", UNIX_EPOCH);
        assert_eq!(entry.source(), Some("sluice"));
        assert_eq!(entry.detail_type(), Some("Sluice Remediation"));
        assert_eq!(entry.event_bus_name(), Some("sluice-bus"));
        let detail: AuditRecord = serde_json::from_str(entry.detail().unwrap()).unwrap();
        assert_eq!(detail, r);
    }

    #[test]
    fn json_maps_to_attributes() {
        let v: Value = serde_json::json!({"a": [1, "x", null, true], "b": {}});
        let AttributeValue::M(m) = attribute(&v) else { panic!() };
        assert_eq!(
            m["a"],
            AttributeValue::L(vec![
                AttributeValue::N("1".into()),
                AttributeValue::S("x".into()),
                AttributeValue::Null(true),
                AttributeValue::Bool(true),
            ])
        );
        assert_eq!(m["b"], AttributeValue::M(HashMap::new()));
    }
}

//! The findings table: one item per object version, written in event order.
//!
//! Keys: `pk = OBJECT#<bucket>#<key>`, `sk = VERSION#<versionId|null>`. The attributes
//! `bucket`, `severity` and `findingType` with `scannedAt` feed the table's three indexes
//! (by bucket and time, by severity, by finding type); the last two are written only for
//! objects with a finding, so those indexes list findings alone.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure};
use aws_sdk_dynamodb::Client;
use sluice_finding::{ScanRecord, Severity};
use sluice_pipeline::ports::{ArchivedRecord, FindingStore, PortError, PreviousFinding, SaveOutcome};
use tokio::runtime::Handle;

use crate::errors::port_error;

type Item = HashMap<String, AttributeValue>;

/// DynamoDB's item limit is 400 KB; the record is cut down well before it.
const MAX_ITEM_BYTES: usize = 350 * 1024;

pub struct DynamoFindingStore {
    client: Client,
    runtime: Handle,
    table: String,
    /// How long items live (the table's TTL attribute `expiresAt`); `None` keeps them.
    retention: Option<Duration>,
}

impl DynamoFindingStore {
    pub fn new(
        client: Client,
        runtime: Handle,
        table: impl Into<String>,
        retention: Option<Duration>,
    ) -> Self {
        DynamoFindingStore { client, runtime, table: table.into(), retention }
    }
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub fn object_pk(bucket: &str, key: &str) -> String {
    format!("OBJECT#{bucket}#{key}")
}

pub fn version_sk(version_id: Option<&str>) -> String {
    format!("VERSION#{}", version_id.unwrap_or("null"))
}

fn label(severity: Severity) -> &'static str {
    match severity {
        Severity::Low => "LOW",
        Severity::Medium => "MEDIUM",
        Severity::High => "HIGH",
    }
}

/// The item for a record. Plaintext never reaches it: the result holds types, counts and
/// locations only.
pub fn record_item(
    record: &ScanRecord,
    created_at: &str,
    expires_at: Option<u64>,
) -> Result<Item, PortError> {
    let o = &record.object;
    let mut result = record.result.clone();
    let mut result_json = serde_json::to_string(&result).map_err(|e| PortError::Permanent(e.to_string()))?;
    // Long JSON paths or column names times 15 locations times many types can pass 400 KB.
    for keep in [5, 1, 0] {
        if result_json.len() <= MAX_ITEM_BYTES {
            break;
        }
        result = result.truncated(keep);
        result_json = serde_json::to_string(&result).map_err(|e| PortError::Permanent(e.to_string()))?;
    }
    let mut item: Item = HashMap::from([
        ("pk".into(), s(object_pk(&o.bucket, &o.key))),
        ("sk".into(), s(version_sk(o.version_id.as_deref()))),
        ("kind".into(), s("SCAN")),
        ("bucket".into(), s(&o.bucket)),
        ("key".into(), s(&o.key)),
        ("scannedAt".into(), s(&record.scanned_at)),
        ("createdAt".into(), s(created_at)),
        ("status".into(), s(format!("{:?}", result.status.code).to_uppercase())),
        ("totalCount".into(), AttributeValue::N(result.total_count().to_string())),
        ("effectivePermission".into(), s(record.effective_permission().as_str())),
        ("findingId".into(), s(record.finding_id())),
        ("archived".into(), AttributeValue::Bool(false)),
        ("result".into(), s(result_json)),
        ("posture".into(), s(json(&record.posture)?)),
        ("object".into(), s(json(o)?)),
    ]);
    let mut put = |k: &str, v: Option<AttributeValue>| {
        if let Some(v) = v {
            item.insert(k.to_string(), v);
        }
    };
    put("versionId", o.version_id.as_deref().map(s));
    put("sequencer", o.sequencer.as_ref().map(|q| s(q.as_str())));
    put(
        "reason",
        result.status.reason.and_then(|r| serde_json::to_value(r).ok()).and_then(|v| v.as_str().map(s)),
    );
    put("severity", result.severity.map(|v| s(label(v))));
    put("severityScore", result.severity.map(|v| AttributeValue::N(v.score().to_string())));
    put("findingType", result.finding_type.map(|t| s(t.as_str())));
    let types: Vec<String> = result.detected_types().map(String::from).collect();
    put("types", (!types.is_empty()).then(|| AttributeValue::Ss(dedup(types))));
    put("detailedResultsLocation", record.detailed_results_location.as_deref().map(s));
    put("meta", record.meta.as_ref().map(json).transpose()?.map(s));
    put("expiresAt", expires_at.map(|t| AttributeValue::N(t.to_string())));
    Ok(item)
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

/// The record parts stored as JSON strings (read back whole, never queried into).
fn json<T: serde::Serialize>(v: &T) -> Result<String, PortError> {
    serde_json::to_string(v).map_err(|e| PortError::Permanent(e.to_string()))
}

fn get_s<'a>(item: &'a Item, k: &str) -> Option<&'a str> {
    item.get(k).and_then(|v| v.as_s().ok()).map(String::as_str)
}

/// Reads a record back from its item (for archiving a removed object's finding).
pub fn item_record(item: &Item) -> Option<(ScanRecord, String)> {
    let parse = |k: &str| get_s(item, k).and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok());
    let record = ScanRecord {
        object: serde_json::from_value(parse("object")?).ok()?,
        meta: parse("meta").and_then(|m| serde_json::from_value(m).ok()),
        posture: serde_json::from_value(parse("posture")?).ok()?,
        result: serde_json::from_value(parse("result")?).ok()?,
        scanned_at: get_s(item, "scannedAt")?.to_string(),
        detailed_results_location: get_s(item, "detailedResultsLocation").map(String::from),
    };
    Some((record, get_s(item, "createdAt")?.to_string()))
}

fn had_finding(item: &Item) -> bool {
    item.contains_key("findingType") && !matches!(item.get("archived"), Some(AttributeValue::Bool(true)))
}

impl FindingStore for DynamoFindingStore {
    fn save(&self, record: &ScanRecord) -> Result<SaveOutcome, PortError> {
        let expires_at = self.retention.map(|r| {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
            (now + r).as_secs()
        });
        // createdAt is carried over from the item this write replaces; the first write sets it.
        // Two steps keep it right without a read: the put returns the old item, and only when
        // one existed is createdAt corrected.
        let item = record_item(record, &record.scanned_at, expires_at)?;
        let mut request = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .return_values(ReturnValue::AllOld)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::None);
        if let Some(seq) = &record.object.sequencer {
            // Duplicates (equal sequencer) rewrite the same result, so a redelivery after a failed
            // publication publishes again; only an older event is refused.
            request = request
                .condition_expression(
                    "attribute_not_exists(pk) OR attribute_not_exists(sequencer) OR sequencer <= :s",
                )
                .expression_attribute_values(":s", s(seq.as_str()));
        }
        let old = match self.runtime.block_on(request.send()) {
            Ok(out) => out.attributes,
            Err(e) => {
                if e.as_service_error().is_some_and(|se| se.is_conditional_check_failed_exception()) {
                    return Ok(SaveOutcome::Stale);
                }
                return Err(port_error("PutItem", &e));
            }
        };
        let previous = old.filter(|o| !o.is_empty()).map(|o| PreviousFinding {
            created_at: get_s(&o, "createdAt").unwrap_or(&record.scanned_at).to_string(),
            had_finding: had_finding(&o),
        });
        if let Some(p) = &previous {
            if p.created_at != record.scanned_at {
                let o = &record.object;
                let update = self
                    .client
                    .update_item()
                    .table_name(&self.table)
                    .key("pk", s(object_pk(&o.bucket, &o.key)))
                    .key("sk", s(version_sk(o.version_id.as_deref())))
                    .update_expression("SET createdAt = :c")
                    .condition_expression("scannedAt = :t")
                    .expression_attribute_values(":c", s(&p.created_at))
                    .expression_attribute_values(":t", s(&record.scanned_at));
                if let Err(e) = self.runtime.block_on(update.send()) {
                    // A newer write got in between: it carries its own createdAt.
                    if !e.as_service_error().is_some_and(|se| se.is_conditional_check_failed_exception()) {
                        return Err(port_error("UpdateItem", &e));
                    }
                }
            }
        }
        Ok(SaveOutcome::Saved { previous })
    }

    fn archive(
        &self,
        object: &sluice_finding::ObjectRef,
        at: &str,
    ) -> Result<Vec<ArchivedRecord>, PortError> {
        let pk = object_pk(&object.bucket, &object.key);
        let mut items = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let query = self
                .client
                .query()
                .table_name(&self.table)
                // Only scan records: the remediator's audit records share the partition.
                .key_condition_expression("pk = :pk AND begins_with(sk, :v)")
                .expression_attribute_values(":pk", s(&pk))
                .expression_attribute_values(":v", s("VERSION#"))
                .set_exclusive_start_key(start.take());
            let out = self.runtime.block_on(query.send()).map_err(|e| port_error("Query", &e))?;
            items.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => break,
            }
        }
        let mut archived = Vec::new();
        for item in items {
            if matches!(item.get("archived"), Some(AttributeValue::Bool(true))) {
                continue;
            }
            let Some(sk) = get_s(&item, "sk") else { continue };
            let mut update = self
                .client
                .update_item()
                .table_name(&self.table)
                .key("pk", s(&pk))
                .key("sk", s(sk))
                .update_expression("SET archived = :t, archivedAt = :at")
                .expression_attribute_values(":t", AttributeValue::Bool(true))
                .expression_attribute_values(":at", s(at));
            if let Some(seq) = &object.sequencer {
                // The removal's sequencer replaces the creation's, so a late creation event for
                // what was removed is refused as stale.
                update = update
                    .update_expression("SET archived = :t, archivedAt = :at, sequencer = :s")
                    .condition_expression("attribute_not_exists(sequencer) OR sequencer < :s")
                    .expression_attribute_values(":s", s(seq.as_str()));
            }
            match self.runtime.block_on(update.send()) {
                Ok(_) => {
                    if had_finding(&item) {
                        if let Some((record, created_at)) = item_record(&item) {
                            archived.push(ArchivedRecord { record, created_at });
                        }
                    }
                }
                Err(e)
                    if e.as_service_error().is_some_and(|se| se.is_conditional_check_failed_exception()) => {}
                Err(e) => return Err(port_error("UpdateItem", &e)),
            }
        }
        Ok(archived)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sluice_finding::{BucketPosture, ClassificationResult, ObjectRef, Reason, Sequencer};

    fn record() -> ScanRecord {
        let mut o = ObjectRef::new("bkt", "dir/a b.csv");
        o.sequencer = Sequencer::parse("0A");
        ScanRecord {
            object: o,
            meta: None,
            posture: BucketPosture { bucket: "bkt".into(), ..Default::default() },
            result: ClassificationResult::skipped("text/csv", Reason::PermissionDenied),
            scanned_at: "2026-11-27T00:00:00.000Z".into(),
            detailed_results_location: Some("s3://r/x.jsonl.gz".into()),
        }
    }

    #[test]
    fn items_round_trip_and_clean_objects_stay_out_of_the_finding_indexes() {
        let r = record();
        let item = record_item(&r, "2026-11-01T00:00:00.000Z", Some(42)).unwrap();
        assert_eq!(get_s(&item, "pk"), Some("OBJECT#bkt#dir/a b.csv"));
        assert_eq!(get_s(&item, "sk"), Some("VERSION#null"));
        assert_eq!(get_s(&item, "reason"), Some("PERMISSION_DENIED"));
        assert_eq!(get_s(&item, "sequencer").map(str::len), Some(32));
        assert!(!item.contains_key("severity") && !item.contains_key("findingType"));
        let (back, created) = item_record(&item).unwrap();
        assert_eq!(back, r);
        assert_eq!(created, "2026-11-01T00:00:00.000Z");
    }
}

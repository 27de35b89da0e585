//! Any event the scanner receives → an [`Invocation`]: how to answer, and the items to work on.

use serde::Deserialize;
use serde_json::{Map, Value};
use sluice_finding::{ObjectRef, Sequencer};

use crate::error::DecodeError;
use crate::key::decode_form_key;
use crate::wire;

/// What came in: the shape (which decides the answer) and the items, in delivery order.
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    pub shape: Shape,
    pub items: Vec<Item>,
}

/// How the event reached the function. Direct shapes are answered with a plain summary,
/// [`Shape::Sqs`] with a partial batch response, [`Shape::BatchOperations`] with one result per task.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// S3 → Lambda, one item per record (S3 itself sends one record per invocation).
    S3Notification,
    /// SNS → Lambda, one item per SNS record.
    Sns,
    /// EventBridge → Lambda, a single item.
    EventBridge,
    /// SQS → Lambda, one item per message.
    Sqs {
        queue_arn: Option<String>,
        /// A `.fifo` queue: after the first failed message every later one must be reported
        /// too, or SQS would deliver them out of order ([`crate::Invocation::respond`] does it).
        fifo: bool,
    },
    /// S3 Batch Operations → Lambda, one item per task.
    BatchOperations(BatchJob),
}

/// What a Batch Operations response must echo, and what the job passes to the function.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchJob {
    pub invocation_schema_version: String,
    pub invocation_id: String,
    pub job_id: Option<String>,
    /// Schema 2.0's `userArguments` (empty otherwise).
    pub user_arguments: Map<String, Value>,
}

/// One acknowledgeable unit: a message, a task, or a direct record.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub ack: Ack,
    /// Usually one; an SQS message or SNS notification holding `{"Records":[…]}` may carry several.
    pub entries: Vec<Entry>,
}

/// The identity a response names the item by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ack {
    /// Direct invocations have nothing to acknowledge individually.
    None,
    SqsMessage(String),
    BatchTask(String),
}

/// One thing an item says.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Object(ObjectEvent),
    /// `s3:TestEvent`, sent when a notification is configured: acknowledge and skip.
    Test {
        bucket: Option<String>,
    },
    /// An S3 event that neither creates nor removes an object (tagging, ACL, restore…).
    Ignored {
        event_name: String,
        reason: &'static str,
    },
    /// This record or message cannot be read; it fails permanently, and alone.
    Malformed(DecodeError),
}

/// An object version that appeared or went away.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectEvent {
    pub kind: EventKind,
    /// The key is decoded; `version_id` is `None` when S3 says `"null"` (versioning off).
    pub object: ObjectRef,
    /// As the producer names it: `ObjectCreated:Put`, `Object Created`, `S3BatchOperations`.
    pub event_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// The version exists and should be scanned: a new object, or one a Batch Operations job names.
    Created,
    /// The version, or the object's current version, is gone (delete, delete marker, expiration).
    Removed,
}

/// Reason for [`Entry::Ignored`]: the event is about an object but does not add or remove one.
pub const NOT_CREATED_OR_REMOVED: &str = "NOT_CREATED_OR_REMOVED";

/// Decodes any event shape the scanner is wired to. An error means the whole invocation is
/// unreadable (unknown shape, or an SQS record or Batch Operations task without its id, which
/// could not be answered); a bad message or record is an [`Entry::Malformed`] in its own item.
pub fn decode(event: &Value) -> Result<Invocation, DecodeError> {
    let Some(fields) = event.as_object() else {
        return Err(DecodeError::Unrecognized("the event is not a JSON object".into()));
    };
    if fields.contains_key("invocationSchemaVersion") {
        return batch_operations(event);
    }
    if let Some(records) = fields.get("Records") {
        let records =
            records.as_array().ok_or_else(|| DecodeError::malformed("event", "`Records` is not an array"))?;
        let first = records.first();
        if first.is_some_and(|r| r.get("messageId").is_some() || source(r, "eventSource") == Some("aws:sqs"))
        {
            return sqs(records);
        }
        if first.is_some_and(|r| r.get("Sns").is_some()) {
            return sns(records);
        }
    }
    let shape = if fields.contains_key("Records") || is_test_event(event) {
        Shape::S3Notification
    } else if fields.contains_key("detail-type") {
        Shape::EventBridge
    } else {
        return Err(DecodeError::Unrecognized(
            "not an S3, SQS, SNS, EventBridge or Batch Operations event".into(),
        ));
    };
    let items = message_entries(event, Envelope::Bare)
        .into_iter()
        .map(|entry| Item { ack: Ack::None, entries: vec![entry] })
        .collect();
    Ok(Invocation { shape, items })
}

fn source<'a>(record: &'a Value, field: &str) -> Option<&'a str> {
    record.get(field).and_then(Value::as_str)
}

fn is_test_event(message: &Value) -> bool {
    source(message, "Event") == Some("s3:TestEvent")
}

fn sqs(records: &[Value]) -> Result<Invocation, DecodeError> {
    let mut items = Vec::with_capacity(records.len());
    let mut queue_arn = None;
    for record in records {
        let record =
            wire::SqsRecord::deserialize(record).map_err(|e| DecodeError::malformed("SQS record", e))?;
        queue_arn = queue_arn.or(record.event_source_arn);
        let entries = match serde_json::from_str::<Value>(&record.body) {
            Ok(body) => message_entries(&body, Envelope::MaySns),
            Err(e) => vec![Entry::Malformed(DecodeError::not_json("SQS message body", &e))],
        };
        items.push(Item { ack: Ack::SqsMessage(record.message_id), entries });
    }
    let fifo = queue_arn.as_deref().is_some_and(|arn| arn.ends_with(".fifo"));
    Ok(Invocation { shape: Shape::Sqs { queue_arn, fifo }, items })
}

fn sns(records: &[Value]) -> Result<Invocation, DecodeError> {
    let items = records
        .iter()
        .map(|record| {
            let entries = match wire::SnsRecord::deserialize(record) {
                Ok(record) => sns_message_entries(&record.sns.message),
                Err(e) => vec![Entry::Malformed(DecodeError::malformed("SNS record", e))],
            };
            Item { ack: Ack::None, entries }
        })
        .collect();
    Ok(Invocation { shape: Shape::Sns, items })
}

/// Whether a message may still be an SNS envelope: once, inside an SQS body without raw delivery.
#[derive(Clone, Copy)]
enum Envelope {
    Bare,
    MaySns,
}

/// Reads what S3 (directly or through EventBridge or SNS) put in a message.
fn message_entries(message: &Value, envelope: Envelope) -> Vec<Entry> {
    if let Some(records) = message.get("Records") {
        return match records.as_array() {
            Some(records) => records.iter().map(s3_record_entry).collect(),
            None => {
                vec![Entry::Malformed(DecodeError::malformed("S3 notification", "`Records` is not an array"))]
            }
        };
    }
    if is_test_event(message) {
        return vec![Entry::Test { bucket: source(message, "Bucket").map(str::to_string) }];
    }
    if message.get("detail-type").is_some() {
        return vec![eventbridge_entry(message)];
    }
    if matches!(envelope, Envelope::MaySns) && source(message, "Type") == Some("Notification") {
        return match wire::SnsEnvelope::deserialize(message) {
            Ok(envelope) => sns_message_entries(&envelope.message),
            Err(e) => vec![Entry::Malformed(DecodeError::malformed("SNS envelope", e))],
        };
    }
    vec![Entry::Malformed(DecodeError::Unrecognized(
        "the message is not an S3 notification, S3 test event, EventBridge event or SNS envelope".into(),
    ))]
}

fn sns_message_entries(message: &str) -> Vec<Entry> {
    match serde_json::from_str::<Value>(message) {
        Ok(inner) => message_entries(&inner, Envelope::Bare),
        Err(e) => vec![Entry::Malformed(DecodeError::not_json("SNS message", &e))],
    }
}

fn s3_record_entry(record: &Value) -> Entry {
    // Checked before the shape: a future major version may not have the fields we read.
    if let Some(version) = source(record, "eventVersion") {
        if version.split('.').next() != Some("2") {
            return Entry::Malformed(DecodeError::UnsupportedEventVersion(version.to_string()));
        }
    }
    let record = match wire::S3Record::deserialize(record) {
        Ok(record) => record,
        Err(e) => return Entry::Malformed(DecodeError::malformed("S3 notification record", e)),
    };
    let event_name = record.event_name.unwrap_or_default();
    let Some(kind) = notification_kind(&event_name) else {
        return Entry::Ignored { event_name, reason: NOT_CREATED_OR_REMOVED };
    };
    let key = match decode_form_key(&record.s3.object.key) {
        Ok(key) => key,
        Err(source) => return Entry::Malformed(DecodeError::Key { encoded: record.s3.object.key, source }),
    };
    let object = record.s3.object;
    Entry::Object(ObjectEvent {
        kind,
        object: ObjectRef {
            bucket: record.s3.bucket.name,
            key,
            version_id: real_version(object.version_id),
            size: object.size,
            etag: object.etag,
            sequencer: object.sequencer.as_deref().and_then(Sequencer::parse),
            event_time: record.event_time,
        },
        event_name,
    })
}

/// `ObjectCreated:*` and `ObjectRemoved:*`/`LifecycleExpiration:*` (tolerating an `s3:` prefix).
fn notification_kind(event_name: &str) -> Option<EventKind> {
    let name = event_name.strip_prefix("s3:").unwrap_or(event_name);
    if name.starts_with("ObjectCreated:") {
        Some(EventKind::Created)
    } else if name.starts_with("ObjectRemoved:") || name.starts_with("LifecycleExpiration:") {
        Some(EventKind::Removed)
    } else {
        None
    }
}

/// S3 says `"null"` for the version of an object in an unversioned bucket: there is no version.
fn real_version(version_id: Option<String>) -> Option<String> {
    version_id.filter(|v| !v.is_empty() && v != "null")
}

fn eventbridge_entry(event: &Value) -> Entry {
    let event = match wire::EventBridgeEvent::deserialize(event) {
        Ok(event) => event,
        Err(e) => return Entry::Malformed(DecodeError::malformed("EventBridge event", e)),
    };
    if event.source.as_deref() != Some("aws.s3") {
        return Entry::Malformed(DecodeError::Unrecognized(format!(
            "EventBridge event from {:?}, not aws.s3",
            event.source.unwrap_or_default()
        )));
    }
    let kind = match event.detail_type.as_str() {
        "Object Created" => EventKind::Created,
        "Object Deleted" => EventKind::Removed,
        _ => return Entry::Ignored { event_name: event.detail_type, reason: NOT_CREATED_OR_REMOVED },
    };
    let detail = match wire::EventBridgeS3Detail::deserialize(&event.detail) {
        Ok(detail) => detail,
        Err(e) => return Entry::Malformed(DecodeError::malformed("EventBridge S3 detail", e)),
    };
    let object = detail.object;
    Entry::Object(ObjectEvent {
        kind,
        object: ObjectRef {
            bucket: detail.bucket.name,
            key: object.key,
            version_id: real_version(object.version_id),
            size: object.size,
            etag: object.etag,
            sequencer: object.sequencer.as_deref().and_then(Sequencer::parse),
            event_time: event.time,
        },
        event_name: event.detail_type,
    })
}

fn batch_operations(event: &Value) -> Result<Invocation, DecodeError> {
    let invocation = wire::BatchInvocation::deserialize(event)
        .map_err(|e| DecodeError::malformed("Batch Operations invocation", e))?;
    let mut items = Vec::with_capacity(invocation.tasks.len());
    for task in &invocation.tasks {
        let task_id = source(task, "taskId")
            .ok_or_else(|| DecodeError::malformed("Batch Operations task", "missing field `taskId`"))?;
        items.push(Item { ack: Ack::BatchTask(task_id.to_string()), entries: vec![batch_task_entry(task)] });
    }
    let job = BatchJob {
        invocation_schema_version: invocation.invocation_schema_version,
        invocation_id: invocation.invocation_id,
        job_id: invocation.job.id,
        user_arguments: invocation.job.user_arguments.unwrap_or_default(),
    };
    Ok(Invocation { shape: Shape::BatchOperations(job), items })
}

/// Event name given to Batch Operations tasks.
pub const BATCH_OPERATIONS_EVENT: &str = "S3BatchOperations";

fn batch_task_entry(task: &Value) -> Entry {
    let task = match wire::BatchTask::deserialize(task) {
        Ok(task) => task,
        Err(e) => return Entry::Malformed(DecodeError::malformed("Batch Operations task", e)),
    };
    let bucket = match (task.s3_bucket, task.s3_bucket_arn.as_deref()) {
        (Some(bucket), _) if !bucket.is_empty() => bucket,
        (_, Some(arn)) => match bucket_from_arn(arn) {
            Some(bucket) => bucket.to_string(),
            None => {
                return Entry::Malformed(DecodeError::malformed(
                    "Batch Operations task",
                    format!("`s3BucketArn` {arn:?} is not an S3 bucket ARN"),
                ))
            }
        },
        _ => {
            return Entry::Malformed(DecodeError::malformed(
                "Batch Operations task",
                "neither `s3Bucket` nor `s3BucketArn` is set",
            ))
        }
    };
    // Manifests hold URL-encoded keys and AWS's own examples `unquote_plus` them; a key that does
    // not decode cannot have been encoded, so it is taken as written.
    let key = decode_form_key(&task.s3_key).unwrap_or(task.s3_key);
    let mut object = ObjectRef::new(bucket, key);
    object.version_id = real_version(task.s3_version_id);
    Entry::Object(ObjectEvent { kind: EventKind::Created, object, event_name: BATCH_OPERATIONS_EVENT.into() })
}

/// `arn:PARTITION:s3:::BUCKET` → `BUCKET`.
fn bucket_from_arn(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (arn_prefix, _partition, service, region, account, resource) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let plain_bucket = arn_prefix == "arn" && service == "s3" && region.is_empty() && account.is_empty();
    (plain_bucket && !resource.is_empty() && !resource.contains('/')).then_some(resource)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::key::KeyError;

    fn s3_event(event_version: &str, event_name: &str, object: Value) -> Value {
        json!({"Records": [{
            "eventVersion": event_version, "eventSource": "aws:s3", "eventName": event_name,
            "s3": {"bucket": {"name": "b"}, "object": object}
        }]})
    }

    fn single_entry(event: &Value) -> Entry {
        let mut invocation = decode(event).unwrap();
        assert_eq!(invocation.items.len(), 1);
        let mut item = invocation.items.remove(0);
        assert_eq!(item.entries.len(), 1);
        item.entries.remove(0)
    }

    fn single_object(event: &Value) -> ObjectRef {
        match single_entry(event) {
            Entry::Object(event) => event.object,
            other => panic!("expected an object, got {other:?}"),
        }
    }

    #[test]
    fn sequencers_are_padded_into_the_object_ref_and_bad_ones_dropped() {
        let object =
            single_object(&s3_event("2.1", "ObjectCreated:Put", json!({"key": "k", "sequencer": "ab"})));
        assert_eq!(object.sequencer.unwrap().as_str(), format!("{}AB", "0".repeat(30)));
        let object =
            single_object(&s3_event("2.1", "ObjectCreated:Put", json!({"key": "k", "sequencer": "xyz"})));
        assert_eq!(object.sequencer, None);
    }

    #[test]
    fn a_null_version_is_no_version() {
        for version in [json!("null"), json!(null), json!("")] {
            let object = single_object(&s3_event(
                "2.1",
                "ObjectCreated:Put",
                json!({"key": "k", "versionId": version}),
            ));
            assert_eq!(object.version_id, None, "{version}");
        }
        let object =
            single_object(&s3_event("2.1", "ObjectCreated:Put", json!({"key": "k", "versionId": "v1"})));
        assert_eq!(object.version_id.as_deref(), Some("v1"));
        let eventbridge = json!({"detail-type": "Object Created", "source": "aws.s3",
            "detail": {"bucket": {"name": "b"}, "object": {"key": "k", "version-id": "null"}}});
        assert_eq!(single_object(&eventbridge).version_id, None);
    }

    #[test]
    fn only_event_version_2_is_read() {
        for version in ["2.0", "2.1", "2.2", "2.3", "2"] {
            assert!(matches!(
                single_entry(&s3_event(version, "ObjectCreated:Put", json!({"key": "k"}))),
                Entry::Object(_)
            ));
        }
        for version in ["3.0", "20.1", "1.0", ""] {
            // Even without the fields version 2 has: a new major version may rename them.
            let entry = single_entry(&s3_event(version, "ObjectCreated:Put", json!({"name": "k"})));
            assert_eq!(entry, Entry::Malformed(DecodeError::UnsupportedEventVersion(version.into())));
        }
    }

    #[test]
    fn an_undecodable_key_fails_only_its_record() {
        let event = json!({"Records": [
            {"eventVersion": "2.1", "eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": "100%ZZ.txt"}}},
            {"eventVersion": "2.1", "eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": "bad%FF"}}},
            {"eventVersion": "2.1", "eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": "ok+key"}}}
        ]});
        let invocation = decode(&event).unwrap();
        let entries: Vec<_> = invocation.items.iter().map(|item| item.entries[0].clone()).collect();
        assert_eq!(
            entries[0],
            Entry::Malformed(DecodeError::Key {
                encoded: "100%ZZ.txt".into(),
                source: KeyError::InvalidEscape { offset: 3 }
            })
        );
        let Entry::Malformed(error) = &entries[1] else { panic!("{:?}", entries[1]) };
        assert_eq!(error.reason_code(), "INVALID_KEY_ENCODING");
        assert_eq!(
            error.to_string(),
            "object key \"bad%FF\" cannot be decoded: the decoded key is not valid UTF-8"
        );
        let Entry::Object(event) = &entries[2] else { panic!("{:?}", entries[2]) };
        assert_eq!(event.object.key, "ok key");
    }

    #[test]
    fn missing_bucket_or_key_is_malformed_but_everything_else_is_optional() {
        let entry = single_entry(&s3_event("2.1", "ObjectCreated:Put", json!({"size": 3})));
        let Entry::Malformed(DecodeError::Malformed { what, detail }) = entry else { panic!("{entry:?}") };
        assert_eq!(what, "S3 notification record");
        assert!(detail.contains("key"), "{detail}");
        let bare = json!({"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": "k"}}}]});
        assert_eq!(single_object(&bare), ObjectRef::new("b", "k"));
    }

    #[test]
    fn other_object_events_are_ignored_with_a_reason() {
        let removed = single_entry(&s3_event("2.3", "LifecycleExpiration:Delete", json!({"key": "k"})));
        assert!(matches!(removed, Entry::Object(ObjectEvent { kind: EventKind::Removed, .. })));
        for name in ["ObjectTagging:Put", "ObjectRestore:Completed", ""] {
            assert_eq!(
                single_entry(&s3_event("2.3", name, json!({"key": "k"}))),
                Entry::Ignored { event_name: name.into(), reason: NOT_CREATED_OR_REMOVED }
            );
        }
        // moto sends this after every put when EventBridge is on.
        let tags = json!({"detail-type": "Object Tags Added", "source": "aws.s3", "detail": {}});
        assert_eq!(
            single_entry(&tags),
            Entry::Ignored { event_name: "Object Tags Added".into(), reason: NOT_CREATED_OR_REMOVED }
        );
    }

    #[test]
    fn an_eventbridge_event_from_elsewhere_is_malformed() {
        let custom = json!({"detail-type": "Object Created", "source": "my.app", "detail": {}});
        assert!(matches!(single_entry(&custom), Entry::Malformed(DecodeError::Unrecognized(_))));
    }

    #[test]
    fn unreadable_invocations_are_errors() {
        for event in [
            json!([1, 2]),
            json!({"hello": "world"}),
            json!({"Records": {"not": "an array"}}),
            json!({"Records": [{"messageId": "m1", "body": "{}"}, {"eventSource": "aws:sqs", "body": "{}"}]}),
            json!({"invocationSchemaVersion": "2.0", "invocationId": "i", "tasks": [{"s3Key": "k", "s3Bucket": "b"}]}),
        ] {
            assert!(decode(&event).is_err(), "{event}");
        }
    }

    #[test]
    fn sqs_bodies_fail_alone_and_sns_envelopes_unwrap_once() {
        let s3 = s3_event("2.1", "ObjectCreated:Put", json!({"key": "k"})).to_string();
        let sns = json!({"Type": "Notification", "Message": s3}).to_string();
        let sns_in_sns = json!({"Type": "Notification", "Message": sns}).to_string();
        let event = json!({"Records": [
            {"messageId": "a", "body": sns, "eventSourceARN": "arn:aws:sqs:eu-west-1:1:q.fifo"},
            {"messageId": "b", "body": sns_in_sns},
            {"messageId": "c", "body": json!({"Type": "Notification", "Message": "not json"}).to_string()},
            {"messageId": "d", "body": "{\"unrelated\": true}"}
        ]});
        let invocation = decode(&event).unwrap();
        assert_eq!(
            invocation.shape,
            Shape::Sqs { queue_arn: Some("arn:aws:sqs:eu-west-1:1:q.fifo".into()), fifo: true }
        );
        assert!(matches!(invocation.items[0].entries[..], [Entry::Object(_)]));
        let reasons: Vec<_> = invocation.items[1..]
            .iter()
            .map(|item| match &item.entries[..] {
                [Entry::Malformed(e)] => e.reason_code(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(reasons, ["UNRECOGNIZED_EVENT", "MESSAGE_NOT_JSON", "UNRECOGNIZED_EVENT"]);
    }

    #[test]
    fn batch_tasks_fail_alone_and_keys_decode_defensively() {
        let event = json!({"invocationSchemaVersion": "2.0", "invocationId": "inv", "job": {"id": "j"}, "tasks": [
            {"taskId": "t1", "s3Key": "100%25+done.csv", "s3Bucket": "b", "s3VersionId": "null"},
            {"taskId": "t2", "s3Key": "100%ZZ.csv", "s3Bucket": "b"},
            {"taskId": "t3", "s3Key": "k"},
            {"taskId": "t4", "s3Key": "k", "s3BucketArn": "arn:aws:s3:::b/prefix"},
            {"taskId": "t5", "s3Key": "k", "s3BucketArn": "arn:aws-cn:s3:::b"}
        ]});
        let invocation = decode(&event).unwrap();
        let keys: Vec<_> = invocation
            .items
            .iter()
            .map(|item| match &item.entries[..] {
                [Entry::Object(e)] => {
                    Ok((e.object.bucket.as_str(), e.object.key.as_str(), e.object.version_id.clone()))
                }
                [Entry::Malformed(e)] => Err(e.reason_code()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            keys,
            [
                Ok(("b", "100% done.csv", None)),
                Ok(("b", "100%ZZ.csv", None)),
                Err("MALFORMED_EVENT"),
                Err("MALFORMED_EVENT"),
                Ok(("b", "k", None)),
            ]
        );
        let acks: Vec<_> = invocation.items.iter().map(|item| item.ack.clone()).collect();
        assert_eq!(acks, ["t1", "t2", "t3", "t4", "t5"].map(|t| Ack::BatchTask(t.into())));
    }
}

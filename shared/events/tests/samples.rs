//! Every sample under `events/` (shared with `cargo lambda invoke --data-file` and the docs)
//! decodes to exactly the objects it was written to carry. The directory is listed, so a new
//! sample without expectations here fails the test.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{json, Value};
use sluice_events::{
    decode, Ack, DecodeError, Entry, EventKind, Invocation, ObjectEvent, Outcome, ResponseOptions, Shape,
};
use sluice_finding::ObjectRef;

const BUCKET: &str = "sluice-demo-source";

/// The only object event of a single-item, single-entry invocation, with its acknowledgement.
fn only_object(invocation: &Invocation) -> (&Ack, &ObjectEvent) {
    assert_eq!(invocation.items.len(), 1, "{invocation:?}");
    let item = &invocation.items[0];
    assert_eq!(item.entries.len(), 1, "{item:?}");
    match &item.entries[0] {
        Entry::Object(event) => (&item.ack, event),
        other => panic!("expected an object event, got {other:?}"),
    }
}

fn object(
    key: &str,
    version: Option<&str>,
    size: Option<u64>,
    etag: Option<&str>,
    sequencer: Option<&str>,
) -> ObjectRef {
    let mut object = ObjectRef::new(BUCKET, key);
    object.version_id = version.map(str::to_string);
    object.size = size;
    object.etag = etag.map(str::to_string);
    object.sequencer = sequencer.map(|s| sluice_finding::Sequencer::parse(s).unwrap());
    object
}

/// Asserts the event, and that the padded sequencer is the one written out here.
fn assert_event(
    event: &ObjectEvent,
    kind: EventKind,
    name: &str,
    expected: ObjectRef,
    padded_sequencer: Option<&str>,
) {
    assert_eq!(event.kind, kind);
    assert_eq!(event.event_name, name);
    assert_eq!(event.object.sequencer.as_ref().map(|s| s.as_str()), padded_sequencer);
    let mut without_time = event.object.clone();
    without_time.event_time = None;
    assert_eq!(without_time, expected);
}

fn sqs_shape(queue: &str) -> Shape {
    Shape::Sqs { queue_arn: Some(format!("arn:aws:sqs:eu-west-1:111122223333:{queue}")), fifo: false }
}

/// The response a handler gives when every object event succeeds.
fn response_when_objects_succeed(invocation: &Invocation) -> Value {
    let outcomes: Vec<Outcome> = invocation
        .items
        .iter()
        .map(|item| {
            item.entries.iter().fold(Outcome::succeeded(), |outcome, entry| {
                outcome.merge(
                    entry.work().map(|_| Outcome::succeeded().with_count("scanned", 1)).unwrap_or_else(|o| o),
                )
            })
        })
        .collect();
    serde_json::to_value(invocation.respond(&outcomes, &ResponseOptions::default()).unwrap()).unwrap()
}

fn check(name: &str, invocation: &Invocation) {
    match name {
        "s3-put.json" => {
            assert_eq!(invocation.shape, Shape::S3Notification);
            let (ack, event) = only_object(invocation);
            assert_eq!(ack, &Ack::None);
            assert_event(
                event,
                EventKind::Created,
                "ObjectCreated:Put",
                object(
                    "incoming/customer list+2024.csv",
                    Some("3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"),
                    Some(48213),
                    Some("9b2cf535f27731c974343645a3985328"),
                    Some("0062E99A88DC407460"),
                ),
                Some("000000000000000062E99A88DC407460"),
            );
            assert_eq!(event.object.event_time.as_deref(), Some("2026-11-20T09:15:42.318Z"));
            assert_eq!(
                response_when_objects_succeed(invocation),
                json!({"items": 1, "succeeded": 1, "temporaryFailures": 0, "permanentFailures": 0})
            );
        }
        "s3-put-moto.json" => {
            assert_eq!(invocation.shape, Shape::S3Notification);
            let (_, event) = only_object(invocation);
            assert_event(
                event,
                EventKind::Created,
                "ObjectCreated:Put",
                object(
                    "incoming/hr/employees 2024.csv",
                    None,
                    Some(1187),
                    Some("e1d4a3f0b6c2d9e8f7a6b5c4d3e2f1a0"),
                    None,
                ),
                None,
            );
            assert_eq!(event.object.event_time.as_deref(), Some("2026-11-26T22:04:51.204117"));
        }
        "s3-delete.json" => {
            let (_, event) = only_object(invocation);
            assert_event(
                event,
                EventKind::Removed,
                "ObjectRemoved:DeleteMarkerCreated",
                object(
                    "reports/2024/q1 summary.pdf",
                    Some("Ykz0Qm1rFh2hA8c0Ow_5wq8e2ybFx0JQ"),
                    None,
                    None,
                    Some("0062E99B1F3A5C2E11"),
                ),
                Some("000000000000000062E99B1F3A5C2E11"),
            );
        }
        "s3-test-event.json" => {
            assert_eq!(invocation.shape, Shape::S3Notification);
            assert_eq!(invocation.items.len(), 1);
            assert_eq!(invocation.items[0].entries, vec![Entry::Test { bucket: Some(BUCKET.into()) }]);
        }
        "sqs-s3-put.json" => {
            assert_eq!(invocation.shape, sqs_shape("sluice-scan-queue"));
            let [test, put] = &invocation.items[..] else { panic!("two messages expected: {invocation:?}") };
            assert_eq!(test.ack, Ack::SqsMessage("5b0a3f1e-2c4d-4e8f-9a6b-1c2d3e4f5a6b".into()));
            assert_eq!(test.entries, vec![Entry::Test { bucket: Some(BUCKET.into()) }]);
            assert_eq!(put.ack, Ack::SqsMessage("059f36b4-87a3-44ab-83d2-661975830a7d".into()));
            let [Entry::Object(event)] = &put.entries[..] else { panic!("one object expected: {put:?}") };
            assert_event(
                event,
                EventKind::Created,
                "ObjectCreated:CompleteMultipartUpload",
                object(
                    "exports/2026-11-20/orders+customers.parquet",
                    None,
                    Some(73400320),
                    Some("d41d8cd98f00b204e9800998ecf8427e-14"),
                    Some("0062E99A8F1B2C3D4E"),
                ),
                Some("000000000000000062E99A8F1B2C3D4E"),
            );
            assert_eq!(response_when_objects_succeed(invocation), json!({"batchItemFailures": []}));
        }
        "sqs-sns-s3-put.json" => {
            assert_eq!(invocation.shape, sqs_shape("sluice-scan-queue"));
            let (ack, event) = only_object(invocation);
            assert_eq!(ack, &Ack::SqsMessage("a7c3e9f1-4b2d-4c6e-8f0a-2b4d6f8a0c2e".into()));
            assert_event(
                event,
                EventKind::Created,
                "ObjectCreated:Copy",
                object(
                    "shared/contracts/acme corp NDA.docx",
                    None,
                    Some(20481),
                    Some("0f343b0931126a20f133d67c2b018a3b"),
                    Some("0062E99AA0B1C2D3E4"),
                ),
                Some("000000000000000062E99AA0B1C2D3E4"),
            );
        }
        "sns-s3-put.json" => {
            assert_eq!(invocation.shape, Shape::Sns);
            let (ack, event) = only_object(invocation);
            assert_eq!(ack, &Ack::None);
            assert_event(
                event,
                EventKind::Created,
                "ObjectCreated:Post",
                object(
                    "uploads/café/receipts march.pdf",
                    Some("Lq2Yq7CmFzR8u1xk1HnQWcC0pZ1oUe9r"),
                    Some(88112),
                    Some("5d41402abc4b2a76b9719d911017c592"),
                    Some("0062E99AB9C8D7E6F5"),
                ),
                Some("000000000000000062E99AB9C8D7E6F5"),
            );
        }
        "eventbridge-object-created.json" => {
            assert_eq!(invocation.shape, Shape::EventBridge);
            let (ack, event) = only_object(invocation);
            assert_eq!(ack, &Ack::None);
            // Not URL-encoded: the `+` is a plus.
            assert_event(
                event,
                EventKind::Created,
                "Object Created",
                object(
                    "incoming/customer list+2024.csv",
                    Some("3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"),
                    Some(48213),
                    Some("9b2cf535f27731c974343645a3985328"),
                    Some("0062E99A88DC407460"),
                ),
                Some("000000000000000062E99A88DC407460"),
            );
            assert_eq!(event.object.event_time.as_deref(), Some("2026-11-20T09:15:43Z"));
        }
        "eventbridge-object-created-moto.json" => {
            let (_, event) = only_object(invocation);
            assert_event(
                event,
                EventKind::Created,
                "Object Created",
                object(
                    "incoming/hr/employees 2024.csv",
                    None,
                    Some(1187),
                    Some("e1d4a3f0b6c2d9e8f7a6b5c4d3e2f1a0"),
                    Some("617f08299329d189"),
                ),
                Some("0000000000000000617F08299329D189"),
            );
        }
        "eventbridge-object-deleted.json" => {
            let (_, event) = only_object(invocation);
            assert_event(
                event,
                EventKind::Removed,
                "Object Deleted",
                object(
                    "reports/2024/q1 summary.pdf",
                    Some("Ykz0Qm1rFh2hA8c0Ow_5wq8e2ybFx0JQ"),
                    None,
                    None,
                    Some("0062E99B1F3A5C2E11"),
                ),
                Some("000000000000000062E99B1F3A5C2E11"),
            );
        }
        "sqs-eventbridge-object-created.json" => {
            assert_eq!(invocation.shape, sqs_shape("sluice-eventbridge-queue"));
            let (ack, event) = only_object(invocation);
            assert_eq!(ack, &Ack::SqsMessage("d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70".into()));
            assert_event(
                event,
                EventKind::Created,
                "Object Created",
                object(
                    "exports/2026-11-20/payroll.xlsx",
                    None,
                    Some(301977),
                    Some("7215ee9c7d9dc229d2921a40e899ec5f"),
                    Some("0062E99AC1D2E3F405"),
                ),
                Some("000000000000000062E99AC1D2E3F405"),
            );
        }
        "batch-operations-v1.json" => {
            let Shape::BatchOperations(job) = &invocation.shape else { panic!("{invocation:?}") };
            assert_eq!(job.invocation_schema_version, "1.0");
            assert_eq!(job.invocation_id, "YXNkbGZqYWRmaiBhc2RmdW9hZHNmZGpmaGFzbGtkaGZza2RmaAo");
            assert!(job.user_arguments.is_empty());
            let (ack, event) = only_object(invocation);
            assert_eq!(ack, &Ack::BatchTask("dGFza2lkZ29lc2hlcmUK".into()));
            assert_event(
                event,
                EventKind::Created,
                "S3BatchOperations",
                object("archive/2023/old export+final.csv", Some("1"), None, None, None),
                None,
            );
            assert_eq!(
                response_when_objects_succeed(invocation),
                json!({
                    "invocationSchemaVersion": "1.0",
                    "treatMissingKeysAs": "PermanentFailure",
                    "invocationId": "YXNkbGZqYWRmaiBhc2RmdW9hZHNmZGpmaGFzbGtkaGZza2RmaAo",
                    "results": [{"taskId": "dGFza2lkZ29lc2hlcmUK", "resultCode": "Succeeded", "resultString": "scanned=1"}]
                })
            );
        }
        "batch-operations-v2.json" => {
            let Shape::BatchOperations(job) = &invocation.shape else { panic!("{invocation:?}") };
            assert_eq!(job.invocation_schema_version, "2.0");
            assert_eq!(job.job_id.as_deref(), Some("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"));
            assert_eq!(job.user_arguments.get("mode"), Some(&json!("full")));
            let (ack, event) = only_object(invocation);
            assert_eq!(ack, &Ack::BatchTask("dGFza2lkMmdvZXNoZXJlCg".into()));
            assert_event(
                event,
                EventKind::Created,
                "S3BatchOperations",
                object("backups/2025/crm dump.json.gz", None, None, None, None),
                None,
            );
        }
        "sqs-malformed-body.json" => {
            let [good, bad] = &invocation.items[..] else { panic!("two messages expected: {invocation:?}") };
            let [Entry::Object(event)] = &good.entries[..] else { panic!("one object expected: {good:?}") };
            assert_eq!(event.object.key, "incoming/notes.txt");
            assert_eq!(bad.ack, Ack::SqsMessage("f3c8d2b1-4e5a-4b6c-8d7e-9f0a1b2c3d4e".into()));
            let [Entry::Malformed(error @ DecodeError::NotJson { .. })] = &bad.entries[..] else {
                panic!("a body that is not JSON expected: {bad:?}")
            };
            assert_eq!(error.reason_code(), "MESSAGE_NOT_JSON");
            assert_eq!(
                response_when_objects_succeed(invocation),
                json!({"batchItemFailures": [{"itemIdentifier": "f3c8d2b1-4e5a-4b6c-8d7e-9f0a1b2c3d4e"}]})
            );
        }
        // The remediator's input, here so `cargo lambda invoke` and the docs share it. Routed to
        // the scanner by mistake, it is refused on its own as unrecognized, not scanned.
        "sluice-finding.json" => {
            assert_eq!(invocation.shape, Shape::EventBridge);
            let [item] = &invocation.items[..] else { panic!("one item expected: {invocation:?}") };
            let [Entry::Malformed(error @ DecodeError::Unrecognized(_))] = &item.entries[..] else {
                panic!("an unrecognized event expected: {item:?}")
            };
            assert_eq!(error.reason_code(), "UNRECOGNIZED_EVENT");
            assert!(error.to_string().contains("\"sluice\""), "{error}");
        }
        other => panic!("events/{other} has no expectations: add them to {}", file!()),
    }
}

#[test]
fn every_sample_decodes_to_its_objects() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../events");
    let mut seen = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let event: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let invocation = decode(&event).unwrap_or_else(|e| panic!("{name}: {e}"));
        check(&name, &invocation);
        seen.insert(name);
    }
    let required = [
        "s3-put.json",
        "s3-put-moto.json",
        "s3-delete.json",
        "s3-test-event.json",
        "sqs-s3-put.json",
        "sqs-sns-s3-put.json",
        "sns-s3-put.json",
        "eventbridge-object-created.json",
        "eventbridge-object-created-moto.json",
        "eventbridge-object-deleted.json",
        "sqs-eventbridge-object-created.json",
        "batch-operations-v1.json",
        "batch-operations-v2.json",
        "sqs-malformed-body.json",
    ];
    let missing: Vec<_> = required.iter().filter(|name| !seen.contains(**name)).collect();
    assert!(missing.is_empty(), "samples missing from events/: {missing:?}");
}

//! The scanner end to end against the local AWS emulator: objects put in S3, every event shape
//! delivered to the handler the Lambda runs, and what lands in DynamoDB, Security Hub,
//! EventBridge and the results bucket read back through the real SDK clients.
//!
//! Run with `scripts/with-moto.sh cargo test -p sluice-e2e --test scanner_e2e`.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_s3::primitives::ByteStream;
use serde_json::{json, Value};
use sluice_scanner::ScannerApp;
use support::{Emulator, ScannerStack};

mod support;

/// Every sensitive value planted in the fixtures: none may appear in anything Sluice writes.
const PLANTED: &[&str] = &["536-22-8726", "4716945807302156", "5425736819303640", "4716 9458", "536228726"];

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/fixtures/scanner/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

async fn app(aws: &Emulator, stack: &ScannerStack) -> Arc<ScannerApp> {
    Arc::new(ScannerApp::new(stack.settings(), &aws.config).await.unwrap())
}

fn s3_record(bucket: &str, key: &str, sequencer: &str, event: &str) -> Value {
    let encoded: String = key
        .bytes()
        .map(|b| match b {
            b' ' => "+".to_string(),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    json!({
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
        "eventTime": "2026-11-27T00:00:00.000Z", "eventName": event,
        "s3": {"s3SchemaVersion": "1.0", "bucket": {"name": bucket, "arn": format!("arn:aws:s3:::{bucket}")},
               "object": {"key": encoded, "size": 10, "sequencer": sequencer}}
    })
}

fn sqs_of(bodies: &[Value]) -> Value {
    let records: Vec<Value> = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| {
            json!({"messageId": format!("m{i}"), "receiptHandle": "h", "body": body.to_string(),
                   "attributes": {}, "messageAttributes": {}, "md5OfBody": "x", "eventSource": "aws:sqs",
                   "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:scan-queue", "awsRegion": "us-east-1"})
        })
        .collect();
    json!({ "Records": records })
}

async fn item(
    aws: &Emulator,
    stack: &ScannerStack,
    key: &str,
) -> Option<std::collections::HashMap<String, AttributeValue>> {
    aws.dynamodb
        .get_item()
        .table_name(&stack.table)
        .key("pk", AttributeValue::S(format!("OBJECT#{}#{key}", stack.source)))
        .key("sk", AttributeValue::S("VERSION#null".into()))
        .send()
        .await
        .unwrap()
        .item
}

fn attr<'a>(item: &'a std::collections::HashMap<String, AttributeValue>, k: &str) -> Option<&'a str> {
    item.get(k).and_then(|v| v.as_s().ok()).map(String::as_str)
}

async fn bus_events(aws: &Emulator, stack: &ScannerStack) -> Vec<Value> {
    support::receive(aws, &stack.queue_url, Duration::from_secs(2)).await
}

async fn hub_findings(aws: &Emulator) -> Vec<aws_sdk_securityhub::types::AwsSecurityFinding> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = aws.hub.get_findings().set_next_token(token).max_results(100).send().await.unwrap();
        out.extend(page.findings.unwrap_or_default());
        token = page.next_token.filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
    }
    out
}

fn assert_no_plaintext(what: &str, text: &str) {
    for v in PLANTED {
        assert!(!text.contains(v), "{what} contains a planted sensitive value");
    }
}

async fn put(aws: &Emulator, bucket: &str, key: &str, body: Vec<u8>) {
    aws.s3.put_object().bucket(bucket).key(key).body(ByteStream::from(body)).send().await.unwrap();
}

async fn invoke(app: &Arc<ScannerApp>, event: Value) -> Value {
    app.clone().handle(event).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_shape_ends_in_the_table_security_hub_the_bus_and_the_results_bucket() {
    let aws = Emulator::connect().await;
    let stack = ScannerStack::deploy(&aws, "shapes").await;
    let app = app(&aws, &stack).await;
    put(&aws, &stack.source, "exports/customers 2026.csv", fixture("customers.csv")).await;
    put(&aws, &stack.source, "exports/orders.jsonl", fixture("orders.jsonl")).await;
    put(&aws, &stack.source, "notes/clean.txt", fixture("clean.txt")).await;
    put(&aws, &stack.source, "batch/customers.csv", fixture("customers.csv")).await;

    // Direct S3 notification (key form-encoded, with a space).
    let direct = json!({"Records": [s3_record(&stack.source, "exports/customers 2026.csv", "0A", "ObjectCreated:Put")]});
    assert_eq!(invoke(&app, direct).await["temporaryFailures"], 0);

    // SQS batch: an S3 notification, a test event, and an EventBridge event; then garbage.
    let test_event = json!({"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": "2026-11-27T00:00:00Z", "Bucket": stack.source});
    let eventbridge = json!({"version": "0", "id": "1", "detail-type": "Object Created", "source": "aws.s3",
        "account": "123456789012", "time": "2026-11-27T00:00:00Z", "region": "us-east-1", "resources": [],
        "detail": {"version": "0", "bucket": {"name": stack.source}, "object": {"key": "notes/clean.txt", "size": 10,
        "etag": "x", "sequencer": "0B"}, "reason": "PutObject"}});
    let sqs = sqs_of(&[
        json!({"Records": [s3_record(&stack.source, "exports/orders.jsonl", "0A", "ObjectCreated:Put")]}),
        test_event,
        eventbridge,
        Value::String("not json".into()),
    ]);
    let answer = invoke(&app, sqs).await;
    assert_eq!(answer, json!({"batchItemFailures": [{"itemIdentifier": "m3"}]}), "only the garbage fails");

    // S3 Batch Operations, schema 2.0, with a missing key among the tasks.
    let batch = json!({"invocationSchemaVersion": "2.0", "invocationId": "inv1",
        "job": {"id": "job1", "userArguments": {}},
        "tasks": [{"taskId": "t1", "s3Key": "batch/customers.csv", "s3VersionId": null, "s3Bucket": stack.source},
                  {"taskId": "t2", "s3Key": "batch/gone.csv", "s3VersionId": null, "s3Bucket": stack.source}]});
    let answer = invoke(&app, batch).await;
    assert_eq!(answer["invocationId"], "inv1");
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["resultCode"], "Succeeded");
    assert_eq!(results[1]["resultCode"], "Succeeded", "a missing key is recorded as skipped: {answer}");
    assert!(results[1]["resultString"].as_str().unwrap().contains("SOURCE_OBJECT_NO_LONGER_AVAILABLE"));
    assert_no_plaintext("the Batch Operations answer", &answer.to_string());

    // DynamoDB: one item per object, with types and counts, never the values.
    let csv = item(&aws, &stack, "exports/customers 2026.csv").await.expect("item for the CSV");
    assert_eq!(attr(&csv, "status"), Some("COMPLETE"));
    assert_eq!(attr(&csv, "severity"), Some("HIGH"));
    assert_eq!(attr(&csv, "findingType"), Some("SensitiveData:S3Object/Multiple"));
    let types = csv["types"].as_ss().unwrap();
    assert!(
        types.contains(&"USA_SOCIAL_SECURITY_NUMBER".to_string())
            && types.contains(&"CREDIT_CARD_NUMBER".to_string())
    );
    let clean = item(&aws, &stack, "notes/clean.txt").await.expect("item for the clean object");
    assert!(!clean.contains_key("findingType"));
    let gone = item(&aws, &stack, "batch/gone.csv").await.expect("a skip is recorded");
    assert_eq!(attr(&gone, "reason"), Some("SOURCE_OBJECT_NO_LONGER_AVAILABLE"));
    assert!(item(&aws, &stack, "exports/orders.jsonl").await.is_some());
    let all = aws.dynamodb.scan().table_name(&stack.table).send().await.unwrap();
    assert_no_plaintext("the findings table", &format!("{:?}", all.items));
    let by_severity = aws
        .dynamodb
        .query()
        .table_name(&stack.table)
        .index_name("bySeverity")
        .key_condition_expression("severity = :s")
        .expression_attribute_values(":s", AttributeValue::S("HIGH".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(by_severity.count, 3, "CSV, batch CSV and JSON Lines are HIGH");

    // Results bucket: a gzip JSON Lines record per object, SSE-KMS, linked from the item.
    let location = attr(&csv, "detailedResultsLocation").unwrap().to_string();
    let key = location.strip_prefix(&format!("s3://{}/", stack.results)).unwrap();
    assert!(key.starts_with("AWSLogs/123456789012/Sluice/us-east-1/"));
    let obj = aws.s3.get_object().bucket(&stack.results).key(key).send().await.unwrap();
    assert_eq!(obj.server_side_encryption().map(|s| s.as_str()), Some("aws:kms"));
    let gz = obj.body.collect().await.unwrap().into_bytes();
    let mut line = String::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut line).unwrap();
    let result: Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(result["classificationDetails"]["result"]["status"]["code"], "COMPLETE");
    assert_no_plaintext("the discovery result", &line);
    let listed = aws.s3.list_objects_v2().bucket(&stack.results).send().await.unwrap();
    assert_eq!(listed.key_count(), Some(5), "one result per object scanned, skips included");

    // Security Hub: one finding per object with a finding, DataClassification filled.
    let findings = hub_findings(&aws).await;
    let mine: Vec<_> = findings
        .iter()
        .filter(|f| f.resources().iter().any(|r| r.id().unwrap_or_default().contains(&stack.source)))
        .collect();
    let sensitive: Vec<_> =
        mine.iter().filter(|f| f.id().unwrap_or_default().starts_with("sluice/sensitive-data/")).collect();
    assert_eq!(sensitive.len(), 3, "CSV, JSON Lines, batch CSV");
    let csv_finding = sensitive.iter().find(|f| f.id() == attr(&csv, "findingId")).unwrap();
    let dc = csv_finding.resources()[0].data_classification().unwrap();
    assert_eq!(dc.detailed_results_location(), Some(location.as_str()));
    assert_eq!(dc.result().unwrap().status().unwrap().code(), Some("COMPLETE"));
    assert_no_plaintext("Security Hub", &format!("{mine:?}"));

    // EventBridge: the findings, Macie-shaped, routed by a rule to the queue.
    let events = bus_events(&aws, &stack).await;
    let finding_events: Vec<_> = events.iter().filter(|e| e["detail-type"] == "Sluice Finding").collect();
    assert!(finding_events.len() >= 3, "{} events", finding_events.len());
    for e in &finding_events {
        assert_eq!(e["source"], "sluice");
        assert!(e["detail"]["severity"]["score"].is_number());
        assert!(
            e["detail"]["resourcesAffected"]["s3Bucket"]["publicAccess"]["effectivePermission"].is_string()
        );
    }
    assert_no_plaintext("EventBridge", &format!("{events:?}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_reordering_and_deletes_leave_exactly_one_correct_record() {
    let aws = Emulator::connect().await;
    let stack = ScannerStack::deploy(&aws, "order").await;
    let app = app(&aws, &stack).await;
    let key = "reports/q3.csv";

    // The object now holds clean text (event 0x20); the older event (0x10) was for card data.
    put(&aws, &stack.source, key, fixture("clean.txt")).await;
    let newer = json!({"Records": [s3_record(&stack.source, key, "20", "ObjectCreated:Put")]});
    let older = json!({"Records": [s3_record(&stack.source, key, "10", "ObjectCreated:Put")]});
    invoke(&app, newer.clone()).await;
    put(&aws, &stack.source, key, fixture("customers.csv")).await;
    invoke(&app, older).await; // out of order: must not overwrite
    let stored = item(&aws, &stack, key).await.unwrap();
    assert!(!stored.contains_key("findingType"), "the newer, clean result stands");
    assert_eq!(attr(&stored, "sequencer").unwrap().trim_start_matches('0'), "20");

    // Duplicate delivery of the newest event: one item, same outcome.
    put(&aws, &stack.source, key, fixture("customers.csv")).await;
    let newest = json!({"Records": [s3_record(&stack.source, key, "30", "ObjectCreated:Put")]});
    invoke(&app, newest.clone()).await;
    invoke(&app, newest).await;
    let all = aws.dynamodb.scan().table_name(&stack.table).send().await.unwrap();
    assert_eq!(all.count, 1);
    let stored = item(&aws, &stack, key).await.unwrap();
    assert_eq!(attr(&stored, "severity"), Some("HIGH"));
    let finding_id = attr(&stored, "findingId").unwrap().to_string();

    // Deleted: the record is archived and so is the Security Hub finding.
    aws.s3.delete_object().bucket(&stack.source).key(key).send().await.unwrap();
    invoke(&app, json!({"Records": [s3_record(&stack.source, key, "40", "ObjectRemoved:Delete")]})).await;
    let stored = item(&aws, &stack, key).await.unwrap();
    assert_eq!(stored.get("archived").and_then(|v| v.as_bool().ok()), Some(&true));
    let findings = hub_findings(&aws).await;
    let f = findings.iter().find(|f| f.id() == Some(finding_id.as_str())).expect("the finding");
    assert_eq!(f.record_state().map(|s| s.as_str()), Some("ARCHIVED"));

    // A late duplicate of the creation event does not bring it back.
    invoke(&app, json!({"Records": [s3_record(&stack.source, key, "30", "ObjectCreated:Put")]})).await;
    let stored = item(&aws, &stack, key).await.unwrap();
    assert_eq!(stored.get("archived").and_then(|v| v.as_bool().ok()), Some(&true));

    // Deleted before the scan: recorded as skipped, with Macie's reason.
    invoke(
        &app,
        json!({"Records": [s3_record(&stack.source, "never/there.txt", "01", "ObjectCreated:Put")]}),
    )
    .await;
    let gone = item(&aws, &stack, "never/there.txt").await.unwrap();
    assert_eq!(attr(&gone, "status"), Some("SKIPPED"));
    assert_eq!(attr(&gone, "reason"), Some("SOURCE_OBJECT_NO_LONGER_AVAILABLE"));
}

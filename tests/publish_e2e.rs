//! Publishing through the real sinks against the AWS emulator: a batch of publications larger
//! than one `BatchImportFindings` call goes to Security Hub and to an event bus, and is read
//! back with `GetFindings` and through a rule routing `sluice` events to an SQS queue.
//!
//! Run with `scripts/with-moto.sh cargo test -p sluice-e2e --test publish_e2e`.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use aws_config::BehaviorVersion;
use aws_sdk_eventbridge::types::Target;
use aws_sdk_sqs::types::QueueAttributeName;
use sluice_aws::asff::{self, Finding};
use sluice_aws::context::AwsContext;
use sluice_aws::eventbridge::EventBridgeSink;
use sluice_aws::publisher::FanOutPublisher;
use sluice_aws::securityhub::SecurityHubSink;
use sluice_detect::Engine;
use sluice_extract::Limits;
use sluice_finding::{
    BucketPosture, ClassificationResult, DefaultEncryption, ObjectMeta, ObjectRef, PolicyFindingType,
    ScanRecord, MAX_LOCATIONS_IN_FINDING,
};
use sluice_pipeline::ports::{FindingPublisher, FindingState, Publication};
use sluice_pipeline::{classify, ObjectHint};

/// Values planted in the scanned bodies: none may reach Security Hub or the bus.
const PLANTED: [&str; 6] = [
    "536-22-8726",
    "536228726",
    "5182-1993-5181-9098",
    "5182199351819098",
    "R1PrTa1sMSqQceCTb1UUmd5+vtgleCeKP+ge2CcW",
    "jane.roe.1987@example.org",
];

const TEXT: &str = "Employee SSN: 536-22-8726\n\
credit card number 5182-1993-5181-9098\n\
aws_secret_access_key = R1PrTa1sMSqQceCTb1UUmd5+vtgleCeKP+ge2CcW\n\
contact email: jane.roe.1987@example.org\n";
const CSV: &str = "name,ssn,credit card number\nJane Roe,536-22-8726,5182-1993-5181-9098\n";
const JSON: &str = r#"{"employee": {"ssn": "536-22-8726", "email": "jane.roe.1987@example.org"},
 "aws_secret_access_key": "R1PrTa1sMSqQceCTb1UUmd5+vtgleCeKP+ge2CcW"}"#;

const SENSITIVE: usize = 116;

fn endpoint_or_explain() -> String {
    std::env::var("AWS_ENDPOINT_URL").unwrap_or_else(|_| {
        panic!(
            "publish_e2e talks to the local AWS emulator and AWS_ENDPOINT_URL is not set: \
             run it with `scripts/with-moto.sh cargo test -p sluice-e2e --test publish_e2e`"
        )
    })
}

fn classify_body(engine: &Engine, name: &str, body: &str) -> ClassificationResult {
    let hint = ObjectHint { name, content_type: None, size: Some(body.len() as u64) };
    let result = classify(engine, body.as_bytes(), hint, &Limits::default(), MAX_LOCATIONS_IN_FINDING)
        .expect("the fixture classifies");
    assert!(result.finding_type.is_some(), "the planted {name} must raise a finding: {result:?}");
    result
}

fn record(bucket: &str, key: &str, result: &ClassificationResult) -> ScanRecord {
    let mut object = ObjectRef::new(bucket, key);
    object.etag = Some("0123456789abcdef".into());
    ScanRecord {
        object,
        meta: Some(ObjectMeta {
            size: result.size_classified,
            content_type: Some(result.mime_type.clone()),
            etag: Some("0123456789abcdef".into()),
            last_modified: Some("2026-03-01T10:00:00.000Z".into()),
            server_side_encryption: Some("AES256".into()),
            ..Default::default()
        }),
        posture: BucketPosture {
            bucket: bucket.into(),
            policy_is_public: Some(true),
            acl_is_public: Some(false),
            default_encryption: Some(DefaultEncryption {
                encryption_type: "NONE".into(),
                kms_master_key_id: None,
            }),
            tags: vec![("owner".into(), "e2e".into())],
            ..Default::default()
        },
        result: result.clone(),
        scanned_at: "2026-03-01T10:00:05.000Z".into(),
        detailed_results_location: Some(format!(
            "s3://results/AWSLogs/123456789012/Sluice/us-east-1/{bucket}/{key}.jsonl.gz"
        )),
    }
}

/// Every publication the batch holds: sensitive data findings over three formats (one of
/// them archived), and every policy finding type for two buckets.
fn publications(suffix: &str) -> Vec<Publication> {
    let engine = Engine::builtin().expect("the built-in rules compile");
    let bodies = [
        classify_body(&engine, "notes.txt", TEXT),
        classify_body(&engine, "people.csv", CSV),
        classify_body(&engine, "people.json", JSON),
    ];
    let buckets = [format!("sluice-e2e-a-{suffix}"), format!("sluice-e2e-b-{suffix}")];
    let mut out = Vec::new();
    for i in 0..SENSITIVE {
        let result = &bodies[i % 3];
        let ext = ["txt", "csv", "json"][i % 3];
        let r = record(&buckets[i % 2], &format!("exports/{i:03}/data.{ext}"), result);
        out.push(Publication::SensitiveData {
            record: r,
            state: if i == 7 { FindingState::Archived } else { FindingState::Active },
            created_at: "2026-03-01T10:00:05.000Z".into(),
            updated_at: "2026-03-01T10:00:05.000Z".into(),
        });
    }
    for bucket in &buckets {
        for t in [
            PolicyFindingType::BlockPublicAccessDisabled,
            PolicyFindingType::BucketPublic,
            PolicyFindingType::BucketEncryptionDisabled,
            PolicyFindingType::BucketSharedExternally,
        ] {
            out.push(Publication::Policy {
                record: record(bucket, "exports/000/data.txt", &bodies[0]),
                finding_type: t,
                updated_at: "2026-03-01T10:00:05.000Z".into(),
            });
        }
    }
    out
}

fn assert_no_planted_value(what: &str, text: &str) {
    for value in PLANTED {
        assert!(!text.contains(value), "a planted value reached {what}");
    }
}

#[test]
fn a_batch_reaches_security_hub_and_the_event_bus_without_any_value() {
    endpoint_or_explain();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let conf = runtime.block_on(aws_config::defaults(BehaviorVersion::latest()).load());
    let region = conf.region().expect("AWS_REGION is set by scripts/with-moto.sh").to_string();
    let account = std::env::var("SLUICE_ACCOUNT_ID").unwrap_or_else(|_| "123456789012".into());
    let ctx = AwsContext::new(region, account);
    let suffix = format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos()
    );

    // A bus of this test's own, with a rule routing every `sluice` event to a queue.
    let sqs = aws_sdk_sqs::Client::new(&conf);
    let events = aws_sdk_eventbridge::Client::new(&conf);
    let bus = format!("sluice-publish-{suffix}");
    let queue_url = runtime.block_on(async {
        events.create_event_bus().name(&bus).send().await.expect("create bus");
        let queue =
            sqs.create_queue().queue_name(format!("sluice-publish-{suffix}")).send().await.expect("queue");
        let url = queue.queue_url().expect("queue url").to_string();
        let attrs = sqs
            .get_queue_attributes()
            .queue_url(&url)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await
            .expect("queue attributes");
        let arn =
            attrs.attributes().and_then(|a| a.get(&QueueAttributeName::QueueArn)).expect("queue arn").clone();
        let rule = format!("sluice-publish-{suffix}");
        events
            .put_rule()
            .name(&rule)
            .event_bus_name(&bus)
            .event_pattern(r#"{"source":["sluice"]}"#)
            .send()
            .await
            .expect("rule");
        events
            .put_targets()
            .rule(&rule)
            .event_bus_name(&bus)
            .targets(Target::builder().id("queue").arn(arn).build().expect("target"))
            .send()
            .await
            .expect("target");
        url
    });

    let publications = publications(&suffix);
    assert!(publications.len() > 100, "the batch must need more than one BatchImportFindings call");
    let publisher = FanOutPublisher::new(
        runtime.handle().clone(),
        ctx.clone(),
        Some(SecurityHubSink::new(aws_sdk_securityhub::Client::new(&conf))),
        EventBridgeSink::new(events.clone(), Some(bus.clone())),
    );
    // `publish` blocks on the runtime, as on the Lambda's blocking thread.
    let results = publisher.publish(&publications);
    assert_eq!(results.len(), publications.len());
    for (p, r) in publications.iter().zip(&results) {
        assert!(r.is_ok(), "{}: {r:?}", p.id());
    }
    let expected: BTreeSet<String> = publications.iter().map(Publication::id).collect();
    assert_eq!(expected.len(), publications.len(), "ids are unique in this batch");

    // Security Hub: every finding, read back page by page, valid and value-free.
    let hub = aws_sdk_securityhub::Client::new(&conf);
    let read: BTreeMap<String, Finding> = runtime.block_on(async {
        let mut out = BTreeMap::new();
        let mut token: Option<String> = None;
        loop {
            let page = hub.get_findings().set_next_token(token.clone()).send().await.expect("GetFindings");
            for f in page.findings() {
                let ours = Finding::from_sdk(f);
                if expected.contains(&ours.id) {
                    out.insert(ours.id.clone(), ours);
                }
            }
            token = page.next_token().filter(|t| !t.is_empty()).map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        out
    });
    assert_eq!(read.keys().cloned().collect::<BTreeSet<_>>(), expected);
    for f in read.values() {
        let problems = asff::validate(f);
        assert!(problems.is_empty(), "{}: {problems:#?}", f.id);
        assert_no_planted_value("Security Hub", &serde_json::to_string(f).unwrap());
    }
    for p in &publications {
        assert_eq!(read[&p.id()], asff::finding(&ctx, p), "Security Hub holds exactly what was sent");
    }
    let archived = publications[7].id();
    assert_eq!(read[&archived].record_state.as_deref(), Some("ARCHIVED"));

    // EventBridge: one event per publication through the rule.
    let mut seen: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while seen.len() < expected.len() && Instant::now() < deadline {
        let messages = runtime.block_on(async {
            let out = sqs
                .receive_message()
                .queue_url(&queue_url)
                .max_number_of_messages(10)
                .wait_time_seconds(1)
                .send()
                .await
                .expect("receive");
            for m in out.messages() {
                if let Some(handle) = m.receipt_handle() {
                    sqs.delete_message()
                        .queue_url(&queue_url)
                        .receipt_handle(handle)
                        .send()
                        .await
                        .expect("delete");
                }
            }
            out.messages().iter().filter_map(|m| m.body().map(str::to_string)).collect::<Vec<_>>()
        });
        for body in messages {
            assert_no_planted_value("the event bus", &body);
            let event: serde_json::Value = serde_json::from_str(&body).expect("an event is JSON");
            assert_eq!(event["source"], "sluice");
            assert_eq!(event["detail-type"], "Sluice Finding");
            let id = event["detail"]["id"].as_str().expect("detail.id").to_string();
            assert!(seen.insert(id, event).is_none(), "each finding is published once");
        }
    }
    assert_eq!(seen.keys().cloned().collect::<BTreeSet<_>>(), expected);
    for p in &publications {
        let event = &seen[&p.id()];
        let detail = serde_json::to_string(&event["detail"]).unwrap();
        let parsed =
            sluice_remediate::FindingDetail::from_json(&detail).expect("the remediator reads the detail");
        assert_eq!(parsed.bucket().map(|b| b.name.as_str()), Some(p_bucket(p)));
        match p {
            Publication::SensitiveData { record, state, .. } => {
                assert_eq!(event["detail"]["category"], "CLASSIFICATION");
                assert_eq!(event["detail"]["archived"], *state == FindingState::Archived);
                assert_eq!(event["resources"][0], record.object.object_arn(&ctx.partition));
                assert_eq!(parsed.object().map(|o| o.key.as_str()), Some(record.object.key.as_str()));
                assert!(!parsed.detected_types().is_empty());
            }
            Publication::Policy { finding_type, .. } => {
                assert_eq!(event["detail"]["type"], finding_type.as_str());
                assert!(parsed.object().is_none());
            }
        }
    }

    runtime.block_on(async {
        let rule = format!("sluice-publish-{suffix}");
        let _ = events.remove_targets().rule(&rule).event_bus_name(&bus).ids("queue").send().await;
        let _ = events.delete_rule().name(&rule).event_bus_name(&bus).send().await;
        let _ = events.delete_event_bus().name(&bus).send().await;
        let _ = sqs.delete_queue().queue_url(&queue_url).send().await;
    });
}

fn p_bucket(p: &Publication) -> &str {
    match p {
        Publication::SensitiveData { record, .. } | Publication::Policy { record, .. } => {
            &record.object.bucket
        }
    }
}

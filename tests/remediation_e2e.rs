//! The remediator end to end, against the local AWS emulator (moto), with the real SDK
//! clients: a `Sluice Finding` is published on a bus, routed by the template's own
//! remediation rule pattern to a queue, received, and handed to the remediator's handler
//! (the library function the Lambda binary calls). The buckets, the findings table (the
//! template's key schema and indexes) and the `Sluice Remediation` events are then read back.
//!
//! Run with `scripts/with-moto.sh cargo test -p sluice-e2e --test remediation_e2e`. Each test
//! uses its own buckets, table, bus and queues, so they run in parallel against one emulator.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketVersioningStatus, Tagging, VersioningConfiguration};
use remediator::{load_policy, ConfigSource, Handled, Remediator, AUDIT_RETENTION};
use serde_json::{json, Value};
use sluice_aws::audit::{object_pk, AuditSink};
use sluice_aws::remediation::{CopySettings, S3RemediationTarget};
use sluice_remediate::{ActionKind, LoadOptions, Mode, Outcome, RecordStatus, SkipReason};
use support::{cfn, queue, receive, route, Emulator};

mod support;

/// Any key ID will do: the emulator's S3 records the key it is given without asking KMS.
const KMS_KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/4f8e2c1a-9b7d-4e3f-a1c2-5d6e7f809a1b";

/// Test card numbers (they pass the Luhn check); none may appear in any audit output.
const CARDS: [&str; 3] = ["4111 1111 1111 1111", "5500005555555559", "378282246310005"];

fn card_csv() -> String {
    format!("name,card,amount\nAna,{},12.50\nBo,{},7.00\nCy,{},3.10\n", CARDS[0], CARDS[1], CARDS[2])
}

const POLICY: &str = r#"
remediation:
  mode: dry-run   # each test sets the mode as SLUICE_REMEDIATION_MODE does
  rules:
    - name: public-buckets-with-sensitive-data
      match:
        categories: [CLASSIFICATION]
        effective_permission: [PUBLIC]
        min_severity: medium
      actions:
        - block-public-access
        - default-encryption: {kms_key_id: "KMS_KEY"}
    - name: card-numbers
      match:
        identifier_types: [CREDIT_CARD_NUMBER]
        buckets: ["sluice-e2e-*"]
      actions:
        - tag-object: {tags: {"sluice:sensitivity": "{severity}", "sluice:types": "{types}"}}
        - encrypt-object: {kms_key_id: "KMS_KEY"}
"#;

/// What the stack deploys for the remediation path, created in the emulator per test: the
/// findings table, the bus with the remediation rule (to a queue standing in for the
/// Lambda), a rule catching `Sluice Remediation` events, and the configuration object.
struct Stack {
    table: String,
    bus: String,
    finding_queue: String,
    remediation_queue: String,
    config: ConfigSource,
}

impl Stack {
    async fn deploy(em: &Emulator, name: &str) -> Stack {
        let t = cfn::template();
        let table = format!("{name}-findings");
        support::create_findings_table(em, &table).await;

        let bus = format!("{name}-bus");
        em.events.create_event_bus().name(&bus).send().await.unwrap();
        let finding_queue = queue(em, &format!("{name}-findings")).await;
        let remediation_queue = queue(em, &format!("{name}-remediations")).await;
        let pattern = remediation_rule_pattern(&t);
        route(em, &bus, "remediator", &pattern, &finding_queue).await;
        let audit_pattern = json!({"source": ["sluice"], "detail-type": ["Sluice Remediation"]});
        route(em, &bus, "remediations", &audit_pattern, &remediation_queue).await;

        let config_bucket = format!("{name}-results");
        em.s3.create_bucket().bucket(&config_bucket).send().await.unwrap();
        em.s3
            .put_object()
            .bucket(&config_bucket)
            .key("config/sluice.yaml")
            .body(ByteStream::from(POLICY.replace("KMS_KEY", KMS_KEY).into_bytes()))
            .send()
            .await
            .unwrap();
        let config = ConfigSource::S3 { bucket: config_bucket, key: "config/sluice.yaml".into() };
        Stack { table, bus, finding_queue, remediation_queue, config }
    }

    /// The remediator as the Lambda builds it, with the mode SLUICE_REMEDIATION_MODE gives.
    async fn remediator(&self, em: &Emulator, mode: Mode, copy: CopySettings) -> Remediator {
        let policy = load_policy(&em.s3, &self.config, &LoadOptions::default(), Some(mode)).await.unwrap();
        assert_eq!(policy.rules.len(), 2);
        let target =
            S3RemediationTarget::new(aws_sdk_s3::Client::new(&em.config), tokio::runtime::Handle::current())
                .with_copy_settings(copy);
        let audit =
            AuditSink::new(em.dynamodb.clone(), em.events.clone(), &self.table, &self.bus, AUDIT_RETENTION);
        Remediator::new(policy, Arc::new(target), audit)
    }

    /// Publishes findings as the scanner does and returns what the remediation rule routed.
    async fn publish(&self, em: &Emulator, details: &[Value]) -> Vec<Value> {
        let entries = details
            .iter()
            .map(|d| {
                PutEventsRequestEntry::builder()
                    .source("sluice")
                    .detail_type("Sluice Finding")
                    .detail(d.to_string())
                    .event_bus_name(&self.bus)
                    .build()
            })
            .collect();
        let out = em.events.put_events().set_entries(Some(entries)).send().await.unwrap();
        assert_eq!(out.failed_entry_count(), 0, "{out:?}");
        receive(em, &self.finding_queue, Duration::from_secs(3)).await
    }

    async fn audit_items(&self, em: &Emulator, pk: &str) -> Vec<HashMap<String, AttributeValue>> {
        let out = em
            .dynamodb
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :kind)")
            .expression_attribute_values(":pk", AttributeValue::S(pk.to_string()))
            .expression_attribute_values(":kind", AttributeValue::S("REMEDIATION#".into()))
            .send()
            .await
            .unwrap();
        out.items().to_vec()
    }

    async fn remediation_events(&self, em: &Emulator) -> Vec<Value> {
        receive(em, &self.remediation_queue, Duration::from_secs(2)).await
    }
}

/// The `EventPattern` of the template's `RemediationRule`, its conditions resolved as the
/// parameters' defaults make them (`MinimumSeverity: MEDIUM`).
fn remediation_rule_pattern(t: &serde_yaml_ng::Value) -> Value {
    let conditions = cfn::conditions_at_parameter_defaults(t);
    let rule = &t["Resources"]["RemediationRule"]["Properties"];
    let pattern = cfn::resolve(&rule["EventPattern"], &conditions).expect("a pattern");
    let pattern = serde_json::to_value(pattern).unwrap();
    let text = pattern.to_string();
    assert!(!text.contains("Fn::") && !text.contains("\"Ref\""), "unresolved: {text}");
    pattern
}

/// A versioned bucket whose policy lets anyone read it, holding `key` with the card numbers,
/// a content type, user metadata and two tags. Returns the object's version and size.
async fn public_bucket_with_cards(em: &Emulator, bucket: &str, key: &str, body: Vec<u8>) -> (String, u64) {
    em.s3.create_bucket().bucket(bucket).send().await.unwrap();
    em.s3
        .put_bucket_versioning()
        .bucket(bucket)
        .versioning_configuration(
            VersioningConfiguration::builder().status(BucketVersioningStatus::Enabled).build(),
        )
        .send()
        .await
        .unwrap();
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Sid": "PublicRead", "Effect": "Allow",
        "Principal": "*", "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{bucket}/*")}]});
    em.s3.put_bucket_policy().bucket(bucket).policy(policy.to_string()).send().await.unwrap();
    let status = em.s3.get_bucket_policy_status().bucket(bucket).send().await.unwrap();
    assert_eq!(
        status.policy_status().and_then(|s| s.is_public()),
        Some(true),
        "the scenario's bucket is public"
    );
    let size = body.len() as u64;
    let put = em
        .s3
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(ByteStream::from(body))
        .content_type("text/csv")
        .metadata("origin", "nightly-export")
        .tagging("owner=team-a&env=prod")
        .send()
        .await
        .unwrap();
    (put.version_id().unwrap().to_string(), size)
}

/// The `detail` of a `Sluice Finding` as the scanner publishes it (Macie's field names, the
/// types and counts found and where, never a value): the sample event of `events/`, pointed
/// at this test's object, with the given severity score.
fn finding_detail(bucket: &str, key: &str, version: &str, size: u64, score: u8) -> Value {
    let sample: Value = serde_json::from_str(&cfn::repo_file("events/sluice-finding.json")).unwrap();
    let mut d = sample["detail"].clone();
    d["id"] = json!(format!("sluice-{bucket}-{score}"));
    let description = ["", "Low", "Medium", "High"][score as usize];
    d["severity"] = json!({"description": description, "score": score});
    let b = &mut d["resourcesAffected"]["s3Bucket"];
    b["name"] = json!(bucket);
    b["arn"] = json!(format!("arn:aws:s3:::{bucket}"));
    let o = &mut d["resourcesAffected"]["s3Object"];
    o["bucketArn"] = json!(format!("arn:aws:s3:::{bucket}"));
    o["key"] = json!(key);
    o["path"] = json!(format!("{bucket}/{key}"));
    o["versionId"] = json!(version);
    o["size"] = json!(size);
    d["classificationDetails"]["result"]["sizeClassified"] = json!(size);
    d
}

/// The bucket and object state remediation may change, to compare before and after.
#[derive(Debug, PartialEq)]
struct Snapshot {
    public_access_block: Option<String>,
    encryption: Option<String>,
    policy_public: Option<bool>,
    versions: Vec<String>,
    current_encryption: Option<String>,
    tags: BTreeMap<String, String>,
}

async fn snapshot(em: &Emulator, bucket: &str, key: &str) -> Snapshot {
    let pab = em.s3.get_public_access_block().bucket(bucket).send().await.ok();
    let encryption = em.s3.get_bucket_encryption().bucket(bucket).send().await.ok();
    let policy = em.s3.get_bucket_policy_status().bucket(bucket).send().await.unwrap();
    let versions = em.s3.list_object_versions().bucket(bucket).prefix(key).send().await.unwrap();
    let head = em.s3.head_object().bucket(bucket).key(key).send().await.unwrap();
    Snapshot {
        public_access_block: pab.map(|p| format!("{:?}", p.public_access_block_configuration())),
        encryption: encryption.map(|e| format!("{:?}", e.server_side_encryption_configuration())),
        policy_public: policy.policy_status().and_then(|s| s.is_public()),
        versions: versions.versions().iter().filter_map(|v| v.version_id().map(str::to_string)).collect(),
        current_encryption: head.server_side_encryption().map(|s| s.as_str().to_string()),
        tags: object_tags(em, bucket, key).await,
    }
}

async fn object_tags(em: &Emulator, bucket: &str, key: &str) -> BTreeMap<String, String> {
    let out = em.s3.get_object_tagging().bucket(bucket).key(key).send().await.unwrap();
    out.tag_set().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect()
}

async fn body(em: &Emulator, bucket: &str, key: &str) -> Vec<u8> {
    let out = em.s3.get_object().bucket(bucket).key(key).send().await.unwrap();
    out.body.collect().await.unwrap().into_bytes().to_vec()
}

fn outcomes(handled: &Handled) -> Vec<(ActionKind, Outcome)> {
    handled.record.actions.iter().map(|a| (a.kind, a.outcome)).collect()
}

/// Fails if any planted card number, spaced or not, appears in `text`.
fn assert_no_card_number(what: &str, text: &str) {
    for card in CARDS {
        let digits: String = card.chars().filter(char::is_ascii_digit).collect();
        assert!(!text.contains(card) && !text.contains(&digits), "{what} holds a planted card number");
    }
}

fn s(item: &HashMap<String, AttributeValue>, name: &str) -> String {
    item[name].as_s().unwrap().clone()
}

#[test]
fn the_template_rule_pattern_routes_findings_at_or_above_medium_by_default() {
    let pattern = remediation_rule_pattern(&cfn::template());
    assert_eq!(
        pattern,
        json!({"source": ["sluice"], "detail-type": ["Sluice Finding"],
               "detail": {"archived": [false], "severity": {"score": [{"numeric": [">=", 2]}]}}})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enforce_closes_a_public_bucket_and_a_second_run_changes_nothing() {
    let em = Emulator::connect().await;
    let name = support::unique("sluice-e2e-enforce");
    let stack = Stack::deploy(&em, &name).await;
    let (bucket, key) = (format!("{name}-data"), "exports/cards 2026.csv".to_string());
    let (version, size) = public_bucket_with_cards(&em, &bucket, &key, card_csv().into_bytes()).await;

    // The rule pattern is really applied: a Low finding is left out, the High one routed.
    let routed = stack
        .publish(
            &em,
            &[
                finding_detail(&bucket, &key, &version, size, 1),
                finding_detail(&bucket, &key, &version, size, 3),
            ],
        )
        .await;
    assert_eq!(routed.len(), 1, "{routed:?}");
    assert_eq!(routed[0]["detail"]["severity"]["score"], 3);
    let event = routed[0].clone();

    let remediator = stack.remediator(&em, Mode::Enforce, CopySettings::default()).await;
    let first = remediator.handle(event.clone()).await.unwrap();
    assert_eq!(first.record.status, RecordStatus::Remediated, "{:?}", first.record);
    assert_eq!(
        outcomes(&first),
        vec![
            (ActionKind::BlockPublicAccess, Outcome::Done),
            (ActionKind::DefaultEncryption, Outcome::Done),
            (ActionKind::TagObject, Outcome::Done),
            (ActionKind::EncryptObject, Outcome::Done),
        ]
    );

    // The bucket: Block Public Access all on, SSE-KMS by default with the bucket key.
    let pab = em.s3.get_public_access_block().bucket(&bucket).send().await.unwrap();
    let pab = pab.public_access_block_configuration().unwrap();
    assert_eq!(
        [
            pab.block_public_acls(),
            pab.ignore_public_acls(),
            pab.block_public_policy(),
            pab.restrict_public_buckets()
        ],
        [Some(true); 4]
    );
    let encryption = em.s3.get_bucket_encryption().bucket(&bucket).send().await.unwrap();
    let rule = &encryption.server_side_encryption_configuration().unwrap().rules()[0];
    let default = rule.apply_server_side_encryption_by_default().unwrap();
    assert_eq!(default.sse_algorithm().as_str(), "aws:kms");
    assert_eq!(default.kms_master_key_id(), Some(KMS_KEY));
    assert_eq!(rule.bucket_key_enabled(), Some(true));

    // The object: a new version, re-encrypted with the key, content, type, metadata and the
    // old tags kept, Sluice's tags added.
    let head = em.s3.head_object().bucket(&bucket).key(&key).send().await.unwrap();
    assert_ne!(head.version_id(), Some(version.as_str()));
    assert_eq!(head.server_side_encryption().map(|s| s.as_str()), Some("aws:kms"));
    assert!(
        head.ssekms_key_id().is_some_and(|k| k.ends_with("4f8e2c1a-9b7d-4e3f-a1c2-5d6e7f809a1b")),
        "{head:?}"
    );
    assert_eq!(head.content_type(), Some("text/csv"));
    assert_eq!(head.metadata().unwrap().get("origin").map(String::as_str), Some("nightly-export"));
    assert_eq!(body(&em, &bucket, &key).await, card_csv().into_bytes());
    let tags = object_tags(&em, &bucket, &key).await;
    let expected: BTreeMap<String, String> = [
        ("owner", "team-a"),
        ("env", "prod"),
        ("sluice:sensitivity", "high"),
        ("sluice:types", "CREDIT_CARD_NUMBER"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(tags, expected);

    // Twice: nothing changes, and the record says so.
    let before = snapshot(&em, &bucket, &key).await;
    let second = remediator.handle(event).await.unwrap();
    assert_eq!(second.record.status, RecordStatus::Compliant, "{:?}", second.record);
    assert!(second
        .record
        .actions
        .iter()
        .all(|a| a.outcome == Outcome::AlreadyCompliant && a.changes.is_empty()));
    assert_eq!(snapshot(&em, &bucket, &key).await, before);

    // The audit: two items under the object, two events; types and counts, no value.
    let items = stack.audit_items(&em, &object_pk(&bucket, &key)).await;
    let statuses: Vec<String> = items.iter().map(|i| s(i, "status")).collect();
    assert_eq!(statuses, vec!["REMEDIATED", "COMPLIANT"], "sorted by time");
    for item in &items {
        assert_eq!(s(item, "recordType"), "REMEDIATION");
        assert_eq!(s(item, "findingId"), format!("sluice-{bucket}-3"));
        assert!(item["expiresAt"].as_n().unwrap().parse::<u64>().unwrap() > 1_800_000_000);
        assert_no_card_number("an audit item", &format!("{item:?}"));
    }
    let record = items[0]["record"].as_m().unwrap();
    let types = record["detectedTypes"].as_l().unwrap()[0].as_m().unwrap();
    assert_eq!(types["type"].as_s().unwrap(), "CREDIT_CARD_NUMBER");
    assert_eq!(types["count"].as_n().unwrap(), "3");
    let events = stack.remediation_events(&em).await;
    let statuses: Vec<&str> = events.iter().map(|e| e["detail"]["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, vec!["REMEDIATED", "COMPLIANT"]);
    for e in &events {
        assert_eq!(e["source"], "sluice");
        assert_eq!(e["detail-type"], "Sluice Remediation");
        assert_no_card_number("a Sluice Remediation event", &e.to_string());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_changes_nothing_and_records_the_plan() {
    let em = Emulator::connect().await;
    let name = support::unique("sluice-e2e-dry-run");
    let stack = Stack::deploy(&em, &name).await;
    let (bucket, key) = (format!("{name}-data"), "cards.csv".to_string());
    let (version, size) = public_bucket_with_cards(&em, &bucket, &key, card_csv().into_bytes()).await;
    let before = snapshot(&em, &bucket, &key).await;
    assert_eq!(before.public_access_block, None);
    assert_eq!(before.policy_public, Some(true));

    let routed = stack.publish(&em, &[finding_detail(&bucket, &key, &version, size, 3)]).await;
    assert_eq!(routed.len(), 1);
    let remediator = stack.remediator(&em, Mode::DryRun, CopySettings::default()).await;
    let handled = remediator.handle(routed[0].clone()).await.unwrap();

    assert_eq!(handled.record.status, RecordStatus::DryRun);
    assert_eq!(
        outcomes(&handled),
        vec![
            (ActionKind::BlockPublicAccess, Outcome::WouldChange),
            (ActionKind::DefaultEncryption, Outcome::WouldChange),
            (ActionKind::TagObject, Outcome::WouldChange),
            (ActionKind::EncryptObject, Outcome::WouldChange),
        ]
    );
    assert_eq!(snapshot(&em, &bucket, &key).await, before, "dry-run changed the bucket or the object");

    let items = stack.audit_items(&em, &object_pk(&bucket, &key)).await;
    assert_eq!(items.len(), 1);
    assert_eq!(s(&items[0], "status"), "DRY_RUN");
    assert_eq!(s(&items[0], "mode"), "dry-run");
    let actions = items[0]["record"].as_m().unwrap()["actions"].as_l().unwrap();
    let planned: Vec<(String, String)> = actions
        .iter()
        .map(|a| {
            let a = a.as_m().unwrap();
            (a["kind"].as_s().unwrap().clone(), a["outcome"].as_s().unwrap().clone())
        })
        .collect();
    assert_eq!(
        planned,
        ["block-public-access", "default-encryption", "tag-object", "encrypt-object"]
            .map(|k| (k.to_string(), "WOULD_CHANGE".to_string()))
    );
    let changes = actions[0].as_m().unwrap()["changes"].as_l().unwrap();
    assert!(changes[0].as_s().unwrap().contains("Block Public Access"));
    assert_no_card_number("the dry-run item", &format!("{items:?}"));
    let events = stack.remediation_events(&em).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["detail"]["status"], "DRY_RUN");
    assert_no_card_number("the dry-run event", &events[0].to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_opted_out_bucket_is_untouched() {
    let em = Emulator::connect().await;
    let name = support::unique("sluice-e2e-opt-out");
    let stack = Stack::deploy(&em, &name).await;
    let (bucket, key) = (format!("{name}-data"), "cards.csv".to_string());
    let (version, size) = public_bucket_with_cards(&em, &bucket, &key, card_csv().into_bytes()).await;
    // Tagged after the scan: the finding does not carry the tag, the remediator reads it.
    em.s3
        .put_bucket_tagging()
        .bucket(&bucket)
        .tagging(
            Tagging::builder()
                .tag_set(
                    aws_sdk_s3::types::Tag::builder()
                        .key("sluice:remediation")
                        .value("skip")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let before = snapshot(&em, &bucket, &key).await;

    let routed = stack.publish(&em, &[finding_detail(&bucket, &key, &version, size, 3)]).await;
    let remediator = stack.remediator(&em, Mode::Enforce, CopySettings::default()).await;
    let handled = remediator.handle(routed[0].clone()).await.unwrap();

    assert_eq!(handled.record.status, RecordStatus::Skipped);
    assert_eq!(handled.record.skipped, Some(SkipReason::OptedOut));
    assert!(handled.record.actions.is_empty());
    assert_eq!(snapshot(&em, &bucket, &key).await, before, "an opted-out bucket was changed");
    let items = stack.audit_items(&em, &object_pk(&bucket, &key)).await;
    assert_eq!(items.len(), 1);
    assert_eq!(s(&items[0], "status"), "SKIPPED");
    assert_eq!(items[0]["record"].as_m().unwrap()["skipped"].as_s().unwrap(), "opted-out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_object_is_re_encrypted_by_a_multipart_copy() {
    let em = Emulator::connect().await;
    let name = support::unique("sluice-e2e-multipart");
    let stack = Stack::deploy(&em, &name).await;
    let (bucket, key) = (format!("{name}-data"), "big/cards.csv".to_string());
    // 11 MiB: above a 6 MiB threshold, copied in parts of 5, 5 and 1 MiB (S3's smallest
    // part is 5 MiB, which the emulator enforces too).
    let mut content = card_csv().into_bytes();
    content.extend((0..11 * 1024 * 1024 - content.len()).map(|i| b"0123456789,\n"[i % 12]));
    let (version, size) = public_bucket_with_cards(&em, &bucket, &key, content.clone()).await;

    let routed = stack.publish(&em, &[finding_detail(&bucket, &key, &version, size, 3)]).await;
    let copy = CopySettings { multipart_threshold: 6 * 1024 * 1024, part_size: 5 * 1024 * 1024 };
    let remediator = stack.remediator(&em, Mode::Enforce, copy).await;
    let handled = remediator.handle(routed[0].clone()).await.unwrap();
    assert_eq!(handled.record.status, RecordStatus::Remediated, "{:?}", handled.record);

    let head = em.s3.head_object().bucket(&bucket).key(&key).send().await.unwrap();
    assert!(head.e_tag().unwrap().ends_with("-3\""), "a three-part upload: {:?}", head.e_tag());
    assert_eq!(head.server_side_encryption().map(|s| s.as_str()), Some("aws:kms"));
    assert_eq!(head.content_type(), Some("text/csv"));
    assert_eq!(head.metadata().unwrap().get("origin").map(String::as_str), Some("nightly-export"));
    assert_eq!(head.content_length(), Some(size as i64));
    assert!(body(&em, &bucket, &key).await == content, "the copy's bytes differ from the source's");
    let tags = object_tags(&em, &bucket, &key).await;
    assert_eq!(tags.get("owner").map(String::as_str), Some("team-a"));
    assert_eq!(tags.get("sluice:types").map(String::as_str), Some("CREDIT_CARD_NUMBER"));

    // Once encrypted, a second run copies nothing.
    let again = remediator.handle(routed[0].clone()).await.unwrap();
    assert_eq!(again.record.status, RecordStatus::Compliant);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_are_audited_and_only_retryable_ones_fail_the_invocation() {
    let em = Emulator::connect().await;
    let name = support::unique("sluice-e2e-failures");
    let stack = Stack::deploy(&em, &name).await;
    let policy =
        load_policy(&em.s3, &stack.config, &LoadOptions::default(), Some(Mode::Enforce)).await.unwrap();
    let audit =
        || AuditSink::new(em.dynamodb.clone(), em.events.clone(), &stack.table, &stack.bus, AUDIT_RETENTION);

    // A permanent failure through the real adapter: the bucket is gone. Recorded, and the
    // invocation succeeds, since a retry would fail the same way.
    let gone = format!("{name}-gone");
    let routed = stack.publish(&em, &[finding_detail(&gone, "cards.csv", "v1", 80, 3)]).await;
    let s3 = S3RemediationTarget::new(aws_sdk_s3::Client::new(&em.config), tokio::runtime::Handle::current());
    let handled =
        Remediator::new(policy.clone(), Arc::new(s3), audit()).handle(routed[0].clone()).await.unwrap();
    assert_eq!(handled.record.status, RecordStatus::Failed);
    assert!(!handled.record.retryable);
    let reason = handled.record.reason.clone().unwrap();
    assert!(reason.contains("GetBucketTagging") && reason.contains("NoSuchBucket"), "{reason}");

    // A retryable failure (S3 throttling, injected in the in-memory S3): the record is
    // written, then the invocation fails so that Lambda retries it and, in the end, the
    // dead-letter queue takes it.
    let throttled = format!("{name}-throttled");
    let fake = sluice_remediate::fakes::FakeS3::new();
    fake.add_bucket(&throttled);
    fake.fail_next(
        "put_public_access_block",
        sluice_remediate::TargetError::new(
            sluice_remediate::TargetErrorKind::Transient,
            "PutPublicAccessBlock s3://b: SlowDown: Please reduce your request rate.",
        ),
    );
    let routed = stack.publish(&em, &[finding_detail(&throttled, "cards.csv", "v1", 80, 3)]).await;
    let error = Remediator::new(policy, Arc::new(fake), audit()).handle(routed[0].clone()).await.unwrap_err();
    assert!(matches!(error, remediator::HandleError::Retryable { .. }), "{error}");
    assert!(error.to_string().contains("SlowDown"), "{error}");
    let items = stack.audit_items(&em, &object_pk(&throttled, "cards.csv")).await;
    assert_eq!(items.len(), 1);
    assert_eq!(s(&items[0], "status"), "FAILED");
    assert_eq!(items[0]["record"].as_m().unwrap()["retryable"].as_bool().unwrap(), &true);
}

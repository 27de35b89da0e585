//! What the end-to-end tests and the latency bench share: the emulator's clients, names that
//! no other test uses, and the deployment's resources created in the emulator as
//! `template.yaml` declares them. Each test binary declares `mod support;` and uses its part.

// Each test binary uses part of this module.
#![allow(dead_code)]

pub mod cfn;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType,
};
use aws_sdk_eventbridge::types::{RuleState, Target};
use aws_sdk_sqs::types::QueueAttributeName;
use serde_json::{json, Value};
use sluice_scanner::Settings;

/// The emulator's account and region (scripts/with-moto.sh sets them for the SDK too).
pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";

/// The emulator's clients. Without `AWS_ENDPOINT_URL` the SDK would go to AWS itself: refuse.
pub struct Emulator {
    pub config: SdkConfig,
    pub s3: aws_sdk_s3::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub events: aws_sdk_eventbridge::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub hub: aws_sdk_securityhub::Client,
}

impl Emulator {
    pub async fn connect() -> Emulator {
        if std::env::var("AWS_ENDPOINT_URL").map_or(true, |v| v.is_empty()) {
            panic!(
                "AWS_ENDPOINT_URL is not set: these tests need the local AWS emulator. Run them with \
                 `scripts/with-moto.sh cargo test -p sluice-e2e`"
            );
        }
        let config = aws_config::defaults(BehaviorVersion::latest()).load().await;
        Emulator {
            s3: aws_sdk_s3::Client::new(&config),
            dynamodb: aws_sdk_dynamodb::Client::new(&config),
            events: aws_sdk_eventbridge::Client::new(&config),
            sqs: aws_sdk_sqs::Client::new(&config),
            hub: aws_sdk_securityhub::Client::new(&config),
            config,
        }
    }
}

/// A name no other test, nor an earlier run against the same emulator, uses.
pub fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{prefix}-{nanos:08x}{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The findings table with the template's key schema, attribute definitions and indexes.
pub async fn create_findings_table(em: &Emulator, name: &str) {
    let template = cfn::template();
    let props = &template["Resources"]["FindingsTable"]["Properties"];
    let key_schema = |keys: &serde_yaml_ng::Value| -> Vec<KeySchemaElement> {
        keys.as_sequence()
            .unwrap()
            .iter()
            .map(|k| {
                KeySchemaElement::builder()
                    .attribute_name(k["AttributeName"].as_str().unwrap())
                    .key_type(KeyType::from(k["KeyType"].as_str().unwrap()))
                    .build()
                    .unwrap()
            })
            .collect()
    };
    let definitions = props["AttributeDefinitions"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|d| {
            AttributeDefinition::builder()
                .attribute_name(d["AttributeName"].as_str().unwrap())
                .attribute_type(ScalarAttributeType::from(d["AttributeType"].as_str().unwrap()))
                .build()
                .unwrap()
        })
        .collect();
    let indexes = props["GlobalSecondaryIndexes"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|g| {
            assert_eq!(g["Projection"]["ProjectionType"].as_str(), Some("ALL"));
            GlobalSecondaryIndex::builder()
                .index_name(g["IndexName"].as_str().unwrap())
                .set_key_schema(Some(key_schema(&g["KeySchema"])))
                .projection(Projection::builder().projection_type(ProjectionType::All).build())
                .build()
                .unwrap()
        })
        .collect();
    assert_eq!(props["BillingMode"].as_str(), Some("PAY_PER_REQUEST"));
    em.dynamodb
        .create_table()
        .table_name(name)
        .set_key_schema(Some(key_schema(&props["KeySchema"])))
        .set_attribute_definitions(Some(definitions))
        .set_global_secondary_indexes(Some(indexes))
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap();
}

/// A new queue's URL.
pub async fn queue(em: &Emulator, name: &str) -> String {
    em.sqs.create_queue().queue_name(name).send().await.unwrap().queue_url().unwrap().to_string()
}

/// A rule on `bus` sending what matches `pattern` to the queue.
pub async fn route(em: &Emulator, bus: &str, rule: &str, pattern: &Value, queue_url: &str) {
    let attributes = em
        .sqs
        .get_queue_attributes()
        .queue_url(queue_url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap();
    let arn = attributes.attributes().unwrap()[&QueueAttributeName::QueueArn].clone();
    em.events
        .put_rule()
        .name(rule)
        .event_bus_name(bus)
        .event_pattern(pattern.to_string())
        .state(RuleState::Enabled)
        .send()
        .await
        .unwrap();
    em.events
        .put_targets()
        .rule(rule)
        .event_bus_name(bus)
        .targets(Target::builder().id("queue").arn(arn).build().unwrap())
        .send()
        .await
        .unwrap();
}

/// The queue's messages as JSON, each deleted once read: polls until a poll comes back empty
/// after something arrived, or `wait` passes with nothing (the emulator delivers a bus event
/// to its queue before `PutEvents` returns, so nothing is still in flight then).
pub async fn receive(em: &Emulator, queue_url: &str, wait: Duration) -> Vec<Value> {
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + wait;
    while tokio::time::Instant::now() < deadline {
        let got = em
            .sqs
            .receive_message()
            .queue_url(queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap();
        if got.messages().is_empty() && !out.is_empty() {
            break;
        }
        for m in got.messages() {
            out.push(serde_json::from_str(m.body().unwrap()).unwrap());
            em.sqs
                .delete_message()
                .queue_url(queue_url)
                .receipt_handle(m.receipt_handle().unwrap())
                .send()
                .await
                .unwrap();
        }
    }
    out
}

/// What the scanner writes to, as the template deploys it: the monitored bucket, the results
/// bucket, the findings table, and a rule on the default bus sending the monitored bucket's
/// `sluice` events to a queue the test reads.
pub struct ScannerStack {
    pub source: String,
    pub results: String,
    pub table: String,
    pub queue_url: String,
}

impl ScannerStack {
    pub async fn deploy(em: &Emulator, name: &str) -> ScannerStack {
        let source = unique(&format!("src-{name}"));
        let results = unique(&format!("res-{name}"));
        let table = unique(&format!("findings-{name}"));
        for b in [&source, &results] {
            em.s3.create_bucket().bucket(b).send().await.unwrap();
        }
        create_findings_table(em, &table).await;
        let queue_url = queue(em, &unique(&format!("bus-{name}"))).await;
        let pattern = json!({"source": ["sluice"], "detail": {"resourcesAffected": {"s3Bucket": {"name": [source.clone()]}}}});
        route(em, "default", &unique(&format!("rule-{name}")), &pattern, &queue_url).await;
        ScannerStack { source, results, table, queue_url }
    }

    /// The scanner's settings as the template's environment variables give them.
    pub fn settings(&self) -> Settings {
        Settings {
            table: self.table.clone(),
            results_bucket: self.results.clone(),
            results_kms_key: Some("alias/sluice-results".into()),
            event_bus: None,
            account_id: ACCOUNT.into(),
            region: REGION.into(),
            partition: "aws".into(),
            config: None,
            security_hub: true,
            retention: None,
            object_time_limit: Some(std::time::Duration::from_secs(240)),
        }
    }
}

//! Pipeline latency of the scanner through the local AWS emulator: for each of 100 uploads of
//! a ~100 KB CSV with planted card numbers and SSNs, the time from the start of `PutObject`
//! to the object's item being readable in DynamoDB, and to its `Sluice Finding` event
//! arriving in an SQS queue behind an EventBridge rule. The handler is the one the Lambda runs
//! (`ScannerApp`), invoked in-process with a direct S3 event right after the put, so each
//! figure covers the S3 read, the scan, DynamoDB, Security Hub, EventBridge and the results
//! write. A measurement, not a test: it prints figures and fails only if the pipeline does.
//!
//!   scripts/with-moto.sh cargo bench -p sluice-e2e --bench scanner_latency
//!
//! (scripts/measure-latency.sh runs this and the cold-start measurement.)

use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_s3::primitives::ByteStream;
use serde_json::json;
use sluice_scanner::ScannerApp;
use support::{Emulator, ScannerStack};

mod support;

const UPLOADS: usize = 100;
const OBJECT_BYTES: usize = 100 * 1024;

/// A tiny deterministic generator (SplitMix64), so every run scans the same bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A 16-digit Visa-prefixed number whose check digit passes Luhn.
fn luhn_card(rng: &mut Rng) -> String {
    let mut digits: Vec<u32> = vec![4];
    while digits.len() < 15 {
        digits.push(rng.below(10) as u32);
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    digits.push((10 - sum % 10) % 10);
    digits.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect()
}

/// A well-formed SSN: area 001-665 or 667-899, group and serial not zero.
fn ssn(rng: &mut Rng) -> String {
    let area = loop {
        let a = 1 + rng.below(899);
        if a != 666 {
            break a;
        }
    };
    format!("{area:03}-{:02}-{:04}", 1 + rng.below(99), 1 + rng.below(9999))
}

/// ~100 KB of CSV order lines, with a card number and an SSN planted on three rows.
fn object(rng: &mut Rng) -> (Vec<u8>, Vec<String>) {
    let mut text = String::from("order_id,customer,ssn,credit_card_number,amount,comment\n");
    let mut planted = Vec::new();
    let mut row = 0u64;
    while text.len() < OBJECT_BYTES {
        let (ssn_value, card) = if row % 400 == 7 {
            let (s, c) = (ssn(rng), luhn_card(rng));
            planted.push(s.clone());
            planted.push(c.clone());
            (s, c)
        } else {
            (String::new(), String::new())
        };
        text.push_str(&format!(
            "{row},customer {},{ssn_value},{card},{}.{:02},delivered on time\n",
            rng.below(10_000),
            rng.below(1000),
            rng.below(100)
        ));
        row += 1;
    }
    (text.into_bytes(), planted)
}

fn s3_put_event(bucket: &str, key: &str, size: usize) -> serde_json::Value {
    json!({"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
        "eventTime": "2026-11-27T00:00:00.000Z", "eventName": "ObjectCreated:Put",
        "s3": {"s3SchemaVersion": "1.0", "bucket": {"name": bucket, "arn": format!("arn:aws:s3:::{bucket}")},
               "object": {"key": key, "size": size, "sequencer": "0A"}}
    }]})
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<32} p50 {:>7.1} ms   p95 {:>7.1} ms   max {:>7.1} ms   (n={})",
        ms(percentile(&samples, 50.0)),
        ms(percentile(&samples, 95.0)),
        ms(*samples.last().unwrap()),
        samples.len()
    );
}

fn main() {
    if std::env::var("AWS_ENDPOINT_URL").is_err() {
        eprintln!("scanner_latency needs the AWS emulator: scripts/with-moto.sh cargo bench -p sluice-e2e --bench scanner_latency");
        std::process::exit(2);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(measure());
}

async fn measure() {
    let em = Emulator::connect().await;
    let stack = ScannerStack::deploy(&em, "latency").await;
    let app = std::sync::Arc::new(ScannerApp::new(stack.settings(), &em.config).await.expect("scanner app"));
    let (s3, ddb, sqs) = (&em.s3, &em.dynamodb, &em.sqs);

    let mut rng = Rng(2026);
    let (mut put_t, mut handler_t, mut item_t, mut event_t) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..UPLOADS {
        let (body, planted) = object(&mut rng);
        let key = format!("uploads/orders-{i:03}.csv");
        let size = body.len();
        let start = Instant::now();
        s3.put_object()
            .bucket(&stack.source)
            .key(&key)
            .body(ByteStream::from(body))
            .send()
            .await
            .expect("put");
        put_t.push(start.elapsed());
        let handler_start = Instant::now();
        let answer = app.clone().handle(s3_put_event(&stack.source, &key, size)).await.expect("handler");
        handler_t.push(handler_start.elapsed());
        assert_eq!(answer["temporaryFailures"], 0, "upload {i}: {answer}");

        let item = loop {
            let got = ddb
                .get_item()
                .table_name(&stack.table)
                .consistent_read(true)
                .key("pk", AttributeValue::S(format!("OBJECT#{}#{key}", stack.source)))
                .key("sk", AttributeValue::S("VERSION#null".into()))
                .send()
                .await
                .expect("get item");
            if let Some(item) = got.item {
                break item;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "upload {i}: no item after 30 s");
        };
        item_t.push(start.elapsed());
        let types = item.get("types").and_then(|t| t.as_ss().ok()).cloned().unwrap_or_default();
        assert!(
            types.iter().any(|t| t == "CREDIT_CARD_NUMBER")
                && types.iter().any(|t| t == "USA_SOCIAL_SECURITY_NUMBER"),
            "upload {i}: the item misses the planted types: {types:?}"
        );

        let body = 'received: loop {
            let got = sqs
                .receive_message()
                .queue_url(&stack.queue_url)
                .max_number_of_messages(10)
                .send()
                .await
                .expect("receive");
            for m in got.messages.unwrap_or_default() {
                sqs.delete_message()
                    .queue_url(&stack.queue_url)
                    .receipt_handle(m.receipt_handle().unwrap())
                    .send()
                    .await
                    .expect("delete");
                let body = m.body.unwrap_or_default();
                if body.contains(&key) {
                    break 'received body;
                }
            }
            assert!(start.elapsed() < Duration::from_secs(30), "upload {i}: no bus event after 30 s");
        };
        event_t.push(start.elapsed());
        assert!(
            !planted.iter().any(|v| body.contains(v.as_str())),
            "upload {i}: the bus event holds a planted value"
        );
    }

    println!(
        "scanner pipeline latency through the emulator: {UPLOADS} uploads of {} KB CSV, release build",
        OBJECT_BYTES / 1024
    );
    report("PutObject", put_t);
    report("handler (scan + writes)", handler_t);
    report("put start -> item in DynamoDB", item_t);
    report("put start -> event from the bus", event_t);
}

//! The events as AWS (and moto) put them on the wire, read leniently.
//!
//! Only a bucket name and a key are required: every other field is optional because producers
//! differ (moto omits `sequencer`, `versionId`, `userIdentity`…), and unknown fields are ignored
//! because AWS adds fields within a major version. `aws_lambda_events` is not used for S3 records
//! because it requires `userIdentity` and fails on moto's events.

use serde::Deserialize;
use serde_json::{Map, Value};

/// One record of an S3 event notification (`{"Records":[…]}`), event version 2.x.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct S3Record {
    #[serde(default)]
    pub event_name: Option<String>,
    #[serde(default)]
    pub event_time: Option<String>,
    pub s3: S3Entity,
}

#[derive(Debug, Deserialize)]
pub(crate) struct S3Entity {
    pub bucket: Bucket,
    pub object: S3Object,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Bucket {
    pub name: String,
}

/// `key` is form-urlencoded here.
#[derive(Debug, Deserialize)]
pub(crate) struct S3Object {
    pub key: String,
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default, rename = "eTag", alias = "etag")]
    pub etag: Option<String>,
    #[serde(default, rename = "versionId")]
    pub version_id: Option<String>,
    #[serde(default)]
    pub sequencer: Option<String>,
}

/// An EventBridge event; `detail` is read as [`EventBridgeS3Detail`] once `source` says S3.
#[derive(Debug, Deserialize)]
pub(crate) struct EventBridgeEvent {
    #[serde(rename = "detail-type")]
    pub detail_type: String,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub time: Option<String>,
    #[serde(default)]
    pub detail: Value,
}

#[derive(Debug, Deserialize)]
pub(crate) struct EventBridgeS3Detail {
    pub bucket: Bucket,
    pub object: EventBridgeS3Object,
}

/// The key is not encoded here. Real S3 says `etag`, moto `eTag`; moto says `version-id: "null"`.
#[derive(Debug, Deserialize)]
pub(crate) struct EventBridgeS3Object {
    pub key: String,
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default, rename = "etag", alias = "eTag")]
    pub etag: Option<String>,
    #[serde(default, rename = "version-id")]
    pub version_id: Option<String>,
    #[serde(default)]
    pub sequencer: Option<String>,
}

/// One record of an SQS → Lambda event. The `messageId` is what a partial batch response names.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SqsRecord {
    pub message_id: String,
    #[serde(default)]
    pub body: String,
    #[serde(default, rename = "eventSourceARN")]
    pub event_source_arn: Option<String>,
}

/// One record of an SNS → Lambda event.
#[derive(Debug, Deserialize)]
pub(crate) struct SnsRecord {
    #[serde(rename = "Sns")]
    pub sns: SnsEnvelope,
}

/// An SNS message, as delivered to Lambda or (without raw delivery) as an SQS body.
#[derive(Debug, Deserialize)]
pub(crate) struct SnsEnvelope {
    #[serde(rename = "Message")]
    pub message: String,
}

/// An S3 Batch Operations invocation; `tasks` are read one by one so that a bad task fails alone.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BatchInvocation {
    pub invocation_schema_version: String,
    pub invocation_id: String,
    #[serde(default)]
    pub job: BatchJobWire,
    pub tasks: Vec<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BatchJobWire {
    #[serde(default)]
    pub id: Option<String>,
    /// Schema 2.0 only; S3 allows at most 10, string to string.
    #[serde(default)]
    pub user_arguments: Option<Map<String, Value>>,
}

/// Schema 1.0 names the bucket by ARN (`s3BucketArn`), 2.0 by name (`s3Bucket`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BatchTask {
    pub s3_key: String,
    #[serde(default)]
    pub s3_version_id: Option<String>,
    #[serde(default)]
    pub s3_bucket: Option<String>,
    #[serde(default)]
    pub s3_bucket_arn: Option<String>,
}

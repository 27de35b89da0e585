//! Sensitive data discovery results: one gzip JSON Lines object per scanned object, in the
//! results bucket under `AWSLogs/ACCOUNT/Sluice/REGION/`, encrypted with SSE-KMS.

use std::io::Write;

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ServerSideEncryption;
use aws_sdk_s3::Client;
use flate2::write::GzEncoder;
use serde_json::json;
use sluice_finding::ScanRecord;
use sluice_pipeline::ports::{PortError, ResultsArchive};
use tokio::runtime::Handle;

use crate::errors::port_error;

pub struct S3ResultsArchive {
    client: Client,
    runtime: Handle,
    bucket: String,
    /// Key id or ARN; `None` uses the account's AWS managed key for S3.
    kms_key_id: Option<String>,
    account_id: String,
    region: String,
}

impl S3ResultsArchive {
    pub fn new(
        client: Client,
        runtime: Handle,
        bucket: impl Into<String>,
        kms_key_id: Option<String>,
        account_id: impl Into<String>,
        region: impl Into<String>,
    ) -> Self {
        S3ResultsArchive {
            client,
            runtime,
            bucket: bucket.into(),
            kms_key_id,
            account_id: account_id.into(),
            region: region.into(),
        }
    }

    /// Where a record goes: dated by scan, named by a hash of what was scanned, so a
    /// redelivered event overwrites its own result instead of adding one.
    pub fn key_for(&self, record: &ScanRecord) -> String {
        results_key(&self.account_id, &self.region, record)
    }
}

pub fn results_key(account_id: &str, region: &str, record: &ScanRecord) -> String {
    let o = &record.object;
    let mut h = blake3::Hasher::new();
    for part in [o.bucket.as_str(), o.key.as_str(), o.version_id.as_deref().unwrap_or("null")] {
        h.update(part.as_bytes());
        h.update(b"\0");
    }
    h.update(o.sequencer.as_ref().map_or("", |s| s.as_str()).as_bytes());
    let day = record.scanned_at.get(..10).unwrap_or("unknown").replace('-', "/");
    format!(
        "AWSLogs/{account_id}/Sluice/{region}/{day}/{}/{}.jsonl.gz",
        o.bucket,
        &h.finalize().to_hex()[..32]
    )
}

/// The discovery result line, in the spirit of Macie's: what was scanned, where, and the
/// classification with up to 1,000 locations per type.
pub fn result_line(record: &ScanRecord, account_id: &str, region: &str, location: &str) -> serde_json::Value {
    let o = &record.object;
    json!({
        "version": "1.0",
        "accountId": account_id,
        "region": region,
        "scannedAt": record.scanned_at,
        "detailedResultsLocation": location,
        "resourcesAffected": {
            "s3Bucket": {
                "name": o.bucket,
                "publicAccess": {"effectivePermission": record.effective_permission().as_str()},
                "defaultServerSideEncryption": record.posture.default_encryption,
            },
            "s3Object": {
                "key": o.key,
                "versionId": o.version_id,
                "sequencer": o.sequencer,
                "eTag": record.meta.as_ref().and_then(|m| m.etag.clone()).or_else(|| o.etag.clone()),
                "size": record.meta.as_ref().map(|m| m.size).or(o.size),
                "serverSideEncryption": record.meta.as_ref().and_then(|m| m.server_side_encryption.clone()),
                "storageClass": record.meta.as_ref().and_then(|m| m.storage_class.clone()),
            },
        },
        "classificationDetails": {"result": record.result},
    })
}

impl ResultsArchive for S3ResultsArchive {
    fn put(&self, record: &ScanRecord) -> Result<String, PortError> {
        let key = self.key_for(record);
        let uri = format!("s3://{}/{}", self.bucket, key);
        let mut line = serde_json::to_vec(&result_line(record, &self.account_id, &self.region, &uri))
            .map_err(|e| PortError::Permanent(format!("serializing a discovery result: {e}")))?;
        line.push(b'\n');
        let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&line).and_then(|_| gz.flush()).map_err(|e| PortError::Permanent(e.to_string()))?;
        let body = gz.finish().map_err(|e| PortError::Permanent(e.to_string()))?;
        let request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(&key)
            .body(ByteStream::from(body))
            .content_type("application/x-ndjson")
            .content_encoding("gzip")
            .server_side_encryption(ServerSideEncryption::AwsKms)
            .set_ssekms_key_id(self.kms_key_id.clone())
            .bucket_key_enabled(true);
        self.runtime.block_on(request.send()).map_err(|e| port_error("PutObject (results)", &e))?;
        Ok(uri)
    }
}

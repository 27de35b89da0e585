//! Reading objects and bucket posture from S3.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use aws_sdk_s3::Client;
use sluice_finding::{BlockPublicAccess, BucketPosture, DefaultEncryption, ObjectMeta, ObjectRef, Reason};
use sluice_pipeline::ports::{
    BucketPostures, ObjectSource, OpenError, OpenedObject, PortError, PostureReading,
};
use tokio::runtime::Handle;
use tokio_util::io::SyncIoBridge;

use crate::errors::{code, is_retryable, port_error};

/// Storage classes whose objects must be restored before they can be read.
const ARCHIVED_CLASSES: &[&str] = &["GLACIER", "DEEP_ARCHIVE"];

/// Reads the exact object version an event names, as a stream.
pub struct S3ObjectSource {
    client: Client,
    runtime: Handle,
}

impl S3ObjectSource {
    pub fn new(client: Client, runtime: Handle) -> Self {
        S3ObjectSource { client, runtime }
    }
}

/// Macie's reason for an object S3 will not hand over, or `None` when the error is not about
/// the object (throttling, 5xx: worth a retry).
fn unavailable_reason(code: Option<&str>, status: Option<u16>) -> Option<Reason> {
    match code {
        Some("NoSuchKey" | "NoSuchVersion" | "NoSuchBucket") => Some(Reason::SourceObjectNoLongerAvailable),
        Some("AccessDenied" | "AllAccessDisabled") => Some(Reason::PermissionDenied),
        Some("InvalidObjectState") => Some(Reason::InvalidObjectState),
        Some(c) if c.starts_with("KMS") || c.contains("Kms") => Some(Reason::InvalidKmsKey),
        Some("InvalidArgument" | "InvalidRequest") => Some(Reason::InvalidEncryption),
        _ => match status {
            Some(404) => Some(Reason::SourceObjectNoLongerAvailable),
            Some(403) => Some(Reason::PermissionDenied),
            _ => None,
        },
    }
}

fn open_error<E: aws_smithy_types::error::metadata::ProvideErrorMetadata>(
    operation: &str,
    err: &aws_smithy_runtime_api::client::result::SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> OpenError {
    let status = err.raw_response().map(|r| r.status().as_u16());
    if !is_retryable(err) {
        if let Some(reason) = unavailable_reason(code(err), status) {
            return OpenError::Unavailable(reason);
        }
    }
    OpenError::Failed(port_error(operation, err))
}

impl ObjectSource for S3ObjectSource {
    fn open(&self, object: &ObjectRef) -> Result<OpenedObject, OpenError> {
        let request = self
            .client
            .get_object()
            .bucket(&object.bucket)
            .key(&object.key)
            .set_version_id(object.version_id.clone());
        let resp = self.runtime.block_on(request.send()).map_err(|e| open_error("GetObject", &e))?;
        if let Some(class) = resp.storage_class() {
            if ARCHIVED_CLASSES.contains(&class.as_str()) && resp.restore().is_none() {
                return Err(OpenError::Unavailable(Reason::InvalidObjectState));
            }
        }
        let meta = ObjectMeta {
            size: resp.content_length().and_then(|n| u64::try_from(n).ok()).unwrap_or_default(),
            content_type: resp.content_type().map(String::from),
            etag: resp.e_tag().map(|e| e.trim_matches('"').to_string()),
            version_id: resp.version_id().filter(|v| *v != "null").map(String::from),
            last_modified: resp.last_modified().map(|t| t.to_string()),
            server_side_encryption: resp.server_side_encryption().map(|s| s.as_str().to_string()),
            kms_key_id: resp.ssekms_key_id().map(String::from),
            storage_class: resp.storage_class().map(|s| s.as_str().to_string()),
        };
        let reader = resp.body.into_async_read();
        let body = SyncIoBridge::new_with_handle(reader, self.runtime.clone());
        Ok(OpenedObject { meta, body: Box::new(body) })
    }

    fn tags(&self, object: &ObjectRef) -> Result<Vec<(String, String)>, OpenError> {
        let request = self
            .client
            .get_object_tagging()
            .bucket(&object.bucket)
            .key(&object.key)
            .set_version_id(object.version_id.clone());
        let resp = self.runtime.block_on(request.send()).map_err(|e| open_error("GetObjectTagging", &e))?;
        Ok(resp.tag_set().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect())
    }
}

/// Reads a bucket's posture, cached per bucket for the life of the execution environment.
pub struct S3BucketPostures {
    client: Client,
    runtime: Handle,
    /// The account the scanner runs in: a policy principal from any other account shares the
    /// bucket externally.
    account_id: String,
    ttl: Duration,
    cache: Mutex<HashMap<String, (Instant, BucketPosture)>>,
}

/// Buckets' posture changes rarely next to the rate of uploads; five minutes keeps remediations
/// visible soon while sparing six calls per object.
pub const POSTURE_TTL: Duration = Duration::from_secs(300);

impl S3BucketPostures {
    pub fn new(client: Client, runtime: Handle, account_id: impl Into<String>, ttl: Duration) -> Self {
        S3BucketPostures { client, runtime, account_id: account_id.into(), ttl, cache: Mutex::default() }
    }

    fn evaluate(&self, bucket: &str) -> BucketPosture {
        let rt = &self.runtime;
        let c = &self.client;
        let mut posture = BucketPosture { bucket: bucket.to_string(), ..Default::default() };

        posture.block_public_access = match rt.block_on(c.get_public_access_block().bucket(bucket).send()) {
            Ok(r) => r.public_access_block_configuration().map(|p| BlockPublicAccess {
                block_public_acls: p.block_public_acls().unwrap_or(false),
                ignore_public_acls: p.ignore_public_acls().unwrap_or(false),
                block_public_policy: p.block_public_policy().unwrap_or(false),
                restrict_public_buckets: p.restrict_public_buckets().unwrap_or(false),
            }),
            Err(e) if code(&e) == Some("NoSuchPublicAccessBlockConfiguration") => {
                Some(BlockPublicAccess::default())
            }
            Err(e) => unknown("GetPublicAccessBlock", &e),
        };

        posture.policy_is_public = match rt.block_on(c.get_bucket_policy_status().bucket(bucket).send()) {
            Ok(r) => Some(r.policy_status().and_then(|s| s.is_public()).unwrap_or(false)),
            Err(e) if code(&e) == Some("NoSuchBucketPolicy") => Some(false),
            Err(e) => unknown("GetBucketPolicyStatus", &e),
        };

        posture.shared_externally = match rt.block_on(c.get_bucket_policy().bucket(bucket).send()) {
            Ok(r) => r.policy().map(|p| policy_shares_externally(p, &self.account_id)),
            Err(e) if code(&e) == Some("NoSuchBucketPolicy") => Some(false),
            Err(e) => unknown("GetBucketPolicy", &e),
        };

        posture.acl_is_public = match rt.block_on(c.get_bucket_acl().bucket(bucket).send()) {
            Ok(r) => Some(r.grants().iter().any(|g| {
                g.grantee().and_then(|g| g.uri()).is_some_and(|uri| {
                    uri.ends_with("/global/AllUsers") || uri.ends_with("/global/AuthenticatedUsers")
                })
            })),
            Err(e) => unknown("GetBucketAcl", &e),
        };

        posture.default_encryption = match rt.block_on(c.get_bucket_encryption().bucket(bucket).send()) {
            Ok(r) => r
                .server_side_encryption_configuration()
                .and_then(|c| c.rules().first())
                .and_then(|rule| rule.apply_server_side_encryption_by_default())
                .map(|d| DefaultEncryption {
                    encryption_type: d.sse_algorithm().as_str().to_string(),
                    kms_master_key_id: d.kms_master_key_id().map(String::from),
                }),
            Err(e) if code(&e) == Some("ServerSideEncryptionConfigurationNotFoundError") => {
                Some(DefaultEncryption { encryption_type: "NONE".into(), kms_master_key_id: None })
            }
            Err(e) => unknown("GetBucketEncryption", &e),
        };

        posture.tags = match rt.block_on(c.get_bucket_tagging().bucket(bucket).send()) {
            Ok(r) => r.tag_set().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect(),
            Err(e) => {
                if code(&e) != Some("NoSuchTagSet") {
                    let _: Option<()> = unknown("GetBucketTagging", &e);
                }
                Vec::new()
            }
        };
        // Account-level Block Public Access needs S3 Control, whose endpoint is prefixed with the
        // account id; it stays unknown here, which can only make a bucket look *more* exposed.
        posture
    }
}

/// A posture question S3 would not answer: logged and left unknown, never guessed safe.
fn unknown<T, E: aws_smithy_types::error::metadata::ProvideErrorMetadata>(
    operation: &str,
    err: &aws_smithy_runtime_api::client::result::SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> Option<T> {
    tracing::warn!(error = %port_error(operation, err), "bucket posture left unknown");
    None
}

/// Whether an `Allow` statement of a bucket policy names a principal of another account.
/// (`Principal: "*"` is public, reported by the policy status, not as sharing.)
pub fn policy_shares_externally(policy: &str, own_account: &str) -> bool {
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(policy) else { return false };
    let statements = match &doc["Statement"] {
        serde_json::Value::Array(a) => a.clone(),
        s @ serde_json::Value::Object(_) => vec![s.clone()],
        _ => return false,
    };
    statements.iter().filter(|s| s["Effect"] == "Allow").any(|s| {
        let aws = &s["Principal"]["AWS"];
        let principals: Vec<&str> = match aws {
            serde_json::Value::String(p) => vec![p.as_str()],
            serde_json::Value::Array(a) => a.iter().filter_map(|p| p.as_str()).collect(),
            _ => Vec::new(),
        };
        principals.iter().any(|p| {
            let account = if p.starts_with("arn:") { p.split(':').nth(4).unwrap_or("") } else { p };
            account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) && account != own_account
        })
    })
}

impl BucketPostures for S3BucketPostures {
    fn posture(&self, bucket: &str) -> Result<PostureReading, PortError> {
        if let Some((at, posture)) = self.cache.lock().expect("posture cache").get(bucket) {
            if at.elapsed() < self.ttl {
                return Ok(PostureReading { posture: posture.clone(), fresh: false });
            }
        }
        let posture = self.evaluate(bucket);
        self.cache
            .lock()
            .expect("posture cache")
            .insert(bucket.to_string(), (Instant::now(), posture.clone()));
        Ok(PostureReading { posture, fresh: true })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_follow_macie() {
        assert_eq!(
            unavailable_reason(Some("NoSuchKey"), Some(404)),
            Some(Reason::SourceObjectNoLongerAvailable)
        );
        assert_eq!(unavailable_reason(None, Some(404)), Some(Reason::SourceObjectNoLongerAvailable));
        assert_eq!(unavailable_reason(Some("AccessDenied"), Some(403)), Some(Reason::PermissionDenied));
        assert_eq!(unavailable_reason(Some("KMS.DisabledException"), Some(400)), Some(Reason::InvalidKmsKey));
        assert_eq!(
            unavailable_reason(Some("InvalidObjectState"), Some(403)),
            Some(Reason::InvalidObjectState)
        );
        assert_eq!(unavailable_reason(Some("SlowDown"), Some(503)), None);
    }

    #[test]
    fn sharing_means_another_accounts_principal() {
        let own = "123456789012";
        let other = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"s3:GetObject","Resource":"*"}]}"#;
        let mine = r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":["123456789012"]},"Action":"s3:*","Resource":"*"}}"#;
        let public =
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#;
        let denied = r#"{"Statement":[{"Effect":"Deny","Principal":{"AWS":"210987654321"},"Action":"s3:*","Resource":"*"}]}"#;
        assert!(policy_shares_externally(other, own));
        assert!(!policy_shares_externally(mine, own));
        assert!(!policy_shares_externally(public, own));
        assert!(!policy_shares_externally(denied, own));
        assert!(!policy_shares_externally("not json", own));
    }
}

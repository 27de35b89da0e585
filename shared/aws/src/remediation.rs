//! [`RemediationTarget`] over S3: the reads and changes the remediation executor makes, as
//! S3 API calls.
//!
//! The trait is synchronous (the executor is pure logic); each method drives its SDK call
//! with `Handle::block_on`, so the target must be used from a thread outside the runtime's
//! workers: the remediator runs the executor inside `tokio::task::spawn_blocking`.
//!
//! Every S3 action called here is declared by an action of `sluice_remediate`
//! (`Action::iam_actions`, `EXECUTOR_IAM_ACTIONS`), which `tests/template_iam.rs` holds against
//! the remediator's role: GetBucketTagging, Get/PutBucketPublicAccessBlock,
//! Get/PutEncryptionConfiguration (GetBucketEncryption, PutBucketEncryption), GetObject
//! (HeadObject), GetObjectTagging, PutObjectTagging, GetObjectAcl, PutObjectAcl, PutObject
//! (CopyObject, CreateMultipartUpload, UploadPartCopy, CompleteMultipartUpload),
//! AbortMultipartUpload and DeleteObject, each with its `Version` variant for an exact version.

use std::ops::RangeInclusive;

use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::operation::head_object::HeadObjectOutput;
use aws_sdk_s3::types::{
    CompletedMultipartUpload, CompletedPart, MetadataDirective, ObjectCannedAcl,
    PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule, StorageClass, Tagging, TaggingDirective,
    Type,
};
use aws_sdk_s3::Client;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sluice_remediate::{
    BlockPublicAccess, BucketEncryption, CopyEncryption, CopyRequest, ObjectId, ObjectState,
    RemediationTarget, Tag, TargetError, TargetErrorKind, TargetResult, SINGLE_COPY_LIMIT,
};
use tokio::runtime::Handle;

use crate::sdk_error::{describe, FailureClass, SdkFailure};

const MIB: u64 = 1024 * 1024;
/// S3's multipart limits: parts of 5 MiB to 5 GiB (the last may be smaller), at most 10,000.
pub const MIN_PART_SIZE: u64 = 5 * MIB;
pub const MAX_PART_SIZE: u64 = 5 * 1024 * MIB;
pub const MAX_PARTS: u64 = 10_000;
/// The part size a multipart copy starts from: 512 MiB copies a 5 TiB object (S3's largest)
/// in about 10,000 parts; larger parts are chosen only when needed to stay within the count.
pub const DEFAULT_PART_SIZE: u64 = 512 * MIB;

/// When a copy switches to a multipart copy, and with which part size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopySettings {
    /// Objects larger than this are copied with UploadPartCopy. S3 refuses a single
    /// CopyObject above 5 GiB, so larger values are lowered to that.
    pub multipart_threshold: u64,
    /// The preferred part size (raised to keep within 10,000 parts; within 5 MiB..5 GiB).
    pub part_size: u64,
}

impl CopySettings {
    /// The settings as S3 allows them: the threshold lowered to 5 GiB, S3's limit for one
    /// CopyObject.
    pub fn within_s3_limits(self) -> CopySettings {
        CopySettings { multipart_threshold: self.multipart_threshold.min(SINGLE_COPY_LIMIT), ..self }
    }
}

impl Default for CopySettings {
    fn default() -> CopySettings {
        CopySettings { multipart_threshold: SINGLE_COPY_LIMIT, part_size: DEFAULT_PART_SIZE }
    }
}

/// The byte ranges (inclusive, as `x-amz-copy-source-range` wants them) of a multipart copy
/// of `size` bytes: the preferred part size, raised to a whole MiB when `size` would need
/// more than 10,000 parts, and kept within S3's 5 MiB..5 GiB.
pub fn copy_part_ranges(size: u64, preferred_part_size: u64) -> Vec<RangeInclusive<u64>> {
    if size == 0 {
        return Vec::new();
    }
    let needed = size.div_ceil(MAX_PARTS).div_ceil(MIB) * MIB;
    let part = preferred_part_size.max(needed).clamp(MIN_PART_SIZE, MAX_PART_SIZE);
    (0..size).step_by(part as usize).map(|start| start..=(start + part).min(size) - 1).collect()
}

/// Characters kept as they are in a `CopySource` key: RFC 3986's unreserved ones and `/`.
const COPY_SOURCE_KEY: &AsciiSet =
    &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'/');
/// Characters kept in one component of a query string (`Tagging`, `versionId`).
const QUERY_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// `bucket/url-encoded-key[?versionId=…]`: the exact version to copy from.
pub fn copy_source(object: &ObjectId) -> String {
    let key = utf8_percent_encode(&object.key, COPY_SOURCE_KEY);
    match &object.version_id {
        Some(v) => format!("{}/{key}?versionId={}", object.bucket, utf8_percent_encode(v, QUERY_COMPONENT)),
        None => format!("{}/{key}", object.bucket),
    }
}

/// A tag set as the `x-amz-tagging` header wants it: `k1=v1&k2=v2`, URL-encoded.
pub fn tagging_header(tags: &[Tag]) -> String {
    tags.iter()
        .map(|t| {
            format!(
                "{}={}",
                utf8_percent_encode(&t.key, QUERY_COMPONENT),
                utf8_percent_encode(&t.value, QUERY_COMPONENT)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn label(object: &ObjectId) -> String {
    match &object.version_id {
        Some(v) => format!("s3://{}/{}?versionId={v}", object.bucket, object.key),
        None => format!("s3://{}/{}", object.bucket, object.key),
    }
}

fn target_error(failure: SdkFailure) -> TargetError {
    let kind = match failure.class {
        FailureClass::Transient => TargetErrorKind::Transient,
        FailureClass::AccessDenied => TargetErrorKind::AccessDenied,
        FailureClass::Rejected => TargetErrorKind::Rejected,
    };
    TargetError::new(kind, failure.message)
}

/// The failure of `operation` on `on`, described for the audit record.
fn failure<E>(operation: &str, on: &str, error: &SdkError<E, HttpResponse>) -> SdkFailure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    describe(&format!("{operation} {on}"), error)
}

/// What a call answers when its target is not there: `absent` if the failure says so (one of
/// these error codes, or for a response without a body one of these statuses), the failure
/// otherwise.
fn absent_or<T>(absent: T, codes: &[&str], statuses: &[u16], failure: SdkFailure) -> TargetResult<T> {
    if failure.is_absent(codes, statuses) {
        Ok(absent)
    } else {
        Err(target_error(failure))
    }
}

/// Error codes (and, for HEAD, which has no body, statuses) that mean the object or the
/// version is not there. A delete marker answers 405 to a request naming its version.
const OBJECT_ABSENT_CODES: &[&str] = &["NoSuchKey", "NoSuchVersion", "NotFound", "MethodNotAllowed"];
const OBJECT_ABSENT_STATUSES: &[u16] = &[404, 405];

/// S3's answer for a version ID that is malformed is 400 `InvalidArgument`; that is a wrong
/// finding, not an absent object, and stays an error.
fn version_or_null(version: Option<&str>) -> Option<String> {
    version.filter(|v| !v.is_empty() && *v != "null").map(str::to_string)
}

/// S3 over the SDK, for the remediation executor.
pub struct S3RemediationTarget {
    client: Client,
    runtime: Handle,
    copy: CopySettings,
}

impl S3RemediationTarget {
    /// `runtime` drives the SDK calls (the handle of the runtime the client was built in).
    pub fn new(client: Client, runtime: Handle) -> S3RemediationTarget {
        S3RemediationTarget { client, runtime, copy: CopySettings::default() }
    }

    pub fn with_copy_settings(mut self, copy: CopySettings) -> S3RemediationTarget {
        self.copy = copy.within_s3_limits();
        self
    }

    async fn head(&self, object: &ObjectId) -> TargetResult<Option<HeadObjectOutput>> {
        let result = self
            .client
            .head_object()
            .bucket(&object.bucket)
            .key(&object.key)
            .set_version_id(object.version_id.clone())
            .send()
            .await;
        match result {
            Ok(out) => Ok(Some(out)),
            Err(e) => absent_or(
                None,
                OBJECT_ABSENT_CODES,
                OBJECT_ABSENT_STATUSES,
                failure("HeadObject", &label(object), &e),
            ),
        }
    }

    async fn tags(&self, object: &ObjectId) -> TargetResult<Option<Vec<Tag>>> {
        let result = self
            .client
            .get_object_tagging()
            .bucket(&object.bucket)
            .key(&object.key)
            .set_version_id(object.version_id.clone())
            .send()
            .await;
        match result {
            Ok(out) => Ok(Some(out.tag_set().iter().map(|t| Tag::new(t.key(), t.value())).collect())),
            Err(e) => absent_or(
                None,
                OBJECT_ABSENT_CODES,
                OBJECT_ABSENT_STATUSES,
                failure("GetObjectTagging", &label(object), &e),
            ),
        }
    }

    async fn single_copy(
        &self,
        request: &CopyRequest,
        source: &HeadObjectOutput,
    ) -> TargetResult<Option<String>> {
        let destination = format!("s3://{}/{}", request.destination_bucket, request.destination_key);
        let mut call = self
            .client
            .copy_object()
            .bucket(&request.destination_bucket)
            .key(&request.destination_key)
            .copy_source(copy_source(&request.source))
            .metadata_directive(MetadataDirective::Copy)
            .tagging_directive(TaggingDirective::Copy)
            .set_storage_class(storage_class_to_keep(source));
        if let CopyEncryption::Kms { kms_key_id } = &request.encryption {
            call = call
                .server_side_encryption(ServerSideEncryption::AwsKms)
                .set_ssekms_key_id(kms_key_id.clone())
                .bucket_key_enabled(true);
        }
        let out = call.send().await.map_err(|e| {
            target_error(failure("CopyObject", &format!("{} to {destination}", label(&request.source)), &e))
        })?;
        Ok(version_or_null(out.version_id()))
    }

    /// CreateMultipartUpload with what CopyObject's directives would have kept (content type
    /// and the other system metadata, user metadata, tags, storage class), UploadPartCopy per
    /// range of the exact version, CompleteMultipartUpload; on any failure the upload is
    /// aborted so that no orphan parts are billed.
    async fn multipart_copy(
        &self,
        request: &CopyRequest,
        source: &HeadObjectOutput,
        size: u64,
    ) -> TargetResult<Option<String>> {
        let destination = format!("s3://{}/{}", request.destination_bucket, request.destination_key);
        let tags = self.tags(&request.source).await?.ok_or_else(|| {
            TargetError::new(
                TargetErrorKind::Rejected,
                format!("GetObjectTagging {}: the copy source no longer exists", label(&request.source)),
            )
        })?;
        let expires = source.expires_string().and_then(|s| DateTime::from_str(s, Format::HttpDate).ok());
        let mut create = self
            .client
            .create_multipart_upload()
            .bucket(&request.destination_bucket)
            .key(&request.destination_key)
            .set_content_type(source.content_type().map(str::to_string))
            .set_cache_control(source.cache_control().map(str::to_string))
            .set_content_disposition(source.content_disposition().map(str::to_string))
            .set_content_encoding(source.content_encoding().map(str::to_string))
            .set_content_language(source.content_language().map(str::to_string))
            .set_website_redirect_location(source.website_redirect_location().map(str::to_string))
            .set_expires(expires)
            .set_metadata(source.metadata().cloned())
            .set_storage_class(storage_class_to_keep(source));
        if !tags.is_empty() {
            create = create.tagging(tagging_header(&tags));
        }
        if let CopyEncryption::Kms { kms_key_id } = &request.encryption {
            create = create
                .server_side_encryption(ServerSideEncryption::AwsKms)
                .set_ssekms_key_id(kms_key_id.clone())
                .bucket_key_enabled(true);
        }
        let created = create
            .send()
            .await
            .map_err(|e| target_error(failure("CreateMultipartUpload", &destination, &e)))?;
        let upload_id = created.upload_id().unwrap_or_default().to_string();
        let copied = self.copy_parts(request, &upload_id, size, &destination).await;
        match copied {
            Ok(version) => Ok(version),
            Err(error) => {
                let aborted = self
                    .client
                    .abort_multipart_upload()
                    .bucket(&request.destination_bucket)
                    .key(&request.destination_key)
                    .upload_id(&upload_id)
                    .send()
                    .await;
                match aborted {
                    Ok(_) => Err(error),
                    Err(e) => {
                        let abort = failure("AbortMultipartUpload", &destination, &e);
                        // The bucket's lifecycle rule for incomplete uploads cleans up after us.
                        Err(TargetError::new(
                            error.kind,
                            format!("{}; then {}", error.message, abort.message),
                        ))
                    }
                }
            }
        }
    }

    async fn copy_parts(
        &self,
        request: &CopyRequest,
        upload_id: &str,
        size: u64,
        destination: &str,
    ) -> TargetResult<Option<String>> {
        let source = copy_source(&request.source);
        let mut parts = Vec::new();
        for (i, range) in copy_part_ranges(size, self.copy.part_size).into_iter().enumerate() {
            let number = i as i32 + 1;
            let out = self
                .client
                .upload_part_copy()
                .bucket(&request.destination_bucket)
                .key(&request.destination_key)
                .upload_id(upload_id)
                .part_number(number)
                .copy_source(&source)
                .copy_source_range(format!("bytes={}-{}", range.start(), range.end()))
                .send()
                .await
                .map_err(|e| {
                    target_error(failure(
                        "UploadPartCopy",
                        &format!("{} to {destination} (part {number})", label(&request.source)),
                        &e,
                    ))
                })?;
            let e_tag = out.copy_part_result().and_then(|r| r.e_tag()).map(str::to_string);
            parts.push(CompletedPart::builder().set_e_tag(e_tag).part_number(number).build());
        }
        let out = self
            .client
            .complete_multipart_upload()
            .bucket(&request.destination_bucket)
            .key(&request.destination_key)
            .upload_id(upload_id)
            .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
            .send()
            .await
            .map_err(|e| target_error(failure("CompleteMultipartUpload", destination, &e)))?;
        Ok(version_or_null(out.version_id()))
    }
}

/// A copy is written in STANDARD unless told otherwise: keep the source's class (HEAD omits
/// it for STANDARD).
fn storage_class_to_keep(source: &HeadObjectOutput) -> Option<StorageClass> {
    source.storage_class().filter(|c| **c != StorageClass::Standard).cloned()
}

impl RemediationTarget for S3RemediationTarget {
    fn bucket_tags(&self, bucket: &str) -> TargetResult<Vec<Tag>> {
        self.runtime.block_on(async {
            match self.client.get_bucket_tagging().bucket(bucket).send().await {
                Ok(out) => Ok(out.tag_set().iter().map(|t| Tag::new(t.key(), t.value())).collect()),
                Err(e) => absent_or(
                    Vec::new(),
                    &["NoSuchTagSet"],
                    &[],
                    failure("GetBucketTagging", &format!("s3://{bucket}"), &e),
                ),
            }
        })
    }

    fn public_access_block(&self, bucket: &str) -> TargetResult<Option<BlockPublicAccess>> {
        self.runtime.block_on(async {
            match self.client.get_public_access_block().bucket(bucket).send().await {
                Ok(out) => Ok(out.public_access_block_configuration().map(|c| BlockPublicAccess {
                    block_public_acls: c.block_public_acls().unwrap_or(false),
                    ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                    block_public_policy: c.block_public_policy().unwrap_or(false),
                    restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
                })),
                Err(e) => absent_or(
                    None,
                    &["NoSuchPublicAccessBlockConfiguration"],
                    &[],
                    failure("GetPublicAccessBlock", &format!("s3://{bucket}"), &e),
                ),
            }
        })
    }

    fn bucket_encryption(&self, bucket: &str) -> TargetResult<Option<BucketEncryption>> {
        self.runtime.block_on(async {
            match self.client.get_bucket_encryption().bucket(bucket).send().await {
                Ok(out) => {
                    // S3 keeps one rule per bucket.
                    let rule = out.server_side_encryption_configuration().and_then(|c| c.rules().first());
                    Ok(rule.and_then(|r| {
                        let default = r.apply_server_side_encryption_by_default()?;
                        Some(BucketEncryption {
                            sse_algorithm: default.sse_algorithm().as_str().to_string(),
                            kms_key_id: default.kms_master_key_id().map(str::to_string),
                            bucket_key_enabled: r.bucket_key_enabled().unwrap_or(false),
                        })
                    }))
                }
                Err(e) => absent_or(
                    None,
                    &["ServerSideEncryptionConfigurationNotFoundError"],
                    &[],
                    failure("GetBucketEncryption", &format!("s3://{bucket}"), &e),
                ),
            }
        })
    }

    fn head_object(&self, object: &ObjectId) -> TargetResult<Option<ObjectState>> {
        self.runtime.block_on(async {
            Ok(self.head(object).await?.filter(|h| h.delete_marker() != Some(true)).map(|h| ObjectState {
                version_id: version_or_null(h.version_id()),
                size: h.content_length().unwrap_or(0).max(0) as u64,
                server_side_encryption: h.server_side_encryption().map(|s| s.as_str().to_string()),
                kms_key_id: h.ssekms_key_id().map(str::to_string),
            }))
        })
    }

    fn object_tags(&self, object: &ObjectId) -> TargetResult<Option<Vec<Tag>>> {
        self.runtime.block_on(self.tags(object))
    }

    fn object_acl_is_private(&self, object: &ObjectId) -> TargetResult<bool> {
        self.runtime.block_on(async {
            let result = self
                .client
                .get_object_acl()
                .bucket(&object.bucket)
                .key(&object.key)
                .set_version_id(object.version_id.clone())
                .send()
                .await;
            match result {
                // Private: every grant goes to the owner. With ACLs disabled (bucket owner
                // enforced) S3 answers with the owner's grant alone.
                Ok(out) => {
                    let owner = out.owner().and_then(|o| o.id());
                    Ok(out.grants().iter().all(|g| {
                        g.grantee().is_some_and(|grantee| {
                            *grantee.r#type() == Type::CanonicalUser
                                && grantee.id().is_some()
                                && grantee.id() == owner
                        })
                    }))
                }
                Err(e) => {
                    // An object that is gone grants nothing to anyone.
                    absent_or(
                        true,
                        OBJECT_ABSENT_CODES,
                        OBJECT_ABSENT_STATUSES,
                        failure("GetObjectAcl", &label(object), &e),
                    )
                }
            }
        })
    }

    fn put_public_access_block(&self, bucket: &str, settings: BlockPublicAccess) -> TargetResult<()> {
        self.runtime.block_on(async {
            let configuration = PublicAccessBlockConfiguration::builder()
                .block_public_acls(settings.block_public_acls)
                .ignore_public_acls(settings.ignore_public_acls)
                .block_public_policy(settings.block_public_policy)
                .restrict_public_buckets(settings.restrict_public_buckets)
                .build();
            self.client
                .put_public_access_block()
                .bucket(bucket)
                .public_access_block_configuration(configuration)
                .send()
                .await
                .map_err(|e| target_error(failure("PutPublicAccessBlock", &format!("s3://{bucket}"), &e)))?;
            Ok(())
        })
    }

    fn put_bucket_encryption(&self, bucket: &str, encryption: &BucketEncryption) -> TargetResult<()> {
        self.runtime.block_on(async {
            let on = format!("s3://{bucket}");
            let default = ServerSideEncryptionByDefault::builder()
                .sse_algorithm(ServerSideEncryption::from(encryption.sse_algorithm.as_str()))
                .set_kms_master_key_id(encryption.kms_key_id.clone())
                .build()
                .map_err(|e| {
                    TargetError::new(TargetErrorKind::Rejected, format!("PutBucketEncryption {on}: {e}"))
                })?;
            let rule = ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(default)
                .bucket_key_enabled(encryption.bucket_key_enabled)
                .build();
            let configuration =
                ServerSideEncryptionConfiguration::builder().rules(rule).build().map_err(|e| {
                    TargetError::new(TargetErrorKind::Rejected, format!("PutBucketEncryption {on}: {e}"))
                })?;
            self.client
                .put_bucket_encryption()
                .bucket(bucket)
                .server_side_encryption_configuration(configuration)
                .send()
                .await
                .map_err(|e| target_error(failure("PutBucketEncryption", &on, &e)))?;
            Ok(())
        })
    }

    fn put_object_tags(&self, object: &ObjectId, tags: &[Tag]) -> TargetResult<()> {
        self.runtime.block_on(async {
            let on = label(object);
            let mut set = Vec::with_capacity(tags.len());
            for t in tags {
                set.push(aws_sdk_s3::types::Tag::builder().key(&t.key).value(&t.value).build().map_err(
                    |e| TargetError::new(TargetErrorKind::Rejected, format!("PutObjectTagging {on}: {e}")),
                )?);
            }
            let tagging = Tagging::builder().set_tag_set(Some(set)).build().map_err(|e| {
                TargetError::new(TargetErrorKind::Rejected, format!("PutObjectTagging {on}: {e}"))
            })?;
            self.client
                .put_object_tagging()
                .bucket(&object.bucket)
                .key(&object.key)
                .set_version_id(object.version_id.clone())
                .tagging(tagging)
                .send()
                .await
                .map_err(|e| target_error(failure("PutObjectTagging", &on, &e)))?;
            Ok(())
        })
    }

    fn copy_object(&self, request: &CopyRequest) -> TargetResult<Option<String>> {
        self.runtime.block_on(async {
            // HEAD the exact version: its size decides single or multipart, and its storage
            // class and metadata are what the copy keeps.
            let source = self.head(&request.source).await?.ok_or_else(|| {
                TargetError::new(
                    TargetErrorKind::Rejected,
                    format!("HeadObject {}: the copy source no longer exists", label(&request.source)),
                )
            })?;
            let size = source.content_length().map_or(request.source_size, |n| n.max(0) as u64);
            if size > self.copy.multipart_threshold {
                self.multipart_copy(request, &source, size).await
            } else {
                self.single_copy(request, &source).await
            }
        })
    }

    fn put_object_acl_private(&self, object: &ObjectId) -> TargetResult<()> {
        self.runtime.block_on(async {
            self.client
                .put_object_acl()
                .bucket(&object.bucket)
                .key(&object.key)
                .set_version_id(object.version_id.clone())
                .acl(ObjectCannedAcl::Private)
                .send()
                .await
                .map_err(|e| target_error(failure("PutObjectAcl", &label(object), &e)))?;
            Ok(())
        })
    }

    fn delete_object(&self, object: &ObjectId) -> TargetResult<()> {
        self.runtime.block_on(async {
            let result = self
                .client
                .delete_object()
                .bucket(&object.bucket)
                .key(&object.key)
                .set_version_id(object.version_id.clone())
                .send()
                .await;
            match result {
                Ok(_) => Ok(()),
                Err(e) => {
                    // Already gone is what was asked.
                    absent_or((), OBJECT_ABSENT_CODES, &[404], failure("DeleteObject", &label(object), &e))
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_plan(size: u64, ranges: &[RangeInclusive<u64>]) {
        assert!(ranges.len() as u64 <= MAX_PARTS, "{} parts", ranges.len());
        let mut next = 0;
        for (i, r) in ranges.iter().enumerate() {
            assert_eq!(*r.start(), next, "part {i} starts where the last ended");
            let len = r.end() - r.start() + 1;
            assert!(len <= MAX_PART_SIZE);
            if i + 1 < ranges.len() {
                assert!(len >= MIN_PART_SIZE, "only the last part may be small");
            }
            next = r.end() + 1;
        }
        assert_eq!(next, size, "the parts cover the object");
    }

    #[test]
    fn a_six_gib_object_is_copied_in_512_mib_parts() {
        let size = 6 * 1024 * MIB + 7;
        let ranges = copy_part_ranges(size, DEFAULT_PART_SIZE);
        check_plan(size, &ranges);
        assert_eq!(ranges.len(), 13);
        assert_eq!(ranges[0], 0..=DEFAULT_PART_SIZE - 1);
        assert_eq!(ranges[12], 12 * DEFAULT_PART_SIZE..=size - 1);
    }

    #[test]
    fn the_largest_object_fits_in_ten_thousand_parts() {
        let size = 5 * 1024 * 1024 * MIB; // 5 TiB
        let ranges = copy_part_ranges(size, DEFAULT_PART_SIZE);
        check_plan(size, &ranges);
        let part = ranges[0].end() + 1;
        assert!(part > DEFAULT_PART_SIZE && part.is_multiple_of(MIB), "raised to a whole MiB: {part}");
        assert_eq!(ranges.len(), 9_987);
    }

    #[test]
    fn part_sizes_stay_within_s3_limits() {
        let ranges = copy_part_ranges(12 * MIB, MIB);
        check_plan(12 * MIB, &ranges);
        assert_eq!(ranges.len(), 3, "a 1 MiB preference is raised to 5 MiB");
        let ranges = copy_part_ranges(11 * 1024 * MIB, 8 * 1024 * MIB);
        check_plan(11 * 1024 * MIB, &ranges);
        assert_eq!(ranges[0], 0..=MAX_PART_SIZE - 1);
        let exact = copy_part_ranges(10 * MIB, 5 * MIB);
        assert_eq!(exact, vec![0..=5 * MIB - 1, 5 * MIB..=10 * MIB - 1]);
        assert!(copy_part_ranges(0, DEFAULT_PART_SIZE).is_empty());
    }

    #[test]
    fn copy_sources_name_the_exact_version_with_the_key_encoded() {
        let object = ObjectId::new("b", "dir one/ü+x?.csv", Some("3/L4kqtJl+cW.b".into()));
        assert_eq!(copy_source(&object), "b/dir%20one/%C3%BC%2Bx%3F.csv?versionId=3%2FL4kqtJl%2BcW.b");
        assert_eq!(copy_source(&object.current()), "b/dir%20one/%C3%BC%2Bx%3F.csv");
    }

    #[test]
    fn the_tagging_header_is_a_query_string() {
        let tags = [Tag::new("owner", "team a"), Tag::new("sluice:types", "CREDIT_CARD_NUMBER IBAN")];
        assert_eq!(tagging_header(&tags), "owner=team%20a&sluice%3Atypes=CREDIT_CARD_NUMBER%20IBAN");
    }

    /// The IAM actions each SDK operation of this adapter and of the audit sink needs. A new
    /// call must be added here and its actions declared in `sluice_remediate`, whose list
    /// `tests/template_iam.rs` holds against the remediator's role.
    const OPERATION_IAM: &[(&str, &[&str])] = &[
        ("get_bucket_tagging", &["s3:GetBucketTagging"]),
        ("get_public_access_block", &["s3:GetBucketPublicAccessBlock"]),
        ("put_public_access_block", &["s3:PutBucketPublicAccessBlock"]),
        ("get_bucket_encryption", &["s3:GetEncryptionConfiguration"]),
        ("put_bucket_encryption", &["s3:PutEncryptionConfiguration"]),
        ("head_object", &["s3:GetObject", "s3:GetObjectVersion"]),
        ("get_object_tagging", &["s3:GetObjectTagging", "s3:GetObjectVersionTagging"]),
        ("put_object_tagging", &["s3:PutObjectTagging", "s3:PutObjectVersionTagging"]),
        ("get_object_acl", &["s3:GetObjectAcl", "s3:GetObjectVersionAcl"]),
        ("put_object_acl", &["s3:PutObjectAcl", "s3:PutObjectVersionAcl"]),
        // with the tagging directive COPY: the source's tags read, the copy's written
        (
            "copy_object",
            &[
                "s3:GetObject",
                "s3:GetObjectVersion",
                "s3:GetObjectTagging",
                "s3:GetObjectVersionTagging",
                "s3:PutObject",
                "s3:PutObjectTagging",
            ],
        ),
        ("create_multipart_upload", &["s3:PutObject", "s3:PutObjectTagging"]),
        ("upload_part_copy", &["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]),
        ("complete_multipart_upload", &["s3:PutObject"]),
        ("abort_multipart_upload", &["s3:AbortMultipartUpload"]),
        ("delete_object", &["s3:DeleteObject", "s3:DeleteObjectVersion"]),
        ("put_item", &["dynamodb:PutItem"]),
        ("put_events", &["events:PutEvents"]),
    ];

    #[test]
    fn every_call_is_declared_for_the_remediators_role() {
        let declared = sluice_remediate::remediator_iam_actions(true);
        let mut called = std::collections::BTreeSet::new();
        for source in [include_str!("remediation.rs"), include_str!("audit.rs")] {
            let code = &source[..source.find("#[cfg(test)]").unwrap_or(source.len())];
            // `client.op(`, `dynamodb.op(`, `events.op(`, possibly across a line break
            let compact: String = code.split_whitespace().collect();
            for receiver in ["client.", "dynamodb.", "events."] {
                for (i, _) in compact.match_indices(receiver) {
                    let rest = &compact[i + receiver.len()..];
                    let Some(end) = rest.find("()") else { continue };
                    let op = &rest[..end];
                    if op.chars().all(|c| c.is_ascii_lowercase() || c == '_') && !op.is_empty() {
                        called.insert(op.to_string());
                    }
                }
            }
        }
        assert!(called.len() >= 15, "{called:?}");
        for op in &called {
            let (_, actions) = OPERATION_IAM
                .iter()
                .find(|(name, _)| name == op)
                .unwrap_or_else(|| panic!("`{op}` is called but not in OPERATION_IAM"));
            for action in *actions {
                assert!(
                    declared.contains(action),
                    "`{op}` needs {action}, which no remediation action declares"
                );
            }
        }
    }

    #[test]
    fn the_null_version_is_no_version() {
        assert_eq!(version_or_null(Some("null")), None);
        assert_eq!(version_or_null(Some("")), None);
        assert_eq!(version_or_null(Some("v1")), Some("v1".to_string()));
    }

    #[test]
    fn the_multipart_threshold_never_passes_s3s_single_copy_limit() {
        let settings = CopySettings { multipart_threshold: u64::MAX, part_size: DEFAULT_PART_SIZE };
        assert_eq!(settings.within_s3_limits().multipart_threshold, SINGLE_COPY_LIMIT);
        let small = CopySettings { multipart_threshold: 6 * MIB, part_size: 5 * MIB };
        assert_eq!(small.within_s3_limits(), small);
    }
}

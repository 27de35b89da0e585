//! An in-memory S3 implementing [`RemediationTarget`], with a log of every call, for tests
//! of the executor and of the remediator. It models what remediation depends on: versions
//! (the current one last), tags per version, default encryption, Block Public Access,
//! object ACLs (or ACLs disabled), and copies that keep tags and metadata.

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::action::Tag;
use crate::target::{
    BlockPublicAccess, BucketEncryption, CopyEncryption, CopyRequest, ObjectId, ObjectState,
    RemediationTarget, TargetError, TargetErrorKind, TargetResult, SSE_KMS, SSE_S3,
};

/// The key ARN the fake reports for SSE-KMS without a key (S3's AWS managed key).
pub const AWS_MANAGED_S3_KEY: &str = "arn:aws:kms:us-east-1:000000000000:key/aws-managed-s3";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FakeObject {
    pub version_id: Option<String>,
    pub size: u64,
    pub server_side_encryption: Option<String>,
    pub kms_key_id: Option<String>,
    pub content_type: String,
    pub metadata: BTreeMap<String, String>,
    pub tags: Vec<Tag>,
    /// A grant to AllUsers (only meaningful when the bucket has ACLs enabled).
    pub public_acl: bool,
    /// A delete marker (versioned buckets).
    pub delete_marker: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FakeBucket {
    pub tags: Vec<Tag>,
    pub public_access_block: Option<BlockPublicAccess>,
    pub encryption: Option<BucketEncryption>,
    pub versioned: bool,
    /// Object ownership other than BucketOwnerEnforced.
    pub acls_enabled: bool,
    /// Every version of every key, oldest first.
    pub objects: BTreeMap<String, Vec<FakeObject>>,
}

/// One call the executor made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub method: &'static str,
    /// `bucket` or `bucket/key[@version]`.
    pub on: String,
}

impl Call {
    pub fn is_mutating(&self) -> bool {
        self.method.starts_with("put_")
            || self.method.starts_with("copy_")
            || self.method.starts_with("delete_")
    }
}

#[derive(Default)]
struct State {
    buckets: BTreeMap<String, FakeBucket>,
    next_version: u64,
    /// Errors to return from the next call of a method.
    failures: Vec<(&'static str, TargetError)>,
    calls: Vec<Call>,
}

#[derive(Default)]
pub struct FakeS3 {
    state: Mutex<State>,
}

fn object_label(o: &ObjectId) -> String {
    match &o.version_id {
        Some(v) => format!("{}/{}@{v}", o.bucket, o.key),
        None => format!("{}/{}", o.bucket, o.key),
    }
}

fn no_bucket(bucket: &str) -> TargetError {
    TargetError::new(TargetErrorKind::Rejected, format!("NoSuchBucket: {bucket}"))
}

impl FakeS3 {
    pub fn new() -> FakeS3 {
        FakeS3::default()
    }

    /// Adds (or replaces) a bucket: unversioned, ACLs enabled, no configuration.
    pub fn add_bucket(&self, name: &str) {
        let bucket = FakeBucket { acls_enabled: true, ..FakeBucket::default() };
        self.state.lock().unwrap().buckets.insert(name.to_string(), bucket);
    }

    /// Changes a bucket's configuration.
    pub fn update_bucket(&self, name: &str, change: impl FnOnce(&mut FakeBucket)) {
        let mut state = self.state.lock().unwrap();
        change(state.buckets.get_mut(name).expect("bucket exists"));
    }

    /// Writes an object as a new version (or in place when unversioned) and returns its
    /// version ID. The bucket's default encryption applies, as in S3.
    pub fn put_object(&self, bucket: &str, key: &str, size: u64, tags: &[Tag]) -> Option<String> {
        let mut state = self.state.lock().unwrap();
        state.next_version += 1;
        let version = format!("v{}", state.next_version);
        let b = state.buckets.get_mut(bucket).expect("bucket exists");
        let (sse, kms) = match &b.encryption {
            Some(e) => (Some(e.sse_algorithm.clone()), e.kms_key_id.clone()),
            None => (None, None),
        };
        let object = FakeObject {
            version_id: b.versioned.then(|| version.clone()),
            size,
            server_side_encryption: sse,
            kms_key_id: kms,
            content_type: "text/csv".into(),
            metadata: BTreeMap::from([("origin".to_string(), "upload".to_string())]),
            tags: tags.to_vec(),
            ..FakeObject::default()
        };
        let versions = b.objects.entry(key.to_string()).or_default();
        if !b.versioned {
            versions.clear();
        }
        versions.push(object);
        b.versioned.then_some(version)
    }

    /// Changes one object version (the current one when `version_id` is `None`).
    pub fn update_object(&self, object: &ObjectId, change: impl FnOnce(&mut FakeObject)) {
        let mut state = self.state.lock().unwrap();
        let b = state.buckets.get_mut(&object.bucket).expect("bucket exists");
        let versions = b.objects.get_mut(&object.key).expect("object exists");
        let o = match &object.version_id {
            Some(v) => versions.iter_mut().find(|o| o.version_id.as_deref() == Some(v.as_str())),
            None => versions.last_mut(),
        };
        change(o.expect("version exists"));
    }

    pub fn bucket(&self, name: &str) -> FakeBucket {
        self.state.lock().unwrap().buckets.get(name).cloned().expect("bucket exists")
    }

    /// The object version (the current one when `version_id` is `None`); `None` when it
    /// does not exist or the current version is a delete marker.
    pub fn object(&self, object: &ObjectId) -> Option<FakeObject> {
        let state = self.state.lock().unwrap();
        find(&state, object).ok().flatten().cloned()
    }

    /// The number of versions of a key, delete markers included.
    pub fn version_count(&self, bucket: &str, key: &str) -> usize {
        self.state.lock().unwrap().buckets.get(bucket).and_then(|b| b.objects.get(key)).map_or(0, Vec::len)
    }

    /// Makes the next call of `method` fail with `error`.
    pub fn fail_next(&self, method: &'static str, error: TargetError) {
        self.state.lock().unwrap().failures.push((method, error));
    }

    pub fn calls(&self) -> Vec<Call> {
        self.state.lock().unwrap().calls.clone()
    }

    pub fn mutating_calls(&self) -> Vec<Call> {
        self.calls().into_iter().filter(Call::is_mutating).collect()
    }

    pub fn clear_calls(&self) {
        self.state.lock().unwrap().calls.clear();
    }

    /// Logs the call and returns the state, or the injected failure.
    fn begin(&self, method: &'static str, on: String) -> TargetResult<std::sync::MutexGuard<'_, State>> {
        let mut state = self.state.lock().unwrap();
        state.calls.push(Call { method, on });
        if let Some(i) = state.failures.iter().position(|(m, _)| *m == method) {
            return Err(state.failures.remove(i).1);
        }
        Ok(state)
    }
}

fn find<'s>(state: &'s State, object: &ObjectId) -> TargetResult<Option<&'s FakeObject>> {
    let b = state.buckets.get(&object.bucket).ok_or_else(|| no_bucket(&object.bucket))?;
    let Some(versions) = b.objects.get(&object.key) else { return Ok(None) };
    let o = match &object.version_id {
        Some(v) => versions.iter().find(|o| o.version_id.as_deref() == Some(v.as_str())),
        None => versions.last(),
    };
    Ok(o.filter(|o| !o.delete_marker))
}

fn find_mut<'s>(state: &'s mut State, object: &ObjectId) -> TargetResult<&'s mut FakeObject> {
    let b = state.buckets.get_mut(&object.bucket).ok_or_else(|| no_bucket(&object.bucket))?;
    let versions = b.objects.get_mut(&object.key);
    let o = versions.and_then(|vs| match &object.version_id {
        Some(v) => vs.iter_mut().find(|o| o.version_id.as_deref() == Some(v.as_str())),
        None => vs.last_mut(),
    });
    o.filter(|o| !o.delete_marker).ok_or_else(|| {
        TargetError::new(TargetErrorKind::Rejected, format!("NoSuchKey: {}", object_label(object)))
    })
}

impl RemediationTarget for FakeS3 {
    fn bucket_tags(&self, bucket: &str) -> TargetResult<Vec<Tag>> {
        let state = self.begin("bucket_tags", bucket.to_string())?;
        Ok(state.buckets.get(bucket).ok_or_else(|| no_bucket(bucket))?.tags.clone())
    }

    fn public_access_block(&self, bucket: &str) -> TargetResult<Option<BlockPublicAccess>> {
        let state = self.begin("public_access_block", bucket.to_string())?;
        Ok(state.buckets.get(bucket).ok_or_else(|| no_bucket(bucket))?.public_access_block)
    }

    fn bucket_encryption(&self, bucket: &str) -> TargetResult<Option<BucketEncryption>> {
        let state = self.begin("bucket_encryption", bucket.to_string())?;
        Ok(state.buckets.get(bucket).ok_or_else(|| no_bucket(bucket))?.encryption.clone())
    }

    fn head_object(&self, object: &ObjectId) -> TargetResult<Option<ObjectState>> {
        let state = self.begin("head_object", object_label(object))?;
        Ok(find(&state, object)?.map(|o| ObjectState {
            version_id: o.version_id.clone(),
            size: o.size,
            server_side_encryption: o.server_side_encryption.clone(),
            kms_key_id: o.kms_key_id.clone(),
        }))
    }

    fn object_tags(&self, object: &ObjectId) -> TargetResult<Option<Vec<Tag>>> {
        let state = self.begin("object_tags", object_label(object))?;
        Ok(find(&state, object)?.map(|o| o.tags.clone()))
    }

    fn object_acl_is_private(&self, object: &ObjectId) -> TargetResult<bool> {
        let state = self.begin("object_acl_is_private", object_label(object))?;
        let acls_enabled =
            state.buckets.get(&object.bucket).ok_or_else(|| no_bucket(&object.bucket))?.acls_enabled;
        let public = find(&state, object)?.is_some_and(|o| o.public_acl);
        Ok(!acls_enabled || !public)
    }

    fn put_public_access_block(&self, bucket: &str, settings: BlockPublicAccess) -> TargetResult<()> {
        let mut state = self.begin("put_public_access_block", bucket.to_string())?;
        state.buckets.get_mut(bucket).ok_or_else(|| no_bucket(bucket))?.public_access_block = Some(settings);
        Ok(())
    }

    fn put_bucket_encryption(&self, bucket: &str, encryption: &BucketEncryption) -> TargetResult<()> {
        let mut state = self.begin("put_bucket_encryption", bucket.to_string())?;
        state.buckets.get_mut(bucket).ok_or_else(|| no_bucket(bucket))?.encryption = Some(encryption.clone());
        Ok(())
    }

    fn put_object_tags(&self, object: &ObjectId, tags: &[Tag]) -> TargetResult<()> {
        let mut state = self.begin("put_object_tags", object_label(object))?;
        if tags.len() > crate::action::MAX_OBJECT_TAGS {
            return Err(TargetError::new(
                TargetErrorKind::Rejected,
                "BadRequest: Object tags cannot be greater than 10",
            ));
        }
        find_mut(&mut state, object)?.tags = tags.to_vec();
        Ok(())
    }

    fn copy_object(&self, request: &CopyRequest) -> TargetResult<Option<String>> {
        let on = format!(
            "{} -> {}/{}",
            object_label(&request.source),
            request.destination_bucket,
            request.destination_key
        );
        let mut state = self.begin("copy_object", on)?;
        let source = find(&state, &request.source)?
            .cloned()
            .ok_or_else(|| TargetError::new(TargetErrorKind::Rejected, "NoSuchKey: copy source"))?;
        state.next_version += 1;
        let version = format!("v{}", state.next_version);
        let dest = state
            .buckets
            .get_mut(&request.destination_bucket)
            .ok_or_else(|| no_bucket(&request.destination_bucket))?;
        let (sse, kms) = match &request.encryption {
            CopyEncryption::Kms { kms_key_id } => (
                Some(SSE_KMS.to_string()),
                Some(kms_key_id.clone().unwrap_or_else(|| AWS_MANAGED_S3_KEY.into())),
            ),
            CopyEncryption::BucketDefault => match &dest.encryption {
                Some(e) => (Some(e.sse_algorithm.clone()), e.kms_key_id.clone()),
                None => (Some(SSE_S3.to_string()), None),
            },
        };
        // Directives COPY: content type, metadata and tags travel; the ACL is the default
        // (private), as in S3.
        let copy = FakeObject {
            version_id: dest.versioned.then(|| version.clone()),
            server_side_encryption: sse,
            kms_key_id: kms,
            public_acl: false,
            delete_marker: false,
            ..source
        };
        let versions = dest.objects.entry(request.destination_key.clone()).or_default();
        if !dest.versioned {
            versions.clear();
        }
        versions.push(copy);
        Ok(dest.versioned.then_some(version))
    }

    fn put_object_acl_private(&self, object: &ObjectId) -> TargetResult<()> {
        let mut state = self.begin("put_object_acl_private", object_label(object))?;
        find_mut(&mut state, object)?.public_acl = false;
        Ok(())
    }

    fn delete_object(&self, object: &ObjectId) -> TargetResult<()> {
        let mut state = self.begin("delete_object", object_label(object))?;
        let b = state.buckets.get_mut(&object.bucket).ok_or_else(|| no_bucket(&object.bucket))?;
        let Some(versions) = b.objects.get_mut(&object.key) else { return Ok(()) };
        match (&object.version_id, b.versioned) {
            (Some(v), _) => versions.retain(|o| o.version_id.as_deref() != Some(v.as_str())),
            (None, true) => versions.push(FakeObject { delete_marker: true, ..FakeObject::default() }),
            (None, false) => versions.clear(),
        }
        Ok(())
    }
}

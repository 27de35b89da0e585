//! The executor against the in-memory S3: enforce against dry-run, a second run changing
//! nothing, the opt-out tag, tag merging and the 10-tag limit, quarantine with and without
//! deletion, failures.

use sluice_remediate::fakes::{FakeS3, AWS_MANAGED_S3_KEY};
use sluice_remediate::{
    execute, plan, Action, ActionKind, AuditRecord, BlockPublicAccess, BucketEncryption, FindingDetail,
    LoadOptions, Mode, ObjectId, Outcome, RecordStatus, RemediationPolicy, SkipReason, Tag, TargetError,
    TargetErrorKind, QUARANTINE_TAG_KEY, SSE_KMS, SSE_S3,
};

const KEY_ARN: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const BUCKET: &str = "prod-exports";
const OBJECT: &str = "daily/cards.csv";
const QUARANTINE: &str = "sluice-quarantine";

fn policy(mode: &str, actions: &str) -> RemediationPolicy {
    let text = format!(
        "identifiers: {{selector: ALL}}\nremediation:\n  mode: {mode}\n  rules:\n    - name: cards\n      \
         match: {{identifier_types: [CREDIT_CARD_NUMBER], min_severity: high}}\n      actions: {actions}\n"
    );
    RemediationPolicy::from_config_yaml(
        &text,
        &LoadOptions { default_quarantine_bucket: Some(QUARANTINE.into()) },
    )
    .unwrap()
}

fn full_policy(mode: &str) -> RemediationPolicy {
    policy(
        mode,
        &format!(
            "[block-public-access, {{default-encryption: {{kms_key_id: '{KEY_ARN}'}}}}, \
             {{encrypt-object: {{kms_key_id: '1234abcd-12ab-34cd-56ef-1234567890ab'}}}}, \
             {{tag-object: {{tags: {{'sluice:sensitivity': '{{severity}}', 'sluice:types': '{{types}}'}}}}}}]"
        ),
    )
}

/// The finding the scanner publishes for `OBJECT` at `version`, with the bucket's tags as the
/// scanner saw them.
fn finding(version: Option<&str>, bucket_tags: &str) -> FindingDetail {
    let version = version.map(|v| format!(r#","versionId":"{v}""#)).unwrap_or_default();
    FindingDetail::from_json(&format!(
        r#"{{"id":"finding-1","type":"SensitiveData:S3Object/Financial","category":"CLASSIFICATION",
           "severity":{{"description":"High","score":3}},
           "resourcesAffected":{{
             "s3Bucket":{{"name":"{BUCKET}","publicAccess":{{"effectivePermission":"PUBLIC"}},"tags":[{bucket_tags}]}},
             "s3Object":{{"key":"{OBJECT}","size":2048{version}}}}},
           "classificationDetails":{{"result":{{"status":{{"code":"COMPLETE"}},"sensitiveData":[
             {{"category":"FINANCIAL_INFORMATION","totalCount":12,
               "detections":[{{"type":"CREDIT_CARD_NUMBER","count":12,
                 "occurrences":{{"cells":[{{"row":2,"column":3,"columnName":"card"}}]}}}}]}}]}}}}}}"#
    ))
    .unwrap()
}

/// A public, unencrypted, versioned bucket holding one object with one tag of its owner's.
fn exposed_bucket() -> (FakeS3, Option<String>) {
    let s3 = FakeS3::new();
    s3.add_bucket(BUCKET);
    s3.add_bucket(QUARANTINE);
    s3.update_bucket(BUCKET, |b| b.versioned = true);
    s3.update_bucket(QUARANTINE, |b| {
        b.versioned = true;
        b.encryption = Some(BucketEncryption {
            sse_algorithm: SSE_KMS.into(),
            kms_key_id: Some(KEY_ARN.into()),
            bucket_key_enabled: true,
        });
    });
    let version = s3.put_object(BUCKET, OBJECT, 2048, &[Tag::new("owner", "team-a")]);
    (s3, version)
}

fn outcomes(record: &AuditRecord) -> Vec<(ActionKind, Outcome)> {
    record.actions.iter().map(|a| (a.kind, a.outcome)).collect()
}

fn run(s3: &FakeS3, finding: &FindingDetail, policy: &RemediationPolicy) -> AuditRecord {
    execute(&plan(finding, policy), s3)
}

#[test]
fn enforce_closes_the_bucket_and_encrypts_and_tags_the_object_keeping_its_tags() {
    let (s3, version) = exposed_bucket();
    let f = finding(version.as_deref(), "");
    let record = run(&s3, &f, &full_policy("enforce"));

    assert_eq!(record.status, RecordStatus::Remediated, "{record:#?}");
    assert_eq!(
        outcomes(&record),
        vec![
            (ActionKind::BlockPublicAccess, Outcome::Done),
            (ActionKind::DefaultEncryption, Outcome::Done),
            (ActionKind::TagObject, Outcome::Done),
            (ActionKind::EncryptObject, Outcome::Done),
        ]
    );
    let bucket = s3.bucket(BUCKET);
    assert_eq!(bucket.public_access_block, Some(BlockPublicAccess::ALL));
    assert_eq!(
        bucket.encryption,
        Some(BucketEncryption {
            sse_algorithm: SSE_KMS.into(),
            kms_key_id: Some(KEY_ARN.into()),
            bucket_key_enabled: true
        })
    );
    // The re-encrypted copy is the current version; it kept metadata and the merged tags.
    let current = s3.object(&ObjectId::new(BUCKET, OBJECT, None)).unwrap();
    assert_ne!(current.version_id, version);
    assert_eq!(current.server_side_encryption.as_deref(), Some(SSE_KMS));
    assert_eq!(current.kms_key_id.as_deref(), Some("1234abcd-12ab-34cd-56ef-1234567890ab"));
    assert_eq!(current.content_type, "text/csv");
    assert_eq!(current.metadata.get("origin").map(String::as_str), Some("upload"));
    assert_eq!(
        current.tags,
        vec![
            Tag::new("owner", "team-a"),
            Tag::new("sluice:sensitivity", "high"),
            Tag::new("sluice:types", "CREDIT_CARD_NUMBER"),
        ]
    );
    assert!(!record.has_retryable_failure());
}

#[test]
fn a_second_run_changes_nothing() {
    let (s3, version) = exposed_bucket();
    let f = finding(version.as_deref(), "");
    let policy = full_policy("enforce");
    run(&s3, &f, &policy);
    let versions = s3.version_count(BUCKET, OBJECT);
    s3.clear_calls();

    let second = run(&s3, &f, &policy);
    assert_eq!(second.status, RecordStatus::Compliant, "{second:#?}");
    assert!(second.actions.iter().all(|a| a.outcome == Outcome::AlreadyCompliant), "{second:#?}");
    assert!(s3.mutating_calls().is_empty(), "{:?}", s3.mutating_calls());
    assert_eq!(s3.version_count(BUCKET, OBJECT), versions);
}

#[test]
fn dry_run_reads_says_what_would_change_and_changes_nothing() {
    let (s3, version) = exposed_bucket();
    let before = (s3.bucket(BUCKET), s3.bucket(QUARANTINE));
    let record = run(&s3, &finding(version.as_deref(), ""), &full_policy("dry-run"));

    assert_eq!(record.mode, Mode::DryRun);
    assert_eq!(record.status, RecordStatus::DryRun);
    assert!(record.actions.iter().all(|a| a.outcome == Outcome::WouldChange), "{record:#?}");
    assert!(record.actions.iter().all(|a| !a.changes.is_empty()));
    assert!(!s3.calls().is_empty());
    assert!(s3.mutating_calls().is_empty(), "{:?}", s3.mutating_calls());
    assert_eq!((s3.bucket(BUCKET), s3.bucket(QUARANTINE)), before);
}

#[test]
fn dry_run_after_enforce_reports_compliance() {
    let (s3, version) = exposed_bucket();
    let f = finding(version.as_deref(), "");
    run(&s3, &f, &full_policy("enforce"));
    let record = run(&s3, &f, &full_policy("dry-run"));
    assert_eq!(record.status, RecordStatus::DryRun);
    assert!(record.actions.iter().all(|a| a.outcome == Outcome::AlreadyCompliant), "{record:#?}");
}

#[test]
fn an_opted_out_bucket_is_untouched() {
    // Tagged when scanned: nothing is planned and S3 is not even asked.
    let (s3, version) = exposed_bucket();
    let tagged = finding(version.as_deref(), r#"{"key":"sluice:remediation","value":"skip"}"#);
    let record = run(&s3, &tagged, &full_policy("enforce"));
    assert_eq!(record.status, RecordStatus::Skipped);
    assert_eq!(record.skipped, Some(SkipReason::OptedOut));
    assert!(s3.calls().is_empty());

    // Tagged after the scan: the executor reads the tags again before changing anything.
    s3.update_bucket(BUCKET, |b| b.tags.push(Tag::new("sluice:remediation", "skip")));
    let before = s3.bucket(BUCKET);
    let record = run(&s3, &finding(version.as_deref(), ""), &full_policy("enforce"));
    assert_eq!(record.skipped, Some(SkipReason::OptedOut));
    assert!(record.actions.is_empty());
    assert!(s3.mutating_calls().is_empty());
    assert_eq!(s3.bucket(BUCKET), before);
}

#[test]
fn mode_off_plans_nothing_and_calls_nothing() {
    let (s3, version) = exposed_bucket();
    let record = run(&s3, &finding(version.as_deref(), ""), &full_policy("off"));
    assert_eq!(record.status, RecordStatus::Skipped);
    assert_eq!(record.skipped, Some(SkipReason::ModeOff));
    assert_eq!(record.reason.as_deref(), Some("remediation mode is off"));
    assert!(s3.calls().is_empty());
}

#[test]
fn the_deployment_mode_overrides_the_file() {
    let (s3, version) = exposed_bucket();
    let policy = full_policy("enforce").with_mode(Mode::DryRun);
    let record = run(&s3, &finding(version.as_deref(), ""), &policy);
    assert_eq!(record.status, RecordStatus::DryRun);
    assert!(s3.mutating_calls().is_empty());
}

#[test]
fn tags_merge_without_overwriting_and_stop_at_the_limit() {
    let (s3, version) = exposed_bucket();
    let object = ObjectId::new(BUCKET, OBJECT, version.clone());
    let tag_policy = policy(
        "enforce",
        "[{tag-object: {tags: {'sluice:sensitivity': '{severity}', 'sluice:types': '{types}'}}}]",
    );

    // An existing value is kept, the missing key added.
    s3.update_object(&object, |o| {
        o.tags = vec![Tag::new("owner", "team-a"), Tag::new("sluice:sensitivity", "low")]
    });
    let record = run(&s3, &finding(version.as_deref(), ""), &tag_policy);
    assert_eq!(outcomes(&record), vec![(ActionKind::TagObject, Outcome::Done)]);
    assert_eq!(record.actions[0].reason.as_deref(), Some("kept the existing value of sluice:sensitivity"));
    assert_eq!(
        s3.object(&object).unwrap().tags,
        vec![
            Tag::new("owner", "team-a"),
            Tag::new("sluice:sensitivity", "low"),
            Tag::new("sluice:types", "CREDIT_CARD_NUMBER"),
        ]
    );

    // Nine tags and two to add: none is added, and the record says why.
    let nine: Vec<Tag> = (1..=9).map(|i| Tag::new(format!("team:tag{i}"), "x")).collect();
    s3.update_object(&object, |o| o.tags = nine.clone());
    s3.clear_calls();
    let record = run(&s3, &finding(version.as_deref(), ""), &tag_policy);
    assert_eq!(outcomes(&record), vec![(ActionKind::TagObject, Outcome::Skipped)]);
    let reason = record.actions[0].reason.as_deref().unwrap();
    assert!(reason.contains("limit of 10"), "{reason}");
    assert_eq!(s3.object(&object).unwrap().tags, nine);
    assert!(s3.mutating_calls().is_empty());
}

#[test]
fn quarantine_copies_and_restricts_the_original_without_deleting_it() {
    let (s3, version) = exposed_bucket();
    let object = ObjectId::new(BUCKET, OBJECT, version.clone());
    s3.update_object(&object, |o| o.public_acl = true);
    let quarantine = policy("enforce", "[{quarantine: {prefix: held/}}]");

    let record = run(&s3, &finding(version.as_deref(), ""), &quarantine);
    assert_eq!(outcomes(&record), vec![(ActionKind::Quarantine, Outcome::Done)], "{record:#?}");
    assert_eq!(record.actions[0].changes.len(), 3, "{record:#?}");

    let copy = s3.object(&ObjectId::new(QUARANTINE, format!("held/{BUCKET}/{OBJECT}"), None)).unwrap();
    assert_eq!(copy.size, 2048);
    assert_eq!(copy.tags, vec![Tag::new("owner", "team-a")]);
    assert_eq!(
        copy.kms_key_id.as_deref(),
        Some(KEY_ARN),
        "the copy takes the quarantine bucket's encryption"
    );
    let original = s3.object(&object).expect("the original is kept");
    assert!(!original.public_acl);
    assert!(original.tags.contains(&Tag::new(QUARANTINE_TAG_KEY, "true")));
    assert!(original.tags.contains(&Tag::new("owner", "team-a")));
    assert!(s3.mutating_calls().iter().all(|c| c.method != "delete_object"));

    s3.clear_calls();
    let again = run(&s3, &finding(version.as_deref(), ""), &quarantine);
    assert_eq!(outcomes(&again), vec![(ActionKind::Quarantine, Outcome::AlreadyCompliant)]);
    assert!(s3.mutating_calls().is_empty());
}

#[test]
fn quarantine_deletes_only_when_told_and_only_after_the_copy() {
    let (s3, version) = exposed_bucket();
    let object = ObjectId::new(BUCKET, OBJECT, version.clone());
    let quarantine = policy("enforce", "[{quarantine: {delete_original: true}}, encrypt-object]");

    let record = run(&s3, &finding(version.as_deref(), ""), &quarantine);
    assert_eq!(
        outcomes(&record),
        vec![(ActionKind::Quarantine, Outcome::Done), (ActionKind::EncryptObject, Outcome::Skipped)],
        "{record:#?}"
    );
    let methods: Vec<&str> = s3.mutating_calls().iter().map(|c| c.method).collect();
    assert_eq!(methods, vec!["copy_object", "delete_object"]);
    assert!(s3.object(&object).is_none());
    assert!(s3.object(&ObjectId::new(QUARANTINE, format!("quarantine/{BUCKET}/{OBJECT}"), None)).is_some());

    s3.clear_calls();
    let again = run(&s3, &finding(version.as_deref(), ""), &quarantine);
    assert_eq!(again.actions[0].outcome, Outcome::AlreadyCompliant, "{again:#?}");
    assert!(s3.mutating_calls().is_empty());
}

#[test]
fn a_failed_copy_never_deletes() {
    let (s3, version) = exposed_bucket();
    let object = ObjectId::new(BUCKET, OBJECT, version.clone());
    s3.fail_next("copy_object", TargetError::new(TargetErrorKind::Transient, "SlowDown"));
    let record = run(
        &s3,
        &finding(version.as_deref(), ""),
        &policy("enforce", "[{quarantine: {delete_original: true}}]"),
    );
    assert_eq!(record.status, RecordStatus::Failed);
    assert_eq!(record.actions[0].outcome, Outcome::Failed);
    assert!(record.has_retryable_failure());
    assert!(s3.object(&object).is_some());
}

#[test]
fn a_failure_is_recorded_and_the_other_actions_still_run() {
    let (s3, version) = exposed_bucket();
    s3.fail_next("put_public_access_block", TargetError::new(TargetErrorKind::Transient, "SlowDown"));
    let record = run(&s3, &finding(version.as_deref(), ""), &full_policy("enforce"));
    assert_eq!(record.status, RecordStatus::Failed);
    assert_eq!(record.actions[0].outcome, Outcome::Failed);
    assert!(record.actions[0].retryable);
    assert!(record.actions[1..].iter().all(|a| a.outcome == Outcome::Done));
    assert!(record.has_retryable_failure());

    // A refused call is not worth retrying.
    let (s3, version) = exposed_bucket();
    s3.fail_next("put_bucket_encryption", TargetError::new(TargetErrorKind::AccessDenied, "AccessDenied"));
    let record = run(&s3, &finding(version.as_deref(), ""), &full_policy("enforce"));
    assert_eq!(record.status, RecordStatus::Failed);
    assert!(!record.has_retryable_failure());
}

#[test]
fn unreadable_bucket_tags_stop_everything() {
    let (s3, version) = exposed_bucket();
    s3.fail_next("bucket_tags", TargetError::new(TargetErrorKind::Transient, "InternalError"));
    let record = run(&s3, &finding(version.as_deref(), ""), &full_policy("enforce"));
    assert_eq!(record.status, RecordStatus::Failed);
    assert!(record.actions.is_empty());
    assert!(record.has_retryable_failure());
    assert!(s3.mutating_calls().is_empty());
}

#[test]
fn an_overwritten_object_is_left_to_its_own_scan() {
    let (s3, version) = exposed_bucket();
    s3.put_object(BUCKET, OBJECT, 10, &[]);
    let record = run(&s3, &finding(version.as_deref(), ""), &policy("enforce", "[encrypt-object]"));
    assert_eq!(outcomes(&record), vec![(ActionKind::EncryptObject, Outcome::Skipped)]);
    assert!(record.actions[0].reason.as_deref().unwrap().contains("overwritten"));
    assert!(s3.mutating_calls().is_empty());
}

#[test]
fn sse_s3_default_encryption_never_downgrades_kms_and_unversioned_objects_work() {
    let s3 = FakeS3::new();
    s3.add_bucket(BUCKET);
    s3.update_bucket(BUCKET, |b| {
        b.encryption = Some(BucketEncryption {
            sse_algorithm: SSE_KMS.into(),
            kms_key_id: Some(KEY_ARN.into()),
            bucket_key_enabled: false,
        })
    });
    s3.put_object(BUCKET, OBJECT, 5, &[]);
    let record = run(&s3, &finding(None, ""), &policy("enforce", "[default-encryption, encrypt-object]"));
    // The object already took the bucket's KMS default; the AWS managed key is not asked for.
    assert_eq!(
        outcomes(&record),
        vec![
            (ActionKind::DefaultEncryption, Outcome::AlreadyCompliant),
            (ActionKind::EncryptObject, Outcome::AlreadyCompliant)
        ]
    );

    s3.update_bucket(BUCKET, |b| b.encryption = None);
    s3.put_object(BUCKET, OBJECT, 5, &[]);
    let record = run(&s3, &finding(None, ""), &policy("enforce", "[default-encryption, encrypt-object]"));
    assert_eq!(record.status, RecordStatus::Remediated);
    assert_eq!(s3.bucket(BUCKET).encryption.unwrap().sse_algorithm, SSE_S3);
    let current = s3.object(&ObjectId::new(BUCKET, OBJECT, None)).unwrap();
    assert_eq!(current.kms_key_id.as_deref(), Some(AWS_MANAGED_S3_KEY));
    assert_eq!(s3.version_count(BUCKET, OBJECT), 1);
}

#[test]
fn the_audit_record_holds_types_and_counts_only() {
    let (s3, version) = exposed_bucket();
    let record = run(&s3, &finding(version.as_deref(), ""), &full_policy("enforce"));
    let json = record.to_json();
    let back: AuditRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(back, record);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["findingId"], "finding-1");
    assert_eq!(value["status"], "REMEDIATED");
    assert_eq!(value["mode"], "enforce");
    assert_eq!(value["detectedTypes"][0], serde_json::json!({"type": "CREDIT_CARD_NUMBER", "count": 12}));
    assert_eq!(value["actions"][0]["kind"], "block-public-access");
    assert_eq!(value["actions"][0]["rule"], "cards");
    assert_eq!(value["actions"][0]["outcome"], "DONE");
    // No occurrence location of the finding travels into the record.
    assert!(!json.contains("occurrences") && !json.contains("columnName"), "{json}");
    assert!(matches!(back.actions[3].planned, Action::EncryptObject { .. }));
}

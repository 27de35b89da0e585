//! Runs a plan against a [`RemediationTarget`]. Every action reads the current state first
//! and changes only what differs, so that a second run reports `ALREADY_COMPLIANT` and calls
//! no mutating method; in dry-run only the read methods are called at all.

use crate::action::{Action, Tag, MAX_OBJECT_TAGS, QUARANTINE_TAG_KEY, QUARANTINE_TAG_VALUE};
use crate::audit::{ActionRecord, AuditRecord, Outcome, RecordStatus, AUDIT_SCHEMA_VERSION};
use crate::plan::{is_opted_out, Plan, PlannedAction, SkipReason};
use crate::policy::Mode;
use crate::target::{
    BlockPublicAccess, BucketEncryption, CopyEncryption, CopyRequest, ObjectId, ObjectState,
    RemediationTarget, TargetError, SSE_KMS, SSE_KMS_DSSE, SSE_S3,
};

/// Executes `plan`: the audit record says what was done, would be done, skipped or failed.
pub fn execute(plan: &Plan, target: &dyn RemediationTarget) -> AuditRecord {
    let mut record = AuditRecord {
        schema_version: AUDIT_SCHEMA_VERSION.to_string(),
        mode: plan.mode,
        status: RecordStatus::Skipped,
        subject: plan.subject.clone(),
        skipped: plan.skipped,
        reason: plan.skipped.map(|s| s.describe().to_string()),
        actions: Vec::new(),
        not_taken: plan.not_taken.clone(),
        retryable: false,
    };
    if plan.skipped.is_some() || plan.actions.is_empty() {
        return record;
    }
    let Some(bucket) = plan.subject.bucket.clone() else {
        record.skipped = Some(SkipReason::NoBucket);
        record.reason = Some(SkipReason::NoBucket.describe().to_string());
        return record;
    };
    // The opt-out tag may have been set after the scan: read it again before any change.
    match target.bucket_tags(&bucket) {
        Ok(tags) if is_opted_out(tags.iter().map(|t| (t.key.as_str(), t.value.as_str()))) => {
            record.skipped = Some(SkipReason::OptedOut);
            record.reason = Some(SkipReason::OptedOut.describe().to_string());
            return record;
        }
        Ok(_) => {}
        Err(e) => {
            // Without the tags the opt-out cannot be checked: act on nothing.
            record.status = RecordStatus::Failed;
            record.retryable = e.retryable();
            record.reason = Some(format!("could not read the bucket's tags to check the opt-out: {e}"));
            return record;
        }
    }
    let object =
        plan.subject.key.as_ref().map(|k| ObjectId::new(&bucket, k, plan.subject.version_id.clone()));
    let mut run = Run { target, enforce: plan.mode == Mode::Enforce, object_deleted: false };
    for planned in &plan.actions {
        let (outcome, changes, reason, retryable) = match run.action(planned, &bucket, object.as_ref()) {
            Ok(step) => (step.outcome, step.changes, step.reason, false),
            Err(failure) => {
                (Outcome::Failed, failure.changes, Some(failure.error.to_string()), failure.error.retryable())
            }
        };
        record.actions.push(ActionRecord {
            kind: planned.action.kind(),
            rule: planned.rule.clone(),
            planned: planned.action.clone(),
            outcome,
            changes,
            reason,
            retryable,
        });
    }
    let outcomes: Vec<Outcome> = record.actions.iter().map(|a| a.outcome).collect();
    record.retryable = record.actions.iter().any(|a| a.retryable);
    record.status = if outcomes.contains(&Outcome::Failed) {
        RecordStatus::Failed
    } else if plan.mode == Mode::DryRun {
        RecordStatus::DryRun
    } else if outcomes.contains(&Outcome::Done) {
        RecordStatus::Remediated
    } else {
        RecordStatus::Compliant
    };
    record
}

struct Step {
    outcome: Outcome,
    changes: Vec<String>,
    reason: Option<String>,
}

impl Step {
    fn compliant() -> Step {
        Step { outcome: Outcome::AlreadyCompliant, changes: Vec::new(), reason: None }
    }
    fn skipped(reason: impl Into<String>) -> Step {
        Step { outcome: Outcome::Skipped, changes: Vec::new(), reason: Some(reason.into()) }
    }
}

/// A failed call, with the changes already made before it.
struct Failure {
    error: TargetError,
    changes: Vec<String>,
}

impl From<TargetError> for Failure {
    fn from(error: TargetError) -> Failure {
        Failure { error, changes: Vec::new() }
    }
}

struct Run<'a> {
    target: &'a dyn RemediationTarget,
    enforce: bool,
    /// A quarantine deleted the original earlier in this run.
    object_deleted: bool,
}

impl Run<'_> {
    fn action(
        &mut self,
        planned: &PlannedAction,
        bucket: &str,
        object: Option<&ObjectId>,
    ) -> Result<Step, Failure> {
        let object = match (planned.action.kind().on_object(), object) {
            (true, None) => return Ok(Step::skipped("the finding names no object")),
            (_, object) => object,
        };
        match (&planned.action, object) {
            (Action::BlockPublicAccess, _) => self.block_public_access(bucket),
            (Action::DefaultEncryption { kms_key_id }, _) => {
                self.default_encryption(bucket, kms_key_id.as_deref())
            }
            (Action::TagObject { tags }, Some(object)) => self.tag_object(object, tags),
            (Action::Quarantine { bucket: q, prefix, delete_original }, Some(object)) => {
                self.quarantine(object, q, prefix, *delete_original)
            }
            (Action::EncryptObject { kms_key_id }, Some(object)) => {
                self.encrypt_object(object, kms_key_id.as_deref())
            }
            (_, None) => unreachable!("object actions return above without an object"),
        }
    }

    /// The outcome once the needed changes are known: none → compliant; dry-run → would
    /// change; enforce → the caller has made them.
    fn changed(&self, changes: Vec<String>) -> Step {
        if changes.is_empty() {
            Step::compliant()
        } else if self.enforce {
            Step { outcome: Outcome::Done, changes, reason: None }
        } else {
            Step { outcome: Outcome::WouldChange, changes, reason: None }
        }
    }

    fn block_public_access(&self, bucket: &str) -> Result<Step, Failure> {
        let current = self.target.public_access_block(bucket)?;
        if current.is_some_and(|c| c.all_on()) {
            return Ok(Step::compliant());
        }
        if self.enforce {
            self.target.put_public_access_block(bucket, BlockPublicAccess::ALL)?;
        }
        Ok(self.changed(vec![format!("turn on all four Block Public Access settings of bucket {bucket}")]))
    }

    fn default_encryption(&self, bucket: &str, kms_key_id: Option<&str>) -> Result<Step, Failure> {
        let current = self.target.bucket_encryption(bucket)?;
        let compliant = match (&current, kms_key_id) {
            (None, _) => false,
            (Some(c), Some(key)) => {
                c.sse_algorithm == SSE_KMS
                    && c.bucket_key_enabled
                    && c.kms_key_id.as_deref().is_some_and(|k| same_key(key, k))
            }
            // SSE-S3 asked: any encryption satisfies it, and SSE-KMS is never downgraded.
            (Some(c), None) => [SSE_S3, SSE_KMS, SSE_KMS_DSSE].contains(&c.sse_algorithm.as_str()),
        };
        if compliant {
            return Ok(Step::compliant());
        }
        let wanted = BucketEncryption {
            sse_algorithm: if kms_key_id.is_some() { SSE_KMS } else { SSE_S3 }.to_string(),
            kms_key_id: kms_key_id.map(str::to_string),
            bucket_key_enabled: kms_key_id.is_some(),
        };
        if self.enforce {
            self.target.put_bucket_encryption(bucket, &wanted)?;
        }
        let what = match kms_key_id {
            Some(key) => format!(
                "set default encryption of bucket {bucket} to SSE-KMS with key {key} and the bucket key"
            ),
            None => format!("set default encryption of bucket {bucket} to SSE-S3"),
        };
        Ok(self.changed(vec![what]))
    }

    fn tag_object(&self, object: &ObjectId, tags: &[Tag]) -> Result<Step, Failure> {
        if self.object_deleted {
            return Ok(Step::skipped("the quarantine deleted the original"));
        }
        let Some(existing) = self.target.object_tags(object)? else {
            return Ok(Step::skipped("the object no longer exists"));
        };
        match merge_tags(&existing, tags) {
            Merge::Nothing { kept } => {
                let mut step = Step::compliant();
                step.reason = kept_note(&kept);
                Ok(step)
            }
            Merge::OverLimit { adding } => Ok(Step::skipped(format!(
                "the object has {} tags; adding {adding} would pass S3's limit of {MAX_OBJECT_TAGS}, so none was added",
                existing.len()
            ))),
            Merge::Add { merged, added, kept } => {
                if self.enforce {
                    self.target.put_object_tags(object, &merged)?;
                }
                let list: Vec<String> = added.iter().map(|t| format!("{}={}", t.key, t.value)).collect();
                let mut step = self.changed(vec![format!("add tags {} to the object", list.join(", "))]);
                step.reason = kept_note(&kept);
                Ok(step)
            }
        }
    }

    fn quarantine(
        &mut self,
        object: &ObjectId,
        q_bucket: &str,
        prefix: &str,
        delete: bool,
    ) -> Result<Step, Failure> {
        let destination_key = format!("{prefix}{}/{}", object.bucket, object.key);
        let destination = ObjectId::new(q_bucket, &destination_key, None);
        let copied = self.target.head_object(&destination)?.is_some();
        let Some(source) = self.target.head_object(object)? else {
            return Ok(if copied && delete {
                Step::compliant()
            } else {
                Step::skipped("the object no longer exists")
            });
        };
        let mut changes = Vec::new();
        let fail = |error: TargetError, changes: &Vec<String>| Failure { error, changes: changes.clone() };
        if !copied {
            if self.enforce {
                let request = CopyRequest {
                    source: object.clone(),
                    source_size: source.size,
                    destination_bucket: q_bucket.to_string(),
                    destination_key: destination_key.clone(),
                    encryption: CopyEncryption::BucketDefault,
                };
                self.target.copy_object(&request).map_err(|e| fail(e, &changes))?;
            }
            changes.push(format!("copy the object to s3://{q_bucket}/{destination_key}"));
        }
        if delete {
            // The copy exists (made above, or found): only now may the original go.
            if self.enforce {
                self.target.delete_object(object).map_err(|e| fail(e, &changes))?;
                self.object_deleted = true;
            }
            changes.push("delete the original".to_string());
            return Ok(self.changed(changes));
        }
        if !self.target.object_acl_is_private(object).map_err(|e| fail(e, &changes))? {
            if self.enforce {
                self.target.put_object_acl_private(object).map_err(|e| fail(e, &changes))?;
            }
            changes.push("set the original's ACL to private".to_string());
        }
        let existing = self.target.object_tags(object).map_err(|e| fail(e, &changes))?.unwrap_or_default();
        let marker = [Tag::new(QUARANTINE_TAG_KEY, QUARANTINE_TAG_VALUE)];
        match merge_tags(&existing, &marker) {
            Merge::Nothing { .. } => {}
            Merge::OverLimit { .. } => {
                let mut step = self.changed(changes);
                step.outcome = Outcome::Failed;
                step.reason = Some(format!(
                    "the original has {MAX_OBJECT_TAGS} tags, so the {QUARANTINE_TAG_KEY} tag a bucket policy denies on \
                     could not be added"
                ));
                return Ok(step);
            }
            Merge::Add { merged, .. } => {
                if self.enforce {
                    self.target.put_object_tags(object, &merged).map_err(|e| fail(e, &changes))?;
                }
                changes.push(format!("tag the original {QUARANTINE_TAG_KEY}={QUARANTINE_TAG_VALUE}"));
            }
        }
        Ok(self.changed(changes))
    }

    fn encrypt_object(&self, object: &ObjectId, kms_key_id: Option<&str>) -> Result<Step, Failure> {
        if self.object_deleted {
            return Ok(Step::skipped("the quarantine deleted the original"));
        }
        let Some(current) = self.target.head_object(&object.current())? else {
            return Ok(Step::skipped("the object no longer exists"));
        };
        if encrypted_as_wanted(&current, kms_key_id) {
            return Ok(Step::compliant());
        }
        if object.version_id.is_some() && current.version_id != object.version_id {
            return Ok(Step::skipped(
                "the object was overwritten since the scan; its new version is scanned and remediated on its own",
            ));
        }
        if self.enforce {
            let request = CopyRequest {
                source: object.clone(),
                source_size: current.size,
                destination_bucket: object.bucket.clone(),
                destination_key: object.key.clone(),
                encryption: CopyEncryption::Kms { kms_key_id: kms_key_id.map(str::to_string) },
            };
            self.target.copy_object(&request)?;
        }
        let key = kms_key_id.unwrap_or("the AWS managed key aws/s3");
        Ok(self.changed(vec![format!(
            "re-encrypt the object in place with SSE-KMS ({key}), keeping metadata and tags"
        )]))
    }
}

fn encrypted_as_wanted(state: &ObjectState, kms_key_id: Option<&str>) -> bool {
    let kms = matches!(state.server_side_encryption.as_deref(), Some(SSE_KMS) | Some(SSE_KMS_DSSE));
    match kms_key_id {
        None => kms,
        Some(key) => kms && state.kms_key_id.as_deref().is_some_and(|k| same_key(key, k)),
    }
}

/// Whether two KMS key references name the same key: equal, or one is the ARN of the
/// other's key ID (S3 reports ARNs; a policy may give the bare ID).
fn same_key(a: &str, b: &str) -> bool {
    a == b || b.ends_with(&format!("/{a}")) || a.ends_with(&format!("/{b}"))
}

enum Merge {
    /// Every key is already present (`kept`: keys whose existing value differs and was kept).
    Nothing {
        kept: Vec<String>,
    },
    /// Adding the missing keys would pass S3's limit.
    OverLimit {
        adding: usize,
    },
    Add {
        merged: Vec<Tag>,
        added: Vec<Tag>,
        kept: Vec<String>,
    },
}

/// Merges `wanted` into `existing` without overwriting: a key already present keeps its
/// value.
fn merge_tags(existing: &[Tag], wanted: &[Tag]) -> Merge {
    let mut added = Vec::new();
    let mut kept = Vec::new();
    for tag in wanted {
        match existing.iter().find(|t| t.key == tag.key) {
            Some(t) if t.value != tag.value => kept.push(tag.key.clone()),
            Some(_) => {}
            None => added.push(tag.clone()),
        }
    }
    if added.is_empty() {
        Merge::Nothing { kept }
    } else if existing.len() + added.len() > MAX_OBJECT_TAGS {
        Merge::OverLimit { adding: added.len() }
    } else {
        let merged = existing.iter().cloned().chain(added.iter().cloned()).collect();
        Merge::Add { merged, added, kept }
    }
}

fn kept_note(kept: &[String]) -> Option<String> {
    (!kept.is_empty()).then(|| format!("kept the existing value of {}", kept.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_references_compare_by_id_or_arn() {
        let arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab";
        assert!(same_key("1234abcd-12ab", arn));
        assert!(same_key(arn, "1234abcd-12ab"));
        assert!(same_key(arn, arn));
        assert!(!same_key("1234abcd-12ac", arn));
    }

    #[test]
    fn merging_never_overwrites_and_respects_the_limit() {
        let existing = vec![Tag::new("owner", "team-a"), Tag::new("sluice:sensitivity", "low")];
        let wanted =
            vec![Tag::new("sluice:sensitivity", "high"), Tag::new("sluice:types", "CREDIT_CARD_NUMBER")];
        let Merge::Add { merged, added, kept } = merge_tags(&existing, &wanted) else {
            panic!("expected an add")
        };
        assert_eq!(added, vec![Tag::new("sluice:types", "CREDIT_CARD_NUMBER")]);
        assert_eq!(kept, vec!["sluice:sensitivity".to_string()]);
        assert_eq!(merged.len(), 3);
        assert!(merged.contains(&Tag::new("sluice:sensitivity", "low")));

        let full: Vec<Tag> = (0..9).map(|i| Tag::new(format!("k{i}"), "v")).collect();
        assert!(matches!(merge_tags(&full, &wanted), Merge::OverLimit { adding: 2 }));
        let ten: Vec<Tag> =
            full.iter().cloned().chain([Tag::new("sluice:types", "CREDIT_CARD_NUMBER")]).collect();
        assert!(matches!(merge_tags(&ten, &wanted[1..]), Merge::Nothing { .. }));
    }
}

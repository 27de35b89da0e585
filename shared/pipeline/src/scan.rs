//! The scanner's use case: object changes in, stored results and published findings out.

use std::time::SystemTime;

use serde::Deserialize;
use sluice_detect::Engine;
use sluice_extract::Limits;
use sluice_finding::{
    timestamp, BucketPosture, ClassificationResult, FindingType, ObjectRef, Reason, ScanRecord, Severity,
    StatusCode, MAX_LOCATIONS_IN_FINDING, MAX_LOCATIONS_IN_RESULT,
};

use crate::ports::{
    BucketPostures, FindingPublisher, FindingState, FindingStore, ObjectSource, OpenError, PortError,
    Publication, ResultsArchive, SaveOutcome,
};
use crate::{classify, ObjectHint};

/// Which objects are scanned. An object outside the scope is recorded as `SKIPPED` with
/// `EXCLUDED_BY_SCOPE` (or `FILE_EXCEEDS_SIZE_LIMIT`), never dropped silently.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct Scope {
    /// Scan only keys starting with one of these (all keys when empty).
    #[serde(default)]
    pub include_prefixes: Vec<String>,
    #[serde(default)]
    pub exclude_prefixes: Vec<String>,
    /// Skip keys ending with one of these, compared case-insensitively (`.jpg`, `.mp4`).
    #[serde(default)]
    pub exclude_suffixes: Vec<String>,
    /// Skip objects larger than this.
    #[serde(default)]
    pub max_object_bytes: Option<u64>,
    /// Skip objects carrying any of these tags (`key` or `key=value`).
    #[serde(default)]
    pub exclude_tags: Vec<String>,
}

impl Scope {
    /// Reads the `scope:` section of Sluice's configuration file (other sections are left to
    /// their own readers); no section means every object is in scope.
    pub fn from_config_yaml(text: &str) -> Result<Scope, String> {
        #[derive(Deserialize)]
        struct File {
            #[serde(default)]
            scope: Option<Scope>,
        }
        let file: File = serde_yaml_ng::from_str(text).map_err(|e| format!("scope: {e}"))?;
        Ok(file.scope.unwrap_or_default())
    }

    fn excludes_key(&self, key: &str) -> bool {
        if !self.include_prefixes.is_empty() && !self.include_prefixes.iter().any(|p| key.starts_with(p)) {
            return true;
        }
        if self.exclude_prefixes.iter().any(|p| key.starts_with(p)) {
            return true;
        }
        let lower = key.to_ascii_lowercase();
        self.exclude_suffixes.iter().any(|s| lower.ends_with(&s.to_ascii_lowercase()))
    }

    fn excludes_tags(&self, tags: &[(String, String)]) -> bool {
        self.exclude_tags.iter().any(|rule| match rule.split_once('=') {
            Some((k, v)) => tags.iter().any(|(tk, tv)| tk == k && tv == v),
            None => tags.iter().any(|(tk, _)| tk == rule),
        })
    }
}

/// One change the scanner is asked to handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectChange {
    Created(ObjectRef),
    Removed(ObjectRef),
}

/// What happened to one change, for the handler's answer and the logs. Never holds a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanSummary {
    pub status: StatusCode,
    pub reason: Option<Reason>,
    pub finding_type: Option<FindingType>,
    pub severity: Option<Severity>,
    pub total_count: u64,
    /// The store already held a newer result for this key.
    pub stale: bool,
    /// Findings archived by a removal.
    pub archived: usize,
}

impl ScanSummary {
    /// A one-line description for Batch Operations' `resultString` and logs: codes and counts.
    pub fn describe(&self) -> String {
        let mut s = format!("{:?}", self.status).to_uppercase();
        if let Some(r) = self.reason {
            s.push(' ');
            s.push_str(
                serde_json::to_value(r)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .as_deref()
                    .unwrap_or("?"),
            );
        }
        if let Some(t) = self.finding_type {
            s.push_str(&format!(" {} x{}", t.as_str(), self.total_count));
        }
        if self.stale {
            s.push_str(" (stale event ignored)");
        }
        if self.archived > 0 {
            s.push_str(&format!(" archived {}", self.archived));
        }
        s
    }
}

/// Why a change failed. Retryable failures go back to the queue; permanent ones are reported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Port(#[from] PortError),
}

impl ScanError {
    pub fn is_retryable(&self) -> bool {
        match self {
            ScanError::Port(p) => p.is_retryable(),
        }
    }
}

/// The outside world the scanner talks to.
pub struct Ports<'a> {
    pub source: &'a dyn ObjectSource,
    pub postures: &'a dyn BucketPostures,
    pub archive: &'a dyn ResultsArchive,
    pub store: &'a dyn FindingStore,
    pub publisher: &'a dyn FindingPublisher,
}

/// The scanner, built once per execution environment.
pub struct Scanner<'a> {
    pub engine: &'a Engine,
    pub limits: &'a Limits,
    pub scope: &'a Scope,
    pub clock: fn() -> SystemTime,
}

impl Scanner<'_> {
    /// Handles a batch of changes: each is scanned and stored, then every finding of the batch
    /// is published together. One result per change, in order; a change fails if any of its
    /// steps (publication included) failed, so a retry redoes it whole.
    pub fn handle(&self, ports: &Ports<'_>, changes: &[ObjectChange]) -> Vec<Result<ScanSummary, ScanError>> {
        let mut results: Vec<Result<ScanSummary, ScanError>> = Vec::with_capacity(changes.len());
        let mut publications: Vec<(usize, Publication)> = Vec::new();
        for (i, change) in changes.iter().enumerate() {
            let outcome = match change {
                ObjectChange::Created(object) => self.scan_created(ports, object),
                ObjectChange::Removed(object) => self.removed(ports, object),
            };
            results.push(outcome.map(|(summary, pubs)| {
                publications.extend(pubs.into_iter().map(|p| (i, p)));
                summary
            }));
        }
        if publications.is_empty() {
            return results;
        }
        let batch: Vec<Publication> = publications.iter().map(|(_, p)| p.clone()).collect();
        let published = ports.publisher.publish(&batch);
        for ((i, _), outcome) in publications.iter().zip(published) {
            if let Err(e) = outcome {
                if results[*i].is_ok() {
                    tracing::warn!(change = i, error = %e, "publishing a finding failed");
                    results[*i] = Err(e.into());
                }
            }
        }
        results
    }

    fn now(&self) -> String {
        timestamp((self.clock)())
    }

    fn scan_created(
        &self,
        ports: &Ports<'_>,
        object: &ObjectRef,
    ) -> Result<(ScanSummary, Vec<Publication>), ScanError> {
        let reading = ports.postures.posture(&object.bucket)?;
        let posture = reading.posture;
        let mut record = ScanRecord {
            object: object.clone(),
            meta: None,
            posture: posture.clone(),
            result: ClassificationResult::skipped("", Reason::ExcludedByScope),
            scanned_at: self.now(),
            detailed_results_location: None,
        };
        record.result = self.classify_object(ports, object, &mut record)?;
        let uri = ports.archive.put(&record)?;
        record.result = record.result.truncated(MAX_LOCATIONS_IN_FINDING);
        record.detailed_results_location = Some(uri);

        let mut summary = summarize(&record.result);
        let mut publications = Vec::new();
        match ports.store.save(&record)? {
            SaveOutcome::Stale => {
                summary.stale = true;
                return Ok((summary, publications));
            }
            SaveOutcome::Saved { previous } => {
                let created_at =
                    previous.as_ref().map_or_else(|| record.scanned_at.clone(), |p| p.created_at.clone());
                let had_finding = previous.is_some_and(|p| p.had_finding);
                let state = if record.has_finding() {
                    Some(FindingState::Active)
                } else if had_finding {
                    Some(FindingState::Archived)
                } else {
                    None
                };
                if let Some(state) = state {
                    publications.push(Publication::SensitiveData {
                        record: record.clone(),
                        state,
                        created_at,
                        updated_at: record.scanned_at.clone(),
                    });
                }
            }
        }
        if reading.fresh {
            for finding_type in posture.policy_findings() {
                publications.push(Publication::Policy {
                    record: record.clone(),
                    finding_type,
                    updated_at: record.scanned_at.clone(),
                });
            }
        }
        Ok((summary, publications))
    }

    /// Reads and classifies the object, or says why it was not.
    fn classify_object(
        &self,
        ports: &Ports<'_>,
        object: &ObjectRef,
        record: &mut ScanRecord,
    ) -> Result<ClassificationResult, ScanError> {
        if self.scope.excludes_key(&object.key) {
            return Ok(ClassificationResult::skipped("", Reason::ExcludedByScope));
        }
        let too_big =
            |size: Option<u64>| matches!((size, self.scope.max_object_bytes), (Some(s), Some(m)) if s > m);
        if too_big(object.size) {
            return Ok(ClassificationResult::skipped("", Reason::FileExceedsSizeLimit));
        }
        if !self.scope.exclude_tags.is_empty() {
            match ports.source.tags(object) {
                Ok(tags) if self.scope.excludes_tags(&tags) => {
                    return Ok(ClassificationResult::skipped("", Reason::ExcludedByScope))
                }
                Ok(_) => {}
                Err(OpenError::Unavailable(reason)) => return Ok(ClassificationResult::skipped("", reason)),
                Err(OpenError::Failed(e)) => return Err(e.into()),
            }
        }
        let opened = match ports.source.open(object) {
            Ok(o) => o,
            Err(OpenError::Unavailable(reason)) => return Ok(ClassificationResult::skipped("", reason)),
            Err(OpenError::Failed(e)) => return Err(e.into()),
        };
        let size = opened.meta.size;
        let content_type = opened.meta.content_type.clone();
        record.meta = Some(opened.meta);
        if too_big(Some(size)) {
            return Ok(ClassificationResult::skipped(
                content_type.as_deref().unwrap_or(""),
                Reason::FileExceedsSizeLimit,
            ));
        }
        let hint = ObjectHint { name: &object.key, content_type: content_type.as_deref(), size: Some(size) };
        classify(self.engine, opened.body, hint, self.limits, MAX_LOCATIONS_IN_RESULT).map_err(|e| {
            // The body is a network stream: a read error mid-object is S3's, and worth a retry.
            ScanError::Port(PortError::Retryable(format!(
                "reading s3://{}/{}: {e}",
                object.bucket, object.key
            )))
        })
    }

    fn removed(
        &self,
        ports: &Ports<'_>,
        object: &ObjectRef,
    ) -> Result<(ScanSummary, Vec<Publication>), ScanError> {
        let now = self.now();
        let archived = ports.store.archive(object, &now)?;
        let summary = ScanSummary {
            status: StatusCode::Complete,
            reason: None,
            finding_type: None,
            severity: None,
            total_count: 0,
            stale: false,
            archived: archived.len(),
        };
        let publications = archived
            .into_iter()
            .map(|a| Publication::SensitiveData {
                record: a.record,
                state: FindingState::Archived,
                created_at: a.created_at,
                updated_at: now.clone(),
            })
            .collect();
        Ok((summary, publications))
    }
}

fn summarize(result: &ClassificationResult) -> ScanSummary {
    ScanSummary {
        status: result.status.code,
        reason: result.status.reason,
        finding_type: result.finding_type,
        severity: result.severity,
        total_count: result.total_count(),
        stale: false,
        archived: 0,
    }
}

/// A posture with nothing known, for buckets whose posture could not be read at all.
pub fn unknown_posture(bucket: &str) -> BucketPosture {
    BucketPosture { bucket: bucket.to_string(), ..Default::default() }
}

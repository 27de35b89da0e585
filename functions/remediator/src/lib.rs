//! The remediator Lambda, as a library: the binary (`main.rs`) only wires the runtime, and
//! the end-to-end test calls [`Remediator::handle`] in-process with emulator clients.
//!
//! ```text
//! EventBridge `Sluice Finding` ─► FindingDetail ─plan(policy)─► Plan ─execute(S3)─► AuditRecord
//!                                                         ─► DynamoDB item + `Sluice Remediation` event
//! ```
//!
//! An invocation fails (so that Lambda retries it and, in the end, the dead-letter queue takes
//! it) when an action failed in a way a retry may cure, when the audit could not be written,
//! or when the event is not a `Sluice Finding`. A permanent failure of an action (access
//! denied, a refused request) is recorded and the invocation succeeds: retrying would fail
//! the same way.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sluice_aws::audit::{AuditError, AuditKeys, AuditSink};
use sluice_remediate::{
    execute, plan, AuditRecord, FindingDetail, LoadOptions, Mode, Outcome, PolicyError, RecordStatus,
    RemediationPolicy, RemediationTarget,
};

/// The `source` and `detail-type` of the events the remediator acts on.
pub const FINDING_SOURCE: &str = "sluice";
pub const FINDING_DETAIL_TYPE: &str = "Sluice Finding";

/// How long the findings table keeps an audit record (its `expiresAt`): a year, as the stack
/// keeps discovery results by default.
pub const AUDIT_RETENTION: Duration = Duration::from_secs(365 * 24 * 3600);

/// Where the configuration file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    Path(PathBuf),
    S3 { bucket: String, key: String },
}

impl ConfigSource {
    /// `s3://bucket/key` or a local path.
    pub fn parse(text: &str) -> Result<ConfigSource, SetupError> {
        match text.strip_prefix("s3://") {
            Some(rest) => match rest.split_once('/') {
                Some((bucket, key)) if !bucket.is_empty() && !key.is_empty() => {
                    Ok(ConfigSource::S3 { bucket: bucket.to_string(), key: key.to_string() })
                }
                _ => Err(SetupError::Setting {
                    name: "SLUICE_CONFIG",
                    msg: format!("`{text}` is not s3://bucket/key"),
                }),
            },
            None if text.trim().is_empty() => {
                Err(SetupError::Setting { name: "SLUICE_CONFIG", msg: "is empty".into() })
            }
            None => Ok(ConfigSource::Path(PathBuf::from(text))),
        }
    }
}

impl std::fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigSource::Path(p) => write!(f, "{}", p.display()),
            ConfigSource::S3 { bucket, key } => write!(f, "s3://{bucket}/{key}"),
        }
    }
}

/// Why the remediator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("{name}: {msg}")]
    Setting { name: &'static str, msg: String },
    #[error("reading the configuration {source_name}: {msg}")]
    Read { source_name: String, msg: String },
    #[error("the configuration {source_name}: {error}")]
    Policy { source_name: String, error: PolicyError },
}

/// The deployment's settings: the Lambda's environment variables (`template.yaml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `SLUICE_TABLE`: the findings table, where audit records go.
    pub table: String,
    /// `SLUICE_EVENT_BUS`: where `Sluice Remediation` events go.
    pub event_bus: String,
    /// `SLUICE_CONFIG`: the configuration file.
    pub config: ConfigSource,
    /// `SLUICE_REMEDIATION_MODE`: wins over the file's `remediation.mode`.
    pub mode: Option<Mode>,
    /// `SLUICE_QUARANTINE_BUCKET`: for quarantine actions that name no bucket.
    pub quarantine_bucket: Option<String>,
}

impl Settings {
    /// Reads the settings through `lookup` (the process environment in the Lambda).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Settings, SetupError> {
        let required = |name: &'static str| {
            lookup(name)
                .filter(|v| !v.trim().is_empty())
                .ok_or(SetupError::Setting { name, msg: "is not set".into() })
        };
        let optional = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let mode =
            match optional("SLUICE_REMEDIATION_MODE") {
                None => None,
                Some(m) => Some(m.parse::<Mode>().map_err(|e| SetupError::Setting {
                    name: "SLUICE_REMEDIATION_MODE",
                    msg: e.to_string(),
                })?),
            };
        Ok(Settings {
            table: required("SLUICE_TABLE")?,
            event_bus: optional("SLUICE_EVENT_BUS").unwrap_or_else(|| "default".to_string()),
            config: ConfigSource::parse(&required("SLUICE_CONFIG")?)?,
            mode,
            quarantine_bucket: optional("SLUICE_QUARANTINE_BUCKET"),
        })
    }

    pub fn from_env() -> Result<Settings, SetupError> {
        Settings::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn load_options(&self) -> LoadOptions {
        LoadOptions { default_quarantine_bucket: self.quarantine_bucket.clone() }
    }
}

/// Reads the configuration file and validates its `remediation:` section; `mode`, when
/// given, replaces the file's mode.
pub async fn load_policy(
    s3: &aws_sdk_s3::Client,
    source: &ConfigSource,
    options: &LoadOptions,
    mode: Option<Mode>,
) -> Result<RemediationPolicy, SetupError> {
    let read_error = |msg: String| SetupError::Read { source_name: source.to_string(), msg };
    let text = match source {
        ConfigSource::Path(path) => std::fs::read_to_string(path).map_err(|e| read_error(e.to_string()))?,
        ConfigSource::S3 { bucket, key } => {
            let out = s3
                .get_object()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .map_err(|e| read_error(sluice_aws::sdk_error::describe("GetObject", &e).message))?;
            let bytes = out.body.collect().await.map_err(|e| read_error(e.to_string()))?.into_bytes();
            String::from_utf8(bytes.to_vec()).map_err(|_| read_error("not UTF-8 text".into()))?
        }
    };
    let policy = RemediationPolicy::from_config_yaml(&text, options)
        .map_err(|error| SetupError::Policy { source_name: source.to_string(), error })?;
    Ok(match mode {
        Some(mode) => policy.with_mode(mode),
        None => policy,
    })
}

/// Why an invocation failed.
#[derive(Debug, thiserror::Error)]
pub enum HandleError {
    /// Not an event the remediator acts on: retrying cannot help, but the dead-letter queue
    /// keeps it for someone to look at.
    #[error("not a `Sluice Finding` event: {0}")]
    BadEvent(String),
    /// An action failed in a way a retry may cure; the audit record is written.
    #[error("remediation of finding {finding} failed and may succeed on a retry: {reasons}")]
    Retryable { finding: String, reasons: String },
    #[error(transparent)]
    Audit(#[from] AuditError),
    #[error("the executor stopped: {0}")]
    Executor(String),
}

/// What one invocation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handled {
    pub record: AuditRecord,
    pub keys: AuditKeys,
}

/// The invocation's response: a summary (an async invocation's response is discarded, but
/// `cargo lambda invoke` shows it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub status: RecordStatus,
    pub pk: String,
    pub sk: String,
    pub done: usize,
    pub would_change: usize,
    pub already_compliant: usize,
    pub skipped: usize,
    pub failed: usize,
}

impl Handled {
    pub fn summary(&self) -> Summary {
        let count = |o| self.record.with_outcome(o).count();
        Summary {
            status: self.record.status,
            pk: self.keys.pk.clone(),
            sk: self.keys.sk.clone(),
            done: count(Outcome::Done),
            would_change: count(Outcome::WouldChange),
            already_compliant: count(Outcome::AlreadyCompliant),
            skipped: count(Outcome::Skipped),
            failed: count(Outcome::Failed),
        }
    }
}

#[derive(Deserialize)]
struct Envelope {
    source: String,
    #[serde(rename = "detail-type")]
    detail_type: String,
    detail: Value,
}

/// Parses an EventBridge envelope holding a `Sluice Finding`.
pub fn finding_of(event: Value) -> Result<FindingDetail, HandleError> {
    let envelope: Envelope = serde_json::from_value(event)
        .map_err(|e| HandleError::BadEvent(format!("not an EventBridge event: {e}")))?;
    if envelope.source != FINDING_SOURCE || envelope.detail_type != FINDING_DETAIL_TYPE {
        return Err(HandleError::BadEvent(format!(
            "source `{}`, detail-type `{}`",
            envelope.source, envelope.detail_type
        )));
    }
    // serde_json's errors name the field and position, never the value.
    serde_json::from_value(envelope.detail).map_err(|e| HandleError::BadEvent(format!("detail: {e}")))
}

/// The use case, built once per execution environment.
pub struct Remediator {
    policy: RemediationPolicy,
    target: Arc<dyn RemediationTarget + Send + Sync>,
    audit: AuditSink,
}

impl Remediator {
    pub fn new(
        policy: RemediationPolicy,
        target: Arc<dyn RemediationTarget + Send + Sync>,
        audit: AuditSink,
    ) -> Remediator {
        Remediator { policy, target, audit }
    }

    pub fn policy(&self) -> &RemediationPolicy {
        &self.policy
    }

    /// Plans, executes (the executor's synchronous S3 calls run on a blocking thread) and
    /// audits one finding event.
    pub async fn handle(&self, event: Value) -> Result<Handled, HandleError> {
        let finding = finding_of(event)?;
        let plan = plan(&finding, &self.policy);
        let target = Arc::clone(&self.target);
        let record = tokio::task::spawn_blocking(move || execute(&plan, target.as_ref()))
            .await
            .map_err(|e| HandleError::Executor(e.to_string()))?;
        let keys = self.audit.record(&record, SystemTime::now()).await?;
        log(&record);
        if record.has_retryable_failure() {
            let reasons: Vec<&str> = record
                .actions
                .iter()
                .filter(|a| a.retryable)
                .filter_map(|a| a.reason.as_deref())
                .chain(record.reason.as_deref().filter(|_| record.actions.is_empty()))
                .collect();
            return Err(HandleError::Retryable {
                finding: record.subject.finding_id.clone().unwrap_or_else(|| "(no id)".into()),
                reasons: reasons.join("; "),
            });
        }
        Ok(Handled { record, keys })
    }
}

/// One log line per finding: names, statuses and counts (the record holds nothing else).
fn log(record: &AuditRecord) {
    let outcomes: Vec<String> =
        record.actions.iter().map(|a| format!("{}={:?}", a.kind.as_str(), a.outcome)).collect();
    tracing::info!(
        finding = record.subject.finding_id.as_deref().unwrap_or_default(),
        bucket = record.subject.bucket.as_deref().unwrap_or_default(),
        key = record.subject.key.as_deref().unwrap_or_default(),
        mode = record.mode.as_str(),
        status = ?record.status,
        skipped = ?record.skipped,
        actions = outcomes.join(" "),
        "remediation"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn settings_come_from_the_environment_with_clear_errors() {
        let env = HashMap::from([
            ("SLUICE_TABLE", "findings"),
            ("SLUICE_EVENT_BUS", "bus"),
            ("SLUICE_CONFIG", "s3://results/config/sluice.yaml"),
            ("SLUICE_REMEDIATION_MODE", "enforce"),
            ("SLUICE_QUARANTINE_BUCKET", "quarantine"),
        ]);
        fn lookup(env: &HashMap<&'static str, &'static str>) -> impl Fn(&str) -> Option<String> {
            let env = env.clone();
            move |name| env.get(name).map(|v| v.to_string())
        }
        let s = Settings::from_lookup(lookup(&env)).unwrap();
        assert_eq!(s.config, ConfigSource::S3 { bucket: "results".into(), key: "config/sluice.yaml".into() });
        assert_eq!(s.mode, Some(Mode::Enforce));
        assert_eq!(s.load_options().default_quarantine_bucket.as_deref(), Some("quarantine"));

        let mut no_mode = env.clone();
        no_mode.remove("SLUICE_REMEDIATION_MODE");
        no_mode.insert("SLUICE_CONFIG", "/var/task/sluice.yaml");
        let s = Settings::from_lookup(lookup(&no_mode)).unwrap();
        assert_eq!(s.mode, None);
        assert_eq!(s.config, ConfigSource::Path("/var/task/sluice.yaml".into()));

        let mut bad = env.clone();
        bad.insert("SLUICE_REMEDIATION_MODE", "sometimes");
        let e = Settings::from_lookup(lookup(&bad)).unwrap_err().to_string();
        assert!(e.starts_with("SLUICE_REMEDIATION_MODE:"), "{e}");
        let mut missing = env.clone();
        missing.remove("SLUICE_TABLE");
        assert_eq!(
            Settings::from_lookup(lookup(&missing)).unwrap_err().to_string(),
            "SLUICE_TABLE: is not set"
        );
        assert!(ConfigSource::parse("s3://bucket-only").is_err());
    }

    #[test]
    fn only_sluice_findings_are_accepted() {
        let event = |source: &str, detail_type: &str| {
            serde_json::json!({"version": "0", "id": "e1", "source": source, "detail-type": detail_type,
                "time": "2026-01-01T00:00:00Z", "region": "us-east-1", "resources": [],
                "detail": {"id": "f1", "type": "SensitiveData:S3Object/Financial",
                           "resourcesAffected": {"s3Bucket": {"name": "b"}}}})
        };
        let finding = finding_of(event("sluice", "Sluice Finding")).unwrap();
        assert_eq!(finding.bucket().unwrap().name, "b");
        assert!(matches!(finding_of(event("aws.macie", "Macie Finding")), Err(HandleError::BadEvent(_))));
        assert!(matches!(finding_of(event("sluice", "Sluice Remediation")), Err(HandleError::BadEvent(_))));
        assert!(matches!(finding_of(serde_json::json!({"Records": []})), Err(HandleError::BadEvent(_))));
    }

    #[test]
    fn the_sample_event_is_a_finding_the_remediator_reads() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../events/sluice-finding.json");
        let event: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let finding = finding_of(event).unwrap();
        assert_eq!(finding.severity.as_ref().and_then(|s| s.score), Some(3));
        assert_eq!(finding.object().unwrap().version(), Some("3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"));
        assert_eq!(finding.detected_types()[0].identifier_type, "CREDIT_CARD_NUMBER");
        assert_eq!(
            finding.bucket().unwrap().public_access.as_ref().unwrap().effective_permission.as_deref(),
            Some("PUBLIC")
        );
    }
}

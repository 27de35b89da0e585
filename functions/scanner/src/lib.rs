//! The scanner Lambda, as a library so that tests drive the very code the binary runs.
//!
//! Thin by design: decode the event (`sluice-events`), hand the object changes to the scan use
//! case (`sluice-pipeline`) wired to the AWS adapters (`sluice-aws`), and answer in the shape
//! the invoking service expects.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::{anyhow, Context};
use serde_json::Value;
use sluice_aws::dynamodb::DynamoFindingStore;
use sluice_aws::results::S3ResultsArchive;
use sluice_aws::s3::{S3BucketPostures, S3ObjectSource, POSTURE_TTL};
use sluice_detect::{DetectionConfig, Engine};
use sluice_events::{decode, EventKind, Outcome, Response, ResponseOptions};
use sluice_extract::Limits;
use sluice_pipeline::ports::FindingPublisher;
use sluice_pipeline::{ObjectChange, Ports, ScanSummary, Scanner, Scope};
use tokio::runtime::Handle;

/// Deployment settings, from the function's environment (set by `template.yaml`).
#[derive(Debug, Clone)]
pub struct Settings {
    pub table: String,
    pub results_bucket: String,
    pub results_kms_key: Option<String>,
    pub event_bus: Option<String>,
    pub account_id: String,
    pub region: String,
    pub partition: String,
    /// A local path or `s3://bucket/key`; none means the defaults (every managed identifier).
    pub config: Option<String>,
    pub security_hub: bool,
    pub retention: Option<Duration>,
    /// Time one object may take before it is reported `PARTIAL` with `TIME_CUT_OFF_REACHED`
    /// (the template sets it below the function's timeout).
    pub object_time_limit: Option<Duration>,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn required(name: &str) -> anyhow::Result<String> {
    var(name).ok_or_else(|| anyhow!("environment variable {name} is not set"))
}

impl Settings {
    pub fn from_env() -> anyhow::Result<Settings> {
        let region =
            var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")).unwrap_or_else(|| "us-east-1".into());
        let partition = if region.starts_with("cn-") {
            "aws-cn"
        } else if region.starts_with("us-gov-") {
            "aws-us-gov"
        } else {
            "aws"
        };
        Ok(Settings {
            table: required("SLUICE_TABLE")?,
            results_bucket: required("SLUICE_RESULTS_BUCKET")?,
            results_kms_key: var("SLUICE_RESULTS_KMS_KEY"),
            event_bus: var("SLUICE_EVENT_BUS").filter(|b| b != "default"),
            account_id: required("SLUICE_ACCOUNT_ID")?,
            partition: partition.to_string(),
            region,
            config: var("SLUICE_CONFIG"),
            security_hub: var("SLUICE_SECURITY_HUB").is_none_or(|v| v != "false"),
            retention: var("SLUICE_RETENTION_DAYS")
                .map(|d| d.parse::<u64>().context("SLUICE_RETENTION_DAYS must be a number of days"))
                .transpose()?
                .map(|d| Duration::from_secs(d * 86_400)),
            object_time_limit: var("SLUICE_OBJECT_TIME_LIMIT")
                .map(|s| s.parse::<u64>().context("SLUICE_OBJECT_TIME_LIMIT must be a number of seconds"))
                .transpose()?
                .map(Duration::from_secs),
        })
    }
}

/// Everything built once per execution environment: clients, the compiled engine, config.
pub struct ScannerApp {
    engine: Engine,
    limits: Limits,
    scope: Scope,
    source: S3ObjectSource,
    postures: S3BucketPostures,
    archive: S3ResultsArchive,
    store: DynamoFindingStore,
    publisher: Box<dyn FindingPublisher + Send + Sync>,
}

/// JSON logs, as CloudWatch Logs Insights reads them; `RUST_LOG` sets the level.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ =
        tracing_subscriber::fmt().json().with_env_filter(filter).with_target(false).without_time().try_init();
}

async fn read_config(s3: &aws_sdk_s3::Client, location: &str) -> anyhow::Result<String> {
    if let Some(rest) = location.strip_prefix("s3://") {
        let (bucket, key) =
            rest.split_once('/').ok_or_else(|| anyhow!("SLUICE_CONFIG {location}: no key"))?;
        let out = s3
            .get_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .with_context(|| format!("reading {location}"))?;
        let bytes = out.body.collect().await.with_context(|| format!("reading {location}"))?.into_bytes();
        String::from_utf8(bytes.to_vec()).with_context(|| format!("{location} is not UTF-8"))
    } else {
        std::fs::read_to_string(location).with_context(|| format!("reading {location}"))
    }
}

impl ScannerApp {
    /// Builds the app from the environment. A bad configuration fails here, at cold start,
    /// with a message naming the field, before any event is taken.
    pub async fn from_env() -> anyhow::Result<ScannerApp> {
        let settings = Settings::from_env()?;
        let conf = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        ScannerApp::new(settings, &conf).await
    }

    pub async fn new(settings: Settings, conf: &aws_config::SdkConfig) -> anyhow::Result<ScannerApp> {
        let runtime = Handle::current();
        let s3 = aws_sdk_s3::Client::new(conf);
        let config_text = match &settings.config {
            Some(location) => read_config(&s3, location).await?,
            None => String::new(),
        };
        let detection = DetectionConfig::from_yaml(&config_text).context("configuration")?;
        let scope = Scope::from_config_yaml(&config_text).map_err(|e| anyhow!("configuration: {e}"))?;
        let engine = Engine::from_config(&detection).context("configuration")?;
        let publisher = sluice_aws::publisher::FanOutPublisher::from_conf(
            runtime.clone(),
            conf,
            sluice_aws::context::AwsContext::new(&settings.region, &settings.account_id),
            settings.security_hub,
            settings.event_bus.clone(),
        );
        Ok(ScannerApp {
            engine,
            limits: Limits { time_limit: settings.object_time_limit, ..Limits::default() },
            scope,
            source: S3ObjectSource::new(s3.clone(), runtime.clone()),
            postures: S3BucketPostures::new(s3.clone(), runtime.clone(), &settings.account_id, POSTURE_TTL),
            archive: S3ResultsArchive::new(
                s3,
                runtime.clone(),
                &settings.results_bucket,
                settings.results_kms_key.clone(),
                &settings.account_id,
                &settings.region,
            ),
            store: DynamoFindingStore::new(
                aws_sdk_dynamodb::Client::new(conf),
                runtime,
                &settings.table,
                settings.retention,
            ),
            publisher: Box::new(publisher),
        })
    }

    /// Answers one invocation. Classification is CPU work over blocking reads, so it runs on a
    /// blocking thread, where the adapters bridge back to the async clients.
    pub async fn handle(self: Arc<Self>, event: Value) -> Result<Value, lambda_runtime::Error> {
        let response = tokio::task::spawn_blocking(move || self.handle_blocking(&event)).await??;
        Ok(response)
    }

    /// The handler proper, on a blocking thread.
    pub fn handle_blocking(&self, event: &Value) -> Result<Value, lambda_runtime::Error> {
        let invocation = decode(event).map_err(|e| {
            tracing::error!(reason = e.reason_code(), "event not understood");
            anyhow!("event not understood: {}", e.reason_code())
        })?;
        let mut outcomes: Vec<Outcome> = vec![Outcome::succeeded(); invocation.items.len()];
        let mut changes: Vec<(usize, ObjectChange)> = Vec::new();
        for (i, item) in invocation.items.iter().enumerate() {
            for entry in &item.entries {
                match entry.work() {
                    Ok(event) => changes.push((
                        i,
                        match event.kind {
                            EventKind::Created => ObjectChange::Created(event.object.clone()),
                            EventKind::Removed => ObjectChange::Removed(event.object.clone()),
                        },
                    )),
                    Err(settled) => outcomes[i] = outcomes[i].clone().merge(settled),
                }
            }
        }
        let scanner = Scanner {
            engine: &self.engine,
            limits: &self.limits,
            scope: &self.scope,
            clock: SystemTime::now,
        };
        let ports = Ports {
            source: &self.source,
            postures: &self.postures,
            archive: &self.archive,
            store: &self.store,
            publisher: self.publisher.as_ref(),
        };
        let just_changes: Vec<ObjectChange> = changes.iter().map(|(_, c)| c.clone()).collect();
        let results = scanner.handle(&ports, &just_changes);
        for ((i, change), result) in changes.iter().zip(results) {
            let (bucket, key) = match change {
                ObjectChange::Created(o) | ObjectChange::Removed(o) => (&o.bucket, &o.key),
            };
            let outcome = match result {
                Ok(summary) => {
                    tracing::info!(bucket, key, result = %summary.describe(), "object handled");
                    outcome_of(&summary)
                }
                Err(e) => {
                    tracing::error!(bucket, key, error = %e, retryable = e.is_retryable(), "object failed");
                    if e.is_retryable() {
                        Outcome::temporary_failure("AWS_RETRYABLE_ERROR")
                    } else {
                        Outcome::permanent_failure("AWS_PERMANENT_ERROR")
                    }
                }
            };
            outcomes[*i] = outcomes[*i].clone().merge(outcome);
        }
        let response = invocation.respond(&outcomes, &ResponseOptions::default())?;
        if let Response::Plain(summary) = &response {
            if summary.wants_retry() {
                // Direct (asynchronous) invocations are retried, then sent to the failure
                // destination, only when the function fails.
                return Err(anyhow!(
                    "{} object(s) failed with a retryable error",
                    summary.temporary_failures
                )
                .into());
            }
        }
        Ok(serde_json::to_value(response)?)
    }
}

fn outcome_of(summary: &ScanSummary) -> Outcome {
    let base = match (summary.status, summary.reason) {
        (sluice_finding::StatusCode::Skipped, Some(reason)) => Outcome::skipped(reason.as_str()),
        _ => Outcome::succeeded(),
    };
    let base = if summary.stale { base.with_count("stale", 1) } else { base.with_count("scanned", 1) };
    base.with_count("occurrences", summary.total_count).with_count("archived", summary.archived as u64)
}

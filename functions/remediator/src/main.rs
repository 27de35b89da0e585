//! The remediator Lambda's entry point: JSON logs, the settings and the policy read once per
//! execution environment, the clients built once, then one [`Remediator::handle`] per event.

use std::sync::Arc;

use aws_config::BehaviorVersion;
use lambda_runtime::{service_fn, LambdaEvent};
use remediator::{load_policy, Remediator, Settings, AUDIT_RETENTION};
use serde_json::Value;
use sluice_aws::audit::AuditSink;
use sluice_aws::remediation::S3RemediationTarget;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_current_span(false)
        .with_span_list(false)
        .with_target(false)
        .init();

    let settings = Settings::from_env()?;
    let config = aws_config::defaults(BehaviorVersion::latest()).load().await;
    let s3 = aws_sdk_s3::Client::new(&config);
    let policy = load_policy(&s3, &settings.config, &settings.load_options(), settings.mode).await?;
    tracing::info!(
        config = %settings.config,
        mode = policy.mode.as_str(),
        rules = policy.rules.len(),
        "remediation policy loaded"
    );
    let target = S3RemediationTarget::new(s3, tokio::runtime::Handle::current());
    let audit = AuditSink::new(
        aws_sdk_dynamodb::Client::new(&config),
        aws_sdk_eventbridge::Client::new(&config),
        &settings.table,
        &settings.event_bus,
        AUDIT_RETENTION,
    );
    let remediator = Arc::new(Remediator::new(policy, Arc::new(target), audit));

    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let remediator = Arc::clone(&remediator);
        async move {
            match remediator.handle(event.payload).await {
                Ok(handled) => Ok(handled.summary()),
                Err(error) => {
                    tracing::error!(%error, "remediation failed");
                    Err(lambda_runtime::Error::from(error))
                }
            }
        }
    }))
    .await
}

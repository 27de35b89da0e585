//! The scanner Lambda's entry point: build everything once, then answer events.

use lambda_runtime::{service_fn, LambdaEvent};
use serde_json::Value;
use sluice_scanner::ScannerApp;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    sluice_scanner::init_logging();
    let started = std::time::Instant::now();
    let app = Arc::new(ScannerApp::from_env().await?);
    tracing::info!(init_ms = started.elapsed().as_millis() as u64, "scanner ready");
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let app = Arc::clone(&app);
        async move { app.handle(event.payload).await }
    }))
    .await
}

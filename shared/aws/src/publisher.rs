//! The scanner's [`FindingPublisher`]: every publication to Security Hub (optional) and to
//! EventBridge at once. A publication succeeds only when every enabled sink took it.
//!
//! Also the pieces both sinks share: the chunk planner (count and byte limits per call), the
//! backoff policy, and how an SDK error is classified retryable or not.

use std::ops::Range;
use std::time::Duration;

use sluice_pipeline::ports::{FindingPublisher, PortError, Publication};
use tokio::runtime::Handle;

use crate::asff;
use crate::context::AwsContext;
use crate::entry;
use crate::eventbridge::EventBridgeSink;
use crate::securityhub::SecurityHubSink;

/// Publishes to Security Hub (when enabled) and EventBridge concurrently.
pub struct FanOutPublisher {
    handle: Handle,
    ctx: AwsContext,
    security_hub: Option<SecurityHubSink>,
    events: EventBridgeSink,
}

impl FanOutPublisher {
    /// `handle` runs the calls: [`FindingPublisher::publish`] blocks on it, so call it from a
    /// blocking thread (the Lambda runs the use case in `spawn_blocking`), never from a task.
    pub fn new(
        handle: Handle,
        ctx: AwsContext,
        security_hub: Option<SecurityHubSink>,
        events: EventBridgeSink,
    ) -> FanOutPublisher {
        FanOutPublisher { handle, ctx, security_hub, events }
    }

    /// Clients from one SDK configuration; `security_hub` off leaves Security Hub out (the
    /// account may not have it enabled), `event_bus` `None` is the default bus.
    pub fn from_conf(
        handle: Handle,
        conf: &aws_config::SdkConfig,
        ctx: AwsContext,
        security_hub: bool,
        event_bus: Option<String>,
    ) -> FanOutPublisher {
        let hub = security_hub.then(|| SecurityHubSink::new(aws_sdk_securityhub::Client::new(conf)));
        let events = EventBridgeSink::new(aws_sdk_eventbridge::Client::new(conf), event_bus);
        FanOutPublisher::new(handle, ctx, hub, events)
    }

    /// The async body of [`FindingPublisher::publish`], for callers already on the runtime.
    pub async fn publish_async(&self, publications: &[Publication]) -> Vec<Result<(), PortError>> {
        if publications.is_empty() {
            return Vec::new();
        }
        let hub = async {
            match &self.security_hub {
                Some(sink) => Some(self.to_security_hub(sink, publications).await),
                None => None,
            }
        };
        let bus = self.to_event_bus(publications);
        let (hub, bus) = tokio::join!(hub, bus);
        match hub {
            Some(hub) => hub.into_iter().zip(bus).map(|(a, b)| both(a, b)).collect(),
            None => bus,
        }
    }

    async fn to_security_hub(
        &self,
        sink: &SecurityHubSink,
        publications: &[Publication],
    ) -> Vec<Result<(), PortError>> {
        let findings: Vec<asff::Finding> = publications.iter().map(|p| asff::finding(&self.ctx, p)).collect();
        let checked: Vec<Result<(), PortError>> = findings
            .iter()
            .map(|f| {
                let problems = asff::validate(f);
                match problems.first() {
                    None => Ok(()),
                    Some(first) => Err(PortError::Permanent(format!(
                        "Security Hub: finding {} breaks {} ASFF rule(s), first {first}",
                        f.id,
                        problems.len()
                    ))),
                }
            })
            .collect();
        let valid: Vec<asff::Finding> =
            findings.into_iter().zip(&checked).filter(|(_, c)| c.is_ok()).map(|(f, _)| f).collect();
        let mut sent = sink.import(&valid).await.into_iter();
        checked.into_iter().map(|c| c.and_then(|()| sent.next().unwrap_or(Ok(())))).collect()
    }

    async fn to_event_bus(&self, publications: &[Publication]) -> Vec<Result<(), PortError>> {
        let entries: Vec<entry::Entry> = publications.iter().map(|p| entry::entry(&self.ctx, p)).collect();
        let checked: Vec<Result<(), PortError>> = entries
            .iter()
            .map(|e| {
                if e.size() < entry::MAX_ENTRY_BYTES {
                    Ok(())
                } else {
                    Err(PortError::Permanent(format!(
                        "EventBridge: entry is {} bytes after trimming, PutEvents takes < {}",
                        e.size(),
                        entry::MAX_ENTRY_BYTES
                    )))
                }
            })
            .collect();
        let valid: Vec<entry::Entry> =
            entries.into_iter().zip(&checked).filter(|(_, c)| c.is_ok()).map(|(e, _)| e).collect();
        let mut sent = self.events.put(&valid).await.into_iter();
        checked.into_iter().map(|c| c.and_then(|()| sent.next().unwrap_or(Ok(())))).collect()
    }
}

impl FindingPublisher for FanOutPublisher {
    fn publish(&self, publications: &[Publication]) -> Vec<Result<(), PortError>> {
        self.handle.block_on(self.publish_async(publications))
    }
}

/// A publication's outcome over two sinks: failed if either failed; retryable if either
/// failure is (redelivery re-publishes to both, which both take idempotently: Security Hub by
/// `Id` and `UpdatedAt`, and event consumers by the finding id).
pub fn both(a: Result<(), PortError>, b: Result<(), PortError>) -> Result<(), PortError> {
    match (a, b) {
        (Ok(()), Ok(())) => Ok(()),
        (Err(e), Ok(())) | (Ok(()), Err(e)) => Err(e),
        (Err(x), Err(y)) => {
            let text = format!("{}; {}", message(&x), message(&y));
            if x.is_retryable() || y.is_retryable() {
                Err(PortError::Retryable(text))
            } else {
                Err(PortError::Permanent(text))
            }
        }
    }
}

fn message(e: &PortError) -> &str {
    match e {
        PortError::Retryable(m) | PortError::Permanent(m) => m,
    }
}

// ---------------------------------------------------------------------------------------------
// Chunks

/// Splits items of the given serialized sizes, in order, into consecutive chunks of at most
/// `max_items` whose request stays within `max_bytes`: `envelope` bytes per request plus each
/// item and a separator between items. An item too big on its own gets a chunk of its own
/// (callers size items below the limit first).
pub fn plan_chunks(
    sizes: &[usize],
    max_items: usize,
    max_bytes: usize,
    envelope: usize,
) -> Vec<Range<usize>> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut bytes = envelope;
    for (i, &size) in sizes.iter().enumerate() {
        let separator = usize::from(i > start);
        let full = i - start == max_items || (i > start && bytes + separator + size > max_bytes);
        if full {
            chunks.push(start..i);
            start = i;
            bytes = envelope + size;
        } else {
            bytes += separator + size;
        }
    }
    if start < sizes.len() {
        chunks.push(start..sizes.len());
    }
    chunks
}

// ---------------------------------------------------------------------------------------------
// Retries

/// What one call of a batch API said of the entries it was sent, by their position in it.
pub(crate) struct CallOutcome {
    /// Entries refused for good, with why.
    pub refused: Vec<(usize, String)>,
    /// Entries to send again (throttled, or an internal failure).
    pub resend: Vec<usize>,
    /// Why the first of those failed.
    pub resend_why: Option<String>,
}

/// Sends the entries of one batch through `call` (given the positions, in the batch, of the
/// entries to send) until each is accepted, refused or out of attempts, with the policy's
/// pauses between attempts. An error of the call itself is final for every entry it carried:
/// the SDK's own retry has already retried throttling and 5xx with backoff.
pub(crate) async fn send_with_retries(
    retry: &RetryPolicy,
    results: &mut [Result<(), PortError>],
    mut call: impl AsyncFnMut(&[usize]) -> Result<CallOutcome, PortError>,
) {
    let mut pending: Vec<usize> = (0..results.len()).collect();
    let mut last_error = String::new();
    for attempt in 0..retry.max_attempts.max(1) {
        if attempt > 0 {
            tokio::time::sleep(retry.delay(attempt)).await;
        }
        match call(&pending).await {
            Ok(out) => {
                for (pos, why) in out.refused {
                    results[pending[pos]] = Err(PortError::Permanent(why));
                }
                if let Some(why) = out.resend_why {
                    last_error = why;
                }
                pending = out.resend.iter().map(|&pos| pending[pos]).collect();
            }
            Err(error) => {
                for &i in &pending {
                    results[i] = Err(error.clone());
                }
                return;
            }
        }
        if pending.is_empty() {
            return;
        }
    }
    for &i in &pending {
        results[i] =
            Err(PortError::Retryable(format!("{last_error} (after {} attempts)", retry.max_attempts.max(1))));
    }
}

/// Exponential backoff with jitter between attempts of one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// Four attempts over about two seconds: enough to ride out a throttling burst (Security
    /// Hub allows 10 calls a second), short enough that the Lambda's redelivery takes over.
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// The pause before retry `n` (1 for the first retry): `base · 2^(n-1)` capped at
    /// `max_delay`, of which the upper half is random so that concurrent callers spread out.
    pub fn delay(&self, n: u32) -> Duration {
        let exp = self.base_delay.saturating_mul(1u32 << n.saturating_sub(1).min(16));
        let full = exp.min(self.max_delay);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        full / 2 + (full / 2).mul_f64(f64::from(nanos % 1000) / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_respect_the_item_count() {
        let sizes = vec![10; 250];
        let chunks = plan_chunks(&sizes, 100, usize::MAX, 0);
        assert_eq!(chunks, vec![0..100, 100..200, 200..250]);
    }

    #[test]
    fn chunks_respect_the_byte_limit_with_envelope_and_separators() {
        // envelope 2 + 3 items of 10 + 2 separators = 34
        assert_eq!(plan_chunks(&[10, 10, 10, 10], 100, 34, 2), vec![0..3, 3..4]);
        assert_eq!(plan_chunks(&[10, 10, 10, 10], 100, 33, 2), vec![0..2, 2..4]);
    }

    #[test]
    fn an_oversized_item_travels_alone_and_nothing_is_lost() {
        let chunks = plan_chunks(&[5, 500, 5, 5], 10, 100, 0);
        assert_eq!(chunks, vec![0..1, 1..2, 2..4]);
        assert!(plan_chunks(&[], 10, 100, 0).is_empty());
    }

    #[test]
    fn every_chunk_is_within_both_limits() {
        let sizes: Vec<usize> = (0..1000).map(|i| 1 + (i * 7919) % 5000).collect();
        let chunks = plan_chunks(&sizes, 10, 20_000, 14);
        let mut next = 0;
        for c in &chunks {
            assert_eq!(c.start, next, "consecutive, in order");
            next = c.end;
            assert!(c.len() <= 10);
            let bytes: usize = 14 + sizes[c.clone()].iter().sum::<usize>() + c.len() - 1;
            assert!(bytes <= 20_000, "{bytes}");
        }
        assert_eq!(next, sizes.len());
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(500),
        };
        let first = p.delay(1);
        assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100), "{first:?}");
        let third = p.delay(3);
        assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400), "{third:?}");
        let tenth = p.delay(10);
        assert!(tenth >= Duration::from_millis(250) && tenth <= Duration::from_millis(500), "{tenth:?}");
    }

    #[test]
    fn a_publication_fails_if_either_sink_failed_it() {
        let perm = || Err(PortError::Permanent("Security Hub: InvalidInput".into()));
        let retry = || Err(PortError::Retryable("EventBridge: ThrottlingException".into()));
        assert_eq!(both(Ok(()), Ok(())), Ok(()));
        assert_eq!(both(perm(), Ok(())), perm());
        assert_eq!(both(Ok(()), retry()), retry());
        let merged = both(perm(), retry()).unwrap_err();
        assert!(merged.is_retryable());
        assert!(merged.to_string().contains("InvalidInput") && merged.to_string().contains("Throttling"));
        assert!(!both(perm(), perm()).unwrap_err().is_retryable());
    }
}

#[cfg(test)]
pub(crate) mod scripted {
    //! An HTTP client for the SDK that answers from a script and records what was sent: the
    //! sinks' loops and the fan-out, tested without AWS.

    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};

    use aws_smithy_runtime_api::client::http::{
        HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
    };
    use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
    use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
    use aws_smithy_types::body::SdkBody;

    #[derive(Debug, Clone)]
    struct Reply {
        status: u16,
        error_type: Option<String>,
        body: String,
    }

    #[derive(Debug, Clone, Default)]
    pub struct Scripted {
        replies: Arc<Mutex<VecDeque<Reply>>>,
        requests: Arc<Mutex<Vec<serde_json::Value>>>,
    }

    impl Scripted {
        /// Queues a 200 answer.
        pub fn ok(&self, body: serde_json::Value) -> &Self {
            self.push(Reply { status: 200, error_type: None, body: body.to_string() })
        }

        /// Queues an error answer with an AWS error code, as both JSON protocols carry it.
        pub fn error(&self, status: u16, code: &str) -> &Self {
            let body = serde_json::json!({"__type": code, "message": "scripted"}).to_string();
            self.push(Reply { status, error_type: Some(code.to_string()), body })
        }

        fn push(&self, r: Reply) -> &Self {
            self.replies.lock().unwrap().push_back(r);
            self
        }

        /// The JSON bodies sent, in order.
        pub fn requests(&self) -> Vec<serde_json::Value> {
            self.requests.lock().unwrap().clone()
        }

        /// A client without the SDK's own retry, so every call shows in [`Scripted::requests`].
        pub fn security_hub(&self) -> aws_sdk_securityhub::Client {
            use aws_sdk_securityhub::config::{retry::RetryConfig, BehaviorVersion, Credentials, Region};
            let conf = aws_sdk_securityhub::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("us-east-1"))
                .credentials_provider(Credentials::new("AKIDTEST", "test", None, None, "scripted"))
                .retry_config(RetryConfig::disabled())
                .http_client(self.clone())
                .build();
            aws_sdk_securityhub::Client::from_conf(conf)
        }

        pub fn event_bridge(&self) -> aws_sdk_eventbridge::Client {
            use aws_sdk_eventbridge::config::{retry::RetryConfig, BehaviorVersion, Credentials, Region};
            let conf = aws_sdk_eventbridge::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("us-east-1"))
                .credentials_provider(Credentials::new("AKIDTEST", "test", None, None, "scripted"))
                .retry_config(RetryConfig::disabled())
                .http_client(self.clone())
                .build();
            aws_sdk_eventbridge::Client::from_conf(conf)
        }
    }

    impl HttpConnector for Scripted {
        fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
            let sent = request.body().bytes().and_then(|b| serde_json::from_slice(b).ok());
            self.requests.lock().unwrap().push(sent.unwrap_or(serde_json::Value::Null));
            let reply = self.replies.lock().unwrap().pop_front().expect("a scripted reply for every call");
            let mut response = HttpResponse::new(
                reply.status.try_into().expect("a valid status"),
                SdkBody::from(reply.body),
            );
            response.headers_mut().insert("content-type", "application/json");
            if let Some(code) = reply.error_type {
                response.headers_mut().insert("x-amzn-errortype", code);
            }
            HttpConnectorFuture::ready(Ok(response))
        }
    }

    impl HttpClient for Scripted {
        fn http_connector(&self, _: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
            SharedHttpConnector::new(self.clone())
        }
    }
}

#[cfg(test)]
mod fan_out_tests {
    use super::scripted::Scripted;
    use super::*;
    use crate::asff::fixtures::{active, ctx, record_with, result};
    use serde_json::json;

    fn fast() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
        }
    }

    fn publications(n: usize) -> Vec<Publication> {
        (0..n).map(|i| active(record_with("b", &format!("k{i}.txt"), result()))).collect()
    }

    #[test]
    fn a_publication_fails_when_either_sink_fails_it() {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let pubs = publications(3);
        let hub = Scripted::default();
        hub.ok(json!({"FailedCount": 1, "SuccessCount": 2,
            "FailedFindings": [{"Id": pubs[0].id(), "ErrorCode": "InvalidInput", "ErrorMessage": "bad"}]}));
        let bus = Scripted::default();
        let throttled = json!({"FailedEntryCount": 1, "Entries": [{"EventId": "1"}, {"ErrorCode": "ThrottlingException"}, {"EventId": "3"}]});
        let still = json!({"FailedEntryCount": 1, "Entries": [{"ErrorCode": "ThrottlingException"}]});
        bus.ok(throttled).ok(still.clone()).ok(still);
        let publisher = FanOutPublisher::new(
            runtime.handle().clone(),
            ctx(),
            Some(SecurityHubSink::new(hub.security_hub()).with_retry(fast())),
            EventBridgeSink::new(bus.event_bridge(), Some("findings".into())).with_retry(fast()),
        );
        let results = publisher.publish(&pubs);
        assert!(
            matches!(&results[0], Err(PortError::Permanent(m)) if m.contains("InvalidInput")),
            "{results:?}"
        );
        assert!(
            matches!(&results[1], Err(PortError::Retryable(m)) if m.contains("ThrottlingException")),
            "{results:?}"
        );
        assert_eq!(results[2], Ok(()));
        assert_eq!(hub.requests().len(), 1);
        assert_eq!(bus.requests().len(), 3, "the throttled entry is resent until attempts run out");
        assert_eq!(bus.requests()[0]["Entries"][0]["EventBusName"], "findings");
    }

    #[test]
    fn without_security_hub_only_the_bus_is_called() {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let bus = Scripted::default();
        bus.ok(json!({"FailedEntryCount": 0, "Entries": [{"EventId": "1"}, {"EventId": "2"}]}));
        let publisher = FanOutPublisher::new(
            runtime.handle().clone(),
            ctx(),
            None,
            EventBridgeSink::new(bus.event_bridge(), None),
        );
        assert_eq!(publisher.publish(&publications(2)), vec![Ok(()), Ok(())]);
        assert!(bus.requests()[0]["Entries"][0].get("EventBusName").is_none());
        assert!(publisher.publish(&[]).is_empty());
    }

    #[test]
    fn an_invalid_finding_is_not_sent_and_fails_for_good() {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let mut pubs = publications(2);
        if let Publication::SensitiveData { updated_at, .. } = &mut pubs[0] {
            *updated_at = "2025-01-01T00:00:00.000Z".into(); // before created_at
        }
        let hub = Scripted::default();
        hub.ok(json!({"FailedCount": 0, "SuccessCount": 1, "FailedFindings": []}));
        let bus = Scripted::default();
        bus.ok(json!({"FailedEntryCount": 0, "Entries": [{"EventId": "1"}, {"EventId": "2"}]}));
        let publisher = FanOutPublisher::new(
            runtime.handle().clone(),
            ctx(),
            Some(SecurityHubSink::new(hub.security_hub())),
            EventBridgeSink::new(bus.event_bridge(), None),
        );
        let results = publisher.publish(&pubs);
        assert!(
            matches!(&results[0], Err(PortError::Permanent(m)) if m.contains("UpdatedAt")),
            "{results:?}"
        );
        assert_eq!(results[1], Ok(()));
        assert_eq!(hub.requests()[0]["Findings"].as_array().unwrap().len(), 1);
        assert_eq!(hub.requests()[0]["Findings"][0]["Id"], pubs[1].id());
    }
}

//! The scanner's [`FindingPublisher`]: every publication to Security Hub (optional) and to
//! EventBridge at once. A publication succeeds only when every enabled sink took it.
//!
//! Also the pieces both sinks share: the chunk planner (count and byte limits per call), the
//! backoff policy, and how an SDK error is classified retryable or not.

use std::ops::Range;
use std::time::Duration;

use aws_sdk_securityhub::error::{ProvideErrorMetadata, SdkError};
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

/// Whether an AWS error code or HTTP status says "try again later": throttling, 5xx.
pub fn is_retryable(code: Option<&str>, status: Option<u16>) -> bool {
    const CODES: [&str; 10] = [
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "LimitExceededException",
        "RequestLimitExceeded",
        "InternalException",
        "InternalFailure",
        "InternalServerError",
        "ServiceUnavailable",
        "RequestTimeout",
    ];
    code.is_some_and(|c| CODES.contains(&c)) || status.is_some_and(|s| s == 429 || s >= 500)
}

/// An SDK call's error as a [`PortError`]: no response, a timeout, throttling or a 5xx is
/// retryable; anything else (invalid input, access denied) would fail again. The message
/// holds the operation, the error code and the status, nothing of the request.
pub fn sdk_error<E: ProvideErrorMetadata>(operation: &str, err: &SdkError<E>) -> PortError {
    match err {
        SdkError::ServiceError(e) => {
            let code = e.err().code();
            let status = e.raw().status().as_u16();
            let text = format!("{operation}: {} (HTTP {status})", code.unwrap_or("unknown error"));
            if is_retryable(code, Some(status)) {
                PortError::Retryable(text)
            } else {
                PortError::Permanent(text)
            }
        }
        SdkError::ConstructionFailure(_) => PortError::Permanent(format!("{operation}: request not built")),
        SdkError::TimeoutError(_) => PortError::Retryable(format!("{operation}: timed out")),
        SdkError::DispatchFailure(_) => {
            PortError::Retryable(format!("{operation}: no response (dispatch failure)"))
        }
        SdkError::ResponseError(_) => PortError::Retryable(format!("{operation}: unreadable response")),
        _ => PortError::Retryable(format!("{operation}: failed")),
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
    fn throttling_and_server_errors_are_retryable() {
        assert!(is_retryable(Some("TooManyRequestsException"), Some(429)));
        assert!(is_retryable(Some("ThrottlingException"), Some(400)));
        assert!(is_retryable(None, Some(503)));
        assert!(!is_retryable(Some("InvalidAccessException"), Some(401)));
        assert!(!is_retryable(Some("InvalidInputException"), Some(400)));
        assert!(!is_retryable(None, None));
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

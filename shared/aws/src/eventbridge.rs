//! EventBridge: `PutEvents` with at most 10 entries and less than 256 KB per call; failed
//! entries (`FailedEntryCount`, an `ErrorCode` per entry, positionally aligned with the
//! request) resent with backoff when the code says so, the rest reported for good. Throttling
//! and 5xx responses of the call itself are retried by the SDK's standard retry.

use std::ops::Range;

use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use aws_sdk_eventbridge::Client;
use sluice_pipeline::ports::PortError;

use crate::entry::{Entry, MAX_ENTRY_BYTES};
use crate::errors::port_error;
use crate::publisher::{plan_chunks, send_with_retries, CallOutcome, RetryPolicy};

/// `PutEventsRequestEntryList` holds 1..10 entries.
pub const MAX_ENTRIES_PER_CALL: usize = 10;
/// The entries of one call together stay under 256 KB.
pub const MAX_CALL_BYTES: usize = MAX_ENTRY_BYTES - 1;
/// Per-entry error codes worth resending; any other (`MalformedDetail`, `InvalidArgument`,
/// `AccessDeniedException`…) fails the same way again.
pub const RETRYABLE_ENTRY_CODES: [&str; 2] = ["InternalFailure", "ThrottlingException"];

pub struct EventBridgeSink {
    client: Client,
    /// `None` is the account's default bus.
    bus: Option<String>,
    retry: RetryPolicy,
}

/// What to do with a call's entries after the response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Triage {
    /// Positions to send again.
    pub resend: Vec<usize>,
    /// Positions that failed for good, with their error code.
    pub failed: Vec<(usize, String)>,
}

/// Sorts a response's per-entry outcomes (the `ErrorCode` of each, `None` for an accepted
/// entry) into entries to resend and entries failed for good. An entry the response does not
/// account for (fewer results than entries) is resent.
pub fn triage(sent: usize, error_codes: &[Option<&str>]) -> Triage {
    let mut out = Triage::default();
    for i in 0..sent {
        match error_codes.get(i) {
            Some(None) => {}
            Some(Some(code)) if !RETRYABLE_ENTRY_CODES.contains(code) => {
                out.failed.push((i, (*code).to_string()))
            }
            Some(Some(_)) | None => out.resend.push(i),
        }
    }
    out
}

/// The calls for entries of these sizes.
pub fn plan_calls(sizes: &[usize]) -> Vec<Range<usize>> {
    plan_chunks(sizes, MAX_ENTRIES_PER_CALL, MAX_CALL_BYTES, 0)
}

impl EventBridgeSink {
    pub fn new(client: Client, bus: Option<String>) -> EventBridgeSink {
        EventBridgeSink { client, bus, retry: RetryPolicy::default() }
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> EventBridgeSink {
        self.retry = retry;
        self
    }

    /// Puts `entries`; one result per entry, in order.
    pub async fn put(&self, entries: &[Entry]) -> Vec<Result<(), PortError>> {
        let sizes: Vec<usize> = entries.iter().map(Entry::size).collect();
        let mut results: Vec<Result<(), PortError>> = vec![Ok(()); entries.len()];
        for call in plan_calls(&sizes) {
            self.put_call(&entries[call.clone()], &mut results[call]).await;
        }
        results
    }

    fn request_entry(&self, e: &Entry) -> PutEventsRequestEntry {
        PutEventsRequestEntry::builder()
            .source(&e.source)
            .detail_type(&e.detail_type)
            .detail(&e.detail)
            .set_resources(Some(e.resources.clone()))
            .set_event_bus_name(self.bus.clone())
            .build()
    }

    async fn put_call(&self, entries: &[Entry], results: &mut [Result<(), PortError>]) {
        send_with_retries(&self.retry, results, async |pending: &[usize]| {
            let request: Vec<PutEventsRequestEntry> =
                pending.iter().map(|&i| self.request_entry(&entries[i])).collect();
            let out = self
                .client
                .put_events()
                .set_entries(Some(request))
                .send()
                .await
                .map_err(|e| port_error("EventBridge: PutEvents", &e))?;
            let codes: Vec<Option<&str>> = out.entries().iter().map(|e| e.error_code()).collect();
            let t = triage(pending.len(), &codes);
            let refused = t.failed.iter().map(|&(pos, ref code)| {
                let why = format!(
                    "EventBridge: PutEvents rejected the entry of finding {}: {code}",
                    entries[pending[pos]].finding_id
                );
                (pos, why)
            });
            let resend_why = t.resend.first().map(|&pos| {
                let code = codes.get(pos).copied().flatten().unwrap_or("not in the response");
                format!("EventBridge: PutEvents entry failed: {code}")
            });
            Ok(CallOutcome { refused: refused.collect(), resend: t.resend, resend_why })
        })
        .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_internal_failures_and_throttling_are_resent() {
        let codes =
            [None, Some("ThrottlingException"), Some("MalformedDetail"), Some("InternalFailure"), None];
        let t = triage(5, &codes);
        assert_eq!(t.resend, vec![1, 3]);
        assert_eq!(t.failed, vec![(2, "MalformedDetail".to_string())]);
    }

    #[test]
    fn entries_missing_from_the_response_are_resent() {
        let t = triage(3, &[None]);
        assert_eq!(t.resend, vec![1, 2]);
        assert!(t.failed.is_empty());
        assert_eq!(triage(2, &[None, None]), Triage::default());
    }

    #[test]
    fn calls_hold_at_most_10_entries_under_256_kb() {
        assert_eq!(plan_calls(&[1_000; 25]), vec![0..10, 10..20, 20..25]);
        let sizes = [100_000, 100_000, 62_144, 1, 200_000];
        let calls = plan_calls(&sizes);
        for c in &calls {
            let total: usize = sizes[c.clone()].iter().sum();
            assert!(total < MAX_ENTRY_BYTES, "{c:?} {total}");
        }
        assert_eq!(calls, vec![0..2, 2..4, 4..5]);
    }
}

#[cfg(test)]
mod call_tests {
    use std::time::Duration;

    use serde_json::json;

    use super::*;
    use crate::asff::fixtures::{active, ctx, record_with, result};
    use crate::publisher::scripted::Scripted;

    fn entries(n: usize) -> Vec<Entry> {
        (0..n)
            .map(|i| crate::entry::entry(&ctx(), &active(record_with("b", &format!("k{i}"), result()))))
            .collect()
    }

    fn sink(http: &Scripted) -> EventBridgeSink {
        EventBridgeSink::new(http.event_bridge(), Some("sluice-bus".into())).with_retry(RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
        })
    }

    #[tokio::test]
    async fn failed_entries_are_resent_by_code_and_reported_per_entry() {
        let e = entries(12);
        let mut first: Vec<serde_json::Value> = (0..10).map(|i| json!({"EventId": i.to_string()})).collect();
        first[1] = json!({"ErrorCode": "ThrottlingException", "ErrorMessage": "slow down"});
        first[2] = json!({"ErrorCode": "MalformedDetail", "ErrorMessage": "bad"});
        let http = Scripted::default();
        http.ok(json!({"FailedEntryCount": 2, "Entries": first}))
            .ok(json!({"FailedEntryCount": 0, "Entries": [{"EventId": "r"}]}))
            .ok(json!({"FailedEntryCount": 0, "Entries": [{"EventId": "a"}, {"EventId": "b"}]}));
        let results = sink(&http).put(&e).await;
        let requests = http.requests();
        let counts: Vec<usize> = requests.iter().map(|r| r["Entries"].as_array().unwrap().len()).collect();
        assert_eq!(counts, vec![10, 1, 2]);
        assert_eq!(requests[1]["Entries"][0]["Detail"], e[1].detail, "the throttled entry is resent");
        assert_eq!(requests[0]["Entries"][0]["EventBusName"], "sluice-bus");
        assert_eq!(requests[0]["Entries"][0]["Source"], "sluice");
        assert_eq!(requests[0]["Entries"][0]["DetailType"], "Sluice Finding");
        assert!(matches!(&results[2], Err(PortError::Permanent(m)) if m.contains("MalformedDetail")));
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 11);
    }

    #[tokio::test]
    async fn a_failed_call_fails_its_entries_as_classified() {
        let http = Scripted::default();
        http.error(500, "InternalException");
        let results = sink(&http).put(&entries(3)).await;
        assert!(results.iter().all(|r| matches!(r, Err(e) if e.is_retryable())), "{results:?}");
        let http = Scripted::default();
        http.error(400, "AccessDeniedException");
        let results = sink(&http).put(&entries(1)).await;
        assert!(matches!(&results[0], Err(PortError::Permanent(m)) if m.contains("AccessDeniedException")));
    }
}

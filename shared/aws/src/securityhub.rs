//! Security Hub: `BatchImportFindings` in batches of at most 100 findings and 6 MB, with the
//! per-finding failures (`FailedFindings`, not an HTTP error) resent with backoff, and
//! whatever still fails reported per finding. Throttling and 5xx responses of the call itself
//! are retried by the SDK's standard retry (exponential backoff with jitter); a call that
//! still fails fails its findings, retryable or not as [`port_error`] classifies it.
//!
//! `UpdatedAt` strictly increasing across updates of one finding is the caller's job (it is
//! the publication's `updated_at`): Security Hub silently ignores an update that is not newer.

use std::ops::Range;

use aws_sdk_securityhub::Client;
use sluice_pipeline::ports::PortError;

use crate::asff::Finding;
use crate::errors::port_error;
use crate::publisher::{plan_chunks, send_with_retries, CallOutcome, RetryPolicy};
use crate::sdk_error::is_transient as is_retryable;

/// At most 100 findings per call (the model's `BatchImportFindingsRequestFindingList`).
pub const MAX_FINDINGS_PER_CALL: usize = 100;
/// "Up to 6 MB per batch": read as the smaller of 6,000,000 and 6 MiB.
pub const MAX_BATCH_BYTES: usize = 6_000_000;
/// `{"Findings":[` and `]}` around the findings.
const REQUEST_ENVELOPE_BYTES: usize = 15;

/// The `FailedFindings` error codes worth another attempt; every other code (`InvalidInput`,
/// `InvalidAccess`, `AccessDeniedException`…) would fail the same way.
pub const RETRYABLE_FAILURE_CODES: [&str; 5] = [
    "InternalException",
    "InternalFailure",
    "ThrottlingException",
    "TooManyRequestsException",
    "LimitExceeded",
];

pub struct SecurityHubSink {
    client: Client,
    retry: RetryPolicy,
}

/// One entry of `FailedFindings`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedFinding {
    pub id: String,
    pub code: String,
    pub message: String,
}

/// What to do after a call: resend some findings, give up on others.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Triage {
    /// Positions (in the call's findings) to send again.
    pub resend: Vec<usize>,
    /// Positions that failed for good, with why.
    pub failed: Vec<(usize, String)>,
}

/// Sorts a call's `FailedFindings` into findings to resend and findings that failed for good.
/// `ids` are the call's finding ids in order; a failure names a finding by id, and applies to
/// every finding of the call with that id.
pub fn triage(ids: &[&str], failures: &[FailedFinding]) -> Triage {
    let mut out = Triage::default();
    for (i, id) in ids.iter().enumerate() {
        let Some(f) = failures.iter().find(|f| f.id == *id) else { continue };
        if RETRYABLE_FAILURE_CODES.contains(&f.code.as_str()) || is_retryable(Some(&f.code), None) {
            out.resend.push(i);
        } else {
            out.failed.push((i, failure_text(f)));
        }
    }
    out
}

fn failure_text(f: &FailedFinding) -> String {
    // Security Hub's message describes the rule a finding broke; findings carry no values, so
    // it cannot echo one. Cut anyway: it ends up in logs.
    let message: String = f.message.chars().take(200).collect();
    format!("Security Hub: BatchImportFindings rejected finding {}: {} {message}", f.id, f.code)
}

/// The calls for findings of these sizes: at most 100 and 6 MB each.
pub fn plan_batches(sizes: &[usize]) -> Vec<Range<usize>> {
    plan_chunks(sizes, MAX_FINDINGS_PER_CALL, MAX_BATCH_BYTES, REQUEST_ENVELOPE_BYTES)
}

impl SecurityHubSink {
    pub fn new(client: Client) -> SecurityHubSink {
        SecurityHubSink { client, retry: RetryPolicy::default() }
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> SecurityHubSink {
        self.retry = retry;
        self
    }

    /// Imports `findings`; one result per finding, in order.
    pub async fn import(&self, findings: &[Finding]) -> Vec<Result<(), PortError>> {
        let sizes: Vec<usize> = findings.iter().map(Finding::size).collect();
        let mut results: Vec<Result<(), PortError>> = vec![Ok(()); findings.len()];
        for batch in plan_batches(&sizes) {
            self.import_batch(&findings[batch.clone()], &mut results[batch]).await;
        }
        results
    }

    async fn import_batch(&self, findings: &[Finding], results: &mut [Result<(), PortError>]) {
        send_with_retries(&self.retry, results, async |pending: &[usize]| {
            let request: Vec<_> = pending.iter().map(|&i| findings[i].to_sdk()).collect();
            let out = self
                .client
                .batch_import_findings()
                .set_findings(Some(request))
                .send()
                .await
                .map_err(|e| port_error("Security Hub: BatchImportFindings", &e))?;
            let failures: Vec<FailedFinding> = out
                .failed_findings()
                .iter()
                .map(|f| FailedFinding {
                    id: f.id().unwrap_or_default().to_string(),
                    code: f.error_code().unwrap_or("unknown").to_string(),
                    message: f.error_message().unwrap_or_default().to_string(),
                })
                .collect();
            let ids: Vec<&str> = pending.iter().map(|&i| findings[i].id.as_str()).collect();
            let t = triage(&ids, &failures);
            let resend_why =
                failures.iter().find(|f| t.resend.iter().any(|&p| ids[p] == f.id)).map(failure_text);
            Ok(CallOutcome { refused: t.failed, resend: t.resend, resend_why })
        })
        .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(id: &str, code: &str) -> FailedFinding {
        FailedFinding { id: id.into(), code: code.into(), message: "m".into() }
    }

    #[test]
    fn throttled_and_internal_failures_are_resent_the_rest_fail_for_good() {
        let ids = ["a", "b", "c", "d", "e"];
        let t = triage(
            &ids,
            &[
                failed("b", "InvalidInput"),
                failed("c", "ThrottlingException"),
                failed("e", "InternalException"),
            ],
        );
        assert_eq!(t.resend, vec![2, 4]);
        assert_eq!(t.failed.len(), 1);
        assert_eq!(t.failed[0].0, 1);
        assert!(t.failed[0].1.contains("InvalidInput"));
    }

    #[test]
    fn access_failures_are_permanent_and_unknown_ids_are_ignored() {
        let t = triage(&["a"], &[failed("a", "InvalidAccess"), failed("zzz", "ThrottlingException")]);
        assert!(t.resend.is_empty());
        assert_eq!(t.failed[0].0, 0);
        assert_eq!(triage(&["a", "b"], &[]), Triage::default());
    }

    #[test]
    fn a_failure_applies_to_every_finding_with_that_id() {
        let t = triage(&["x", "y", "x"], &[failed("x", "TooManyRequestsException")]);
        assert_eq!(t.resend, vec![0, 2]);
    }

    #[test]
    fn batches_hold_at_most_100_findings_and_6_mb() {
        let small = vec![1_000; 250];
        let b = plan_batches(&small);
        assert_eq!(b, vec![0..100, 100..200, 200..250]);
        // 240 KB findings: 24 fit in 6,000,000 bytes with the envelope and separators, 25 do not.
        let big = vec![240 * 1024; 50];
        let b = plan_batches(&big);
        assert_eq!(b[0], 0..24);
        for r in &b {
            let bytes = REQUEST_ENVELOPE_BYTES + big[r.clone()].iter().sum::<usize>() + r.len() - 1;
            assert!(bytes <= MAX_BATCH_BYTES, "{bytes}");
        }
    }
}

#[cfg(test)]
mod call_tests {
    use std::time::Duration;

    use serde_json::json;

    use super::*;
    use crate::asff::fixtures::{active, ctx, record_with, result};
    use crate::publisher::scripted::Scripted;

    fn findings(n: usize) -> Vec<Finding> {
        (0..n)
            .map(|i| crate::asff::finding(&ctx(), &active(record_with("b", &format!("k{i}"), result()))))
            .collect()
    }

    fn sink(http: &Scripted) -> SecurityHubSink {
        SecurityHubSink::new(http.security_hub()).with_retry(RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
        })
    }

    fn sent_ids(request: &serde_json::Value) -> Vec<String> {
        request["Findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["Id"].as_str().unwrap().to_string())
            .collect()
    }

    #[tokio::test]
    async fn failed_findings_are_resent_or_reported_per_finding() {
        let f = findings(150);
        let http = Scripted::default();
        http.ok(json!({"FailedCount": 2, "SuccessCount": 98, "FailedFindings": [
                {"Id": f[0].id, "ErrorCode": "ThrottlingException", "ErrorMessage": "slow down"},
                {"Id": f[1].id, "ErrorCode": "InvalidInput", "ErrorMessage": "Finding is invalid"}]}))
            .ok(json!({"FailedCount": 0, "SuccessCount": 1, "FailedFindings": []}))
            .ok(json!({"FailedCount": 0, "SuccessCount": 50, "FailedFindings": []}));
        let results = sink(&http).import(&f).await;
        let requests = http.requests();
        assert_eq!(requests.iter().map(|r| sent_ids(r).len()).collect::<Vec<_>>(), vec![100, 1, 50]);
        assert_eq!(sent_ids(&requests[1]), vec![f[0].id.clone()], "only the throttled finding is resent");
        assert_eq!(sent_ids(&requests[2])[0], f[100].id);
        assert_eq!(results[0], Ok(()));
        assert!(matches!(&results[1], Err(PortError::Permanent(m)) if m.contains("InvalidInput")));
        assert!(results[2..].iter().all(Result::is_ok));
    }

    #[tokio::test]
    async fn a_finding_failing_every_attempt_is_retryable() {
        let f = findings(2);
        let failed = json!({"FailedCount": 1, "SuccessCount": 0,
            "FailedFindings": [{"Id": f[1].id, "ErrorCode": "InternalException", "ErrorMessage": "oops"}]});
        let http = Scripted::default();
        http.ok(failed.clone()).ok(failed.clone()).ok(failed);
        let results = sink(&http).import(&f).await;
        assert_eq!(http.requests().len(), 3);
        assert_eq!(results[0], Ok(()));
        assert!(
            matches!(&results[1], Err(PortError::Retryable(m)) if m.contains("InternalException")),
            "{results:?}"
        );
    }

    #[tokio::test]
    async fn a_failed_call_fails_its_findings_as_classified() {
        let f = findings(2);
        let http = Scripted::default();
        http.error(403, "AccessDeniedException");
        let results = sink(&http).import(&f).await;
        assert!(results
            .iter()
            .all(|r| matches!(r, Err(PortError::Permanent(m)) if m.contains("AccessDeniedException"))));
        let http = Scripted::default();
        http.error(429, "TooManyRequestsException");
        let results = sink(&http).import(&f).await;
        assert!(results.iter().all(|r| matches!(r, Err(e) if e.is_retryable())), "{results:?}");
        assert_eq!(http.requests().len(), 1, "HTTP-level retries are the SDK's");
    }
}

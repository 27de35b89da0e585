//! What the function returns, from one [`Outcome`] per item.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::decode::{Ack, Entry, Invocation, ObjectEvent, Shape};

/// S3 Batch Operations' result codes, also used to grade every other outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ResultCode {
    Succeeded,
    /// Retrying may help (throttling, a timeout, a service error).
    TemporaryFailure,
    /// Retrying will not help (malformed event, access denied, unsupported object).
    PermanentFailure,
}

impl ResultCode {
    /// For merging: a temporary failure outranks a permanent one, because it still wants a retry.
    fn rank(self) -> u8 {
        match self {
            ResultCode::Succeeded => 0,
            ResultCode::PermanentFailure => 1,
            ResultCode::TemporaryFailure => 2,
        }
    }
}

/// How one item went. Its text is built only from static reason codes and counts, so nothing read
/// at run time (an error message quoting content, say) can reach a response or S3's job report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    code: ResultCode,
    reason: Option<&'static str>,
    counts: Vec<(&'static str, u64)>,
}

impl Outcome {
    pub fn succeeded() -> Outcome {
        Outcome { code: ResultCode::Succeeded, reason: None, counts: Vec::new() }
    }

    /// Succeeded without work, saying why (a test event, an ignored event type).
    pub fn skipped(reason: &'static str) -> Outcome {
        Outcome { reason: Some(reason), ..Outcome::succeeded() }
    }

    pub fn temporary_failure(reason: &'static str) -> Outcome {
        Outcome { code: ResultCode::TemporaryFailure, reason: Some(reason), counts: Vec::new() }
    }

    pub fn permanent_failure(reason: &'static str) -> Outcome {
        Outcome { code: ResultCode::PermanentFailure, reason: Some(reason), counts: Vec::new() }
    }

    /// Adds `n` to the count called `name` (`scanned`, `findings`…).
    pub fn with_count(mut self, name: &'static str, n: u64) -> Outcome {
        match self.counts.iter_mut().find(|(existing, _)| *existing == name) {
            Some((_, total)) => *total += n,
            None => self.counts.push((name, n)),
        }
        self
    }

    /// Combines the outcomes of an item's entries: the worse code and its reason, summed counts.
    pub fn merge(self, other: Outcome) -> Outcome {
        let (mut worse, better) =
            if other.code.rank() > self.code.rank() { (other, self) } else { (self, other) };
        worse.reason = worse.reason.or(better.reason);
        better.counts.into_iter().fold(worse, |merged, (name, n)| merged.with_count(name, n))
    }

    pub fn code(&self) -> ResultCode {
        self.code
    }

    /// `ACCESS_DENIED scanned=1 findings=0`: the reason, then the counts in the order added.
    pub fn result_string(&self) -> String {
        let counts = self.counts.iter().map(|(name, n)| format!("{name}={n}"));
        self.reason.map(str::to_string).into_iter().chain(counts).collect::<Vec<_>>().join(" ")
    }
}

/// Reason an [`Entry::Test`] is skipped with.
pub const S3_TEST_EVENT: &str = "S3_TEST_EVENT";

impl Entry {
    /// The object event to work on, or the outcome this entry already has without work:
    /// `for entry in &item.entries { let o = match entry.work() { Ok(e) => scan(e), Err(o) => o }; … }`.
    pub fn work(&self) -> Result<&ObjectEvent, Outcome> {
        match self {
            Entry::Object(event) => Ok(event),
            Entry::Test { .. } => Err(Outcome::skipped(S3_TEST_EVENT)),
            Entry::Ignored { reason, .. } => Err(Outcome::skipped(reason)),
            Entry::Malformed(error) => Err(Outcome::permanent_failure(error.reason_code())),
        }
    }
}

/// The function's return value; serialises to exactly what the invoking service expects.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Response {
    Plain(PlainSummary),
    Sqs(SqsBatchResponse),
    BatchOperations(BatchOperationsResponse),
}

/// For direct invocations, whose return value nobody reads: counts for the logs and for `invoke`.
/// Asynchronous invocations are retried only if the function fails, hence [`Self::wants_retry`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlainSummary {
    pub items: usize,
    pub succeeded: usize,
    pub temporary_failures: usize,
    pub permanent_failures: usize,
}

impl PlainSummary {
    /// Whether the handler should return an error so that Lambda retries the invocation: only for
    /// temporary failures, since a permanent one would fail again.
    pub fn wants_retry(&self) -> bool {
        self.temporary_failures > 0
    }
}

/// Lambda's SQS partial batch response (`ReportBatchItemFailures` on the event source mapping).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SqsBatchResponse {
    pub batch_item_failures: Vec<BatchItemFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchItemFailure {
    /// The SQS `messageId`.
    pub item_identifier: String,
}

/// S3 Batch Operations' response: exactly one result per task, echoing the invocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchOperationsResponse {
    pub invocation_schema_version: String,
    pub treat_missing_keys_as: ResultCode,
    pub invocation_id: String,
    pub results: Vec<BatchTaskResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchTaskResult {
    pub task_id: String,
    pub result_code: ResultCode,
    pub result_string: String,
}

/// Choices the invoking services leave to the function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseOptions {
    /// Batch Operations' verdict on a task whose key no longer exists. S3 defaults to `Succeeded`;
    /// Sluice defaults to `PermanentFailure` so that an object it never read shows in the report.
    pub treat_missing_keys_as: ResultCode,
}

impl Default for ResponseOptions {
    fn default() -> Self {
        ResponseOptions { treat_missing_keys_as: ResultCode::PermanentFailure }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ResponseError {
    #[error("{outcomes} outcomes for {items} items: every item needs exactly one")]
    OutcomeCount { items: usize, outcomes: usize },
}

impl Invocation {
    /// Builds the answer from one outcome per item, in item order.
    ///
    /// SQS: every failed message is reported, permanent ones included, so that after the queue's
    /// `maxReceiveCount` they land in its dead-letter queue instead of vanishing. On a FIFO queue,
    /// every message after the first failure is reported as well, as Lambda requires to keep order
    /// (so a handler may stop working at the first failure and give the rest any failed outcome,
    /// such as `Outcome::temporary_failure("NOT_ATTEMPTED")`).
    pub fn respond(
        &self,
        outcomes: &[Outcome],
        options: &ResponseOptions,
    ) -> Result<Response, ResponseError> {
        if outcomes.len() != self.items.len() {
            return Err(ResponseError::OutcomeCount { items: self.items.len(), outcomes: outcomes.len() });
        }
        let pairs = self.items.iter().zip(outcomes);
        Ok(match &self.shape {
            Shape::S3Notification | Shape::Sns | Shape::EventBridge => {
                let count = |code| outcomes.iter().filter(|o| o.code == code).count();
                Response::Plain(PlainSummary {
                    items: outcomes.len(),
                    succeeded: count(ResultCode::Succeeded),
                    temporary_failures: count(ResultCode::TemporaryFailure),
                    permanent_failures: count(ResultCode::PermanentFailure),
                })
            }
            Shape::Sqs { fifo, .. } => {
                let mut failing = false;
                let batch_item_failures = pairs
                    .filter_map(|(item, outcome)| {
                        failing = (failing && *fifo) || outcome.code != ResultCode::Succeeded;
                        match (&item.ack, failing) {
                            (Ack::SqsMessage(id), true) => {
                                Some(BatchItemFailure { item_identifier: id.clone() })
                            }
                            _ => None,
                        }
                    })
                    .collect();
                Response::Sqs(SqsBatchResponse { batch_item_failures })
            }
            Shape::BatchOperations(job) => Response::BatchOperations(BatchOperationsResponse {
                invocation_schema_version: job.invocation_schema_version.clone(),
                treat_missing_keys_as: options.treat_missing_keys_as,
                invocation_id: job.invocation_id.clone(),
                results: pairs
                    .filter_map(|(item, outcome)| match &item.ack {
                        Ack::BatchTask(task_id) => Some(BatchTaskResult {
                            task_id: task_id.clone(),
                            result_code: outcome.code,
                            result_string: outcome.result_string(),
                        }),
                        _ => None,
                    })
                    .collect(),
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::decode::decode;

    fn batch(tasks: usize) -> Invocation {
        let tasks: Vec<_> = (0..tasks)
            .map(|i| json!({"taskId": format!("t{i}"), "s3Key": format!("k{i}"), "s3Bucket": "b"}))
            .collect();
        decode(&json!({"invocationSchemaVersion": "2.0", "invocationId": "inv-1", "job": {}, "tasks": tasks}))
            .unwrap()
    }

    #[test]
    fn batch_operations_answers_one_result_per_task_and_echoes_the_invocation() {
        let invocation = batch(3);
        let outcomes = [
            Outcome::succeeded().with_count("scanned", 1).with_count("findings", 2),
            Outcome::temporary_failure("THROTTLED"),
            Outcome::permanent_failure("ACCESS_DENIED"),
        ];
        let options = ResponseOptions { treat_missing_keys_as: ResultCode::Succeeded };
        let response = serde_json::to_value(invocation.respond(&outcomes, &options).unwrap()).unwrap();
        assert_eq!(
            response,
            json!({
                "invocationSchemaVersion": "2.0",
                "treatMissingKeysAs": "Succeeded",
                "invocationId": "inv-1",
                "results": [
                    {"taskId": "t0", "resultCode": "Succeeded", "resultString": "scanned=1 findings=2"},
                    {"taskId": "t1", "resultCode": "TemporaryFailure", "resultString": "THROTTLED"},
                    {"taskId": "t2", "resultCode": "PermanentFailure", "resultString": "ACCESS_DENIED"}
                ]
            })
        );
        let Response::BatchOperations(default) =
            invocation.respond(&outcomes, &ResponseOptions::default()).unwrap()
        else {
            panic!("a Batch Operations response expected")
        };
        assert_eq!(default.treat_missing_keys_as, ResultCode::PermanentFailure);
    }

    #[test]
    fn every_item_needs_exactly_one_outcome() {
        let invocation = batch(2);
        assert_eq!(
            invocation.respond(&[Outcome::succeeded()], &ResponseOptions::default()),
            Err(ResponseError::OutcomeCount { items: 2, outcomes: 1 })
        );
    }

    fn sqs(queue: &str, messages: usize) -> Invocation {
        let records: Vec<_> = (0..messages)
            .map(|i| json!({"messageId": format!("m{i}"), "body": "{}", "eventSourceARN": queue}))
            .collect();
        decode(&json!({ "Records": records })).unwrap()
    }

    fn failures(invocation: &Invocation, outcomes: &[Outcome]) -> Vec<String> {
        match invocation.respond(outcomes, &ResponseOptions::default()).unwrap() {
            Response::Sqs(response) => {
                response.batch_item_failures.into_iter().map(|f| f.item_identifier).collect()
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn sqs_reports_failed_messages_and_on_fifo_everything_after_the_first() {
        let outcomes = [
            Outcome::succeeded(),
            Outcome::permanent_failure("MESSAGE_NOT_JSON"),
            Outcome::succeeded(),
            Outcome::temporary_failure("THROTTLED"),
        ];
        assert_eq!(failures(&sqs("arn:aws:sqs:eu-west-1:1:q", 4), &outcomes), ["m1", "m3"]);
        assert_eq!(failures(&sqs("arn:aws:sqs:eu-west-1:1:q.fifo", 4), &outcomes), ["m1", "m2", "m3"]);
        assert!(failures(
            &sqs("arn:aws:sqs:eu-west-1:1:q.fifo", 2),
            &[Outcome::succeeded(), Outcome::succeeded()]
        )
        .is_empty());
    }

    #[test]
    fn direct_invocations_want_a_retry_only_for_temporary_failures() {
        let event = json!({"Records": [
            {"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": "a"}}},
            {"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": "b"}}}
        ]});
        let invocation = decode(&event).unwrap();
        let respond = |outcomes: &[Outcome]| match invocation.respond(outcomes, &ResponseOptions::default()) {
            Ok(Response::Plain(summary)) => summary,
            other => panic!("{other:?}"),
        };
        let permanent = respond(&[Outcome::succeeded(), Outcome::permanent_failure("ACCESS_DENIED")]);
        assert_eq!(
            permanent,
            PlainSummary { items: 2, succeeded: 1, temporary_failures: 0, permanent_failures: 1 }
        );
        assert!(!permanent.wants_retry());
        assert!(respond(&[Outcome::temporary_failure("THROTTLED"), Outcome::succeeded()]).wants_retry());
    }

    #[test]
    fn merging_keeps_the_worst_code_and_sums_counts() {
        let merged = Outcome::succeeded()
            .with_count("scanned", 1)
            .merge(Outcome::permanent_failure("ACCESS_DENIED"))
            .merge(Outcome::succeeded().with_count("scanned", 2).with_count("findings", 1));
        assert_eq!(merged.code(), ResultCode::PermanentFailure);
        assert_eq!(merged.result_string(), "ACCESS_DENIED scanned=3 findings=1");
        let merged = merged.merge(Outcome::temporary_failure("THROTTLED"));
        assert_eq!(merged.code(), ResultCode::TemporaryFailure);
        assert_eq!(merged.result_string(), "THROTTLED scanned=3 findings=1");
    }

    #[test]
    fn settled_entries_say_why() {
        let test = decode(&json!({"Event": "s3:TestEvent", "Bucket": "b"})).unwrap();
        assert_eq!(test.items[0].entries[0].work(), Err(Outcome::skipped(S3_TEST_EVENT)));
        let bad = decode(&json!({"Records": [{"messageId": "m", "body": "["}]})).unwrap();
        let settled = bad.items[0].entries[0].work().unwrap_err();
        assert_eq!(
            (settled.code(), settled.result_string().as_str()),
            (ResultCode::PermanentFailure, "MESSAGE_NOT_JSON")
        );
    }
}

//! The audit record of one remediation: what was planned, done, skipped and failed, and
//! why. The remediator writes it to the findings table and publishes it as the `detail` of a
//! `Sluice Remediation` event. It holds names, identifier types and counts, never a value.

use serde::{Deserialize, Serialize};

use crate::action::{Action, ActionKind};
use crate::plan::{NotTaken, SkipReason, Subject};
use crate::policy::Mode;

pub const AUDIT_SCHEMA_VERSION: &str = "1.0";
/// EventBridge `source` and `detail-type` of the audit event.
pub const EVENT_SOURCE: &str = "sluice";
pub const EVENT_DETAIL_TYPE: &str = "Sluice Remediation";

/// The result of one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    /// Enforce mode: the changes listed were made.
    Done,
    /// Dry-run: the changes listed would be made.
    WouldChange,
    /// The state already satisfied the action; nothing was (or would be) changed.
    AlreadyCompliant,
    /// Not attempted, for the reason given (a limit, an object gone or overwritten).
    Skipped,
    /// A call failed; `retryable` says whether running again may succeed.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionRecord {
    pub kind: ActionKind,
    pub rule: String,
    /// The action as planned, with its parameters.
    pub planned: Action,
    pub outcome: Outcome,
    /// What was (or would be) changed, one short sentence each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retryable: bool,
}

/// The record's overall status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RecordStatus {
    /// Nothing planned (mode off, opted out, no rule matched, no bucket).
    Skipped,
    /// Dry-run: the state was read and the record says what enforce would change.
    DryRun,
    /// Enforce: at least one change made, no failure.
    Remediated,
    /// Enforce: nothing needed changing.
    Compliant,
    /// At least one action failed.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditRecord {
    pub schema_version: String,
    pub mode: Mode,
    pub status: RecordStatus,
    #[serde(flatten)]
    pub subject: Subject,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<SkipReason>,
    /// Why the whole record was skipped or failed before any action ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default)]
    pub actions: Vec<ActionRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_taken: Vec<NotTaken>,
    /// A failure that running again may cure (throttling, a 5xx, a timeout).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retryable: bool,
}

impl AuditRecord {
    /// Whether a failure may succeed on a retry: the remediator then fails the invocation so
    /// that Lambda retries it and, in the end, sends it to the dead-letter queue.
    pub fn has_retryable_failure(&self) -> bool {
        self.retryable
    }

    /// The actions with this outcome.
    pub fn with_outcome(&self, outcome: Outcome) -> impl Iterator<Item = &ActionRecord> {
        self.actions.iter().filter(move |a| a.outcome == outcome)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an audit record always serializes")
    }
}

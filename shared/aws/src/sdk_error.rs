//! What a failed AWS SDK call means for the caller: worth retrying, denied, or refused for
//! good, with the operation, the HTTP status and the AWS error code. Every service crate
//! re-exports the same `SdkError` and `ProvideErrorMetadata`, so one classification serves S3,
//! DynamoDB and EventBridge alike.
//!
//! The description holds the AWS error code and message, which name resources and causes;
//! AWS never echoes request bodies (object content, item values) in them.

use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};

/// How a failure should be handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureClass {
    /// Throttling, a 5xx, a timeout, a dropped connection: running again may succeed.
    Transient,
    /// The caller lacks a permission (IAM, a bucket or key policy, an SCP).
    AccessDenied,
    /// Anything else the service refused: running again gives the same answer.
    Rejected,
}

/// One failed call, described.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdkFailure {
    pub class: FailureClass,
    /// The HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// The AWS error code (`AccessDenied`, `SlowDown`…), when the response had one.
    pub code: Option<String>,
    /// `<operation>: <code>: <message>`, or the transport failure.
    pub message: String,
}

impl SdkFailure {
    /// Whether the service said the thing asked about does not exist: one of `codes`, or,
    /// for a response without a code (HEAD has no body), one of `statuses`.
    pub fn is_absent(&self, codes: &[&str], statuses: &[u16]) -> bool {
        match &self.code {
            Some(code) => codes.contains(&code.as_str()),
            None => self.status.is_some_and(|s| statuses.contains(&s)),
        }
    }
}

/// Error codes that mean "slow down" or "try again" across S3, DynamoDB and EventBridge.
const TRANSIENT_CODES: &[&str] = &[
    "SlowDown",
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ProvisionedThroughputExceededException",
    "RequestThrottled",
    "RequestThrottledException",
    "LimitExceededException",
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalError",
    "InternalFailure",
    "InternalException",
    "InternalServerError",
    "ServiceUnavailable",
    // S3: a conflicting operation on the same resource is in progress.
    "OperationAborted",
    // DynamoDB: another transaction holds the item.
    "TransactionConflictException",
];

const DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "AllAccessDisabled",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "UnrecognizedClientException",
    "KMS.AccessDeniedException",
    "KMS.DisabledException",
];

/// AWS error messages are short; a longer one is cut so that a record stays small.
const MESSAGE_LIMIT: usize = 300;

/// Describes a failed call of `operation`.
pub fn describe<E>(operation: &str, error: &SdkError<E, HttpResponse>) -> SdkFailure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let status = error.raw_response().map(|r| r.status().as_u16());
    match error {
        SdkError::ServiceError(_) | SdkError::ResponseError(_) => {
            let code = error.code().map(str::to_string);
            let class = classify(status, code.as_deref());
            let detail = match (error.code(), error.message()) {
                (Some(code), Some(message)) => format!("{code}: {}", cut(message)),
                (Some(code), None) => code.to_string(),
                (None, Some(message)) => cut(message),
                (None, None) => match status {
                    Some(s) => format!("HTTP {s}"),
                    None => "an unreadable response".to_string(),
                },
            };
            let class = if matches!(error, SdkError::ResponseError(_)) && code.is_none() {
                // The response could not be read (cut short, garbled): a retry may get a whole one.
                FailureClass::Transient
            } else {
                class
            };
            SdkFailure { class, status, code, message: format!("{operation}: {detail}") }
        }
        SdkError::TimeoutError(_) => SdkFailure {
            class: FailureClass::Transient,
            status,
            code: None,
            message: format!("{operation}: timed out"),
        },
        SdkError::DispatchFailure(failure) => {
            let class = if failure.is_user() { FailureClass::Rejected } else { FailureClass::Transient };
            let what = if failure.is_timeout() {
                "timed out connecting"
            } else if failure.is_io() {
                "connection failed"
            } else if failure.is_user() {
                "the request could not be sent (configuration)"
            } else {
                "the request could not be sent"
            };
            SdkFailure { class, status, code: None, message: format!("{operation}: {what}") }
        }
        SdkError::ConstructionFailure(_) => SdkFailure {
            class: FailureClass::Rejected,
            status,
            code: None,
            message: format!("{operation}: the request could not be built"),
        },
        _ => SdkFailure {
            class: FailureClass::Transient,
            status,
            code: None,
            message: format!("{operation}: an unexpected SDK failure"),
        },
    }
}

/// Whether an AWS error code or HTTP status says "try again later": the one list every
/// adapter of this crate retries on.
pub fn is_transient(code: Option<&str>, status: Option<u16>) -> bool {
    classify(status, code) == FailureClass::Transient
}

fn classify(status: Option<u16>, code: Option<&str>) -> FailureClass {
    if let Some(code) = code {
        if TRANSIENT_CODES.contains(&code) {
            return FailureClass::Transient;
        }
        if DENIED_CODES.contains(&code) {
            return FailureClass::AccessDenied;
        }
    }
    match status {
        Some(429) | Some(500..=599) => FailureClass::Transient,
        Some(403) => FailureClass::AccessDenied,
        _ => FailureClass::Rejected,
    }
}

fn cut(message: &str) -> String {
    match message.char_indices().nth(MESSAGE_LIMIT) {
        Some((at, _)) => format!("{}…", &message[..at]),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_win_over_statuses_and_statuses_decide_the_rest() {
        assert_eq!(classify(Some(503), Some("SlowDown")), FailureClass::Transient);
        assert_eq!(classify(Some(400), Some("ThrottlingException")), FailureClass::Transient);
        assert_eq!(
            classify(Some(400), Some("ProvisionedThroughputExceededException")),
            FailureClass::Transient
        );
        assert_eq!(classify(Some(403), Some("AccessDenied")), FailureClass::AccessDenied);
        assert_eq!(classify(Some(400), Some("AccessDeniedException")), FailureClass::AccessDenied);
        assert_eq!(classify(Some(403), None), FailureClass::AccessDenied);
        assert_eq!(classify(Some(500), Some("SomethingNew")), FailureClass::Transient);
        assert_eq!(classify(Some(429), None), FailureClass::Transient);
        assert_eq!(classify(Some(400), Some("InvalidRequest")), FailureClass::Rejected);
        assert_eq!(classify(Some(404), Some("NoSuchKey")), FailureClass::Rejected);
    }

    #[test]
    fn absence_is_read_from_the_code_or_else_the_status() {
        let failure = |status, code: Option<&str>| SdkFailure {
            class: FailureClass::Rejected,
            status: Some(status),
            code: code.map(str::to_string),
            message: String::new(),
        };
        assert!(failure(404, Some("NoSuchKey")).is_absent(&["NoSuchKey"], &[404]));
        assert!(failure(404, None).is_absent(&["NoSuchKey"], &[404]));
        // A 404 with another code (NoSuchBucket) is not the object's absence.
        assert!(!failure(404, Some("NoSuchBucket")).is_absent(&["NoSuchKey"], &[404]));
        assert!(!failure(403, None).is_absent(&["NoSuchKey"], &[404]));
    }

    #[test]
    fn long_messages_are_cut() {
        let long = "x".repeat(MESSAGE_LIMIT + 50);
        assert_eq!(cut(&long).chars().count(), MESSAGE_LIMIT + 1);
        assert_eq!(cut("short"), "short");
    }
}

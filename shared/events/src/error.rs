//! Why an event, a message or a record could not be turned into work.

use thiserror::Error;

use crate::key::KeyError;

/// A decoding problem. Every variant is permanent: the same bytes will never decode on a retry.
///
/// Messages name fields, versions and (encoded) keys, which are names rather than contents; they
/// never carry object data. [`DecodeError::reason_code`] is what goes into responses.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    #[error("{what} is not JSON: {detail}")]
    NotJson { what: &'static str, detail: String },
    #[error("{what} is malformed: {detail}")]
    Malformed { what: &'static str, detail: String },
    #[error("unrecognised event: {0}")]
    Unrecognized(String),
    #[error("S3 event version {0:?} is not supported (major version 2 expected)")]
    UnsupportedEventVersion(String),
    #[error("object key {encoded:?} cannot be decoded: {source}")]
    Key {
        encoded: String,
        #[source]
        source: KeyError,
    },
}

impl DecodeError {
    /// A fixed code for responses and metrics (S3 Batch Operations' `resultString`).
    pub fn reason_code(&self) -> &'static str {
        match self {
            DecodeError::NotJson { .. } => "MESSAGE_NOT_JSON",
            DecodeError::Malformed { .. } => "MALFORMED_EVENT",
            DecodeError::Unrecognized(_) => "UNRECOGNIZED_EVENT",
            DecodeError::UnsupportedEventVersion(_) => "UNSUPPORTED_EVENT_VERSION",
            DecodeError::Key { .. } => "INVALID_KEY_ENCODING",
        }
    }

    pub(crate) fn malformed(what: &'static str, error: impl std::fmt::Display) -> DecodeError {
        DecodeError::Malformed { what, detail: error.to_string() }
    }

    pub(crate) fn not_json(what: &'static str, error: &serde_json::Error) -> DecodeError {
        DecodeError::NotJson { what, detail: error.to_string() }
    }
}

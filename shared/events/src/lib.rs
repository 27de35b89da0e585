//! The scanner's inputs and outputs: every way an S3 object event reaches a Lambda function,
//! decoded into work items, and the response each invoking service expects.
//!
//! Shapes read: S3 notifications (direct, in SQS bodies, in SNS envelopes in SQS bodies, and
//! SNS → Lambda), including `s3:TestEvent`; EventBridge `Object Created` / `Object Deleted`
//! (direct and in SQS bodies); S3 Batch Operations invocation schemas 1.0 and 2.0. The crate is
//! pure: no AWS SDK, no I/O, so the handler's whole event logic is tested here.
//!
//! A handler stays a loop: decode, work on each entry, answer with one outcome per item.
//!
//! ```
//! use sluice_events::{decode, Outcome, Response, ResponseOptions};
//!
//! let event = serde_json::json!({"Records": [{"messageId": "m1", "body": "not json"}]});
//! let invocation = decode(&event).unwrap();
//! let outcomes: Vec<Outcome> = invocation
//!     .items
//!     .iter()
//!     .map(|item| {
//!         item.entries.iter().fold(Outcome::succeeded(), |outcome, entry| {
//!             let entry_outcome = match entry.work() {
//!                 Ok(_object_event) => Outcome::succeeded().with_count("scanned", 1),
//!                 Err(settled) => settled,
//!             };
//!             outcome.merge(entry_outcome)
//!         })
//!     })
//!     .collect();
//! let response = invocation.respond(&outcomes, &ResponseOptions::default()).unwrap();
//! assert_eq!(
//!     serde_json::to_value(&response).unwrap(),
//!     serde_json::json!({"batchItemFailures": [{"itemIdentifier": "m1"}]})
//! );
//! ```

mod decode;
mod error;
mod key;
mod response;
mod wire;

pub use decode::{
    decode, Ack, BatchJob, Entry, EventKind, Invocation, Item, ObjectEvent, Shape, BATCH_OPERATIONS_EVENT,
    NOT_CREATED_OR_REMOVED,
};
pub use error::DecodeError;
pub use key::{decode_form_key, KeyError};
pub use response::{
    BatchItemFailure, BatchOperationsResponse, BatchTaskResult, Outcome, PlainSummary, Response,
    ResponseError, ResponseOptions, ResultCode, SqsBatchResponse, S3_TEST_EVENT,
};

//! Turning SDK errors into the pipeline's retryable / permanent split.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use sluice_pipeline::ports::PortError;

/// The AWS error code of a failed call, if the service sent one.
pub(crate) fn code<E: ProvideErrorMetadata>(err: &SdkError<E, Response>) -> Option<&str> {
    match err {
        SdkError::ServiceError(ctx) => ctx.err().code(),
        _ => None,
    }
}

/// Whether the failure is worth retrying: transport errors, timeouts, 5xx and throttling.
pub(crate) fn is_retryable<E: ProvideErrorMetadata>(err: &SdkError<E, Response>) -> bool {
    match err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => true,
        SdkError::ServiceError(ctx) => {
            crate::sdk_error::is_transient(ctx.err().code(), Some(ctx.raw().status().as_u16()))
        }
        _ => false,
    }
}

/// A port error naming the operation and the AWS code (never a request's content).
pub(crate) fn port_error<E: ProvideErrorMetadata>(operation: &str, err: &SdkError<E, Response>) -> PortError {
    let what = match err {
        SdkError::TimeoutError(_) => "timeout".to_string(),
        SdkError::DispatchFailure(_) => "connection failure".to_string(),
        SdkError::ResponseError(_) => "unreadable response".to_string(),
        SdkError::ServiceError(ctx) => {
            format!("{} (HTTP {})", ctx.err().code().unwrap_or("unknown error"), ctx.raw().status().as_u16())
        }
        _ => "request not sent".to_string(),
    };
    let message = format!("{operation}: {what}");
    if is_retryable(err) {
        PortError::Retryable(message)
    } else {
        PortError::Permanent(message)
    }
}

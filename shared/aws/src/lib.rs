//! Every AWS adapter Sluice has, one module per service. The only crate that depends on
//! `aws-sdk-*`: the pipeline sees traits, never clients.

pub mod asff;
pub mod audit;
pub mod context;
pub mod dynamodb;
pub mod entry;
mod errors;
pub mod eventbridge;
pub mod iam;
pub mod publisher;
pub mod remediation;
pub mod results;
pub mod s3;
pub mod sdk_error;
pub mod securityhub;

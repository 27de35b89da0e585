//! Every AWS adapter Sluice has, one module per service. The only crate that depends on
//! `aws-sdk-*`: the pipeline sees traits, never clients.

pub mod iam;
pub mod dynamodb;
mod errors;
pub mod results;
pub mod s3;

//! Every AWS adapter Sluice has, one module per service. The only crate that depends on
//! `aws-sdk-*`: the pipeline sees traits, never clients.

pub mod audit;
pub mod iam;
pub mod remediation;
pub mod sdk_error;

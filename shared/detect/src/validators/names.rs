//! Validators for this family of rules; see `validators/mod.rs` for the contract.

use super::Validator;

pub(super) const VALIDATORS: &[(&str, Validator)] = &[];

//! Where Sluice runs: the partition, Region and account that ARNs and findings name.

/// The account and Region findings are published in and about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsContext {
    /// `aws`, `aws-cn` or `aws-us-gov`.
    pub partition: String,
    pub region: String,
    /// Twelve digits.
    pub account_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContextError {
    #[error("environment variable {0} is not set")]
    Missing(&'static str),
    #[error("{name} = {value:?} is not a 12-digit AWS account id")]
    BadAccount { name: &'static str, value: String },
}

/// The environment variable the deployment template sets to `AWS::AccountId` (the Lambda
/// runtime does not tell a function its account).
pub const ACCOUNT_ENV: &str = "SLUICE_ACCOUNT_ID";

impl AwsContext {
    /// A context for `region`, with the partition the Region belongs to.
    pub fn new(region: impl Into<String>, account_id: impl Into<String>) -> AwsContext {
        let region = region.into();
        AwsContext { partition: partition_of(&region).to_string(), region, account_id: account_id.into() }
    }

    /// Reads `AWS_REGION` (set by the Lambda runtime) and [`ACCOUNT_ENV`].
    pub fn from_env() -> Result<AwsContext, ContextError> {
        let region = std::env::var("AWS_REGION")
            .or_else(|_| std::env::var("AWS_DEFAULT_REGION"))
            .map_err(|_| ContextError::Missing("AWS_REGION"))?;
        let account = std::env::var(ACCOUNT_ENV).map_err(|_| ContextError::Missing(ACCOUNT_ENV))?;
        if !is_account_id(&account) {
            return Err(ContextError::BadAccount { name: ACCOUNT_ENV, value: account });
        }
        Ok(AwsContext::new(region, account))
    }

    /// The product ARN of the account's own findings: Security Hub accepts findings under it
    /// only from that account.
    pub fn product_arn(&self) -> String {
        format!(
            "arn:{}:securityhub:{}:{}:product/{}/default",
            self.partition, self.region, self.account_id, self.account_id
        )
    }
}

/// The partition of a Region: `cn-*` is `aws-cn`, `us-gov-*` is `aws-us-gov`, the rest `aws`.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_follows_the_region() {
        assert_eq!(AwsContext::new("us-east-1", "123456789012").partition, "aws");
        assert_eq!(AwsContext::new("cn-north-1", "123456789012").partition, "aws-cn");
        assert_eq!(AwsContext::new("us-gov-west-1", "123456789012").partition, "aws-us-gov");
    }

    #[test]
    fn product_arn_names_the_account_twice() {
        let c = AwsContext::new("eu-west-1", "123456789012");
        assert_eq!(
            c.product_arn(),
            "arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default"
        );
    }

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(is_account_id("000000000000"));
        assert!(!is_account_id("12345678901"));
        assert!(!is_account_id("12345678901a"));
    }
}

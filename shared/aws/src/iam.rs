//! The IAM actions each function calls, held against `template.yaml` by a test so that the
//! roles grant exactly what the code uses.

/// Every AWS API action the scanner's code calls (the SQS polling actions come from the event
/// source mapping, not from Sluice's code).
pub const SCANNER_ACTIONS: &[&str] = &[
    // reading the object named by the event, and its tags for tag filters
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:GetObjectTagging",
    "s3:GetObjectVersionTagging",
    // bucket posture
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketPolicyStatus",
    "s3:GetBucketPolicy",
    "s3:GetBucketAcl",
    "s3:GetEncryptionConfiguration",
    "s3:GetBucketTagging",
    "s3:GetAccountPublicAccessBlock",
    // sensitive data discovery results
    "s3:PutObject",
    "kms:GenerateDataKey",
    "kms:Decrypt",
    // findings table
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:Query",
    "dynamodb:BatchWriteItem",
    // publishing
    "securityhub:BatchImportFindings",
    "events:PutEvents",
];

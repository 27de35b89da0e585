//! Publications as Security Hub findings (ASFF), as pure mapping: Sluice's own serde model of
//! the members it sends (so a finding can be sized and validated before it leaves), the
//! conversion to and from the SDK's `AwsSecurityFinding`, and a validator of the documented
//! limits, which the local emulator does not check (aws-wire.md §2).
//!
//! Choices (see docs/aws-shapes.md):
//! - One finding per object, `Id` = the record's finding id, so a rescan updates it; policy
//!   findings are one per bucket and type.
//! - `Types` under `Sensitive Data Identifications/<category>/…`, Macie's categories mapped as
//!   PERSONAL_INFORMATION → PII, FINANCIAL_INFORMATION → Financial, CREDENTIALS → Passwords
//!   (Security Hub's own insight for leaked secrets filters on it), CUSTOM_IDENTIFIER → Business
//!   (custom identifiers are organisation-specific ids: employee, customer, contract numbers).
//!   Policy findings go under `Software and Configuration Checks/AWS Security Best Practices/`.
//! - Titles and descriptions name the object, the identifier types and their counts; never a
//!   value (a finding never holds one).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sluice_finding::{
    BucketPosture, Category, ClassificationResult, FindingType, Occurrences as FindingOccurrences,
    PolicyFindingType, ScanRecord, Severity,
};
use sluice_pipeline::ports::{FindingState, Publication};

use crate::context::AwsContext;

pub const SCHEMA_VERSION: &str = "2018-10-08";
/// "The maximum allowed size for a finding is 240 Kb" (BatchImportFindings).
pub const MAX_FINDING_BYTES: usize = 240 * 1024;
pub const MAX_TYPES: usize = 50;
pub const MAX_RESOURCES: usize = 32;
pub const MAX_TITLE_CHARS: usize = 256;
pub const MAX_DESCRIPTION_CHARS: usize = 1024;
pub const MAX_ID_CHARS: usize = 512;
pub const GENERATOR_SENSITIVE_DATA: &str = "sluice/sensitive-data";
pub const SENSITIVE_DATA_NAMESPACE: &str = "Sensitive Data Identifications";
pub const POLICY_TYPE_PREFIX: &str = "Software and Configuration Checks/AWS Security Best Practices";
/// The five namespaces of the ASFF types taxonomy.
pub const NAMESPACES: [&str; 5] = [
    "Software and Configuration Checks",
    "TTPs",
    "Effects",
    "Unusual Behaviors",
    "Sensitive Data Identifications",
];
/// The categories the taxonomy lists under `Sensitive Data Identifications`.
pub const SENSITIVE_DATA_CATEGORIES: [&str; 6] =
    ["PII", "Passwords", "Legal", "Financial", "Security", "Business"];
pub const SEVERITY_LABELS: [&str; 5] = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"];
const PARTITIONS: [&str; 6] = ["aws", "aws-cn", "aws-us-gov", "aws-us-iso", "aws-us-iso-b", "AzureCloud"];
/// A `Types` classifier longer than this is cut (custom identifier names are free text).
const MAX_CLASSIFIER_CHARS: usize = 128;

// ---------------------------------------------------------------------------------------------
// The model: the ASFF members Sluice sends, with their wire names.

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Finding {
    pub schema_version: String,
    pub id: String,
    pub product_arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub generator_id: String,
    pub aws_account_id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<FindingSeverity>,
    pub title: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub product_fields: BTreeMap<String, String>,
    pub resources: Vec<Resource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding_provider_fields: Option<FindingProviderFields>,
}

/// `Severity` and `FindingProviderFields.Severity` (Sluice sends `Label`, never the deprecated
/// `Normalized`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FindingSeverity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
}

/// Where a provider puts what it may change on update (aws-wire.md §2.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FindingProviderFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<FindingSeverity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Resource {
    #[serde(rename = "Type")]
    pub kind: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<ResourceDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_classification: Option<DataClassification>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws_s3_bucket: Option<S3BucketDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws_s3_object: Option<S3ObjectDetails>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct S3BucketDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_side_encryption_configuration: Option<BucketEncryption>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_access_block_configuration: Option<PublicAccessBlock>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BucketEncryption {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<BucketEncryptionRule>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BucketEncryptionRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_server_side_encryption_by_default: Option<EncryptionByDefault>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptionByDefault {
    #[serde(rename = "SSEAlgorithm", default, skip_serializing_if = "Option::is_none")]
    pub sse_algorithm: Option<String>,
    #[serde(rename = "KMSMasterKeyID", default, skip_serializing_if = "Option::is_none")]
    pub kms_master_key_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PublicAccessBlock {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_public_acls: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_public_policy: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore_public_acls: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restrict_public_buckets: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct S3ObjectDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    #[serde(rename = "ETag", default, skip_serializing_if = "Option::is_none")]
    pub e_tag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_side_encryption: Option<String>,
    #[serde(rename = "SSEKMSKeyId", default, skip_serializing_if = "Option::is_none")]
    pub sse_kms_key_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DataClassification {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detailed_results_location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<DataClassificationResult>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DataClassificationResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_classified: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_occurrences: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ClassificationStatus>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitive_data: Vec<SensitiveDataResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_data_identifiers: Option<CustomDataIdentifiersResult>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClassificationStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SensitiveDataResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub detections: Vec<SensitiveDataDetection>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SensitiveDataDetection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    #[serde(rename = "Type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrences: Option<Occurrences>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomDataIdentifiersResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub detections: Vec<CustomDataIdentifierDetection>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomDataIdentifierDetection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrences: Option<Occurrences>,
}

/// ASFF `Occurrences`; `OffsetRanges` is reserved by Macie and never sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Occurrences {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line_ranges: Vec<Range>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<Page>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<Record>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<Cell>,
}

impl Occurrences {
    pub fn len(&self) -> usize {
        self.line_ranges.len() + self.pages.len() + self.records.len() + self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Range {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_column: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Page {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_number: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Record {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_index: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Cell {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell_reference: Option<String>,
}

impl Finding {
    /// The compact UTF-8 JSON size, which is what the 240 KB limit counts (the SDK escapes
    /// strings the same way serde_json does).
    pub fn size(&self) -> usize {
        serde_json::to_vec(self).map(|v| v.len()).unwrap_or(usize::MAX)
    }
}

// ---------------------------------------------------------------------------------------------
// Mapping a publication to a finding.

/// The Security Hub finding for `publication`, with occurrence locations trimmed until it fits
/// in [`MAX_FINDING_BYTES`] (`AdditionalOccurrences` then says locations were left out).
pub fn finding(ctx: &AwsContext, publication: &Publication) -> Finding {
    match publication {
        Publication::SensitiveData { record, state, created_at, updated_at } => {
            let times = Times { created_at, updated_at };
            fit_result(&record.result, MAX_FINDING_BYTES, Finding::size, |result| {
                sensitive_data_finding(ctx, record, result, *state, &times)
            })
        }
        Publication::Policy { record, finding_type, updated_at } => {
            policy_finding(ctx, record, *finding_type, updated_at)
        }
    }
}

/// Builds a shape from a classification result trimmed a step further each time it does not
/// fit `limit`: at most 15, 5, then 1 location per type, then none, then no per-type
/// detections at all (category totals stay). Returns the first that fits, or the smallest.
pub fn fit_result<T>(
    result: &ClassificationResult,
    limit: usize,
    size: impl Fn(&T) -> usize,
    build: impl Fn(&ClassificationResult) -> T,
) -> T {
    let mut last = build(result);
    if size(&last) <= limit {
        return last;
    }
    for step in trim_steps(result) {
        last = build(&step);
        if size(&last) <= limit {
            return last;
        }
    }
    last
}

/// The trimmed variants of `result`, each smaller than the one before.
pub fn trim_steps(result: &ClassificationResult) -> Vec<ClassificationResult> {
    let mut steps: Vec<ClassificationResult> =
        [15, 5, 1, 0].into_iter().map(|max| result.truncated(max)).collect();
    let mut bare = result.truncated(0);
    let had_detections = bare.sensitive_data.iter().any(|i| !i.detections.is_empty())
        || !bare.custom_data_identifiers.detections.is_empty();
    for item in &mut bare.sensitive_data {
        item.detections.clear();
    }
    bare.custom_data_identifiers.detections.clear();
    bare.additional_occurrences |= had_detections;
    steps.push(bare);
    steps
}

struct Times<'a> {
    created_at: &'a str,
    updated_at: &'a str,
}

fn sensitive_data_finding(
    ctx: &AwsContext,
    record: &ScanRecord,
    result: &ClassificationResult,
    state: FindingState,
    times: &Times,
) -> Finding {
    let types = sensitive_data_types(result);
    let severity = severity_of(result.severity);
    let mut product_fields = BTreeMap::new();
    if let Some(t) = result.finding_type {
        product_fields.insert("sluice/FindingType".to_string(), t.as_str().to_string());
    }
    Finding {
        schema_version: SCHEMA_VERSION.into(),
        id: record.finding_id(),
        product_arn: ctx.product_arn(),
        product_name: Some("Sluice".into()),
        company_name: Some("Sluice".into()),
        region: Some(ctx.region.clone()),
        generator_id: GENERATOR_SENSITIVE_DATA.into(),
        aws_account_id: ctx.account_id.clone(),
        types: types.clone(),
        created_at: times.created_at.to_string(),
        updated_at: times.updated_at.to_string(),
        severity: Some(severity.clone()),
        title: title(record, state),
        description: description(&record.result, state),
        product_fields,
        resources: vec![object_resource(ctx, record, result), bucket_resource(ctx, record)],
        record_state: Some(record_state(state).into()),
        finding_provider_fields: Some(FindingProviderFields { severity: Some(severity), types }),
    }
}

fn policy_finding(
    ctx: &AwsContext,
    record: &ScanRecord,
    finding_type: PolicyFindingType,
    at: &str,
) -> Finding {
    let types = vec![policy_type(finding_type)];
    let severity = severity_of(Some(finding_type.severity()));
    let mut product_fields = BTreeMap::new();
    product_fields.insert("sluice/FindingType".to_string(), finding_type.as_str().to_string());
    Finding {
        schema_version: SCHEMA_VERSION.into(),
        id: sluice_finding::policy_finding_id(&record.object.bucket, finding_type),
        product_arn: ctx.product_arn(),
        product_name: Some("Sluice".into()),
        company_name: Some("Sluice".into()),
        region: Some(ctx.region.clone()),
        generator_id: policy_generator_id(finding_type),
        aws_account_id: ctx.account_id.clone(),
        types: types.clone(),
        // A policy publication carries only when Sluice observed the posture.
        created_at: at.to_string(),
        updated_at: at.to_string(),
        severity: Some(severity.clone()),
        title: policy_title(&record.object.bucket, finding_type),
        description: policy_description(&record.posture, finding_type),
        product_fields,
        resources: vec![bucket_resource(ctx, record)],
        record_state: Some("ACTIVE".into()),
        finding_provider_fields: Some(FindingProviderFields { severity: Some(severity), types }),
    }
}

fn record_state(state: FindingState) -> &'static str {
    match state {
        FindingState::Active => "ACTIVE",
        FindingState::Archived => "ARCHIVED",
    }
}

/// `Label` from Macie's severity; a record without a finding (archived because the object is
/// now clean) is `INFORMATIONAL`.
fn severity_of(severity: Option<Severity>) -> FindingSeverity {
    match severity {
        Some(s) => FindingSeverity { label: Some(s.label().into()), original: Some(s.description().into()) },
        None => FindingSeverity { label: Some("INFORMATIONAL".into()), original: None },
    }
}

/// The ASFF category of a Macie category (see the module documentation).
pub fn asff_category(category: Category) -> &'static str {
    match category {
        Category::PersonalInformation => "PII",
        Category::FinancialInformation => "Financial",
        Category::Credentials => "Passwords",
        Category::CustomIdentifier => "Business",
    }
}

/// Macie's finding-type word for a category, as its ASFF findings write it
/// (`SensitiveData:S3Object-Personal`).
fn macie_classifier(category: Category) -> &'static str {
    match category {
        Category::PersonalInformation => "SensitiveData:S3Object-Personal",
        Category::FinancialInformation => "SensitiveData:S3Object-Financial",
        Category::Credentials => "SensitiveData:S3Object-Credentials",
        Category::CustomIdentifier => "SensitiveData:S3Object-CustomIdentifier",
    }
}

/// One type per category present (Macie's classifier), then one per detected identifier,
/// at most 50. A result with no detections (archived: the object is now clean) keeps the
/// namespace alone, a partial path the taxonomy allows.
pub fn sensitive_data_types(result: &ClassificationResult) -> Vec<String> {
    let mut categories: Vec<Category> = result.sensitive_data.iter().map(|i| i.category).collect();
    if !result.custom_data_identifiers.detections.is_empty() || result.custom_data_identifiers.total_count > 0
    {
        categories.push(Category::CustomIdentifier);
    }
    categories.sort();
    categories.dedup();
    let mut types: Vec<String> = categories
        .iter()
        .map(|c| format!("{SENSITIVE_DATA_NAMESPACE}/{}/{}", asff_category(*c), macie_classifier(*c)))
        .collect();
    for item in &result.sensitive_data {
        for d in &item.detections {
            push_type(&mut types, item.category, &d.kind);
        }
    }
    for d in &result.custom_data_identifiers.detections {
        push_type(&mut types, Category::CustomIdentifier, &d.name);
    }
    if types.is_empty() {
        types.push(SENSITIVE_DATA_NAMESPACE.to_string());
    }
    types.truncate(MAX_TYPES);
    types
}

fn push_type(types: &mut Vec<String>, category: Category, classifier: &str) {
    let cleaned: String = classifier.replace('/', "-").trim().chars().take(MAX_CLASSIFIER_CHARS).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        return;
    }
    let t = format!("{SENSITIVE_DATA_NAMESPACE}/{}/{cleaned}", asff_category(category));
    if !types.contains(&t) {
        types.push(t);
    }
}

/// `Policy:IAMUser/S3BucketPublic` → `…/AWS Security Best Practices/Policy:IAMUser-S3BucketPublic`
/// (Macie's own conversion: `/` becomes `-` in its type).
pub fn policy_type(finding_type: PolicyFindingType) -> String {
    format!("{POLICY_TYPE_PREFIX}/{}", finding_type.as_str().replace('/', "-"))
}

pub fn policy_generator_id(finding_type: PolicyFindingType) -> String {
    let short = finding_type.as_str().rsplit('/').next().unwrap_or("policy");
    format!("sluice/policy/{short}")
}

fn object_resource(ctx: &AwsContext, record: &ScanRecord, result: &ClassificationResult) -> Resource {
    let object = &record.object;
    let meta = record.meta.as_ref();
    let details = S3ObjectDetails {
        last_modified: meta.and_then(|m| m.last_modified.clone()).filter(|t| parse_timestamp(t).is_some()),
        e_tag: meta.and_then(|m| m.etag.clone()).or_else(|| object.etag.clone()).and_then(non_blank),
        version_id: meta
            .and_then(|m| m.version_id.clone())
            .or_else(|| object.version_id.clone())
            .and_then(non_blank),
        content_type: meta.and_then(|m| m.content_type.clone()).and_then(non_blank),
        server_side_encryption: meta.and_then(|m| m.server_side_encryption.clone()).and_then(non_blank),
        sse_kms_key_id: meta.and_then(|m| m.kms_key_id.clone()).and_then(non_blank),
    };
    Resource {
        kind: "AwsS3Object".into(),
        id: object.object_arn(&ctx.partition),
        partition: Some(ctx.partition.clone()),
        region: Some(ctx.region.clone()),
        tags: BTreeMap::new(),
        details: Some(ResourceDetails { aws_s3_bucket: None, aws_s3_object: Some(details) }),
        data_classification: Some(DataClassification {
            detailed_results_location: record.detailed_results_location.clone().and_then(non_blank),
            result: Some(data_classification_result(result)),
        }),
    }
}

fn bucket_resource(ctx: &AwsContext, record: &ScanRecord) -> Resource {
    let posture = &record.posture;
    let encryption = posture.default_encryption.as_ref().filter(|e| e.encryption_type != "NONE").map(|e| {
        BucketEncryption {
            rules: vec![BucketEncryptionRule {
                apply_server_side_encryption_by_default: Some(EncryptionByDefault {
                    sse_algorithm: non_blank(e.encryption_type.clone()),
                    kms_master_key_id: e.kms_master_key_id.clone().and_then(non_blank),
                }),
            }],
        }
    });
    let block = posture.block_public_access.map(|b| PublicAccessBlock {
        block_public_acls: Some(b.block_public_acls),
        block_public_policy: Some(b.block_public_policy),
        ignore_public_acls: Some(b.ignore_public_acls),
        restrict_public_buckets: Some(b.restrict_public_buckets),
    });
    // ASFF tag keys and values must not be blank; S3 allows an empty value.
    let tags =
        posture.tags.iter().filter(|(k, v)| !k.trim().is_empty() && !v.trim().is_empty()).cloned().collect();
    Resource {
        kind: "AwsS3Bucket".into(),
        id: record.object.bucket_arn(&ctx.partition),
        partition: Some(ctx.partition.clone()),
        region: Some(ctx.region.clone()),
        tags,
        details: Some(ResourceDetails {
            aws_s3_bucket: Some(S3BucketDetails {
                name: non_blank(record.object.bucket.clone()),
                server_side_encryption_configuration: encryption,
                public_access_block_configuration: block,
            }),
            aws_s3_object: None,
        }),
        data_classification: None,
    }
}

fn data_classification_result(result: &ClassificationResult) -> DataClassificationResult {
    let custom = &result.custom_data_identifiers;
    DataClassificationResult {
        mime_type: non_blank(result.mime_type.clone()),
        size_classified: Some(long(result.size_classified)),
        additional_occurrences: Some(result.additional_occurrences),
        status: Some(ClassificationStatus {
            code: Some(enum_word(&result.status.code)),
            reason: result.status.reason.as_ref().map(enum_word),
        }),
        sensitive_data: result
            .sensitive_data
            .iter()
            .map(|item| SensitiveDataResult {
                category: Some(item.category.as_str().into()),
                total_count: Some(long(item.total_count)),
                detections: item
                    .detections
                    .iter()
                    .map(|d| SensitiveDataDetection {
                        count: Some(long(d.count)),
                        kind: non_blank(d.kind.clone()),
                        occurrences: occurrences(&d.occurrences),
                    })
                    .collect(),
            })
            .collect(),
        custom_data_identifiers: Some(CustomDataIdentifiersResult {
            total_count: Some(long(custom.total_count)),
            detections: custom
                .detections
                .iter()
                .map(|d| CustomDataIdentifierDetection {
                    count: Some(long(d.count)),
                    arn: non_blank(d.arn.clone()),
                    name: non_blank(d.name.clone()),
                    occurrences: occurrences(&d.occurrences),
                })
                .collect(),
        }),
    }
}

fn occurrences(o: &FindingOccurrences) -> Option<Occurrences> {
    let out = Occurrences {
        line_ranges: o
            .line_ranges
            .iter()
            .map(|r| Range {
                start: Some(long(r.start)),
                end: Some(long(r.end)),
                start_column: Some(long(r.start_column)),
            })
            .collect(),
        pages: o.pages.iter().map(|p| Page { page_number: Some(long(p.page_number)) }).collect(),
        records: o
            .records
            .iter()
            .map(|r| Record {
                json_path: non_blank(r.json_path.clone()),
                record_index: Some(long(r.record_index)),
            })
            .collect(),
        cells: o
            .cells
            .iter()
            .map(|c| Cell {
                column: Some(long(c.column)),
                row: Some(long(c.row)),
                column_name: c.column_name.clone().and_then(non_blank),
                cell_reference: c.cell_reference.clone().and_then(non_blank),
            })
            .collect(),
    };
    (!out.is_empty()).then_some(out)
}

/// The wire word of a serde enum (`COMPLETE`, `ARCHIVE_EXCEEDS_SIZE_LIMIT`).
fn enum_word<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::from("UNKNOWN"),
    }
}

fn long(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// ASFF strings must contain a non-space character: blank optional values are left out.
fn non_blank(s: String) -> Option<String> {
    (!s.trim().is_empty()).then_some(s)
}

// ---------------------------------------------------------------------------------------------
// Titles and descriptions (shared with the EventBridge detail): types and counts, never values.

/// What the finding is about, in a few words, by Macie's finding type.
fn finding_kind(t: FindingType) -> &'static str {
    match t {
        FindingType::Credentials => "Credentials",
        FindingType::Financial => "Financial information",
        FindingType::Personal => "Personal information",
        FindingType::CustomIdentifier => "Custom identifier matches",
        FindingType::Multiple => "Multiple types of sensitive data",
    }
}

/// `Personal information in s3://bucket/key`, cut to 256 characters.
pub fn title(record: &ScanRecord, state: FindingState) -> String {
    let text = match record.result.finding_type {
        Some(t) => format!("{} in {}", finding_kind(t), record.object.uri()),
        None if state == FindingState::Archived => {
            format!("No sensitive data remains in {}", record.object.uri())
        }
        None => format!("No sensitive data in {}", record.object.uri()),
    };
    cut(&text, MAX_TITLE_CHARS)
}

/// Counts per identifier type and the classification status, cut to 1,024 characters.
pub fn description(result: &ClassificationResult, state: FindingState) -> String {
    let status = match &result.status.reason {
        Some(reason) => format!("Classification {} ({}).", enum_word(&result.status.code), enum_word(reason)),
        None => format!("Classification {}.", enum_word(&result.status.code)),
    };
    if result.finding_type.is_none() {
        let lead = match state {
            FindingState::Archived => "The latest scan found no sensitive data; the finding is archived.",
            FindingState::Active => "The latest scan found no sensitive data.",
        };
        return cut(&format!("{lead} {status}"), MAX_DESCRIPTION_CHARS);
    }
    let mut counts: Vec<(String, u64)> = Vec::new();
    for item in &result.sensitive_data {
        counts.extend(item.detections.iter().map(|d| (d.kind.clone(), d.count)));
    }
    counts.extend(result.custom_data_identifiers.detections.iter().map(|d| (d.name.clone(), d.count)));
    let total = result.total_count().max(counts.iter().map(|(_, n)| n).sum());
    let archived =
        if state == FindingState::Archived { " The object is gone; the finding is archived." } else { "" };
    let head = format!(
        "{total} occurrence{} of {} sensitive data type{}: ",
        plural(total),
        counts.len(),
        plural(counts.len() as u64)
    );
    let tail = format!(". {status}{archived}");
    let budget = MAX_DESCRIPTION_CHARS.saturating_sub(head.chars().count() + tail.chars().count() + 24);
    let mut list = String::new();
    for (i, (kind, n)) in counts.iter().enumerate() {
        let part = format!("{}{kind} ({n})", if i == 0 { "" } else { ", " });
        if list.chars().count() + part.chars().count() > budget {
            list.push_str(&format!(" and {} more", counts.len() - i));
            break;
        }
        list.push_str(&part);
    }
    cut(&format!("{head}{list}{tail}"), MAX_DESCRIPTION_CHARS)
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

pub fn policy_title(bucket: &str, finding_type: PolicyFindingType) -> String {
    let text = match finding_type {
        PolicyFindingType::BlockPublicAccessDisabled => {
            format!("Block Public Access is disabled for S3 bucket {bucket}")
        }
        PolicyFindingType::BucketPublic => format!("S3 bucket {bucket} is publicly accessible"),
        PolicyFindingType::BucketEncryptionDisabled => {
            format!("Default encryption is disabled for S3 bucket {bucket}")
        }
        PolicyFindingType::BucketSharedExternally => {
            format!("S3 bucket {bucket} is shared with another account")
        }
    };
    cut(&text, MAX_TITLE_CHARS)
}

pub fn policy_description(posture: &BucketPosture, finding_type: PolicyFindingType) -> String {
    let text = match finding_type {
        PolicyFindingType::BlockPublicAccessDisabled => {
            "Not every bucket-level Block Public Access setting is enabled, and the account-level settings do not make up for it.".to_string()
        }
        PolicyFindingType::BucketPublic => format!(
            "A bucket policy or ACL grants public access that Block Public Access does not neutralise (effective permission {}).",
            posture.effective_permission().as_str()
        ),
        PolicyFindingType::BucketEncryptionDisabled => {
            "The bucket has no default server-side encryption configuration.".to_string()
        }
        PolicyFindingType::BucketSharedExternally => {
            "The bucket policy grants access to a principal in another AWS account.".to_string()
        }
    };
    cut(&text, MAX_DESCRIPTION_CHARS)
}

/// Cuts `text` to at most `max` characters, ending with `…` when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

mod sdk;
mod validate;

pub use validate::{parse_timestamp, validate, Problem};

#[cfg(test)]
pub(crate) mod fixtures;

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;
    use sluice_finding::{CustomDetection, FindingType};

    fn assert_valid(f: &Finding) {
        let problems = validate(f);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    fn result_of(f: &Finding) -> &DataClassificationResult {
        f.resources[0].data_classification.as_ref().unwrap().result.as_ref().unwrap()
    }

    #[test]
    fn a_sensitive_data_finding_has_every_required_member_and_passes_the_validator() {
        let record = record();
        let f = finding(&ctx(), &active(record.clone()));
        assert_valid(&f);
        assert_eq!(f.id, record.finding_id());
        assert_eq!(f.product_arn, "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default");
        assert_eq!(f.generator_id, "sluice/sensitive-data");
        assert_eq!(f.aws_account_id, "123456789012");
        assert_eq!(f.created_at, "2026-01-01T00:00:00.000Z");
        assert_eq!(f.updated_at, "2026-01-02T03:05:00.000Z");
        assert_eq!(f.record_state.as_deref(), Some("ACTIVE"));
        assert_eq!(f.severity.as_ref().unwrap().label.as_deref(), Some("HIGH"));
        let provider = f.finding_provider_fields.as_ref().unwrap();
        assert_eq!(provider.severity, f.severity);
        assert_eq!(provider.types, f.types);
        assert_eq!(f.product_fields["sluice/FindingType"], FindingType::Multiple.as_str());
        assert_eq!(
            &f.types[..4],
            [
                "Sensitive Data Identifications/Passwords/SensitiveData:S3Object-Credentials",
                "Sensitive Data Identifications/Financial/SensitiveData:S3Object-Financial",
                "Sensitive Data Identifications/PII/SensitiveData:S3Object-Personal",
                "Sensitive Data Identifications/Business/SensitiveData:S3Object-CustomIdentifier",
            ]
        );
        assert!(f
            .types
            .contains(&"Sensitive Data Identifications/PII/USA_SOCIAL_SECURITY_NUMBER".to_string()));
        assert!(f.types.contains(&"Sensitive Data Identifications/Business/Employee ID".to_string()));
        assert_eq!(f.title, "Multiple types of sensitive data in s3://prod-data/exports/customers.txt");
        assert!(f.description.contains("USA_SOCIAL_SECURITY_NUMBER (20)"), "{}", f.description);
        assert!(f.description.starts_with("24 occurrences of 5 sensitive data types"), "{}", f.description);

        let object = &f.resources[0];
        assert_eq!(object.kind, "AwsS3Object");
        assert_eq!(object.id, "arn:aws:s3:::prod-data/exports/customers.txt");
        let details = object.details.as_ref().unwrap().aws_s3_object.as_ref().unwrap();
        assert_eq!(details.version_id.as_deref(), Some("v1"));
        assert_eq!(details.sse_kms_key_id.as_deref(), Some("arn:aws:kms:us-east-1:123456789012:key/k1"));
        let result = result_of(&f);
        assert_eq!(result.status.as_ref().unwrap().code.as_deref(), Some("COMPLETE"));
        assert_eq!(result.additional_occurrences, Some(true), "20 SSNs, 15 locations");
        let pii = result
            .sensitive_data
            .iter()
            .find(|s| s.category.as_deref() == Some("PERSONAL_INFORMATION"))
            .unwrap();
        assert_eq!(pii.total_count, Some(21));
        let ssn =
            pii.detections.iter().find(|d| d.kind.as_deref() == Some("USA_SOCIAL_SECURITY_NUMBER")).unwrap();
        assert_eq!(ssn.occurrences.as_ref().unwrap().line_ranges.len(), 15);
        let custom = result.custom_data_identifiers.as_ref().unwrap();
        assert_eq!(custom.detections[0].occurrences.as_ref().unwrap().pages[0].page_number, Some(4));

        let bucket = &f.resources[1];
        assert_eq!(bucket.kind, "AwsS3Bucket");
        assert_eq!(bucket.id, "arn:aws:s3:::prod-data");
        assert_eq!(bucket.tags.len(), 1, "the blank tag value is left out");
        let b = bucket.details.as_ref().unwrap().aws_s3_bucket.as_ref().unwrap();
        let rule = &b.server_side_encryption_configuration.as_ref().unwrap().rules[0];
        assert_eq!(
            rule.apply_server_side_encryption_by_default.as_ref().unwrap().sse_algorithm.as_deref(),
            Some("aws:kms")
        );
        assert_eq!(b.public_access_block_configuration.as_ref().unwrap().block_public_acls, Some(true));
    }

    #[test]
    fn the_json_uses_asff_member_names() {
        let json = serde_json::to_value(finding(&ctx(), &active(record()))).unwrap();
        let r = &json["Resources"][0];
        assert_eq!(r["Type"], "AwsS3Object");
        assert!(r["Details"]["AwsS3Object"]["ETag"].is_string());
        assert!(r["Details"]["AwsS3Object"]["SSEKMSKeyId"].is_string());
        assert!(json["Resources"][1]["Details"]["AwsS3Bucket"]["ServerSideEncryptionConfiguration"]["Rules"]
            [0]["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"]
            .is_string());
        let result = &r["DataClassification"]["Result"];
        assert!(result["SensitiveData"][0]["Detections"][0]["Occurrences"].is_object());
        assert!(result["CustomDataIdentifiers"]["Detections"][0]["Arn"].is_string());
        assert_eq!(json["FindingProviderFields"]["Severity"]["Label"], "HIGH");
        assert!(!json.to_string().contains("null"));
    }

    #[test]
    fn severity_labels_follow_macie() {
        for (severity, label) in
            [(Severity::Low, "LOW"), (Severity::Medium, "MEDIUM"), (Severity::High, "HIGH")]
        {
            let mut r = result();
            r.severity = Some(severity);
            let f = finding(&ctx(), &active(record_with("b", "k", r)));
            assert_eq!(f.severity.unwrap().label.as_deref(), Some(label));
        }
    }

    #[test]
    fn an_archived_clean_object_closes_the_finding_as_informational() {
        let clean = ClassificationResult {
            finding_type: None,
            severity: None,
            sensitive_data: Vec::new(),
            custom_data_identifiers: Default::default(),
            additional_occurrences: false,
            ..result()
        };
        let p = Publication::SensitiveData {
            record: record_with("b", "k.txt", clean),
            state: FindingState::Archived,
            created_at: "2026-01-01T00:00:00.000Z".into(),
            updated_at: "2026-02-01T00:00:00.000Z".into(),
        };
        let f = finding(&ctx(), &p);
        assert_valid(&f);
        assert_eq!(f.record_state.as_deref(), Some("ARCHIVED"));
        assert_eq!(f.types, vec!["Sensitive Data Identifications"]);
        assert_eq!(f.severity.unwrap().label.as_deref(), Some("INFORMATIONAL"));
        assert_eq!(f.title, "No sensitive data remains in s3://b/k.txt");
    }

    #[test]
    fn a_deleted_object_keeps_its_types_and_is_archived() {
        let p = Publication::SensitiveData {
            record: record(),
            state: FindingState::Archived,
            created_at: "2026-01-01T00:00:00.000Z".into(),
            updated_at: "2026-02-01T00:00:00.000Z".into(),
        };
        let f = finding(&ctx(), &p);
        assert_valid(&f);
        assert_eq!(f.record_state.as_deref(), Some("ARCHIVED"));
        assert_eq!(f.severity.unwrap().label.as_deref(), Some("HIGH"));
        assert!(f.description.contains("archived"));
    }

    #[test]
    fn policy_findings_are_about_the_bucket() {
        let p = Publication::Policy {
            record: record(),
            finding_type: PolicyFindingType::BucketPublic,
            updated_at: "2026-01-02T03:05:00.000Z".into(),
        };
        let f = finding(&ctx(), &p);
        assert_valid(&f);
        assert_eq!(f.id, "sluice/policy/prod-data/S3BucketPublic");
        assert_eq!(f.generator_id, "sluice/policy/S3BucketPublic");
        assert_eq!(
            f.types,
            vec![
                "Software and Configuration Checks/AWS Security Best Practices/Policy:IAMUser-S3BucketPublic"
            ]
        );
        assert_eq!(f.severity.unwrap().label.as_deref(), Some("HIGH"));
        assert_eq!(f.resources.len(), 1);
        assert_eq!(f.resources[0].kind, "AwsS3Bucket");
        assert!(f.resources[0].data_classification.is_none());
        assert_eq!(f.title, "S3 bucket prod-data is publicly accessible");
    }

    #[test]
    fn a_huge_result_is_trimmed_under_240_kb_and_says_so() {
        let r = huge_result(200, 15);
        let untrimmed = sensitive_data_finding(
            &ctx(),
            &record_with("b", "big.json", r.clone()),
            &r,
            FindingState::Active,
            &Times { created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z" },
        );
        assert!(untrimmed.size() > MAX_FINDING_BYTES, "the fixture must need trimming: {}", untrimmed.size());
        let f = finding(&ctx(), &active(record_with("b", "big.json", r)));
        assert_valid(&f);
        assert!(f.size() <= MAX_FINDING_BYTES);
        let result = result_of(&f);
        assert_eq!(result.additional_occurrences, Some(true));
        let kept: usize = result.sensitive_data[0]
            .detections
            .iter()
            .map(|d| d.occurrences.as_ref().map_or(0, |o| o.len()))
            .sum();
        assert!(kept > 0 && kept < 200 * 15, "some locations kept, not all: {kept}");
        assert_eq!(result.sensitive_data[0].detections.len(), 200, "every type stays");
        assert_eq!(result.sensitive_data[0].total_count, Some(200 * 15));
        assert_eq!(f.types.len(), MAX_TYPES);
    }

    #[test]
    fn too_many_detections_even_without_locations_keep_only_the_totals() {
        let mut r = result();
        r.custom_data_identifiers.detections = (0..3000)
            .map(|i| CustomDetection {
                arn: format!("custom-identifier-{i:05}-{}", "x".repeat(60)),
                name: format!("Custom identifier number {i:05} {}", "y".repeat(60)),
                count: 1,
                occurrences: Default::default(),
            })
            .collect();
        r.custom_data_identifiers.total_count = 3000;
        let f = finding(&ctx(), &active(record_with("b", "k", r)));
        assert_valid(&f);
        let result = result_of(&f);
        let custom = result.custom_data_identifiers.as_ref().unwrap();
        assert!(custom.detections.is_empty());
        assert_eq!(custom.total_count, Some(3000));
        assert_eq!(result.additional_occurrences, Some(true));
    }

    #[test]
    fn long_keys_and_many_types_stay_within_title_and_description_limits() {
        let key = format!("{}/file.txt", "deep/".repeat(203));
        let mut r = huge_result(120, 1);
        r.status = sluice_finding::Status::partial(sluice_finding::Reason::ArchiveContainsUnprocessedFiles);
        let f = finding(&ctx(), &active(record_with("bucket", &key, r)));
        assert_valid(&f);
        assert_eq!(f.title.chars().count(), MAX_TITLE_CHARS);
        assert!(f.title.ends_with('…'));
        assert!(f.description.chars().count() <= MAX_DESCRIPTION_CHARS);
        assert!(
            f.description.contains(" more. Classification PARTIAL (ARCHIVE_CONTAINS_UNPROCESSED_FILES)."),
            "{}",
            f.description
        );
        assert_eq!(result_of(&f).status.as_ref().unwrap().code.as_deref(), Some("PARTIAL"));
    }

    #[test]
    fn the_sdk_finding_carries_every_member_back() {
        for p in [
            active(record()),
            Publication::Policy {
                record: record(),
                finding_type: PolicyFindingType::BlockPublicAccessDisabled,
                updated_at: "2026-01-02T03:05:00.000Z".into(),
            },
        ] {
            let f = finding(&ctx(), &p);
            assert_eq!(Finding::from_sdk(&f.to_sdk()), f);
        }
    }

    #[test]
    fn the_documented_samples_are_what_the_mapping_produces() {
        let sensitive = finding(&ctx(), &active(record()));
        check_sample("asff-sensitive-data.json", &serde_json::to_value(&sensitive).unwrap());
        let policy = finding(
            &ctx(),
            &Publication::Policy {
                record: record(),
                finding_type: PolicyFindingType::BucketPublic,
                updated_at: "2026-01-02T03:05:00.000Z".into(),
            },
        );
        check_sample("asff-policy.json", &serde_json::to_value(&policy).unwrap());
    }
}

//! Records and publications shaped like the scanner's, for the mapping tests.

use sluice_finding::{
    BlockPublicAccess, BucketPosture, Category, Cell, ClassificationResult, DefaultEncryption,
    IdentifierInfo, LineRange, Location, ObjectMeta, ObjectRef, Page, Record, ResultBuilder, ScanRecord,
    Severity, SeverityRow, SeverityRule, Status,
};
use sluice_pipeline::ports::{FindingState, Publication};

use crate::context::AwsContext;

pub fn ctx() -> AwsContext {
    AwsContext::new("us-east-1", "123456789012")
}

pub fn posture(bucket: &str) -> BucketPosture {
    BucketPosture {
        bucket: bucket.into(),
        block_public_access: Some(BlockPublicAccess { block_public_acls: true, ..Default::default() }),
        account_block_public_access: None,
        policy_is_public: Some(true),
        acl_is_public: Some(false),
        shared_externally: Some(false),
        default_encryption: Some(DefaultEncryption {
            encryption_type: "aws:kms".into(),
            kms_master_key_id: Some("arn:aws:kms:us-east-1:123456789012:key/k1".into()),
        }),
        tags: vec![("team".into(), "data".into()), ("empty".into(), String::new())],
    }
}

/// A result over a few identifiers of every category, with every location shape.
pub fn result() -> ClassificationResult {
    let high = SeverityRule::Matrix(SeverityRow([Severity::High; 3]));
    let low = SeverityRule::Matrix(SeverityRow([Severity::Low, Severity::Medium, Severity::High]));
    let ssn = IdentifierInfo {
        id: "USA_SOCIAL_SECURITY_NUMBER",
        name: "SSN",
        category: Category::PersonalInformation,
        severity: &high,
    };
    let card = IdentifierInfo {
        id: "CREDIT_CARD_NUMBER",
        name: "card",
        category: Category::FinancialInformation,
        severity: &high,
    };
    let key = IdentifierInfo {
        id: "AWS_CREDENTIALS",
        name: "aws key",
        category: Category::Credentials,
        severity: &high,
    };
    let custom = SeverityRule::custom_default();
    let emp = IdentifierInfo {
        id: "employee-id",
        name: "Employee ID",
        category: Category::CustomIdentifier,
        severity: &custom,
    };
    let phone = IdentifierInfo {
        id: "PHONE_NUMBER",
        name: "phone",
        category: Category::PersonalInformation,
        severity: &low,
    };
    let mut b = ResultBuilder::new(15);
    for i in 1..=20 {
        b.add(ssn, Location::Line(LineRange { start: i, end: i, start_column: 7 }));
    }
    b.add(
        card,
        Location::Cell(Cell { row: 2, column: 3, column_name: Some("card".into()), cell_reference: None }),
    );
    b.add(key, Location::Record(Record { record_index: 0, json_path: "$.aws.secret".into() }));
    b.add(emp, Location::Page(Page { page_number: 4 }));
    b.add(phone, Location::Line(LineRange { start: 30, end: 30, start_column: 1 }));
    b.finish("text/plain", 4096, Status::complete())
}

pub fn record_with(bucket: &str, key: &str, result: ClassificationResult) -> ScanRecord {
    let mut object = ObjectRef::new(bucket, key);
    object.version_id = Some("v1".into());
    object.etag = Some("etag1".into());
    ScanRecord {
        object,
        meta: Some(ObjectMeta {
            size: 4096,
            content_type: Some("text/plain".into()),
            etag: Some("etag1".into()),
            version_id: Some("v1".into()),
            last_modified: Some("2026-01-02T03:04:05.000Z".into()),
            server_side_encryption: Some("aws:kms".into()),
            kms_key_id: Some("arn:aws:kms:us-east-1:123456789012:key/k1".into()),
            storage_class: Some("STANDARD".into()),
        }),
        posture: posture(bucket),
        result,
        scanned_at: "2026-01-02T03:05:00.000Z".into(),
        detailed_results_location: Some(format!(
            "s3://results/AWSLogs/123456789012/Sluice/us-east-1/{bucket}/x.jsonl.gz"
        )),
    }
}

/// Holds a sample under `docs/samples/` to what the mapping produces now; with
/// `SLUICE_WRITE_SAMPLES=1` it rewrites the sample instead.
pub fn check_sample(name: &str, value: &serde_json::Value) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/samples").join(name);
    let text = serde_json::to_string_pretty(value).unwrap() + "\n";
    if std::env::var_os("SLUICE_WRITE_SAMPLES").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (SLUICE_WRITE_SAMPLES=1 writes it)", path.display()));
    let committed: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(&committed, value, "{name} is out of date: rerun with SLUICE_WRITE_SAMPLES=1");
}

pub fn record() -> ScanRecord {
    record_with("prod-data", "exports/customers.txt", result())
}

pub fn active(record: ScanRecord) -> Publication {
    Publication::SensitiveData {
        record,
        state: FindingState::Active,
        created_at: "2026-01-01T00:00:00.000Z".into(),
        updated_at: "2026-01-02T03:05:00.000Z".into(),
    }
}

/// A result with `types` managed identifiers of `per_type` JSON-record locations each,
/// with long paths: far over 240 KB before trimming.
pub fn huge_result(types: usize, per_type: usize) -> ClassificationResult {
    let ids: Vec<String> = (0..types).map(|i| format!("SLUICE_TEST_IDENTIFIER_{i:04}")).collect();
    let rule = SeverityRule::Matrix(SeverityRow([Severity::Medium; 3]));
    let infos: Vec<IdentifierInfo> = ids
        .iter()
        .map(|id| IdentifierInfo { id, name: id, category: Category::PersonalInformation, severity: &rule })
        .collect();
    let mut b = ResultBuilder::new(per_type);
    for info in &infos {
        for r in 0..per_type as u64 {
            let path = format!("$.customers[{r}].{}.contact.details.primary.value", "nested".repeat(20));
            b.add(*info, Location::Record(Record { record_index: r, json_path: path }));
        }
    }
    b.finish("application/json", 50_000_000, Status::complete())
}

//! The validator: the documented limits the emulator does not check (aws-wire.md §2.1–2.3).

use std::collections::BTreeMap;

use super::*;
use crate::context::is_account_id;

/// One way a finding breaks a documented rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where, as a JSON path of wire names (`Resources[0].Id`).
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

struct Problems(Vec<Problem>);

impl Problems {
    fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem { path: path.into(), message: message.into() });
    }

    fn length(&mut self, path: &str, value: &str, min: usize, max: usize) {
        let n = value.chars().count();
        if n < min || n > max {
            self.add(path, format!("length {n} outside {min}..{max}"));
        }
    }
}

/// Checks a finding against the documented ASFF and BatchImportFindings rules: required
/// members, lengths, the types taxonomy, severity labels, resources, the account and product
/// ARN, timestamps and their order, non-blank strings, and the 240 KB size.
pub fn validate(f: &Finding) -> Vec<Problem> {
    let mut p = Problems(Vec::new());
    if f.schema_version != SCHEMA_VERSION {
        p.add("SchemaVersion", format!("{:?} is not {SCHEMA_VERSION}", f.schema_version));
    }
    p.length("Id", &f.id, 1, MAX_ID_CHARS);
    p.length("GeneratorId", &f.generator_id, 1, 512);
    p.length("Title", &f.title, 1, MAX_TITLE_CHARS);
    p.length("Description", &f.description, 1, MAX_DESCRIPTION_CHARS);
    if !is_account_id(&f.aws_account_id) {
        p.add("AwsAccountId", format!("{:?} is not 12 digits", f.aws_account_id));
    }
    check_product_arn(&mut p, &f.product_arn, &f.aws_account_id);
    if let Some(region) = &f.region {
        p.length("Region", region, 1, 16);
    }

    let provider = f.finding_provider_fields.as_ref();
    let provider_types = provider.map(|x| x.types.as_slice()).unwrap_or_default();
    if f.types.is_empty() && provider_types.is_empty() {
        p.add("Types", "missing (neither Types nor FindingProviderFields.Types)");
    }
    check_types(&mut p, "Types", &f.types);
    check_types(&mut p, "FindingProviderFields.Types", provider_types);

    match &f.severity {
        Some(s) => check_severity(&mut p, "Severity", s, true),
        None if provider.and_then(|x| x.severity.as_ref()).is_none() => {
            p.add("Severity", "missing (neither Severity nor FindingProviderFields.Severity)")
        }
        None => {}
    }
    if let Some(s) = provider.and_then(|x| x.severity.as_ref()) {
        check_severity(&mut p, "FindingProviderFields.Severity", s, false);
    }

    let created = check_timestamp(&mut p, "CreatedAt", &f.created_at);
    let updated = check_timestamp(&mut p, "UpdatedAt", &f.updated_at);
    if let (Some(c), Some(u)) = (created, updated) {
        if u < c {
            p.add("UpdatedAt", "earlier than CreatedAt");
        }
    }
    if let Some(state) = &f.record_state {
        if state != "ACTIVE" && state != "ARCHIVED" {
            p.add("RecordState", format!("{state:?} is not ACTIVE or ARCHIVED"));
        }
    }
    check_field_map(&mut p, "ProductFields", &f.product_fields, 2048);

    if f.resources.is_empty() || f.resources.len() > MAX_RESOURCES {
        p.add("Resources", format!("{} items, outside 1..{MAX_RESOURCES}", f.resources.len()));
    }
    for (i, r) in f.resources.iter().enumerate() {
        let at = format!("Resources[{i}]");
        p.length(&format!("{at}.Type"), &r.kind, 1, usize::MAX);
        p.length(&format!("{at}.Id"), &r.id, 1, usize::MAX);
        if let Some(part) = &r.partition {
            if !PARTITIONS.contains(&part.as_str()) {
                p.add(format!("{at}.Partition"), format!("{part:?} is not a partition"));
            }
        }
        if let Some(region) = &r.region {
            p.length(&format!("{at}.Region"), region, 1, 16);
        }
        check_field_map(&mut p, &format!("{at}.Tags"), &r.tags, 256);
        if let Some(t) =
            r.details.as_ref().and_then(|d| d.aws_s3_object.as_ref()).and_then(|o| o.last_modified.as_ref())
        {
            check_timestamp(&mut p, &format!("{at}.Details.AwsS3Object.LastModified"), t);
        }
    }

    match serde_json::to_value(f) {
        Ok(json) => check_strings(&mut p, "", &json),
        Err(e) => p.add("", format!("does not serialize: {e}")),
    }
    let size = f.size();
    if size > MAX_FINDING_BYTES {
        p.add("", format!("{size} bytes > 240 KB ({MAX_FINDING_BYTES})"));
    }
    p.0
}

fn check_product_arn(p: &mut Problems, arn: &str, account: &str) {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ok = match parts.as_slice() {
        ["arn", partition, "securityhub", region, acct, resource] => {
            ["aws", "aws-cn", "aws-us-gov"].contains(partition)
                && !region.is_empty()
                && *acct == account
                && *resource == format!("product/{account}/default")
        }
        _ => false,
    };
    if !ok {
        p.add(
            "ProductArn",
            format!("{arn:?} is not arn:<partition>:securityhub:<region>:<account>:product/<account>/default for {account}"),
        );
    }
}

fn check_types(p: &mut Problems, path: &str, types: &[String]) {
    if types.len() > MAX_TYPES {
        p.add(path, format!("{} types > {MAX_TYPES}", types.len()));
    }
    for (i, t) in types.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let segments: Vec<&str> = t.split('/').collect();
        if segments.len() > 3 {
            p.add(&at, format!("{} segments > 3 (namespace/category/classifier)", segments.len()));
        }
        if segments.iter().any(|s| s.is_empty() || s.trim() != *s) {
            p.add(&at, "empty or padded segment");
        }
        if !NAMESPACES.contains(&segments[0]) {
            p.add(&at, format!("namespace {:?} is not one of the taxonomy's five", segments[0]));
        }
        if segments[0] == SENSITIVE_DATA_NAMESPACE {
            if let Some(category) = segments.get(1) {
                if !SENSITIVE_DATA_CATEGORIES.contains(category) {
                    p.add(&at, format!("category {category:?} is not one of {SENSITIVE_DATA_CATEGORIES:?}"));
                }
            }
        }
    }
}

fn check_severity(p: &mut Problems, path: &str, s: &FindingSeverity, label_required: bool) {
    match &s.label {
        Some(label) if !SEVERITY_LABELS.contains(&label.as_str()) => {
            p.add(format!("{path}.Label"), format!("{label:?} is not one of {SEVERITY_LABELS:?}"))
        }
        None if label_required => p.add(format!("{path}.Label"), "missing"),
        _ => {}
    }
    if let Some(original) = &s.original {
        p.length(&format!("{path}.Original"), original, 1, 64);
    }
}

fn check_timestamp(p: &mut Problems, path: &str, value: &str) -> Option<i128> {
    let t = parse_timestamp(value);
    if t.is_none() {
        p.add(path, format!("{value:?} is not an ASFF timestamp (YYYY-MM-DDTHH:MM:SS[.f](Z|±HH:MM))"));
    }
    t
}

fn check_field_map(p: &mut Problems, path: &str, map: &BTreeMap<String, String>, max_value: usize) {
    if map.len() > 50 {
        p.add(path, format!("{} pairs > 50", map.len()));
    }
    for (k, v) in map {
        p.length(&format!("{path}.{k}"), k, 1, 128);
        p.length(&format!("{path}.{k}"), v, 1, max_value);
    }
}

/// ASFF strings are `NonEmptyString` (pattern `.*\S.*`), and `null` is no value.
fn check_strings(p: &mut Problems, path: &str, v: &serde_json::Value) {
    match v {
        serde_json::Value::String(s) if s.trim().is_empty() => p.add(path, "blank string"),
        serde_json::Value::Null => p.add(path, "null (leave the member out instead)"),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_strings(p, &format!("{path}[{i}]"), item);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, item) in map {
                let at = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                check_strings(p, &at, item);
            }
        }
        _ => {}
    }
}

/// Parses an ASFF timestamp (`YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH[:MM]|±HHMM)`, a real date,
/// an offset within ±18:00) into nanoseconds since the epoch, for ordering.
pub fn parse_timestamp(s: &str) -> Option<i128> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter().all(u8::is_ascii_digit).then(|| std::str::from_utf8(part).ok()?.parse().ok())?
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut i = 19;
    let mut nanos: i64 = 0;
    if b[i] == b'.' {
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=9).contains(&digits) {
            return None;
        }
        let frac = num(i + 1, digits)?;
        nanos = frac * 10i64.pow(9 - digits as u32);
        i += 1 + digits;
    }
    let offset_seconds = match &b[i..] {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let (hh, mm) = match rest.len() {
                2 => (num(i + 1, 2)?, 0),
                4 => (num(i + 1, 2)?, num(i + 3, 2)?),
                5 if rest[2] == b':' => (num(i + 1, 2)?, num(i + 4, 2)?),
                _ => return None,
            };
            if mm > 59 || hh * 60 + mm > 18 * 60 {
                return None;
            }
            let total = (hh * 60 + mm) * 60;
            if *sign == b'+' {
                total
            } else {
                -total
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
    Some(secs as i128 * 1_000_000_000 + nanos as i128)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    fn good() -> Finding {
        finding(&ctx(), &active(record()))
    }

    fn problems_of(change: impl FnOnce(&mut Finding)) -> Vec<String> {
        let mut f = good();
        change(&mut f);
        validate(&f).iter().map(ToString::to_string).collect()
    }

    fn assert_reports(change: impl FnOnce(&mut Finding), path: &str, needle: &str) {
        let problems = problems_of(change);
        assert!(
            problems.iter().any(|p| p.starts_with(&format!("{path}: ")) && p.contains(needle)),
            "expected {path}: …{needle}… in {problems:#?}"
        );
    }

    #[test]
    fn the_validator_reports_missing_and_overlong_members() {
        assert_reports(|f| f.schema_version = "2018-10-09".into(), "SchemaVersion", "is not");
        assert_reports(|f| f.id = String::new(), "Id", "length 0");
        assert_reports(|f| f.id = "i".repeat(513), "Id", "length 513");
        assert_reports(|f| f.generator_id = String::new(), "GeneratorId", "length 0");
        assert_reports(|f| f.title = "t".repeat(257), "Title", "length 257");
        assert_reports(|f| f.description = "d".repeat(1025), "Description", "length 1025");
        assert_reports(|f| f.description = "   ".into(), "Description", "blank string");
    }

    #[test]
    fn the_validator_reports_account_and_product_arn() {
        assert_reports(|f| f.aws_account_id = "12345".into(), "AwsAccountId", "12 digits");
        assert_reports(
            |f| {
                f.product_arn =
                    "arn:aws:securityhub:us-east-1:999999999999:product/999999999999/default".into()
            },
            "ProductArn",
            "is not",
        );
        assert_reports(|f| f.product_arn = "arn:aws:securityhub:::product/x".into(), "ProductArn", "is not");
    }

    #[test]
    fn the_validator_reports_types_outside_the_taxonomy() {
        assert_reports(|f| f.types = vec!["Sensitive Data/PII".into()], "Types[0]", "namespace");
        assert_reports(
            |f| f.types = vec!["Sensitive Data Identifications/Credentials/X".into()],
            "Types[0]",
            "category",
        );
        assert_reports(|f| f.types = vec!["TTPs/a/b/c".into()], "Types[0]", "4 segments");
        assert_reports(|f| f.types = vec!["TTPs/ padded".into()], "Types[0]", "padded");
        assert_reports(|f| f.types = vec!["Effects/x".to_string(); 51], "Types", "51 types");
        assert_reports(
            |f| {
                f.types.clear();
                f.finding_provider_fields = None;
            },
            "Types",
            "missing",
        );
    }

    #[test]
    fn the_validator_reports_severity_and_state() {
        assert_reports(
            |f| f.severity.as_mut().unwrap().label = Some("SEVERE".into()),
            "Severity.Label",
            "SEVERE",
        );
        assert_reports(|f| f.severity.as_mut().unwrap().label = None, "Severity.Label", "missing");
        assert_reports(
            |f| {
                f.severity = None;
                f.finding_provider_fields = None;
            },
            "Severity",
            "missing",
        );
        assert_reports(|f| f.record_state = Some("CLOSED".into()), "RecordState", "CLOSED");
    }

    #[test]
    fn the_validator_reports_timestamps() {
        assert_reports(|f| f.created_at = "yesterday".into(), "CreatedAt", "not an ASFF timestamp");
        assert_reports(
            |f| f.updated_at = "2026-02-30T00:00:00Z".into(),
            "UpdatedAt",
            "not an ASFF timestamp",
        );
        assert_reports(
            |f| f.updated_at = "2025-12-31T23:59:59.999Z".into(),
            "UpdatedAt",
            "earlier than CreatedAt",
        );
        // same instant in another offset is not earlier
        assert!(problems_of(|f| {
            f.created_at = "2026-01-01T00:00:00Z".into();
            f.updated_at = "2026-01-01T01:00:00+01:00".into();
        })
        .is_empty());
    }

    #[test]
    fn the_validator_reports_resources() {
        assert_reports(|f| f.resources.clear(), "Resources", "0 items");
        assert_reports(|f| f.resources = vec![f.resources[1].clone(); 33], "Resources", "33 items");
        assert_reports(|f| f.resources[0].id = String::new(), "Resources[0].Id", "length 0");
        assert_reports(|f| f.resources[1].partition = Some("mars".into()), "Resources[1].Partition", "mars");
        assert_reports(
            |f| {
                f.resources[1].tags.insert("k".into(), " ".into());
            },
            "Resources[1].Tags.k",
            "blank",
        );
    }

    #[test]
    fn the_validator_reports_an_oversized_finding() {
        assert_reports(
            |f| {
                let d = f.resources[0].data_classification.as_mut().unwrap().result.as_mut().unwrap();
                d.sensitive_data[0].detections[0].occurrences.as_mut().unwrap().records = (0..3000)
                    .map(|i| Record {
                        json_path: Some(format!("$.a{}", "b".repeat(100))),
                        record_index: Some(i),
                    })
                    .collect();
            },
            "",
            "> 240 KB",
        );
    }

    #[test]
    fn timestamps_parse_as_asff_defines_them() {
        let z = parse_timestamp("2026-01-01T00:00:00Z").unwrap();
        assert_eq!(parse_timestamp("2026-01-01T00:00:00.000000000Z"), Some(z));
        assert_eq!(parse_timestamp("2026-01-01T02:00:00+02:00"), Some(z));
        assert_eq!(parse_timestamp("2026-01-01T02:00:00+0200"), Some(z));
        assert_eq!(parse_timestamp("2025-12-31T22:00:00-02"), Some(z));
        assert_eq!(parse_timestamp("1970-01-01T00:00:01.5Z"), Some(1_500_000_000));
        assert!(parse_timestamp("2024-02-29T00:00:00Z").is_some());
        for bad in [
            "2023-02-29T00:00:00Z",
            "2026-01-01 00:00:00Z",
            "2026-01-01T00:00:00",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:00:00.Z",
            "2026-01-01T00:00:00.1234567891Z",
            "2026-01-01T00:00:00+19:00",
            "2026-13-01T00:00:00Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }
}

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Category, FindingType, Location, Occurrences, Reason, Severity, SeverityRow};

/// Macie reports at most 15 locations per type in a finding (macie.md §4.2).
pub const MAX_LOCATIONS_IN_FINDING: usize = 15;
/// ... and at most 1,000 per type in a sensitive data discovery result.
pub const MAX_LOCATIONS_IN_RESULT: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum StatusCode {
    Complete,
    Partial,
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub code: StatusCode,
    pub reason: Option<Reason>,
}

impl Status {
    pub fn complete() -> Status {
        Status { code: StatusCode::Complete, reason: None }
    }
    pub fn partial(reason: Reason) -> Status {
        Status { code: StatusCode::Partial, reason: Some(reason) }
    }
    pub fn skipped(reason: Reason) -> Status {
        Status { code: StatusCode::Skipped, reason: Some(reason) }
    }
}

/// One managed identifier's detections in an object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Detection {
    #[serde(rename = "type")]
    pub kind: String,
    pub count: u64,
    pub occurrences: Occurrences,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SensitiveDataItem {
    pub category: Category,
    pub total_count: u64,
    pub detections: Vec<Detection>,
}

/// One custom data identifier's detections in an object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomDetection {
    /// Sluice has no ARN for a configured identifier; like real Macie exports it carries the id.
    pub arn: String,
    pub name: String,
    pub count: u64,
    pub occurrences: Occurrences,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomDataIdentifiers {
    pub total_count: u64,
    pub detections: Vec<CustomDetection>,
}

/// Macie's classification result for one object (the `classificationDetails.result` of a
/// finding, and the body of a sensitive data discovery result), plus the severity and finding
/// type derived from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassificationResult {
    pub mime_type: String,
    pub size_classified: u64,
    pub status: Status,
    pub additional_occurrences: bool,
    pub sensitive_data: Vec<SensitiveDataItem>,
    pub custom_data_identifiers: CustomDataIdentifiers,
    /// Highest severity over every detected type; absent when nothing was found. Written as
    /// Macie's `{"description": "High", "score": 3}`.
    #[serde(with = "macie_severity")]
    pub severity: Option<Severity>,
    pub finding_type: Option<FindingType>,
    /// For an archive (or an e-mail's attachments): what each member holds, by its path inside
    /// the archive, as a discovery result gives it. Findings leave it out, as Macie's do.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub embedded_files: Vec<EmbeddedFile>,
}

/// The sensitive data in one member of an archive (`reports/2024.tar/customers.csv`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmbeddedFile {
    pub file_path: String,
    pub sensitive_data: Vec<SensitiveDataItem>,
    pub custom_data_identifiers: CustomDataIdentifiers,
}

impl ClassificationResult {
    /// The same result with at most `max` locations per type, as a finding carries it;
    /// `additionalOccurrences` says when locations were left out.
    pub fn truncated(&self, max: usize) -> ClassificationResult {
        let mut out = self.clone();
        out.embedded_files.clear();
        let mut dropped = false;
        for item in &mut out.sensitive_data {
            for d in &mut item.detections {
                dropped |= d.occurrences.len() > max;
                d.occurrences = d.occurrences.truncated(max);
            }
        }
        for d in &mut out.custom_data_identifiers.detections {
            dropped |= d.occurrences.len() > max;
            d.occurrences = d.occurrences.truncated(max);
        }
        out.additional_occurrences |= dropped;
        out
    }

    /// Every identifier type detected, managed and custom.
    pub fn detected_types(&self) -> impl Iterator<Item = &str> {
        self.sensitive_data
            .iter()
            .flat_map(|i| i.detections.iter().map(|d| d.kind.as_str()))
            .chain(self.custom_data_identifiers.detections.iter().map(|d| d.name.as_str()))
    }

    /// Total occurrences over every type.
    pub fn total_count(&self) -> u64 {
        self.sensitive_data.iter().map(|i| i.total_count).sum::<u64>()
            + self.custom_data_identifiers.total_count
    }

    /// A result for an object that was not classified.
    pub fn skipped(mime_type: &str, reason: Reason) -> ClassificationResult {
        ClassificationResult {
            mime_type: mime_type.to_string(),
            size_classified: 0,
            status: Status::skipped(reason),
            additional_occurrences: false,
            sensitive_data: Vec::new(),
            custom_data_identifiers: CustomDataIdentifiers::default(),
            severity: None,
            finding_type: None,
            embedded_files: Vec::new(),
        }
    }
}

mod macie_severity {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::Severity;

    #[derive(Serialize, Deserialize)]
    struct Detail {
        description: String,
        score: u8,
    }

    pub fn serialize<S: Serializer>(s: &Option<Severity>, ser: S) -> Result<S::Ok, S::Error> {
        s.map(|s| Detail { description: s.description().into(), score: s.score() }).serialize(ser)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Severity>, D::Error> {
        let d: Option<Detail> = Option::deserialize(de)?;
        Ok(d.and_then(|d| Severity::parse(&d.description)))
    }
}

/// How an identifier's occurrence count becomes a severity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeverityRule {
    /// A managed identifier: its row of Macie's matrix.
    Matrix(SeverityRow),
    /// A custom identifier's `severityLevels`: ascending `(occurrencesThreshold, severity)`.
    /// A count below the lowest threshold gives no finding for that identifier.
    Thresholds(Vec<(u64, Severity)>),
}

impl SeverityRule {
    /// Macie's default for a custom identifier without `severityLevels`: Medium from 1 occurrence.
    pub fn custom_default() -> SeverityRule {
        SeverityRule::Thresholds(vec![(1, Severity::Medium)])
    }

    pub fn for_count(&self, count: u64) -> Option<Severity> {
        match self {
            SeverityRule::Matrix(row) => row.for_count(count),
            SeverityRule::Thresholds(levels) => {
                levels.iter().rev().find(|(threshold, _)| count >= *threshold).map(|(_, s)| *s)
            }
        }
    }
}

/// What the classifier knows of one identifier when it reports an occurrence.
#[derive(Debug, Clone, Copy)]
pub struct IdentifierInfo<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub category: Category,
    pub severity: &'a SeverityRule,
}

#[derive(Default)]
struct Tally {
    count: u64,
    occurrences: Occurrences,
}

/// Accumulates occurrences for one object and turns them into a [`ClassificationResult`].
pub struct ResultBuilder<'a> {
    max_locations: usize,
    by_type: BTreeMap<&'a str, (IdentifierInfo<'a>, Tally)>,
}

impl<'a> ResultBuilder<'a> {
    pub fn new(max_locations: usize) -> Self {
        ResultBuilder { max_locations, by_type: BTreeMap::new() }
    }

    pub fn add(&mut self, info: IdentifierInfo<'a>, location: Location) {
        let entry = self.by_type.entry(info.id).or_insert_with(|| (info, Tally::default()));
        entry.1.count += 1;
        if entry.1.occurrences.len() < self.max_locations {
            entry.1.occurrences.push(location);
        }
    }

    pub fn finish(self, mime_type: &str, size_classified: u64, status: Status) -> ClassificationResult {
        let mut additional = false;
        let mut categories: BTreeMap<Category, SensitiveDataItem> = BTreeMap::new();
        let mut custom = CustomDataIdentifiers::default();
        let mut severity: Option<Severity> = None;
        let mut finding_categories = Vec::new();
        for (id, (info, tally)) in self.by_type {
            let Some(sev) = info.severity.for_count(tally.count) else { continue };
            severity = severity.max(Some(sev));
            finding_categories.push(info.category);
            additional |= tally.count > tally.occurrences.len() as u64;
            if info.category == Category::CustomIdentifier {
                custom.total_count += tally.count;
                custom.detections.push(CustomDetection {
                    arn: id.to_string(),
                    name: info.name.to_string(),
                    count: tally.count,
                    occurrences: tally.occurrences,
                });
            } else {
                let item = categories.entry(info.category).or_insert_with(|| SensitiveDataItem {
                    category: info.category,
                    total_count: 0,
                    detections: Vec::new(),
                });
                item.total_count += tally.count;
                item.detections.push(Detection {
                    kind: id.to_string(),
                    count: tally.count,
                    occurrences: tally.occurrences,
                });
            }
        }
        ClassificationResult {
            mime_type: mime_type.to_string(),
            size_classified,
            status,
            additional_occurrences: additional,
            sensitive_data: categories.into_values().collect(),
            custom_data_identifiers: custom,
            severity,
            finding_type: FindingType::from_categories(finding_categories),
            embedded_files: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LineRange;
    use Severity::*;

    fn line(n: u64) -> Location {
        Location::Line(LineRange { start: n, end: n, start_column: 1 })
    }

    #[test]
    fn builds_macie_result_with_max_severity_and_multiple_type() {
        let high = SeverityRule::Matrix(SeverityRow([High, High, High]));
        let low = SeverityRule::Matrix(SeverityRow([Low, Medium, High]));
        let ssn = IdentifierInfo {
            id: "USA_SOCIAL_SECURITY_NUMBER",
            name: "SSN",
            category: Category::PersonalInformation,
            severity: &high,
        };
        let exp = IdentifierInfo {
            id: "CREDIT_CARD_EXPIRATION",
            name: "expiry",
            category: Category::FinancialInformation,
            severity: &low,
        };
        let mut b = ResultBuilder::new(2);
        for n in 1..=3 {
            b.add(exp, line(n));
        }
        b.add(ssn, line(9));
        let r = b.finish("text/plain", 100, Status::complete());
        assert_eq!(r.severity, Some(High));
        assert_eq!(r.finding_type, Some(FindingType::Multiple));
        assert!(r.additional_occurrences, "3 occurrences, 2 locations kept");
        let fin = &r.sensitive_data[0];
        assert_eq!(fin.category, Category::FinancialInformation);
        assert_eq!(fin.detections[0].count, 3);
        assert_eq!(fin.detections[0].occurrences.len(), 2);
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["status"]["code"], "COMPLETE");
        assert_eq!(json["severity"], serde_json::json!({"description": "High", "score": 3}));
        assert_eq!(json["findingType"], "SensitiveData:S3Object/Multiple");
        let back: ClassificationResult = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, r);
        assert_eq!(json["sensitiveData"][1]["detections"][0]["type"], "USA_SOCIAL_SECURITY_NUMBER");
    }

    #[test]
    fn custom_identifier_below_threshold_gives_no_finding() {
        let never = SeverityRule::Thresholds(vec![(5, Low), (50, High)]);
        let cdi = IdentifierInfo {
            id: "emp",
            name: "Employee id",
            category: Category::CustomIdentifier,
            severity: &never,
        };
        let mut b = ResultBuilder::new(15);
        b.add(cdi, line(1));
        let r = b.finish("text/plain", 10, Status::complete());
        assert_eq!(r.finding_type, None);
        assert_eq!(r.custom_data_identifiers.total_count, 0);
    }

    #[test]
    fn custom_thresholds_pick_the_highest_level_reached() {
        let levels = SeverityRule::Thresholds(vec![(1, Low), (50, Medium), (100, High)]);
        assert_eq!(levels.for_count(49), Some(Low));
        assert_eq!(levels.for_count(50), Some(Medium));
        assert_eq!(levels.for_count(100), Some(High));
        assert_eq!(SeverityRule::custom_default().for_count(1), Some(Medium));
        assert_eq!(SeverityRule::custom_default().for_count(0), None);
    }
}

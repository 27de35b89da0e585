use serde::{Deserialize, Serialize};

/// Macie's severity: `severity.description` with `score` 1, 2 or 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn score(self) -> u8 {
        match self {
            Severity::Low => 1,
            Severity::Medium => 2,
            Severity::High => 3,
        }
    }

    /// Macie's `severity.description` word.
    pub fn description(self) -> &'static str {
        match self {
            Severity::Low => "Low",
            Severity::Medium => "Medium",
            Severity::High => "High",
        }
    }

    /// Security Hub's `Severity.Label`.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_uppercase().as_str() {
            "LOW" => Some(Severity::Low),
            "MEDIUM" => Some(Severity::Medium),
            "HIGH" => Some(Severity::High),
            _ => None,
        }
    }
}

/// One row of Macie's sensitive-data severity matrix (macie.md §5.3): the severity for
/// 1 occurrence, for 2–99, and for 100 or more occurrences of a type in one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityRow(pub [Severity; 3]);

impl SeverityRow {
    pub fn for_count(&self, count: u64) -> Option<Severity> {
        match count {
            0 => None,
            1 => Some(self.0[0]),
            2..=99 => Some(self.0[1]),
            _ => Some(self.0[2]),
        }
    }
}

/// Macie's sensitive data categories (`SensitiveDataItemCategory`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Category {
    Credentials,
    FinancialInformation,
    PersonalInformation,
    CustomIdentifier,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Credentials => "CREDENTIALS",
            Category::FinancialInformation => "FINANCIAL_INFORMATION",
            Category::PersonalInformation => "PERSONAL_INFORMATION",
            Category::CustomIdentifier => "CUSTOM_IDENTIFIER",
        }
    }
}

/// Macie's sensitive data finding types (macie.md §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FindingType {
    #[serde(rename = "SensitiveData:S3Object/Credentials")]
    Credentials,
    #[serde(rename = "SensitiveData:S3Object/Financial")]
    Financial,
    #[serde(rename = "SensitiveData:S3Object/Personal")]
    Personal,
    #[serde(rename = "SensitiveData:S3Object/CustomIdentifier")]
    CustomIdentifier,
    #[serde(rename = "SensitiveData:S3Object/Multiple")]
    Multiple,
}

impl FindingType {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingType::Credentials => "SensitiveData:S3Object/Credentials",
            FindingType::Financial => "SensitiveData:S3Object/Financial",
            FindingType::Personal => "SensitiveData:S3Object/Personal",
            FindingType::CustomIdentifier => "SensitiveData:S3Object/CustomIdentifier",
            FindingType::Multiple => "SensitiveData:S3Object/Multiple",
        }
    }

    /// The finding type for the set of categories present in one object: one category gives
    /// its own type, more than one gives `Multiple`, none gives no finding.
    pub fn from_categories(categories: impl IntoIterator<Item = Category>) -> Option<FindingType> {
        let mut seen: Vec<Category> = categories.into_iter().collect();
        seen.sort();
        seen.dedup();
        match seen.as_slice() {
            [] => None,
            [Category::Credentials] => Some(FindingType::Credentials),
            [Category::FinancialInformation] => Some(FindingType::Financial),
            [Category::PersonalInformation] => Some(FindingType::Personal),
            [Category::CustomIdentifier] => Some(FindingType::CustomIdentifier),
            _ => Some(FindingType::Multiple),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Severity::*;

    #[test]
    fn matrix_rows_follow_counts() {
        let expiry = SeverityRow([Low, Medium, High]);
        assert_eq!(expiry.for_count(0), None);
        assert_eq!(expiry.for_count(1), Some(Low));
        assert_eq!(expiry.for_count(2), Some(Medium));
        assert_eq!(expiry.for_count(99), Some(Medium));
        assert_eq!(expiry.for_count(100), Some(High));
    }

    #[test]
    fn finding_type_from_categories() {
        assert_eq!(FindingType::from_categories([]), None);
        assert_eq!(
            FindingType::from_categories([Category::Credentials, Category::Credentials]),
            Some(FindingType::Credentials)
        );
        assert_eq!(
            FindingType::from_categories([Category::PersonalInformation, Category::FinancialInformation]),
            Some(FindingType::Multiple)
        );
        assert_eq!(FindingType::Multiple.as_str(), "SensitiveData:S3Object/Multiple");
    }
}

//! The detection part of Sluice's one configuration file: which managed identifiers run,
//! custom data identifiers and allow lists, with Macie's semantics and limits (macie.md §2, §3).

use std::collections::HashSet;

use regex::Regex;
use serde::Deserialize;
use sluice_finding::{Category, Severity, SeverityRule};

use crate::keywords::keyword_variants;
use crate::rule::{CompiledRule, CustomTerms, Origin};
use crate::DetectError;

/// Macie's `managedDataIdentifierSelector`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Selector {
    /// Every identifier that is on by default (`SLUICE_IPV4_ADDRESS`, say, is off by default
    /// and only runs when named with INCLUDE).
    #[default]
    All,
    Recommended,
    Include,
    Exclude,
    None,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentifierSelection {
    #[serde(default, alias = "managedDataIdentifierSelector")]
    pub selector: Selector,
    /// IDs for INCLUDE or EXCLUDE (`managedDataIdentifierIds`).
    #[serde(default, alias = "managedDataIdentifierIds")]
    pub ids: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeverityLevel {
    pub severity: Severity,
    #[serde(alias = "occurrencesThreshold")]
    pub occurrences_threshold: u64,
}

/// A custom data identifier, as Macie's CreateCustomDataIdentifier takes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomIdentifierSpec {
    pub name: String,
    /// Reported as the detection's `arn`; defaults to the name.
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub regex: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default, alias = "ignoreWords")]
    pub ignore_words: Vec<String>,
    #[serde(default, alias = "maximumMatchDistance")]
    pub maximum_match_distance: Option<usize>,
    #[serde(default, alias = "severityLevels")]
    pub severity_levels: Vec<SeverityLevel>,
}

/// An allow list: exact texts (case-insensitive, whole value) or one regex the whole value
/// must match.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowListSpec {
    pub name: String,
    #[serde(default)]
    pub texts: Vec<String>,
    #[serde(default)]
    pub regex: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetectionConfig {
    #[serde(default, alias = "managedDataIdentifiers")]
    pub identifiers: IdentifierSelection,
    #[serde(default, alias = "customDataIdentifiers")]
    pub custom_data_identifiers: Vec<CustomIdentifierSpec>,
    #[serde(default, alias = "allowLists")]
    pub allow_lists: Vec<AllowListSpec>,
}

const MAX_REGEX: usize = 512;
const DEFAULT_MATCH_DISTANCE: usize = 50;

fn config_err(field: String, msg: impl Into<String>) -> DetectError {
    DetectError::Config { field, msg: msg.into() }
}

fn check_len(field: &str, value: &str, min: usize, max: usize) -> Result<(), DetectError> {
    let n = value.chars().count();
    if n < min || n > max {
        return Err(config_err(field.into(), format!("length {n} is outside {min}..={max} characters")));
    }
    Ok(())
}

impl CustomIdentifierSpec {
    /// Checks Macie's limits and compiles the identifier; `at` names it in errors.
    pub fn compile(&self, at: &str) -> Result<CompiledRule, DetectError> {
        check_len(&format!("{at}.name"), &self.name, 1, 128)?;
        if let Some(d) = &self.description {
            check_len(&format!("{at}.description"), d, 1, 512)?;
        }
        check_len(&format!("{at}.regex"), &self.regex, 1, MAX_REGEX)?;
        let regex = regex_automata::meta::Regex::new(&self.regex)
            .map_err(|e| config_err(format!("{at}.regex"), e.to_string()))?;
        if regex.is_match("") {
            return Err(config_err(format!("{at}.regex"), "matches the empty string"));
        }
        if self.keywords.len() > 50 {
            return Err(config_err(format!("{at}.keywords"), "at most 50 keywords"));
        }
        for (i, k) in self.keywords.iter().enumerate() {
            check_len(&format!("{at}.keywords[{i}]"), k, 3, 90)?;
        }
        if self.ignore_words.len() > 10 {
            return Err(config_err(format!("{at}.ignore_words"), "at most 10 ignore words"));
        }
        for (i, w) in self.ignore_words.iter().enumerate() {
            check_len(&format!("{at}.ignore_words[{i}]"), w, 4, 90)?;
        }
        let distance = self.maximum_match_distance.unwrap_or(DEFAULT_MATCH_DISTANCE);
        if !(1..=300).contains(&distance) {
            return Err(config_err(
                format!("{at}.maximum_match_distance"),
                format!("{distance} is outside 1..=300"),
            ));
        }
        let severity = if self.severity_levels.is_empty() {
            SeverityRule::custom_default()
        } else {
            let levels = &self.severity_levels;
            if levels.len() > 3 {
                return Err(config_err(format!("{at}.severity_levels"), "at most 3 levels"));
            }
            for pair in levels.windows(2) {
                if pair[1].occurrences_threshold <= pair[0].occurrences_threshold
                    || pair[1].severity <= pair[0].severity
                {
                    return Err(config_err(
                        format!("{at}.severity_levels"),
                        "thresholds and severities must both ascend (LOW, then MEDIUM, then HIGH)",
                    ));
                }
            }
            if levels[0].occurrences_threshold == 0 {
                return Err(config_err(
                    format!("{at}.severity_levels[0].occurrences_threshold"),
                    "must be at least 1",
                ));
            }
            SeverityRule::Thresholds(levels.iter().map(|l| (l.occurrences_threshold, l.severity)).collect())
        };
        Ok(CompiledRule {
            id: self.id.clone().unwrap_or_else(|| self.name.clone()),
            name: self.name.clone(),
            category: Category::CustomIdentifier,
            origin: Origin::Custom,
            severity,
            regex: crate::rule::LazyRegex::compiled(&self.regex, regex),
            has_value_group: false,
            keywords: self.keywords.iter().flat_map(|k| keyword_variants(k)).collect(),
            keyword_required: !self.keywords.is_empty(),
            anchors: Vec::new(),
            anchor_terms: false,
            anchors_start_terms: false,
            anchors_open_lines: false,
            trigger: None,
            inner_bytes: None,
            validator: None,
            suppress: HashSet::new(),
            yields_to: Vec::new(),
            max_len: MAX_REGEX.max(distance),
            multiline: false,
            across_fields: false,
            skip_hex_token_columns: false,
            recommended: false,
            enabled_by_default: true,
            custom: Some(CustomTerms {
                ignore_words: self.ignore_words.clone(),
                max_match_distance: distance,
            }),
        })
    }
}

/// Compiled allow lists: an occurrence whose value is on one is not reported at all.
#[derive(Debug, Default)]
pub struct AllowList {
    texts: HashSet<String>,
    regexes: Vec<Regex>,
}

impl AllowList {
    pub fn compile(specs: &[AllowListSpec]) -> Result<AllowList, DetectError> {
        let mut list = AllowList::default();
        for (i, spec) in specs.iter().enumerate() {
            let at = format!("allow_lists[{i}]");
            check_len(&format!("{at}.name"), &spec.name, 1, 128)?;
            if spec.texts.is_empty() == spec.regex.is_none() {
                return Err(config_err(at, "give either `texts` or `regex`, not both or neither"));
            }
            if spec.texts.len() > 100_000 {
                return Err(config_err(format!("{at}.texts"), "at most 100,000 entries"));
            }
            for (j, t) in spec.texts.iter().enumerate() {
                check_len(&format!("{at}.texts[{j}]"), t, 1, 90)?;
                list.texts.insert(t.to_lowercase());
            }
            if let Some(r) = &spec.regex {
                check_len(&format!("{at}.regex"), r, 1, MAX_REGEX)?;
                // Macie's allow-list regexes must match the whole text.
                let anchored = Regex::new(&format!("^(?:{r})$"))
                    .map_err(|e| config_err(format!("{at}.regex"), e.to_string()))?;
                list.regexes.push(anchored);
            }
        }
        Ok(list)
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty() && self.regexes.is_empty()
    }

    pub fn allows(&self, value: &str) -> bool {
        (!self.texts.is_empty() && self.texts.contains(&value.to_lowercase()))
            || self.regexes.iter().any(|r| r.is_match(value))
    }
}

/// Sections of the configuration file that other parts of Sluice read.
const OTHER_SECTIONS: &[&str] = &["scope", "remediation"];

impl DetectionConfig {
    pub fn from_yaml(text: &str) -> Result<DetectionConfig, DetectError> {
        let mut doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(|e| {
            let field =
                e.location().map(|l| format!("line {} column {}", l.line(), l.column())).unwrap_or_default();
            config_err(field, e.to_string())
        })?;
        // One file configures all of Sluice; these sections belong to other crates' readers.
        if let Some(map) = doc.as_mapping_mut() {
            for section in OTHER_SECTIONS {
                map.remove(*section);
            }
            if map.is_empty() {
                return Ok(DetectionConfig::default());
            }
        }
        serde_yaml_ng::from_value(doc).map_err(|e| {
            let field =
                e.location().map(|l| format!("line {} column {}", l.line(), l.column())).unwrap_or_default();
            config_err(field, e.to_string())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_of_other_readers_are_left_to_them() {
        let text = "scope: {exclude_suffixes: [.jpg]}\nremediation: {mode: enforce}\nidentifiers: {selector: NONE}\n";
        let cfg = DetectionConfig::from_yaml(text).unwrap();
        assert!(matches!(cfg.identifiers.selector, Selector::None));
        assert!(DetectionConfig::from_yaml("remediation: {mode: off}\n").is_ok());
        assert!(DetectionConfig::from_yaml("scopes: {}\n").is_err(), "a misspelt section is still an error");
    }

    fn cdi(yaml: &str) -> Result<CompiledRule, DetectError> {
        let spec: CustomIdentifierSpec = serde_yaml_ng::from_str(yaml).unwrap();
        spec.compile("custom_data_identifiers[0]")
    }

    #[test]
    fn custom_identifier_limits_name_the_field() {
        let long = format!("name: x\nregex: '{}'", "a".repeat(513));
        let e = cdi(&long).unwrap_err().to_string();
        assert!(e.contains("custom_data_identifiers[0].regex"), "{e}");
        let e = cdi("name: x\nregex: 'EMP-\\d+'\nmaximum_match_distance: 301").unwrap_err().to_string();
        assert!(e.contains("maximum_match_distance"), "{e}");
        let e = cdi("name: x\nregex: 'EMP-\\d+'\nkeywords: [ab]").unwrap_err().to_string();
        assert!(e.contains("keywords[0]"), "{e}");
        let e = cdi("name: x\nregex: 'EMP-\\d+'\nignore_words: [abc]").unwrap_err().to_string();
        assert!(e.contains("ignore_words[0]"), "{e}");
        let e = cdi("name: x\nregex: '(unclosed'").unwrap_err().to_string();
        assert!(e.contains(".regex"), "{e}");
        let e = cdi("name: x\nregex: 'a*'").unwrap_err().to_string();
        assert!(e.contains("empty string"), "{e}");
        let levels = "name: x\nregex: 'EMP-\\d+'\nseverity_levels:\n  - {severity: HIGH, occurrences_threshold: 1}\n  - {severity: LOW, occurrences_threshold: 5}";
        assert!(cdi(levels).unwrap_err().to_string().contains("severity_levels"));
    }

    #[test]
    fn macie_field_names_are_accepted() {
        let r = cdi("name: x\nregex: 'EMP-\\d+'\nmaximumMatchDistance: 20\nignoreWords: [EMP-0000]\nseverityLevels:\n  - {severity: LOW, occurrencesThreshold: 1}\n  - {severity: HIGH, occurrencesThreshold: 10}").unwrap();
        assert_eq!(r.custom.as_ref().unwrap().max_match_distance, 20);
        assert_eq!(r.severity.for_count(10), Some(Severity::High));
    }

    #[test]
    fn allow_list_texts_are_whole_and_case_insensitive_and_regexes_full_match() {
        let specs: Vec<AllowListSpec> =
            serde_yaml_ng::from_str("- {name: a, texts: ['123-45-6789']}\n- {name: b, regex: 'TEST-\\d+'}")
                .unwrap();
        let list = AllowList::compile(&specs).unwrap();
        assert!(list.allows("123-45-6789"));
        assert!(!list.allows("123-45-67890"));
        assert!(list.allows("TEST-42"));
        assert!(!list.allows("xTEST-42"), "regex must match the whole value");
        let bad: Vec<AllowListSpec> = serde_yaml_ng::from_str("- {name: a}").unwrap();
        assert!(AllowList::compile(&bad).unwrap_err().to_string().contains("allow_lists[0]"));
    }

    #[test]
    fn unknown_fields_are_errors() {
        let e =
            DetectionConfig::from_yaml("custom_data_identifiers:\n  - name: x\n    regx: 'a'\n").unwrap_err();
        assert!(e.to_string().contains("regx"), "{e}");
    }
}

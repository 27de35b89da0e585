//! From a finding and a policy to the actions to take, each with the rule that chose it, or
//! to a skip with its reason. Planning is pure: it reads nothing but its inputs.

use serde::{Deserialize, Serialize};

use crate::action::{Action, ActionKind, Tag};
use crate::finding::{FindingDetail, TypeCount};
use crate::policy::{Mode, RemediationPolicy};

/// The bucket tag that opts a bucket out of remediation.
pub const OPT_OUT_TAG_KEY: &str = "sluice:remediation";
pub const OPT_OUT_TAG_VALUE: &str = "skip";

/// Why nothing is planned for a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// The policy's mode is `off`.
    ModeOff,
    /// The bucket carries `sluice:remediation=skip`.
    OptedOut,
    /// No rule of the policy matches the finding.
    NoRuleMatched,
    /// The finding names no bucket, so there is nothing to act on.
    NoBucket,
}

impl SkipReason {
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::ModeOff => "remediation mode is off",
            SkipReason::OptedOut => "the bucket is tagged sluice:remediation=skip",
            SkipReason::NoRuleMatched => "no rule of the remediation policy matches the finding",
            SkipReason::NoBucket => "the finding names no bucket",
        }
    }
}

/// An action to take and the rule that chose it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedAction {
    pub rule: String,
    pub action: Action,
}

/// An action a matching rule listed that will not be taken, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotTaken {
    pub rule: String,
    pub action: ActionKind,
    pub reason: String,
}

/// What the finding is about, as far as remediation needs to say: names, types and counts,
/// never a matched value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subject {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding_id: Option<String>,
    pub finding_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub detected_types: Vec<TypeCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub mode: Mode,
    pub subject: Subject,
    /// Set when nothing is to be done at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<SkipReason>,
    /// In execution order (see [`ActionKind`]).
    pub actions: Vec<PlannedAction>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_taken: Vec<NotTaken>,
}

impl Plan {
    pub fn is_skipped(&self) -> bool {
        self.skipped.is_some()
    }
}

fn subject(finding: &FindingDetail) -> Subject {
    let severity = finding.severity();
    let object = finding.object();
    Subject {
        finding_id: finding.id.clone(),
        finding_type: finding.finding_type.clone(),
        severity: severity.map(|s| s.description().to_string()),
        score: severity.map(|s| s.score()),
        bucket: finding.bucket().map(|b| b.name.clone()),
        key: object.map(|o| o.key.clone()),
        version_id: object.and_then(|o| o.version().map(str::to_string)),
        size: object.and_then(|o| o.size),
        detected_types: finding.detected_types(),
    }
}

/// Plans the remediation of one finding. Every matching rule contributes its actions; when
/// two rules list the same kind of action, the first rule in the policy wins and the later
/// one is recorded as not taken.
pub fn plan(finding: &FindingDetail, policy: &RemediationPolicy) -> Plan {
    let mut out = Plan {
        mode: policy.mode,
        subject: subject(finding),
        skipped: None,
        actions: Vec::new(),
        not_taken: Vec::new(),
    };
    let Some(bucket) = finding.bucket() else {
        out.skipped = Some(if policy.mode == Mode::Off { SkipReason::ModeOff } else { SkipReason::NoBucket });
        return out;
    };
    if policy.mode == Mode::Off {
        out.skipped = Some(SkipReason::ModeOff);
        return out;
    }
    if is_opted_out(bucket.tags.iter().map(|t| (t.key.as_str(), t.value.as_str()))) {
        out.skipped = Some(SkipReason::OptedOut);
        return out;
    }
    let has_object = finding.object().is_some_and(|o| !o.key.is_empty());
    let mut matched_any = false;
    for rule in policy.rules.iter().filter(|r| r.matcher.matches(finding)) {
        matched_any = true;
        for action in &rule.actions {
            let kind = action.kind();
            let not_taken = |reason: String| NotTaken { rule: rule.name.clone(), action: kind, reason };
            if kind.on_object() && !has_object {
                out.not_taken.push(not_taken("the finding names no object".into()));
            } else if let Some(first) = out.actions.iter().find(|p| p.action.kind() == kind) {
                out.not_taken.push(not_taken(format!("already planned by rule `{}`", first.rule)));
            } else {
                out.actions.push(PlannedAction {
                    rule: rule.name.clone(),
                    action: fill_placeholders(action, finding),
                });
            }
        }
    }
    if !matched_any {
        out.skipped = Some(SkipReason::NoRuleMatched);
    }
    out.actions.sort_by_key(|p| p.action.kind());
    out
}

/// Whether a set of bucket tags holds the opt-out tag (the value compared without case).
pub fn is_opted_out<'a>(mut tags: impl Iterator<Item = (&'a str, &'a str)>) -> bool {
    tags.any(|(k, v)| k == OPT_OUT_TAG_KEY && v.trim().eq_ignore_ascii_case(OPT_OUT_TAG_VALUE))
}

const TAG_VALUE_MAX: usize = 256;

/// Fills `{severity}`, `{types}`, `{categories}` and `{finding_type}` in tag values. Lists
/// are joined with spaces and cut at a whole item to stay within S3's 256 characters.
fn fill_placeholders(action: &Action, finding: &FindingDetail) -> Action {
    let Action::TagObject { tags } = action else { return action.clone() };
    let severity = finding.severity().map(|s| s.description().to_ascii_lowercase()).unwrap_or_default();
    let types: Vec<String> = finding.detected_types().into_iter().map(|t| t.identifier_type).collect();
    let categories: Vec<String> = finding.data_categories().into_iter().map(str::to_string).collect();
    let filled = tags
        .iter()
        .map(|t| {
            let fixed =
                t.value.replace("{severity}", &severity).replace("{finding_type}", &finding.finding_type);
            let value = fill_list(&fixed, "{categories}", &categories);
            let value = fill_list(&value, "{types}", &types);
            Tag::new(t.key.clone(), value)
        })
        .collect();
    Action::TagObject { tags: filled }
}

fn fill_list(template: &str, marker: &str, items: &[String]) -> String {
    if !template.contains(marker) {
        return template.to_string();
    }
    let budget = TAG_VALUE_MAX.saturating_sub(template.replace(marker, "").chars().count());
    let mut joined = String::new();
    for item in items {
        let extra = item.chars().count() + usize::from(!joined.is_empty());
        if joined.chars().count() + extra > budget {
            break;
        }
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(item);
    }
    template.replace(marker, &joined)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::LoadOptions;

    fn policy(text: &str) -> RemediationPolicy {
        RemediationPolicy::from_config_yaml(
            text,
            &LoadOptions { default_quarantine_bucket: Some("q-bucket".into()) },
        )
        .unwrap()
    }

    fn finding(bucket_tags: &str, permission: &str) -> FindingDetail {
        FindingDetail::from_json(&format!(
            r#"{{"id":"f1","type":"SensitiveData:S3Object/Financial","category":"CLASSIFICATION",
               "severity":{{"description":"High","score":3}},
               "resourcesAffected":{{"s3Bucket":{{"name":"prod-data","tags":[{bucket_tags}],
                   "publicAccess":{{"effectivePermission":"{permission}"}}}},
                 "s3Object":{{"key":"exports/cards.csv","versionId":"v1","size":120}}}},
               "classificationDetails":{{"result":{{"sensitiveData":[{{"category":"FINANCIAL_INFORMATION","totalCount":4,
                   "detections":[{{"type":"CREDIT_CARD_NUMBER","count":3}},{{"type":"BANK_ACCOUNT_NUMBER","count":1}}]}}]}}}}}}"#
        ))
        .unwrap()
    }

    const POLICY: &str = r#"
remediation:
  mode: enforce
  rules:
    - name: public
      match: {effective_permission: [PUBLIC]}
      actions: [block-public-access, {tag-object: {tags: {"sluice:exposure": public}}}]
    - name: cards
      match: {identifier_types: [CREDIT_CARD_NUMBER], min_severity: medium, buckets: ["prod-*"]}
      actions:
        - encrypt-object
        - tag-object: {tags: {"sluice:sensitivity": "{severity}", "sluice:types": "{types}"}}
    - name: personal
      match: {data_categories: [PERSONAL_INFORMATION]}
      actions: [quarantine]
"#;

    #[test]
    fn matching_rules_contribute_in_execution_order_and_the_first_rule_wins_a_kind() {
        let p = plan(&finding("", "PUBLIC"), &policy(POLICY));
        assert_eq!(p.skipped, None);
        let kinds: Vec<(ActionKind, &str)> =
            p.actions.iter().map(|a| (a.action.kind(), a.rule.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                (ActionKind::BlockPublicAccess, "public"),
                (ActionKind::TagObject, "public"),
                (ActionKind::EncryptObject, "cards"),
            ]
        );
        assert_eq!(p.not_taken.len(), 1);
        assert_eq!(p.not_taken[0].rule, "cards");
        assert_eq!(p.not_taken[0].reason, "already planned by rule `public`");
        assert_eq!(p.subject.version_id.as_deref(), Some("v1"));
        assert_eq!(p.subject.detected_types.len(), 2);
    }

    #[test]
    fn placeholders_are_filled_from_the_finding() {
        let p = plan(&finding("", "NOT_PUBLIC"), &policy(POLICY));
        let tag = p.actions.iter().find(|a| a.action.kind() == ActionKind::TagObject).unwrap();
        assert_eq!(tag.rule, "cards");
        assert_eq!(
            tag.action,
            Action::TagObject {
                tags: vec![
                    Tag::new("sluice:sensitivity", "high"),
                    Tag::new("sluice:types", "BANK_ACCOUNT_NUMBER CREDIT_CARD_NUMBER"),
                ]
            }
        );
    }

    #[test]
    fn a_long_type_list_is_cut_at_a_whole_type() {
        let items: Vec<String> = (0..40).map(|i| format!("IDENTIFIER_TYPE_{i:02}")).collect();
        let value = fill_list("t={types}", "{types}", &items);
        assert!(value.chars().count() <= TAG_VALUE_MAX);
        assert!(value.ends_with(|c: char| c.is_ascii_digit()));
        assert!(value.starts_with("t=IDENTIFIER_TYPE_00 IDENTIFIER_TYPE_01"));
    }

    #[test]
    fn skips_say_why() {
        let off = policy(&POLICY.replace("mode: enforce", "mode: off"));
        assert_eq!(plan(&finding("", "PUBLIC"), &off).skipped, Some(SkipReason::ModeOff));
        let opted = finding(r#"{"key":"sluice:remediation","value":"SKIP"}"#, "PUBLIC");
        assert_eq!(plan(&opted, &policy(POLICY)).skipped, Some(SkipReason::OptedOut));
        let none = policy(
            "remediation: {rules: [{name: r, match: {buckets: [dev-*]}, actions: [block-public-access]}]}",
        );
        let p = plan(&finding("", "PUBLIC"), &none);
        assert_eq!(p.skipped, Some(SkipReason::NoRuleMatched));
        assert!(p.actions.is_empty());
        let no_bucket = FindingDetail::from_json(r#"{"type":"SensitiveData:S3Object/Financial"}"#).unwrap();
        assert_eq!(plan(&no_bucket, &policy(POLICY)).skipped, Some(SkipReason::NoBucket));
    }

    #[test]
    fn object_actions_are_not_taken_for_a_policy_finding() {
        let f = FindingDetail::from_json(
            r#"{"type":"Policy:IAMUser/S3BucketPublic","category":"POLICY","severity":{"score":3},
                "resourcesAffected":{"s3Bucket":{"name":"prod-data","publicAccess":{"effectivePermission":"PUBLIC"}}}}"#,
        )
        .unwrap();
        let p = plan(&f, &policy(POLICY));
        assert_eq!(p.actions.len(), 1);
        assert_eq!(p.actions[0].action, Action::BlockPublicAccess);
        assert_eq!(p.not_taken[0].action, ActionKind::TagObject);
        assert_eq!(p.not_taken[0].reason, "the finding names no object");
    }
}

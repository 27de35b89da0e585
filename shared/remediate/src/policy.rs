//! The `remediation:` section of Sluice's configuration file: a mode and rules that match
//! findings and list actions. Everything is checked at load, and an error names the field
//! (`remediation.rules[1].actions[0].quarantine.bucket: required …`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_yaml_ng::{Mapping, Value};
use sluice_finding::Severity;

use crate::action::{Action, ActionKind, Tag, MAX_OBJECT_TAGS};
use crate::finding::FindingDetail;

/// What the remediator does with a plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Nothing is planned; the audit record says so.
    Off,
    /// Plans and records, reading the current state to say what would change; changes nothing.
    #[default]
    DryRun,
    /// Plans, changes and records.
    Enforce,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Off => "off",
            Mode::DryRun => "dry-run",
            Mode::Enforce => "enforce",
        }
    }
}

impl FromStr for Mode {
    type Err = PolicyError;
    fn from_str(s: &str) -> Result<Mode, PolicyError> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "off" => Ok(Mode::Off),
            "dry-run" | "dryrun" => Ok(Mode::DryRun),
            "enforce" => Ok(Mode::Enforce),
            other => {
                Err(field_err("remediation.mode", format!("`{other}` is not one of off, dry-run, enforce")))
            }
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PolicyError {
    #[error("configuration: {0}")]
    Yaml(String),
    #[error("configuration: {field}: {msg}")]
    Field { field: String, msg: String },
}

fn field_err(field: impl Into<String>, msg: impl Into<String>) -> PolicyError {
    PolicyError::Field { field: field.into(), msg: msg.into() }
}

/// Values the deployment supplies when the file leaves them out.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The quarantine bucket the stack created (`SLUICE_QUARANTINE_BUCKET`), used by
    /// quarantine actions that name none.
    pub default_quarantine_bucket: Option<String>,
}

/// The prefix quarantine copies go under when the action names none.
pub const DEFAULT_QUARANTINE_PREFIX: &str = "quarantine/";

/// A validated remediation policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RemediationPolicy {
    pub mode: Mode,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub name: String,
    #[serde(rename = "match")]
    pub matcher: RuleMatch,
    /// In policy order; `tag-object` values may hold placeholders filled at planning.
    pub actions: Vec<Action>,
}

/// Criteria that must all hold (an empty list or `None` matches anything); within one
/// list, any entry may match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RuleMatch {
    /// Globs over `type` (`SensitiveData:S3Object/*`).
    pub finding_types: Vec<String>,
    /// `CLASSIFICATION` or `POLICY`.
    pub categories: Vec<String>,
    /// `CREDENTIALS`, `FINANCIAL_INFORMATION`, `PERSONAL_INFORMATION`, `CUSTOM_IDENTIFIER`.
    pub data_categories: Vec<String>,
    pub min_severity: Option<Severity>,
    /// Managed identifier IDs or custom identifier names.
    pub identifier_types: Vec<String>,
    /// Globs over the bucket name.
    pub buckets: Vec<String>,
    /// Tags the bucket must carry; a value of `*` accepts any value.
    pub bucket_tags: BTreeMap<String, String>,
    /// `PUBLIC`, `NOT_PUBLIC`, `UNKNOWN`.
    pub effective_permission: Vec<String>,
}

const FINDING_TYPES: &[&str] = &[
    "SensitiveData:S3Object/Credentials",
    "SensitiveData:S3Object/CustomIdentifier",
    "SensitiveData:S3Object/Financial",
    "SensitiveData:S3Object/Multiple",
    "SensitiveData:S3Object/Personal",
    "Policy:IAMUser/S3BlockPublicAccessDisabled",
    "Policy:IAMUser/S3BucketEncryptionDisabled",
    "Policy:IAMUser/S3BucketPublic",
    "Policy:IAMUser/S3BucketReplicatedExternally",
    "Policy:IAMUser/S3BucketSharedExternally",
    "Policy:IAMUser/S3BucketSharedWithCloudFront",
];
const CATEGORIES: &[&str] = &["CLASSIFICATION", "POLICY"];
const DATA_CATEGORIES: &[&str] =
    &["CREDENTIALS", "FINANCIAL_INFORMATION", "PERSONAL_INFORMATION", "CUSTOM_IDENTIFIER"];
const EFFECTIVE_PERMISSIONS: &[&str] = &["PUBLIC", "NOT_PUBLIC", "UNKNOWN"];

/// Placeholders a `tag-object` value may hold, filled from the finding at planning.
pub const TAG_PLACEHOLDERS: &[&str] = &["{severity}", "{types}", "{categories}", "{finding_type}"];

#[derive(Deserialize)]
struct ConfigFile {
    #[serde(default)]
    remediation: Option<RawPolicy>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    mode: Option<String>,
    #[serde(default)]
    rules: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: String,
    #[serde(default, rename = "match")]
    matcher: RawMatch,
    actions: Vec<Value>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawMatch {
    #[serde(default, alias = "findingTypes")]
    finding_types: Vec<String>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default, alias = "dataCategories")]
    data_categories: Vec<String>,
    #[serde(default, alias = "minSeverity")]
    min_severity: Option<String>,
    #[serde(default, alias = "identifierTypes")]
    identifier_types: Vec<String>,
    #[serde(default)]
    buckets: Vec<String>,
    #[serde(default, alias = "bucketTags")]
    bucket_tags: BTreeMap<String, String>,
    #[serde(default, alias = "effectivePermission")]
    effective_permission: Vec<String>,
}

impl RemediationPolicy {
    /// Reads the `remediation:` section of the whole configuration file (other sections
    /// are left to their own readers). A file without the section gives the default
    /// policy: dry-run, no rules.
    pub fn from_config_yaml(text: &str, options: &LoadOptions) -> Result<RemediationPolicy, PolicyError> {
        let file: ConfigFile = serde_yaml_ng::from_str(text).map_err(|e| PolicyError::Yaml(e.to_string()))?;
        match file.remediation {
            None => Ok(RemediationPolicy::default()),
            Some(raw) => raw.validate(options),
        }
    }

    /// The same policy with the deployment's mode (`SLUICE_REMEDIATION_MODE`, the stack
    /// parameter) in place of the file's: the stack is where operators turn enforcement on.
    pub fn with_mode(mut self, mode: Mode) -> RemediationPolicy {
        self.mode = mode;
        self
    }
}

impl RawPolicy {
    fn validate(self, options: &LoadOptions) -> Result<RemediationPolicy, PolicyError> {
        let mode = match &self.mode {
            None => Mode::default(),
            Some(m) => m.parse()?,
        };
        let mut names = BTreeSet::new();
        let mut rules = Vec::with_capacity(self.rules.len());
        for (i, raw) in self.rules.into_iter().enumerate() {
            let at = format!("remediation.rules[{i}]");
            if raw.name.trim().is_empty() {
                return Err(field_err(format!("{at}.name"), "must not be empty"));
            }
            if !names.insert(raw.name.clone()) {
                return Err(field_err(
                    format!("{at}.name"),
                    format!("`{}` is used by an earlier rule", raw.name),
                ));
            }
            let matcher = raw.matcher.validate(&format!("{at}.match"))?;
            if raw.actions.is_empty() {
                return Err(field_err(format!("{at}.actions"), "list at least one action"));
            }
            let mut kinds = BTreeSet::new();
            let mut actions = Vec::with_capacity(raw.actions.len());
            for (j, value) in raw.actions.iter().enumerate() {
                let action = parse_action(value, &format!("{at}.actions[{j}]"), options)?;
                if !kinds.insert(action.kind()) {
                    return Err(field_err(
                        format!("{at}.actions[{j}]"),
                        format!("`{}` is listed twice in this rule", action.kind().as_str()),
                    ));
                }
                actions.push(action);
            }
            rules.push(Rule { name: raw.name, matcher, actions });
        }
        Ok(RemediationPolicy { mode, rules })
    }
}

fn upper_in(field: &str, values: Vec<String>, allowed: &[&str]) -> Result<Vec<String>, PolicyError> {
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let up = v.trim().to_ascii_uppercase();
            if allowed.contains(&up.as_str()) {
                Ok(up)
            } else {
                Err(field_err(format!("{field}[{i}]"), format!("`{v}` is not one of {}", allowed.join(", "))))
            }
        })
        .collect()
}

impl RawMatch {
    fn validate(self, at: &str) -> Result<RuleMatch, PolicyError> {
        for (i, t) in self.finding_types.iter().enumerate() {
            let known = if is_glob(t) {
                FINDING_TYPES.iter().any(|f| glob_match(t, f))
            } else {
                FINDING_TYPES.contains(&t.as_str())
            };
            if !known {
                return Err(field_err(
                    format!("{at}.finding_types[{i}]"),
                    format!("`{t}` names no finding type; known types: {}", FINDING_TYPES.join(", ")),
                ));
            }
        }
        let min_severity = match &self.min_severity {
            None => None,
            Some(s) => Some(Severity::parse(s.trim()).ok_or_else(|| {
                field_err(format!("{at}.min_severity"), format!("`{s}` is not one of low, medium, high"))
            })?),
        };
        for (i, t) in self.identifier_types.iter().enumerate() {
            if t.trim().is_empty() {
                return Err(field_err(format!("{at}.identifier_types[{i}]"), "must not be empty"));
            }
        }
        for (i, b) in self.buckets.iter().enumerate() {
            let ok = !b.is_empty()
                && b.len() <= 63
                && b.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-.*?".contains(c));
            if !ok {
                return Err(field_err(
                    format!("{at}.buckets[{i}]"),
                    format!(
                        "`{b}` is not a bucket name or glob (lower-case letters, digits, `-`, `.`, `*`, `?`)"
                    ),
                ));
            }
        }
        for key in self.bucket_tags.keys() {
            if key.is_empty() || key.chars().count() > 128 {
                return Err(field_err(
                    format!("{at}.bucket_tags"),
                    format!("tag key `{key}` must be 1–128 characters"),
                ));
            }
        }
        Ok(RuleMatch {
            finding_types: self.finding_types,
            categories: upper_in(&format!("{at}.categories"), self.categories, CATEGORIES)?,
            data_categories: upper_in(
                &format!("{at}.data_categories"),
                self.data_categories,
                DATA_CATEGORIES,
            )?,
            min_severity,
            identifier_types: self.identifier_types,
            buckets: self.buckets,
            bucket_tags: self.bucket_tags,
            effective_permission: upper_in(
                &format!("{at}.effective_permission"),
                self.effective_permission,
                EFFECTIVE_PERMISSIONS,
            )?,
        })
    }
}

/// An action is written as its name (`- block-public-access`) or as a one-key map of its
/// name to its fields (`- quarantine: {bucket: b, prefix: p/}`).
fn parse_action(value: &Value, at: &str, options: &LoadOptions) -> Result<Action, PolicyError> {
    let empty = Mapping::new();
    let (name, fields) = match value {
        Value::String(name) => (name.as_str(), &empty),
        Value::Mapping(map) if map.len() == 1 => {
            let (k, v) = map.iter().next().expect("one entry");
            let name = k.as_str().ok_or_else(|| field_err(at, "an action's name must be a string"))?;
            match v {
                Value::Mapping(fields) => (name, fields),
                Value::Null => (name, &empty),
                _ => return Err(field_err(format!("{at}.{name}"), "expected a map of the action's fields")),
            }
        }
        _ => return Err(field_err(at, "expected an action name or a one-key map `name: {fields}`")),
    };
    let kind = ActionKind::parse(name).ok_or_else(|| {
        let names: Vec<&str> = ActionKind::ALL.iter().map(|k| k.as_str()).collect();
        field_err(at, format!("unknown action `{name}`; actions: {}", names.join(", ")))
    })?;
    let at = format!("{at}.{name}");
    let fields = Fields::new(fields, &at)?;
    let action = match kind {
        ActionKind::BlockPublicAccess => Action::BlockPublicAccess,
        ActionKind::DefaultEncryption => Action::DefaultEncryption { kms_key_id: fields.kms_key(&at)? },
        ActionKind::EncryptObject => Action::EncryptObject { kms_key_id: fields.kms_key(&at)? },
        ActionKind::TagObject => Action::TagObject { tags: fields.tags(&at)? },
        ActionKind::Quarantine => {
            let bucket = match fields.string("bucket", &at)? {
                Some(b) => b,
                None => {
                    options.default_quarantine_bucket.clone().filter(|b| !b.is_empty()).ok_or_else(|| {
                        field_err(
                            format!("{at}.bucket"),
                            "required (or deploy with a quarantine bucket: SLUICE_QUARANTINE_BUCKET)",
                        )
                    })?
                }
            };
            if bucket.len() < 3
                || bucket.len() > 63
                || !bucket
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
            {
                return Err(field_err(format!("{at}.bucket"), format!("`{bucket}` is not a bucket name")));
            }
            let prefix =
                fields.string("prefix", &at)?.unwrap_or_else(|| DEFAULT_QUARANTINE_PREFIX.to_string());
            if prefix.starts_with('/') {
                return Err(field_err(format!("{at}.prefix"), "must not start with `/`"));
            }
            let delete_original = fields.boolean("delete_original", &at)?.unwrap_or(false);
            Action::Quarantine { bucket, prefix, delete_original }
        }
    };
    fields.reject_unknown(&at)?;
    Ok(action)
}

/// The fields of one action, read by name (snake_case or camelCase) so that a field left
/// unread is reported as unknown.
struct Fields<'a> {
    map: BTreeMap<String, &'a Value>,
    read: std::cell::RefCell<BTreeSet<String>>,
}

impl<'a> Fields<'a> {
    fn new(map: &'a Mapping, at: &str) -> Result<Fields<'a>, PolicyError> {
        let mut out = BTreeMap::new();
        for (k, v) in map {
            let k = k.as_str().ok_or_else(|| field_err(at, "field names must be strings"))?;
            out.insert(snake(k), v);
        }
        Ok(Fields { map: out, read: Default::default() })
    }

    fn get(&self, name: &str) -> Option<&'a Value> {
        self.read.borrow_mut().insert(name.to_string());
        self.map.get(name).copied().filter(|v| !v.is_null())
    }

    fn string(&self, name: &str, at: &str) -> Result<Option<String>, PolicyError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(field_err(format!("{at}.{name}"), "expected a string")),
        }
    }

    fn boolean(&self, name: &str, at: &str) -> Result<Option<bool>, PolicyError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(field_err(format!("{at}.{name}"), "expected true or false")),
        }
    }

    fn kms_key(&self, at: &str) -> Result<Option<String>, PolicyError> {
        let Some(key) = self.string("kms_key_id", at)? else { return Ok(None) };
        let field = format!("{at}.kms_key_id");
        if key.starts_with("alias/") || key.contains(":alias/") {
            return Err(field_err(
                field,
                "give the key ID or key ARN, not an alias: S3 reports the key's ARN, and an alias could \
                 not be compared with it, so the action would never be seen as done",
            ));
        }
        let id = key.rsplit('/').next().unwrap_or_default();
        let ok = !id.is_empty()
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && (!key.contains(':')
                || key.starts_with("arn:") && key.contains(":kms:") && key.contains(":key/"));
        if !ok {
            return Err(field_err(field, format!("`{key}` is not a KMS key ID or key ARN")));
        }
        Ok(Some(key))
    }

    fn tags(&self, at: &str) -> Result<Vec<Tag>, PolicyError> {
        let field = format!("{at}.tags");
        let Some(Value::Mapping(map)) = self.get("tags") else {
            return Err(field_err(field, "required: a map of tag keys to values"));
        };
        if map.is_empty() || map.len() > MAX_OBJECT_TAGS {
            return Err(field_err(
                field,
                format!("list 1 to {MAX_OBJECT_TAGS} tags (S3's limit per object)"),
            ));
        }
        let mut tags = Vec::with_capacity(map.len());
        for (k, v) in map {
            let key = k.as_str().ok_or_else(|| field_err(&field, "tag keys must be strings"))?;
            let value = match v {
                Value::String(s) => s.clone(),
                Value::Bool(b) => b.to_string(),
                Value::Number(n) => n.to_string(),
                _ => return Err(field_err(format!("{field}.{key}"), "expected a string value")),
            };
            check_tag(key, &value).map_err(|msg| field_err(format!("{field}.{key}"), msg))?;
            tags.push(Tag::new(key, value));
        }
        Ok(tags)
    }

    fn reject_unknown(&self, at: &str) -> Result<(), PolicyError> {
        let read = self.read.borrow();
        match self.map.keys().find(|k| !read.contains(*k)) {
            Some(k) => Err(field_err(format!("{at}.{k}"), "unknown field")),
            None => Ok(()),
        }
    }
}

fn snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// S3's rules for a tag: key 1–128 characters not starting with `aws:`, value up to 256,
/// both from letters, digits, spaces and `_ . : / = + - @`. Placeholders must be known.
fn check_tag(key: &str, value: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c);
    if key.is_empty() || key.chars().count() > 128 {
        return Err("a tag key must be 1–128 characters".into());
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Err("tag keys starting with `aws:` are reserved".into());
    }
    if !key.chars().all(allowed) {
        return Err("a tag key may hold letters, digits, spaces and _ . : / = + - @ only".into());
    }
    let mut rest = value.to_string();
    for p in TAG_PLACEHOLDERS {
        rest = rest.replace(p, "");
    }
    if rest.contains('{') || rest.contains('}') {
        return Err(format!("unknown placeholder; known: {}", TAG_PLACEHOLDERS.join(", ")));
    }
    if !rest.chars().all(allowed) {
        return Err("a tag value may hold letters, digits, spaces and _ . : / = + - @ only".into());
    }
    if value.chars().count() > 256 {
        return Err("a tag value must be at most 256 characters".into());
    }
    Ok(())
}

fn is_glob(p: &str) -> bool {
    p.contains(['*', '?'])
}

/// Matches `*` (any run, including none) and `?` (one character); everything else literally.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

impl RuleMatch {
    /// Whether a finding meets every criterion. `bucket_tags` are the bucket's tags as the
    /// finding reports them.
    pub fn matches(&self, finding: &FindingDetail) -> bool {
        let bucket = finding.bucket();
        if !self.finding_types.is_empty()
            && !self.finding_types.iter().any(|p| glob_match(p, &finding.finding_type))
        {
            return false;
        }
        if !self.categories.is_empty() {
            let category = finding.category.as_deref().map(str::to_ascii_uppercase).unwrap_or_else(|| {
                if finding.finding_type.starts_with("Policy:") { "POLICY" } else { "CLASSIFICATION" }
                    .to_string()
            });
            if !self.categories.contains(&category) {
                return false;
            }
        }
        if !self.data_categories.is_empty() {
            let present = finding.data_categories();
            if !self.data_categories.iter().any(|c| present.contains(&c.as_str())) {
                return false;
            }
        }
        if let Some(min) = self.min_severity {
            match finding.severity() {
                Some(s) if s >= min => {}
                _ => return false,
            }
        }
        if !self.identifier_types.is_empty() {
            let detected = finding.detected_types();
            if !detected.iter().any(|d| self.identifier_types.contains(&d.identifier_type)) {
                return false;
            }
        }
        if !self.buckets.is_empty() {
            match bucket {
                Some(b) if self.buckets.iter().any(|p| glob_match(p, &b.name)) => {}
                _ => return false,
            }
        }
        if !self.bucket_tags.is_empty() {
            let tags = bucket.map(|b| b.tags.as_slice()).unwrap_or_default();
            let all = self
                .bucket_tags
                .iter()
                .all(|(k, v)| tags.iter().any(|t| &t.key == k && (v == "*" || &t.value == v)));
            if !all {
                return false;
            }
        }
        if !self.effective_permission.is_empty() {
            let permission = bucket
                .and_then(|b| b.public_access.as_ref())
                .and_then(|p| p.effective_permission.as_deref())
                .map(str::to_ascii_uppercase)
                .unwrap_or_else(|| "UNKNOWN".to_string());
            if !self.effective_permission.contains(&permission) {
                return false;
            }
        }
        true
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<RemediationPolicy, PolicyError> {
        RemediationPolicy::from_config_yaml(
            text,
            &LoadOptions { default_quarantine_bucket: Some("q-bucket".into()) },
        )
    }

    fn err_field(text: &str) -> String {
        match load(text) {
            Err(PolicyError::Field { field, .. }) => field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn a_file_without_the_section_is_dry_run_with_no_rules() {
        let p = load("identifiers: {selector: ALL}\n").unwrap();
        assert_eq!(p.mode, Mode::DryRun);
        assert!(p.rules.is_empty());
    }

    #[test]
    fn reads_every_criterion_and_action_form() {
        let p = load(
            r#"
identifiers: {selector: ALL}
remediation:
  mode: enforce
  rules:
    - name: public cards
      match:
        finding_types: ["SensitiveData:S3Object/Financial", "SensitiveData:S3Object/Multiple"]
        categories: [classification]
        data_categories: [FINANCIAL_INFORMATION]
        min_severity: high
        identifier_types: [CREDIT_CARD_NUMBER]
        buckets: ["prod-*"]
        bucketTags: {env: "*"}
        effectivePermission: [PUBLIC]
      actions:
        - block-public-access
        - default-encryption: {kms_key_id: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
        - encrypt-object
        - tag-object: {tags: {"sluice:sensitivity": "{severity}", "sluice:types": "{types}"}}
        - quarantine: {prefix: held/, deleteOriginal: false}
"#,
        )
        .unwrap();
        assert_eq!(p.mode, Mode::Enforce);
        let rule = &p.rules[0];
        assert_eq!(rule.matcher.min_severity, Some(Severity::High));
        assert_eq!(rule.matcher.categories, vec!["CLASSIFICATION"]);
        assert_eq!(rule.actions.len(), 5);
        assert_eq!(
            rule.actions[4],
            Action::Quarantine { bucket: "q-bucket".into(), prefix: "held/".into(), delete_original: false }
        );
        assert_eq!(rule.actions[2], Action::EncryptObject { kms_key_id: None });
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(err_field("remediation: {mode: sometimes}"), "remediation.mode");
        assert_eq!(
            err_field("remediation: {rules: [{name: a, match: {min_severity: severe}, actions: [block-public-access]}]}"),
            "remediation.rules[0].match.min_severity"
        );
        assert_eq!(
            err_field("remediation: {rules: [{name: a, match: {finding_types: [SensitiveData:S3Object/Money]}, actions: [block-public-access]}]}"),
            "remediation.rules[0].match.finding_types[0]"
        );
        assert_eq!(
            err_field("remediation: {rules: [{name: a, actions: [block-public-access, {shred: {}}]}]}"),
            "remediation.rules[0].actions[1]"
        );
        assert_eq!(
            err_field(
                "remediation: {rules: [{name: a, actions: [{encrypt-object: {kms_key_id: alias/mine}}]}]}"
            ),
            "remediation.rules[0].actions[0].encrypt-object.kms_key_id"
        );
        assert_eq!(
            err_field("remediation: {rules: [{name: a, actions: [{quarantine: {bucket: q-bucket, delete: true}}]}]}"),
            "remediation.rules[0].actions[0].quarantine.delete"
        );
        assert_eq!(
            err_field("remediation: {rules: [{name: a, actions: [{tag-object: {tags: {'aws:x': y}}}]}]}"),
            "remediation.rules[0].actions[0].tag-object.tags.aws:x"
        );
        assert_eq!(
            err_field("remediation: {rules: [{name: a, actions: [{tag-object: {tags: {k: '{secret}'}}}]}]}"),
            "remediation.rules[0].actions[0].tag-object.tags.k"
        );
        assert_eq!(
            err_field("remediation: {rules: [{name: a, actions: []}]}"),
            "remediation.rules[0].actions"
        );
        assert_eq!(
            err_field("remediation: {rules: [{name: a, actions: [block-public-access]}, {name: a, actions: [block-public-access]}]}"),
            "remediation.rules[1].name"
        );
        assert_eq!(
            err_field("remediation: {rules: [{name: a, match: {buckets: [Prod_Bucket]}, actions: [block-public-access]}]}"),
            "remediation.rules[0].match.buckets[0]"
        );
    }

    #[test]
    fn an_unknown_key_is_reported_with_its_path() {
        let Err(PolicyError::Yaml(msg)) =
            load("remediation: {rules: [{name: a, mtch: {}, actions: [block-public-access]}]}")
        else {
            panic!("expected a YAML error");
        };
        assert!(msg.contains("mtch"), "{msg}");
    }

    #[test]
    fn quarantine_without_a_bucket_needs_the_deployment_default() {
        let text = "remediation: {rules: [{name: a, actions: [quarantine]}]}";
        let e = RemediationPolicy::from_config_yaml(text, &LoadOptions::default()).unwrap_err();
        assert!(
            matches!(e, PolicyError::Field { ref field, .. } if field == "remediation.rules[0].actions[0].quarantine.bucket")
        );
        let p = load(text).unwrap();
        assert_eq!(
            p.rules[0].actions[0],
            Action::Quarantine {
                bucket: "q-bucket".into(),
                prefix: DEFAULT_QUARANTINE_PREFIX.into(),
                delete_original: false
            }
        );
    }

    #[test]
    fn mode_parses_from_the_environment_words() {
        assert_eq!("DRY_RUN".parse::<Mode>().unwrap(), Mode::DryRun);
        assert_eq!(" enforce".parse::<Mode>().unwrap(), Mode::Enforce);
        assert!("yes".parse::<Mode>().is_err());
    }

    #[test]
    fn globs() {
        assert!(glob_match("prod-*", "prod-data"));
        assert!(glob_match("prod-*", "prod-"));
        assert!(!glob_match("prod-*", "dev-prod-x"));
        assert!(glob_match("*-logs-??", "a-logs-01"));
        assert!(!glob_match("*-logs-??", "a-logs-1"));
        assert!(glob_match("SensitiveData:*", "SensitiveData:S3Object/Personal"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b*c", "axxbyy"));
    }
}

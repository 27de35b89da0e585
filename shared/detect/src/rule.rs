//! Identifiers as data: the YAML rule files under `shared/detect/rules/`, embedded at build
//! time, and their compiled form.

use std::collections::HashSet;
use std::sync::OnceLock;

use regex_automata::meta::Regex;
use regex_automata::util::captures::Captures;
use serde::Deserialize;
use sluice_finding::{Category, Severity, SeverityRow, SeverityRule};

use crate::keywords::keyword_variants;
use crate::validators::{self, Validator};
use crate::DetectError;

/// Where a rule comes from, which decides its ID prefix and how it is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// One of Macie's managed data identifiers, by Macie's ID.
    Managed,
    /// One of Sluice's own identifiers (`SLUICE_*`), for data Macie has no identifier for.
    Sluice,
    /// A custom data identifier from the configuration file.
    Custom,
}

/// A text a rule is tested on: plain free text, or a value with its structured context
/// (a column header, the elements of a JSON path).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Example {
    Text(String),
    WithContext { text: String, context: Vec<String> },
}

impl Example {
    pub fn text(&self) -> &str {
        match self {
            Example::Text(t) => t,
            Example::WithContext { text, .. } => text,
        }
    }
    pub fn context(&self) -> Vec<&str> {
        match self {
            Example::Text(_) => Vec::new(),
            Example::WithContext { context, .. } => context.iter().map(String::as_str).collect(),
        }
    }
}

/// One rule as written in a rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Macie's ID, or `SLUICE_…` for Sluice's own. Several rules may share one ID (variants
    /// of one identifier, such as a phone number with a keyword or with a country code).
    pub id: String,
    pub name: String,
    pub category: Category,
    /// Severity for 1, 2–99 and 100+ occurrences (Macie's matrix, macie.md §5.3).
    pub severity: [Severity; 3],
    /// Rust `regex` syntax. A named group `value` marks the part that is validated,
    /// suppressed, allow-listed and located; without it the whole match is the value.
    pub pattern: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Defaults to true when `keywords` is not empty.
    #[serde(default)]
    pub keyword_required: Option<bool>,
    /// Literals (case-insensitive) one of which occurs in every match: the prefilter for a
    /// rule that needs no keyword. A rule with neither keywords nor anchors is scanned by the
    /// gate pass of all unanchored rules.
    #[serde(default)]
    pub anchors: Vec<String>,
    /// The anchors are words that stand as terms in every match (street types in an
    /// address), so a hit glued inside a longer word (`st` in `request`) is no hit.
    #[serde(default)]
    pub anchor_terms: bool,
    /// Every anchor begins a term in every match (the pattern has `\b` or a non-alphanumeric
    /// character before it: `\bghp_…`) and may run on into the token: it is looked up from
    /// term starts with the keywords, instead of everywhere by the gate.
    #[serde(default)]
    pub anchors_start_terms: bool,
    /// An anchor opens its line in every match (only spaces or tabs before it: a form's
    /// label, `Name: …`): hits elsewhere on a line are no hits.
    #[serde(default)]
    pub anchors_open_lines: bool,
    /// A short pattern that matches inside every match, for a rule whose every match holds
    /// something rarer than its literals (a US address ends in a state and a ZIP code): it
    /// joins the gate pass, and the rule runs only on the lines around its matches, up to
    /// `max_len` before and after. For rules without keywords or anchors.
    #[serde(default)]
    pub trigger: Option<String>,
    /// A byte class (`[A-Za-z ,.\x80-\xff]`) holding every byte of every match but its first,
    /// for a rule found through the gate whose pattern has no look-around but `^`. No match
    /// can hold another byte but as its first, so a search that starts at such a byte finds
    /// what a search from the line's start finds, and none of those matches runs past the next
    /// such byte: the rule then runs from the last of them before each gate match's end to
    /// the first after it, instead of over the whole line.
    #[serde(default)]
    pub inner_bytes: Option<String>,
    #[serde(default)]
    pub validator: Option<String>,
    /// Values never reported (documentation examples, issuer test numbers), compared on
    /// their letters and digits only, case-insensitively.
    #[serde(default)]
    pub suppress: Vec<String>,
    /// Drop a match when a match of one of these IDs overlaps it (for example the
    /// no-keyword credit card rule yields to the keyword one).
    #[serde(default)]
    pub yields_to: Vec<String>,
    /// Longest match in bytes, which bounds the window searched around a keyword or anchor.
    #[serde(default = "default_max_len")]
    pub max_len: usize,
    /// Matches may span lines (private keys).
    #[serde(default)]
    pub multiline: bool,
    /// The rule's match spans fields of one record (an access key ID and its secret): it also
    /// runs over a structured record's fields written out as one line (`Engine::scan_record`).
    #[serde(default)]
    pub across_fields: bool,
    /// A match that is a whole value of a structured column (CSV/Excel column, JSON path)
    /// whose values are mostly hex tokens of its length is one of those tokens, not this
    /// identifier (a digits-only hash that passes the Luhn check is no card number). The
    /// pipeline decides once the object is read.
    #[serde(default)]
    pub skip_hex_token_columns: bool,
    /// In Macie's RECOMMENDED set (macie.md §1.6).
    #[serde(default)]
    pub recommended: bool,
    /// Off unless selected by name (for example IPv4 addresses).
    #[serde(default = "yes")]
    pub enabled_by_default: bool,
    pub examples: Vec<Example>,
    pub negative_examples: Vec<Example>,
}

fn default_max_len() -> usize {
    128
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
struct RuleFile {
    rules: Vec<RuleSpec>,
}

/// The rule files, embedded by `build.rs` (one `(file name, contents)` per `rules/*.yaml`).
const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// Every built-in rule spec, in file order.
pub fn builtin_specs() -> Result<Vec<RuleSpec>, DetectError> {
    let mut specs = Vec::new();
    for (file, text) in EMBEDDED {
        let parsed: RuleFile =
            serde_yaml_ng::from_str(text).map_err(|e| DetectError::Rules(format!("{file}: {e}")))?;
        specs.extend(parsed.rules);
    }
    Ok(specs)
}

/// Keyword requirement of a custom identifier: Macie's "keyword precedes the match within
/// `maximumMatchDistance`" rather than the managed identifiers' 30-character window.
#[derive(Debug, Clone)]
pub struct CustomTerms {
    pub ignore_words: Vec<String>,
    pub max_match_distance: usize,
}

/// A rule ready to run.
#[derive(Debug)]
pub struct CompiledRule {
    pub id: String,
    pub name: String,
    pub category: Category,
    pub origin: Origin,
    pub severity: SeverityRule,
    pub regex: LazyRegex,
    pub(crate) has_value_group: bool,
    pub keywords: Vec<String>,
    pub keyword_required: bool,
    pub anchors: Vec<String>,
    pub anchor_terms: bool,
    pub anchors_start_terms: bool,
    pub anchors_open_lines: bool,
    pub trigger: Option<String>,
    /// `inner_bytes`, one entry per byte.
    pub inner_bytes: Option<Box<[bool; 256]>>,
    pub validator: Option<(String, Validator)>,
    pub(crate) suppress: HashSet<String>,
    pub yields_to: Vec<String>,
    pub max_len: usize,
    pub multiline: bool,
    pub across_fields: bool,
    pub skip_hex_token_columns: bool,
    pub recommended: bool,
    pub enabled_by_default: bool,
    pub(crate) custom: Option<CustomTerms>,
}

impl CompiledRule {
    pub fn from_spec(spec: &RuleSpec) -> Result<CompiledRule, DetectError> {
        let origin = if spec.id.starts_with("SLUICE_") { Origin::Sluice } else { Origin::Managed };
        let err =
            |field: &str, msg: String| DetectError::Rule { id: spec.id.clone(), field: field.into(), msg };
        // Parsing is cheap; compiling 260 patterns is most of the engine's build time, so a
        // built-in rule compiles on its first use (the tests compile every one).
        regex_syntax::ast::parse::Parser::new()
            .parse(&spec.pattern)
            .map_err(|e| err("pattern", e.to_string()))?;
        let regex = LazyRegex::new(ascii_digits_and_boundaries(&spec.pattern));
        let has_value_group = spec.pattern.contains("(?P<value>") || spec.pattern.contains("(?<value>");
        let validator = match &spec.validator {
            None => None,
            Some(name) => Some((
                name.clone(),
                validators::lookup(name)
                    .ok_or_else(|| err("validator", format!("unknown validator `{name}`")))?,
            )),
        };
        if let Some(trigger) = &spec.trigger {
            regex_syntax::ast::parse::Parser::new()
                .parse(trigger)
                .map_err(|e| err("trigger", e.to_string()))?;
            if !spec.keywords.is_empty() || !spec.anchors.is_empty() {
                return Err(err("trigger", "a rule with a trigger has no keywords or anchors".into()));
            }
        }
        let inner_bytes = match &spec.inner_bytes {
            None => None,
            Some(class) => {
                Some(inner_byte_table(class, &spec.pattern).map_err(|msg| err("inner_bytes", msg))?)
            }
        };
        if spec.anchors_start_terms {
            if spec.anchor_terms {
                return Err(err(
                    "anchors_start_terms",
                    "anchor_terms already makes the anchors whole terms".into(),
                ));
            }
            if let Some(a) = spec.anchors.iter().find(|a| !a.starts_with(|c: char| c.is_ascii_alphanumeric()))
            {
                return Err(err(
                    "anchors_start_terms",
                    format!("anchor `{a}` does not begin with a letter or digit"),
                ));
            }
        }
        let keyword_required = spec.keyword_required.unwrap_or(!spec.keywords.is_empty());
        if keyword_required && spec.keywords.is_empty() {
            return Err(err("keywords", "keyword_required is true but no keywords are listed".into()));
        }
        if spec.examples.len() < 2 || spec.negative_examples.len() < 2 {
            return Err(err(
                "examples",
                "every rule needs at least 2 examples and 2 negative_examples".into(),
            ));
        }
        Ok(CompiledRule {
            id: spec.id.clone(),
            name: spec.name.clone(),
            category: spec.category,
            origin,
            severity: SeverityRule::Matrix(SeverityRow(spec.severity)),
            regex,
            has_value_group,
            keywords: spec.keywords.iter().flat_map(|k| keyword_variants(k)).collect(),
            keyword_required,
            anchors: spec.anchors.clone(),
            anchor_terms: spec.anchor_terms,
            anchors_start_terms: spec.anchors_start_terms,
            anchors_open_lines: spec.anchors_open_lines,
            trigger: spec.trigger.as_deref().map(ascii_digits_and_boundaries),
            inner_bytes,
            validator,
            suppress: spec.suppress.iter().map(|s| normalize_value(s)).collect(),
            yields_to: spec.yields_to.clone(),
            max_len: spec.max_len,
            multiline: spec.multiline,
            across_fields: spec.across_fields,
            skip_hex_token_columns: spec.skip_hex_token_columns,
            recommended: spec.recommended,
            enabled_by_default: spec.enabled_by_default,
            custom: None,
        })
    }

    /// The span of the value inside a regex match: the `value` group when the rule has one.
    pub(crate) fn value_span(&self, caps: &Captures) -> Option<(usize, usize)> {
        let group = if self.has_value_group { self.regex.value_group()? } else { 0 };
        let m = caps.get_group(group)?;
        Some((m.start, m.end))
    }

    /// Validator, suppressions and Sluice's global rule that all-zero IDs are placeholders.
    pub(crate) fn accepts_value(&self, value: &str) -> bool {
        if let Some((_, validate)) = &self.validator {
            if !validate(value) {
                return false;
            }
        }
        if self.is_suppressed(value) {
            return false;
        }
        self.origin != Origin::Managed || !is_zero_placeholder(value)
    }

    /// Whether the value is one of the rule's documentation examples ([`normalize_value`]'s
    /// form). An ASCII value is normalized on the stack: a string built for every candidate
    /// token cost more than its validator (18% of scanning log lines that hold a Stripe key).
    fn is_suppressed(&self, value: &str) -> bool {
        if self.suppress.is_empty() {
            return false;
        }
        let mut buf = [0u8; 128];
        if !value.is_ascii() || value.len() > buf.len() {
            return self.suppress.contains(&normalize_value(value));
        }
        let mut n = 0;
        for b in value.bytes().filter(u8::is_ascii_alphanumeric) {
            buf[n] = b.to_ascii_uppercase();
            n += 1;
        }
        self.suppress.contains(std::str::from_utf8(&buf[..n]).expect("ASCII letters and digits"))
    }

    /// Custom identifiers drop a match that contains an ignore word (case-sensitive).
    pub(crate) fn ignored(&self, matched: &str) -> bool {
        self.custom.as_ref().is_some_and(|c| c.ignore_words.iter().any(|w| matched.contains(w.as_str())))
    }
}

/// Whether a value's letters and digits are all `0`, four or more of them (`000-00-0000`):
/// a placeholder, not an ID.
fn is_zero_placeholder(value: &str) -> bool {
    let mut zeros = 0;
    for c in value.chars().filter(|c| c.is_alphanumeric()) {
        if c != '0' {
            return false;
        }
        zeros += 1;
    }
    zeros >= 4
}

/// A rule's regex, compiled on first use and then shared by every thread.
///
/// `regex_automata`'s meta regex (what the `regex` crate wraps) rather than the `regex`
/// crate's: a rule's value group is found by an anchored search over the match already found
/// (the `regex` crate's `captures_at` searches for the match again first, two more passes of
/// its automata over every candidate).
#[derive(Debug)]
pub struct LazyRegex {
    pattern: String,
    compiled: OnceLock<(Regex, Option<usize>)>,
}

impl LazyRegex {
    pub fn new(pattern: String) -> LazyRegex {
        LazyRegex { pattern, compiled: OnceLock::new() }
    }

    /// Already compiled (custom identifiers are compiled when the configuration is read, so
    /// that a bad pattern is an error before any scan).
    pub fn compiled(pattern: &str, regex: Regex) -> LazyRegex {
        let value = value_group(&regex);
        LazyRegex { pattern: pattern.to_string(), compiled: OnceLock::from((regex, value)) }
    }

    pub fn get(&self) -> &Regex {
        &self.compiled_pair().0
    }

    /// The index of the `value` group, if the pattern has one.
    pub fn value_group(&self) -> Option<usize> {
        self.compiled_pair().1
    }

    fn compiled_pair(&self) -> &(Regex, Option<usize>) {
        self.compiled.get_or_init(|| {
            let regex = Regex::new(&self.pattern)
                .unwrap_or_else(|e| panic!("built-in pattern fails to compile: {e}"));
            let value = value_group(&regex);
            (regex, value)
        })
    }

    pub fn as_str(&self) -> &str {
        &self.pattern
    }
}

/// The index of a compiled pattern's group named `value`.
fn value_group(regex: &Regex) -> Option<usize> {
    regex.group_info().to_index(regex_automata::PatternID::ZERO, "value")
}

/// The bytes of an `inner_bytes` class, as a table; and a check that the rule's pattern
/// looks at nothing around its match but the text's start (a look-around at a window's end
/// would see the window's end instead of the byte there).
fn inner_byte_table(class: &str, pattern: &str) -> Result<Box<[bool; 256]>, String> {
    if !(class.starts_with('[') && class.ends_with(']')) {
        return Err(format!("`{class}` is not one bracketed byte class"));
    }
    let bytes = regex::bytes::Regex::new(&format!("^(?s-u:{class})$")).map_err(|e| e.to_string())?;
    let mut table = Box::new([false; 256]);
    for (b, inner) in table.iter_mut().enumerate() {
        *inner = bytes.is_match(&[b as u8]);
    }
    // Windows start and end at the other bytes: they must be ASCII, so never inside a
    // character.
    if !table[0x80..].iter().all(|&inner| inner) {
        return Err(format!("`{class}` must hold every byte from \\x80 to \\xff"));
    }
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(&ascii_digits_and_boundaries(pattern))
        .map_err(|e| e.to_string())?;
    let mut looks = Vec::new();
    collect_looks(&hir, &mut looks);
    if let Some(look) = looks.iter().find(|l| **l != regex_syntax::hir::Look::Start) {
        return Err(format!(
            "the pattern looks around its match ({look:?}): only `^` may be used with inner_bytes"
        ));
    }
    Ok(table)
}

fn collect_looks(hir: &regex_syntax::hir::Hir, out: &mut Vec<regex_syntax::hir::Look>) {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Look(look) => out.push(*look),
        HirKind::Repetition(r) => collect_looks(&r.sub, out),
        HirKind::Capture(c) => collect_looks(&c.sub, out),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().for_each(|h| collect_looks(h, out)),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) => {}
    }
}

/// A built-in pattern with `\d` read as `[0-9]` and `\b` as an ASCII word boundary.
///
/// The regex crate reads both as Unicode by default: every decimal digit of every script, and
/// word characters of every script. Compiled, that made the rules' automata ~2.5 times larger
/// (all 260 compiled took 108 MB instead of 43 MB, past the scanner's memory budget), for no
/// gain: every validator reads ASCII digits, and Macie's identifiers are ASCII digits. Rules
/// that need letters of other scripts say so with `\p{…}` classes, which stay as they are.
/// Custom identifiers keep the user's pattern untouched.
pub(crate) fn ascii_digits_and_boundaries(pattern: &str) -> String {
    // A pattern about letters of other scripts (`\p{Lu}`, `Ñ`) keeps Unicode word boundaries:
    // `\bÉmile` must still start at a word.
    let ascii_boundaries = pattern.is_ascii() && !pattern.contains("\\p{");
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    // Depth of `[...]` classes, so that `\d` inside one becomes a range, not a nested class.
    let mut class_depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('d') if class_depth > 0 => out.push_str("0-9"),
                Some('d') => out.push_str("[0-9]"),
                Some('D') if class_depth == 0 => out.push_str("[^0-9]"),
                Some('b') if class_depth == 0 && ascii_boundaries => out.push_str("(?-u:\\b)"),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            '[' => {
                out.push(c);
                class_depth += 1;
                if chars.peek() == Some(&'^') {
                    out.push(chars.next().expect("peeked"));
                }
                // A `]` first in a class is a literal.
                if chars.peek() == Some(&']') {
                    out.push(chars.next().expect("peeked"));
                }
            }
            ']' if class_depth > 0 => {
                out.push(c);
                class_depth -= 1;
            }
            _ => out.push(c),
        }
    }
    out
}

/// Letters and digits only, upper-cased: how suppressions and allow-list texts compare.
pub(crate) fn normalize_value(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect()
}

#[cfg(test)]
mod tests {
    use super::ascii_digits_and_boundaries as ascii;

    #[test]
    fn digits_and_boundaries_become_ascii() {
        assert_eq!(ascii(r"\b\d{3}-\d{2}\b"), r"(?-u:\b)[0-9]{3}-[0-9]{2}(?-u:\b)");
        assert_eq!(ascii(r"[\d .-]{4}[^\d]\D"), r"[0-9 .-]{4}[^0-9][^0-9]");
        assert_eq!(ascii(r"[]\d]\d"), r"[]0-9][0-9]", "a leading ] is a literal");
        assert_eq!(ascii(r"[a-z[\d]]\d"), r"[a-z[0-9]][0-9]", "nested classes");
        assert_eq!(ascii(r"\\d\\b\p{Lu}\s\w\."), r"\\d\\b\p{Lu}\s\w\.", "escaped backslashes, other escapes");
        assert_eq!(ascii(r"\b\p{Lu}\d"), r"\b\p{Lu}[0-9]", "Unicode boundaries where letters are");
        assert_eq!(ascii(r"\b[A-ZÑ]{4}\d"), r"\b[A-ZÑ]{4}[0-9]");
        let re = regex::Regex::new(&ascii(r"\b\p{Lu}\p{Ll}+straße")).unwrap();
        assert!(re.is_match("Östliche Östlichestraße"), "a word that starts with a non-ASCII letter");
        let re = regex::Regex::new(&ascii(r"\b\d{3}\b")).unwrap();
        assert!(re.is_match("id 123 x"));
        assert!(!re.is_match("id ١٢٣ x"), "Arabic-Indic digits are not read as digits");
    }

    #[test]
    fn inner_bytes_must_be_a_byte_class_over_a_pattern_that_looks_only_at_the_start() {
        let table =
            super::inner_byte_table(r"[A-Za-z ,\x80-\xff]", r"(?:^|[^A-Za-z])[A-Z][a-z]+ [A-Z][a-z]+")
                .expect("a class and a pattern with `^` only");
        assert!(table[b'a' as usize] && table[b' ' as usize] && table[b',' as usize] && table[0xc3]);
        assert!(!table[b'/' as usize] && !table[b'\n' as usize] && !table[b'.' as usize]);
        let err = |class: &str, pattern: &str| super::inner_byte_table(class, pattern).unwrap_err();
        assert!(err("A-Z", "[A-Z]+").contains("bracketed"), "not a class");
        assert!(err("[A-Za-z]", "[A-Z]+").contains("\\x80"), "bytes outside ASCII left out");
        assert!(err(r"[A-Za-z\x80-\xff]", r"\b[A-Z]+").contains("looks around"), "a word boundary");
        assert!(err(r"[A-Za-z\x80-\xff]", r"[A-Z]+$").contains("looks around"), "an end anchor");
    }

    #[test]
    fn values_of_zeros_are_placeholders() {
        use super::is_zero_placeholder as zeros;
        assert!(zeros("000-00-0000") && zeros("0000") && zeros("00 00"));
        assert!(!zeros("000") && !zeros("000-00-0001") && !zeros("0000a") && !zeros("O000"));
        assert!(!zeros(""), "no letters or digits");
    }

    #[test]
    fn suppressions_match_as_normalized_on_either_path() {
        let spec =
            super::builtin_specs().unwrap().into_iter().find(|s| s.id == "STRIPE_CREDENTIALS").unwrap();
        let rule = super::CompiledRule::from_spec(&spec).unwrap();
        let example = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";
        assert!(rule.is_suppressed(example));
        assert!(rule.is_suppressed("SK-TEST-4EC39HQLYJWDARJTT1ZDP7DC"), "case and separators");
        assert!(!rule.is_suppressed("sk_test_4eC39HqLyjWDarjtT1zdp7dd"));
        // Outside ASCII, and longer than the stack buffer: the allocating path, same answer.
        assert!(rule.is_suppressed("sk_test_4eC39HqLyjWDarjtT1zdp7dc\u{00a0}"));
        assert!(rule.is_suppressed(&format!("{example}{}", "-".repeat(200))));
        assert!(!rule.is_suppressed(&format!("{example}{}x", "-".repeat(200))));
        for value in [example, "sk_test_x", "é", &"9".repeat(300)] {
            assert_eq!(
                rule.is_suppressed(value),
                rule.suppress.contains(&super::normalize_value(value)),
                "{value}"
            );
        }
    }
}

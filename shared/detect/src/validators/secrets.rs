//! Validators for Sluice's own identifiers (`SLUICE_*`): service tokens with a checksum or a
//! fixed structure, connection strings and password assignments whose value must not be a
//! placeholder, e-mail and IPv4 addresses, and ABA routing numbers.

use base64::Engine;

use super::{digits, Validator};

pub(super) const VALIDATORS: &[(&str, Validator)] = &[
    ("github_token", github_token),
    ("github_token_checksum", |v| base62_crc32_token(v, 4)),
    ("npm_token", npm_token),
    ("aba_routing", aba_routing),
    ("aws_access_key_id", aws_access_key_id),
    ("azure_storage_key", azure_storage_key),
    ("email_address", email_address),
    ("ipv4_address", ipv4_address),
    ("connection_string_password", connection_string_password),
    ("secret_value", secret_value),
    ("random_part", random_part),
    ("random_mixed_case", random_mixed_case),
    ("slack_token", slack_token),
    ("azure_sas", azure_sas),
];

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn base62_decode(s: &str) -> Option<u64> {
    s.bytes().try_fold(0u64, |acc, b| {
        let d = BASE62.iter().position(|&c| c == b)? as u64;
        acc.checked_mul(62)?.checked_add(d)
    })
}

/// GitHub's token format (github.blog, "Behind GitHub's new authentication token formats",
/// 2021-04-05) and npm's (github.blog, "Announcing npm's new access token format",
/// 2021-09-23): a prefix, 30 random base62 characters, then the CRC32 of those 30 characters
/// in base62 (`0-9A-Za-z`), left-padded with `0` to 6 characters. `prefix_len` counts the
/// prefix with its underscore (`ghp_`, `npm_`: 4).
pub fn base62_crc32_token(v: &str, prefix_len: usize) -> bool {
    let b = v.as_bytes();
    if b.len() != prefix_len + 36 || !b[prefix_len..].iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let (body, check) = v[prefix_len..].split_at(30);
    base62_decode(check) == Some(crc32fast::hash(body.as_bytes()) as u64)
}

/// Whether a random-looking token body is rather a placeholder or a hand-typed sample:
/// few distinct characters (`xxxx…`, `0000…`), long runs of one character, keyboard or
/// alphabet sequences, or words such as EXAMPLE.
pub fn looks_like_placeholder(body: &str) -> bool {
    let b = body.as_bytes();
    if b.is_empty() {
        return true;
    }
    let mut distinct = [false; 256];
    for &c in b {
        distinct[c as usize] = true;
    }
    let n = distinct.iter().filter(|&&x| x).count();
    // A random base62 string of 16+ characters has about 14+ distinct characters; sample
    // values such as `xxxx…` or `abcabc…` have far fewer.
    if n * 3 < b.len().min(40) {
        return true;
    }
    let mut run = 1;
    let mut seq = 1;
    for w in b.windows(2) {
        run = if w[1] == w[0] { run + 1 } else { 1 };
        seq = if w[1] == w[0].wrapping_add(1) { seq + 1 } else { 1 };
        if run >= 5 || seq >= 6 {
            return true;
        }
    }
    let lower = body.to_ascii_lowercase();
    ["example", "xxxxx", "placeholder", "redacted", "yourtoken", "your_token", "dummy", "sample", "fake"]
        .iter()
        .any(|w| lower.contains(w))
}

/// The longest run of ASCII letters and digits: the random body of a prefixed token
/// (`xoxb-…-<body>`, `dop_v1_<body>`), which placeholders fill with `x` or `0`.
fn longest_alnum_run(v: &str) -> &str {
    v.split(|c: char| !c.is_ascii_alphanumeric()).max_by_key(|s| s.len()).unwrap_or("")
}

/// A structured token whose random part is not an obvious placeholder (`xoxb-000…`,
/// `.../XXXXXXXXXXXXXXXXXXXXXXXX`).
fn random_part(v: &str) -> bool {
    !looks_like_placeholder(longest_alnum_run(v))
}

/// A random base62/base64url token body: not a placeholder, and with both upper- and
/// lower-case letters, which a random body of 16+ such characters all but always has
/// (P(no upper-case letter in 20 characters) is about 3e-5). Words glued to a prefix
/// (`glpat-tokens-documentation`) have one case only.
fn random_mixed_case(v: &str) -> bool {
    random_part(v) && v.bytes().any(|b| b.is_ascii_uppercase()) && v.bytes().any(|b| b.is_ascii_lowercase())
}

/// Slack tokens: numeric workspace / user IDs then a random tail of 20+ characters.
fn slack_token(v: &str) -> bool {
    let tail = v.rsplit('-').next().unwrap_or("");
    v.len() >= 40 && tail.len() >= 20 && random_part(v)
}

/// Azure shared access signature: a storage service version `sv=YYYY-MM-DD` and a `sig=`
/// that, URL-decoded, is the base64 of a 32-byte HMAC-SHA256 (Azure Storage REST reference,
/// "Create a service SAS").
fn azure_sas(v: &str) -> bool {
    let has_version = v.split(['?', '&']).any(|p| {
        p.strip_prefix("sv=")
            .is_some_and(|d| d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-')
    });
    let sig = v.split(['?', '&']).find_map(|p| p.strip_prefix("sig="));
    let Some(sig) = sig else { return false };
    let decoded = sig
        .replace("%2B", "+")
        .replace("%2b", "+")
        .replace("%2F", "/")
        .replace("%2f", "/")
        .replace("%3D", "=")
        .replace("%3d", "=");
    has_version
        && base64::engine::general_purpose::STANDARD.decode(decoded.as_bytes()).is_ok_and(|b| b.len() == 32)
        && !looks_like_placeholder(&decoded)
}

/// GitHub `gh[pousr]_` tokens: the CRC32 check passes, or the body is at least not a
/// placeholder. Real tokens always pass the check; the fallback keeps tokens that were
/// produced by other generators (test fixtures, rotated-format look-alikes) but still drops
/// `ghp_xxxx…`. Fine-grained `github_pat_` tokens have no published checksum.
fn github_token(v: &str) -> bool {
    if let Some(rest) = v.strip_prefix("github_pat_") {
        return rest.len() == 82 && !looks_like_placeholder(rest);
    }
    base62_crc32_token(v, 4) || (v.len() == 40 && !looks_like_placeholder(&v[4..]))
}

/// npm `npm_` tokens: same scheme as GitHub's.
fn npm_token(v: &str) -> bool {
    base62_crc32_token(v, 4) || (v.len() == 40 && !looks_like_placeholder(&v[4..]))
}

/// ABA routing transit number: 9 digits, weights 3-7-1 sum to a multiple of 10, and the
/// first two digits are a Federal Reserve routing symbol (00–12 government / 01–12 banks,
/// 21–32 thrifts, 61–72 electronic, 80 traveller's cheques) — ABA "Routing Number Policy".
fn aba_routing(v: &str) -> bool {
    let d = digits(v);
    if d.len() != 9 {
        return false;
    }
    let prefix = d[0] * 10 + d[1];
    if !matches!(prefix, 0..=12 | 21..=32 | 61..=72 | 80) {
        return false;
    }
    if d.iter().all(|&x| x == d[0]) {
        return false;
    }
    let sum: u32 = d.iter().zip([3u32, 7, 1].iter().cycle()).map(|(&x, &w)| x as u32 * w).sum();
    sum.is_multiple_of(10)
}

/// AWS access key IDs: a 4-letter type prefix and 16 characters of RFC 4648 base32
/// (`A-Z2-7`), 20 in all (AWS IAM "Unique identifiers" reference).
fn aws_access_key_id(v: &str) -> bool {
    const PREFIXES: [&str; 10] =
        ["AKIA", "ASIA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "ABIA", "ACCA"];
    v.len() == 20
        && PREFIXES.iter().any(|p| v.starts_with(p))
        && v[4..].bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
        && !looks_like_placeholder(&v[4..])
}

/// Azure storage account keys: 88 characters of standard base64 decoding to 64 bytes.
fn azure_storage_key(v: &str) -> bool {
    v.len() == 88
        && v.ends_with("==")
        && base64::engine::general_purpose::STANDARD.decode(v).is_ok_and(|b| b.len() == 64)
        && !looks_like_placeholder(v)
}

/// E-mail addresses, a practical subset of RFC 5322 `addr-spec` (dot-atom local part,
/// DNS host name): no leading, trailing or doubled dots, labels of 1–63 letters, digits and
/// inner hyphens, an alphabetic top-level domain of 2–24 letters (or `xn--` IDN), and not an
/// image density suffix (`icon@2x.png`) or a local host.
fn email_address(v: &str) -> bool {
    let Some((local, domain)) = v.rsplit_once('@') else { return false };
    if local.is_empty() || local.len() > 64 || domain.len() > 253 {
        return false;
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return false;
    }
    // Message-IDs and tracking addresses (`<6128881c-0c86-4bfd-…@host>`): a local part
    // holding a long hexadecimal run (a UUID or hash) names a message, not a person.
    let hex_run = local
        .split(|c: char| !c.is_ascii_hexdigit() && c != '-')
        .map(|r| r.replace('-', ""))
        .filter(|r| {
            r.len() >= 20
                && r.bytes().any(|b| b.is_ascii_digit())
                && r.bytes().any(|b| b.is_ascii_alphabetic())
        })
        .count();
    if hex_run > 0 {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    for l in &labels {
        if l.is_empty()
            || l.len() > 63
            || l.starts_with('-')
            || l.ends_with('-')
            || !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return false;
        }
    }
    let tld = labels[labels.len() - 1].to_ascii_lowercase();
    let tld_ok = (2..=24).contains(&tld.len()) && tld.bytes().all(|b| b.is_ascii_alphabetic())
        || (tld.starts_with("xn--") && tld.len() >= 5);
    if !tld_ok {
        return false;
    }
    // Image names at a pixel density (`logo@2x.png`) and file names that look like domains.
    let first = labels[0].to_ascii_lowercase();
    if labels.len() == 2
        && first.len() <= 3
        && first.ends_with('x')
        && first[..first.len() - 1].bytes().all(|b| b.is_ascii_digit())
    {
        return false;
    }
    const FILE_EXT: [&str; 14] =
        ["png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "js", "ts", "css", "map", "json", "lock", "tgz"];
    if FILE_EXT.contains(&tld.as_str())
        && labels.len() == 2
        && labels[0].bytes().all(|b| b.is_ascii_digit() || b == b'x')
    {
        return false;
    }
    !domain.eq_ignore_ascii_case("localhost.localdomain")
}

/// IPv4 dotted quad: exactly four decimal octets 0–255 without leading zeros (a leading
/// zero means octal to some parsers, and `01.02.03.04` is more often a date or a version).
fn ipv4_address(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && !(p.len() > 1 && p.starts_with('0'))
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
        && v != "0.0.0.0"
}

/// Whether a secret value is a placeholder rather than a real secret: empty, masked
/// (`***`, `xxxx`), a template or variable reference (`${DB_PASSWORD}`, `{{ pw }}`, `<pw>`,
/// `%PW%`, `$PW`, `process.env.PW`, `os.getenv(…)`), or a well-known stand-in word
/// (`password`, `changeme`, `secret`, `null`…). `changeme` and `password` are treated as
/// placeholders although they sometimes work as real defaults: they are public knowledge,
/// not a leaked secret, and reporting them would flood results with sample configuration.
pub fn is_placeholder_secret(v: &str) -> bool {
    let v = v.trim().trim_matches(|c| c == '"' || c == '\'' || c == '`');
    if v.chars().count() < 4 {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    // Masked or filler values.
    if v.chars().all(|c| matches!(c, '*' | 'x' | 'X' | '.' | '#' | '-' | '_' | '•' | '?' | '0')) {
        return true;
    }
    // Templates and variable references.
    if v.starts_with('$')
        || v.starts_with('<')
        || v.starts_with("{{")
        || v.starts_with("{%")
        || v.starts_with("#{")
        || v.starts_with("@{")
        || (v.starts_with('%') && v.ends_with('%'))
        || (v.starts_with('[') && v.ends_with(']'))
        || (v.starts_with('(') && v.ends_with(')'))
        || v.contains("${")
        || v.contains("{{")
    {
        return true;
    }
    for p in [
        "process.env",
        "os.environ",
        "os.getenv",
        "getenv(",
        "env(",
        "env.",
        "environ[",
        "config.",
        "settings.",
        "secrets.",
        "vault:",
        "self.",
        "this.",
        "params.",
        "args.",
        "request.",
        "ref+",
        "arn:aws:secretsmanager",
    ] {
        if lower.starts_with(p) || lower.contains(&format!("({p}")) {
            return true;
        }
    }
    if lower.contains("getenv") || lower.contains("environ") {
        return true;
    }
    // File paths (`PWD=/home/app`), not passwords.
    if v.starts_with('/') || v.starts_with("~/") || v.starts_with("./") || v.starts_with("..") {
        return true;
    }
    // A function call or property access in code: `get_password()`, `cfg.db.password`.
    let ident = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
    // A function call, type or property access in code: `get_password()`, `input(`,
    // `Option<String>`, `cfg.db.password`, `newPassword`.
    if let Some(i) = v.find(['(', '<', '[']) {
        if i > 0
            && ident(&v[..i])
            && (v.ends_with(')') || v.ends_with('(') || v.ends_with('>') || v.ends_with(']'))
        {
            return true;
        }
    }
    if ident(v) && (v.contains('.') || v.contains('_')) && !v.bytes().any(|b| b.is_ascii_digit()) {
        return true;
    }
    // A name in code (`dbPassword`, `api_token`), unless a digit stands for a letter inside
    // a word (`S3cretPassw0rd`): people write passwords so, names in code are rarely spelt so.
    let leet = v
        .as_bytes()
        .windows(3)
        .any(|w| w[0].is_ascii_alphabetic() && w[1].is_ascii_digit() && w[2].is_ascii_alphabetic());
    if ident(v)
        && !leet
        && ["pass", "pwd", "secret", "token", "key", "cred"].iter().any(|w| lower.contains(w))
    {
        return true;
    }
    let word: String = lower.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    const WORDS: &[&str] = &[
        "password",
        "passwd",
        "pass",
        "pwd",
        "changeme",
        "changeit",
        "secret",
        "mysecret",
        "null",
        "none",
        "nil",
        "undefined",
        "empty",
        "example",
        "test",
        "testing",
        "dummy",
        "placeholder",
        "redacted",
        "removed",
        "hidden",
        "masked",
        "sample",
        "default",
        "todo",
        "tbd",
        "fixme",
        "notset",
        "unset",
        "required",
        "optional",
        "string",
        "yourpassword",
        "mypassword",
        "enterpassword",
        "newpassword",
        "oldpassword",
        "password123",
        "secretkey",
        "true",
        "yes",
        "enabled",
        "disabled",
        "files",
        "compat",
        "ldap",
        "sss",
        "winbind",
        "systemd",
    ];
    if WORDS.contains(&word.as_str()) || word == "false" || word == "xxxx" {
        return true;
    }
    [
        "your",
        "example",
        "placeholder",
        "xxxx",
        "****",
        "redacted",
        "changeme",
        "change_me",
        "replace",
        "insert",
        "dummy",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// A hard-coded secret value (password assignment): not a placeholder.
fn secret_value(v: &str) -> bool {
    !is_placeholder_secret(v)
}

/// A connection string (URL with `user:password@`, JDBC `password=`, ADO.NET `Password=`)
/// whose password is present and not a placeholder.
fn connection_string_password(v: &str) -> bool {
    password_of_connection_string(v).is_some_and(|p| !is_placeholder_secret(&p))
}

fn password_of_connection_string(v: &str) -> Option<String> {
    if let Some(i) = v.find("://") {
        let rest = &v[i + 3..];
        // The authority ends at the first `/`, `?` or `#` after the last `@` of the userinfo.
        let authority = &rest[..rest.find(['/', '?', '#', ';']).map_or(rest.len(), |e| {
            // A password may itself hold `/` or `?`: extend to the last `@` when there is one.
            rest.rfind('@').map_or(e, |a| e.max(a + 1))
        })];
        if let Some(at) = authority.rfind('@') {
            if let Some((_, pw)) = authority[..at].split_once(':') {
                return Some(pw.to_string());
            }
        }
    }
    // Oracle thin: `jdbc:oracle:thin:user/password@host:1521/service`.
    if let Some(i) = v.find(":thin:") {
        let rest = &v[i + 6..];
        if let Some(at) = rest.find('@') {
            if let Some((_, pw)) = rest[..at].split_once('/') {
                return Some(pw.to_string());
            }
        }
    }
    // Key-value forms: `password=…;`, `Pwd = …&`.
    let lower = v.to_ascii_lowercase();
    for key in ["password", "pwd", "passwd"] {
        let mut from = 0;
        while let Some(p) = lower[from..].find(key) {
            let s = from + p;
            let boundary = s == 0 || !lower.as_bytes()[s - 1].is_ascii_alphanumeric();
            let after = v[s + key.len()..].trim_start();
            if boundary {
                if let Some(val) = after.strip_prefix('=') {
                    let end = val.find([';', '&']).unwrap_or(val.len());
                    return Some(val[..end].trim().to_string());
                }
            }
            from = s + key.len();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a GitHub-style token from a 30-character body, as the GitHub blog describes.
    fn make_token(prefix: &str, body: &str) -> String {
        let mut n = crc32fast::hash(body.as_bytes()) as u64;
        let mut check = Vec::new();
        while n > 0 {
            check.push(BASE62[(n % 62) as usize]);
            n /= 62;
        }
        while check.len() < 6 {
            check.push(b'0');
        }
        check.reverse();
        format!("{prefix}{body}{}", String::from_utf8(check).unwrap())
    }

    #[test]
    fn github_crc32_checksum() {
        // Synthetic token generated here by the scheme of the GitHub blog post above.
        let t = make_token("ghp_", "R4nd0mB0dyF0rTest1ngCrc32Sch3m");
        assert_eq!(t.len(), 40);
        assert!(base62_crc32_token(&t, 4), "{t}");
        // The same value computed independently (Python: zlib.crc32 + base62 0-9A-Za-z).
        assert!(base62_crc32_token("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", 4));
        // One character of the checksum changed, or of the body.
        let mut bad = t.clone().into_bytes();
        bad[39] = if bad[39] == b'A' { b'B' } else { b'A' };
        assert!(!base62_crc32_token(std::str::from_utf8(&bad).unwrap(), 4));
        let mut bad = t.into_bytes();
        bad[10] = if bad[10] == b'q' { b'r' } else { b'q' };
        assert!(!base62_crc32_token(std::str::from_utf8(&bad).unwrap(), 4));
        // npm uses the same scheme.
        let n = make_token("npm_", "Zq8VtK2mW9pLr4Xc7Ny1Bh6Jd3Fs5G");
        assert!(base62_crc32_token(&n, 4));
        assert!(npm_token(&n));
    }

    #[test]
    fn github_token_fallback_rejects_placeholders() {
        assert!(github_token("ghp_wQ3mZ8rT1kLp9Xv2Nc7Bh4Jd6Fs0GyU5aEiO"));
        assert!(!github_token("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
        assert!(!github_token("ghp_0123456789abcdefghijklmnopqrstuvwxyz"));
        assert!(!github_token("ghp_EXAMPLEaB3dE5fG7hJ9kL1mN3pQ5rS7tV9wX"));
        assert!(github_token(
            "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"
        ));
    }

    #[test]
    fn aba_routing_vectors() {
        // Federal Reserve Bank of New York routing number 021000021 (JPMorgan Chase NY),
        // and 011000015 (FRB Boston), both published on the banks' sites.
        assert!(aba_routing("021000021"));
        assert!(aba_routing("011000015"));
        assert!(!aba_routing("021000022"), "check digit mutated");
        assert!(!aba_routing("401000021"), "prefix 40 is not a routing symbol");
        assert!(!aba_routing("111111111"));
        assert!(!aba_routing("02100002"));
    }

    #[test]
    fn aws_key_ids() {
        assert!(aws_access_key_id("AKIAQ4B7ZMN3XKTR5WPL"));
        assert!(aws_access_key_id("ASIAY3G3X2Y7XTHB6LYN"));
        assert!(!aws_access_key_id("AKIAXXXXXXXXXXXXXXXX"));
        assert!(!aws_access_key_id("AKIAQ4B7ZMN3XKTR5WP1"), "1 is not base32");
        assert!(!aws_access_key_id("AKZAQ4B7ZMN3XKTR5WPL"));
    }

    #[test]
    fn azure_keys() {
        let k = base64::engine::general_purpose::STANDARD
            .encode((0u8..64).map(|i| i.wrapping_mul(37) ^ 0x5a).collect::<Vec<_>>());
        assert_eq!(k.len(), 88);
        assert!(azure_storage_key(&k));
        assert!(!azure_storage_key(&k[..86]));
        assert!(!azure_storage_key(&format!("{}==", "A".repeat(86))));
    }

    #[test]
    fn emails() {
        for ok in [
            "jane.doe@example.co.uk",
            "a_b+tag@mail.example.io",
            "x@xn--80ak6aa92e.xn--p1ai",
            "ops@sub.domain.dev",
        ] {
            assert!(email_address(ok), "{ok}");
        }
        for bad in [
            "user@localhost",
            "logo@2x.png",
            "a..b@host.com",
            ".a@host.com",
            "a@host.c0m",
            "a@-host.com",
            "a@1.2.3.4",
        ] {
            assert!(!email_address(bad), "{bad}");
        }
    }

    #[test]
    fn ipv4() {
        assert!(ipv4_address("192.168.10.254"));
        assert!(ipv4_address("8.8.8.8"));
        for bad in ["256.1.1.1", "1.2.3", "1.2.3.4.5", "01.02.03.04", "0.0.0.0"] {
            assert!(!ipv4_address(bad), "{bad}");
        }
    }

    #[test]
    fn placeholders() {
        for p in [
            "${DB_PASSWORD}",
            "<password>",
            "****",
            "password",
            "changeme",
            "{{ db_pass }}",
            "%DB_PASS%",
            "$DB_PASS",
            "null",
            "",
            "xxxxxxxx",
            "os.getenv(\"PW\")",
            "process.env.DB_PASSWORD",
            "your_password_here",
            "settings.DB_PASSWORD",
            "get_password()",
            "user_password",
        ] {
            assert!(is_placeholder_secret(p), "{p}");
        }
        for s in ["Winter899%zS2", "hunter2!x", "Tr0ub4dor&3", "s3cr3t-P4ss"] {
            assert!(!is_placeholder_secret(s), "{s}");
        }
    }

    #[test]
    fn sas_signature() {
        // sig = base64 of 32 bytes, URL-encoded; a synthetic value made for this test.
        let sig = base64::engine::general_purpose::STANDARD
            .encode((0u8..32).map(|i| i.wrapping_mul(53) ^ 0x3c).collect::<Vec<_>>());
        let enc = sig.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D");
        let sas = format!("sv=2022-11-02&ss=b&srt=co&sp=rl&se=2025-01-01T00:00:00Z&spr=https&sig={enc}");
        assert!(azure_sas(&sas), "{sas}");
        assert!(!azure_sas(&sas.replace("sv=2022-11-02&", "")));
        assert!(!azure_sas(&format!("sv=2022-11-02&sig={}", &enc[..20])));
    }

    #[test]
    fn random_parts() {
        assert!(random_part("xoxb-123456789012-1234567890123-Vq3Lm8ZkT2pWx7RbN4cJd9Hs"));
        assert!(!random_part("xoxb-000000000000-0000000000000-xxxxxxxxxxxxxxxxxxxxxxxx"));
        assert!(!random_part(
            "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
        ));
    }

    #[test]
    fn connection_strings() {
        assert!(connection_string_password(
            "mongodb+srv://svc:Tx57#A3/D?x@c0.mongodb.net/prod?retryWrites=true"
        ));
        assert!(connection_string_password("jdbc:oracle:thin:scott/Tg7#pQ2x@db:1521/ORCL"));
        assert!(connection_string_password("postgres://app:Qx7!pLm2@db.internal:5432/app"));
        assert!(connection_string_password("Server=db1;Database=crm;User Id=sa;Password=Vt9#kLm2q;"));
        assert!(connection_string_password(
            "jdbc:sqlserver://db:1433;databaseName=crm;user=sa;password=Vt9#kLm2q"
        ));
        assert!(!connection_string_password("postgres://app@db.internal:5432/app"));
        assert!(!connection_string_password("postgres://app:${DB_PASSWORD}@db:5432/app"));
        assert!(!connection_string_password("mysql://root:<password>@localhost/db"));
        assert!(!connection_string_password("Server=db1;User Id=sa;Password=****;"));
    }
}

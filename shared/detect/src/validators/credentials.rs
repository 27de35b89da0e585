//! Validators for credentials: AWS secret keys, HTTP Basic headers, JSON Web Tokens, private
//! key blocks (PEM, OpenSSH, PGP) and Stripe keys.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;

use super::Validator;

pub(super) const VALIDATORS: &[(&str, Validator)] = &[
    ("aws_secret_key", aws_secret_key),
    ("http_basic_auth", http_basic_auth),
    ("jwt", jwt),
    ("pem_private_key", pem_private_key),
    ("openssh_private_key", openssh_private_key),
    ("pgp_private_key", pgp_private_key),
    ("stripe_key", stripe_key),
    ("random_token", random_token),
];

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const B64: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const B64URL: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// Number of distinct characters: a real random secret has many, a placeholder
/// (`xxxxxxxx`, `1234abcd1234abcd`) few.
fn distinct(s: &str) -> usize {
    let mut seen = [false; 128];
    s.bytes().filter(|b| b.is_ascii()).for_each(|b| seen[b as usize] = true);
    seen.iter().filter(|&&x| x).count()
}

/// Looks random: enough distinct characters for its length and no 5-character run of one
/// character.
fn random_token(s: &str) -> bool {
    let b = s.as_bytes();
    let runs = b.windows(5).any(|w| w.iter().all(|&x| x == w[0]));
    !runs && distinct(s) >= (s.len() / 3).clamp(6, 16)
}

/// AWS secret access key: 40 characters of base64 (A-Z a-z 0-9 / +), as random as AWS issues
/// them: upper and lower case letters and digits all present (a SHA-1 hex digest or a path is
/// not one), and not a placeholder.
fn aws_secret_key(v: &str) -> bool {
    v.len() == 40
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+')
        && v.bytes().any(|b| b.is_ascii_uppercase())
        && v.bytes().any(|b| b.is_ascii_lowercase())
        && v.bytes().any(|b| b.is_ascii_digit())
        && random_token(v)
}

/// RFC 7617 credentials: base64 of `user-id ":" password`, printable text.
fn http_basic_auth(v: &str) -> bool {
    let Ok(raw) = B64.decode(v.trim()) else { return false };
    let Ok(text) = String::from_utf8(raw) else { return false };
    text.contains(':') && text.len() >= 3 && !text.chars().any(char::is_control)
}

/// RFC 7519 / 7515 compact JWS: the header is base64url of a JSON object with an `alg`
/// member; the payload decodes; the signature (empty when unsigned) is base64url.
fn jwt(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    if parts.len() != 3 {
        return false;
    }
    let Ok(header) = B64URL.decode(parts[0]) else { return false };
    let Ok(header) = String::from_utf8(header) else { return false };
    let h = header.trim();
    if !(h.starts_with('{') && h.ends_with('}') && h.contains("\"alg\"")) {
        return false;
    }
    B64URL.decode(parts[1]).is_ok()
        && parts[2].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The base64 body of an armored block: the lines between BEGIN and END, without armor
/// headers (`Proc-Type:`, `Version:`), blank lines, the PGP checksum line (`=abcd`) or the
/// `\n` escapes of a key pasted into JSON.
fn armor_body(v: &str) -> String {
    let v = v.replace("\\r", "\n").replace("\\n", "\n");
    let mut lines = v.lines().map(str::trim).filter(|l| !l.is_empty());
    lines.next(); // BEGIN line
    let mut out = String::new();
    for l in lines {
        if l.starts_with("-----END") {
            break;
        }
        if l.contains(':') || l.starts_with('=') {
            continue;
        }
        out.extend(l.chars().filter(|c| !c.is_whitespace()));
    }
    out
}

/// The label of a `-----BEGIN X-----` / `-----END X-----` line.
fn label<'a>(v: &'a str, marker: &str) -> Option<&'a str> {
    let s = &v[v.find(marker)? + marker.len()..];
    Some(s[..s.find("-----")?].trim())
}

/// A PEM private key (RFC 7468 `PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`; OpenSSL's traditional
/// `RSA`/`EC`/`DSA PRIVATE KEY`): END matches BEGIN, the body is base64 of a DER SEQUENCE
/// (0x30) unless it is encrypted with a `Proc-Type` header.
fn pem_private_key(v: &str) -> bool {
    let (Some(begin), Some(end)) = (label(v, "-----BEGIN "), label(v, "-----END ")) else { return false };
    if begin != end || !begin.ends_with("PRIVATE KEY") {
        return false;
    }
    let body = armor_body(v);
    if body.len() < 64
        || !body.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
    {
        return false;
    }
    if v.contains("Proc-Type:") {
        return true;
    }
    B64.decode(&body[..64]).is_ok_and(|der| der.first() == Some(&0x30))
}

/// An OpenSSH private key: the body is base64 of `openssh-key-v1\0` (OpenSSH PROTOCOL.key).
fn openssh_private_key(v: &str) -> bool {
    let body = armor_body(v);
    body.len() >= 64 && B64.decode(&body[..64]).is_ok_and(|raw| raw.starts_with(b"openssh-key-v1\0"))
}

/// An OpenPGP secret key block (RFC 4880 §6.2 armor): a base64 body long enough to hold a key.
fn pgp_private_key(v: &str) -> bool {
    let body = armor_body(v);
    body.len() >= 100
        && body.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
        && B64.decode(&body[..100]).is_ok()
}

/// A Stripe key `sk_|rk_|pk_` + `live_|test_` + a random part (not a placeholder).
fn stripe_key(v: &str) -> bool {
    let secret = v.splitn(3, '_').nth(2).unwrap_or("");
    secret.len() >= 16 && random_token(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws() {
        // Shape of AWS's documented example key (IAM User Guide), which the rule suppresses.
        assert!(aws_secret_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
        assert!(aws_secret_key("R1PrTa1sMSqQceCTb1UUmd5+vtgleCeKP+ge2CcW"));
        assert!(!aws_secret_key("d9409c2bf5d0152cf17a3012b2c8a14ae523157b"), "SHA-1 hex");
        assert!(!aws_secret_key("XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX1"));
    }

    #[test]
    fn basic_auth() {
        // RFC 7617 §2 example: Aladdin:open sesame.
        assert!(http_basic_auth("QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
        assert!(!http_basic_auth("QWxhZGRpbjpvcGVuIHNlc2FtZQ=x"));
        assert!(!http_basic_auth("realm"));
        assert!(!http_basic_auth("YWRtaW4="), "no colon: admin");
    }

    #[test]
    fn json_web_token() {
        // RFC 7519 §3.1 example JWT.
        let t = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert!(jwt(t));
        // RFC 7519 §6.1 unsecured JWT (alg none, empty signature).
        assert!(jwt("eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."));
        // Header without alg (base64url of {"typ":"JWT"}).
        assert!(!jwt("eyJ0eXAiOiJKV1QifQ.eyJpc3MiOiJqb2UifQ.abc"));
        assert!(!jwt("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UifQ"));
    }

    #[test]
    fn pem() {
        let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\nMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n";
        assert!(pem_private_key(&format!("-----BEGIN PRIVATE KEY-----\n{body}-----END PRIVATE KEY-----")));
        assert!(!pem_private_key(&format!(
            "-----BEGIN PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----"
        )));
        assert!(!pem_private_key(&format!("-----BEGIN PUBLIC KEY-----\n{body}-----END PUBLIC KEY-----")));
        assert!(!pem_private_key("-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----"));
        // JSON-escaped, as in a GCP service-account file.
        let esc = format!(
            "-----BEGIN PRIVATE KEY-----\\n{}-----END PRIVATE KEY-----\\n",
            body.replace('\n', "\\n")
        );
        assert!(pem_private_key(&esc));
    }

    #[test]
    fn openssh_and_pgp() {
        let k = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDv8xPprw8jkHOhW66xHbOU2LCU7AdATF8/he09pbZ0cgAAAJhFXOT8RVzk\n-----END OPENSSH PRIVATE KEY-----";
        assert!(openssh_private_key(k));
        assert!(!openssh_private_key(&k.replace("b3Bl", "c3Bl")));
        let p = "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\nlQSwBGLpPlQBA+60tZWan0sovJFjoBPR6pLNnoPAQWlfj9aMdyWh4JYTd8Zzr8OY\ndZU0Wqtaq/ssXFeFpBu6KbNlaMY4akGwHyuu0dFJF8rg++pfSVlwYXslrWMn7KaS\n=abcd\n-----END PGP PRIVATE KEY BLOCK-----";
        assert!(pgp_private_key(p));
        assert!(!pgp_private_key(
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\n...\n-----END PGP PRIVATE KEY BLOCK-----"
        ));
    }

    #[test]
    fn stripe() {
        assert!(stripe_key("sk_live_WiUMvVSpTbF39dCn5Tkcwl1x"));
        assert!(!stripe_key("sk_live_xxxxxxxxxxxxxxxxxxxxxxxx"));
        assert!(!stripe_key("sk_live_1234"));
    }
}

//! Keywords as Macie reads them: case-insensitive, a space also matching `_`, `-` or nothing,
//! and only as a whole term (so `sin` is not found in `using`).

/// A keyword and the spellings Macie also accepts for it (macie.md §1.1).
///
/// Matching folds ASCII case only (that keeps it one fast automaton), so a keyword with
/// non-ASCII letters also gets its upper-case form: `NÚMERO` as well as `número`.
pub fn keyword_variants(keyword: &str) -> Vec<String> {
    let k = keyword.trim().to_lowercase();
    let mut out = vec![k.clone()];
    if k.contains(' ') {
        for sep in ["_", "-", ""] {
            out.push(k.replace(' ', sep));
        }
    }
    if !k.is_ascii() {
        let upper: Vec<String> = out.iter().map(|v| v.to_uppercase()).collect();
        out.extend(upper);
    }
    out.dedup();
    out
}

/// Whether the keyword found at `start..end` of `text` stands as a term of its own: not glued
/// to letters or digits on either side, except across a camelCase boundary (`customerSsn`).
pub fn is_term(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let first = text[start..end].chars().next();
    let last = text[start..end].chars().next_back();
    let after = text[end..].chars().next();
    // A camelCase boundary counts only after a lower-case run of two or more letters:
    // `homePhone` has the keyword `phone`, `iPhone` does not.
    let camel_before = |b: char| {
        b.is_lowercase() && text[..start - b.len_utf8()].chars().next_back().is_some_and(char::is_lowercase)
    };
    let ok_before = match (before, first) {
        (None, _) => true,
        (Some(b), Some(f)) => {
            !b.is_alphanumeric() || !f.is_alphanumeric() || (f.is_uppercase() && camel_before(b))
        }
        _ => true,
    };
    let ok_after = match (last, after) {
        (_, None) => true,
        (Some(l), Some(a)) => {
            !a.is_alphanumeric() || !l.is_alphanumeric() || (l.is_lowercase() && a.is_uppercase())
        }
        _ => true,
    };
    ok_before && ok_after
}

/// Number of characters between two byte offsets (`a <= b`), for the 30-character window.
pub fn char_gap(text: &str, a: usize, b: usize) -> usize {
    let s = &text.as_bytes()[a..b];
    if s.is_ascii() {
        s.len()
    } else {
        text[a..b].chars().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaced_keywords_get_joined_variants() {
        assert_eq!(
            keyword_variants("Social Security"),
            vec!["social security", "social_security", "social-security", "socialsecurity"]
        );
        assert_eq!(keyword_variants("ssn"), vec!["ssn"]);
        assert_eq!(keyword_variants("Número"), vec!["número", "NÚMERO"]);
    }

    #[test]
    fn terms_need_boundaries() {
        let t = "using sin: customer_ssn customerSsn ssn1";
        assert!(!is_term(t, 2, 5), "sin inside using");
        assert!(is_term(t, 6, 9));
        let p = t.find("_ssn").unwrap() + 1;
        assert!(is_term(t, p, p + 3), "snake_case");
        let p = t.find("Ssn").unwrap();
        assert!(is_term(t, p, p + 3), "camelCase");
        let ua = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3) homePhone";
        let p = ua.find("Phone").unwrap();
        assert!(!is_term(ua, p, p + 5), "iPhone is not a phone keyword");
        let p = ua.rfind("Phone").unwrap();
        assert!(is_term(ua, p, p + 5), "homePhone is");
        let p = t.rfind("ssn").unwrap();
        assert!(!is_term(t, p, p + 3), "glued to a digit");
    }

    #[test]
    fn gap_counts_characters() {
        let t = "clé: 123";
        assert_eq!(char_gap(t, 0, t.find('1').unwrap()), 5);
    }
}

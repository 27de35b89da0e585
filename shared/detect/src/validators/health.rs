//! Validators for protected health information: provider, beneficiary, drug and device
//! identifiers.

use super::checksum::luhn;
use super::{alnum_upper, digits, Validator};

pub(super) const VALIDATORS: &[(&str, Validator)] = &[
    ("dea_number", dea_number),
    ("hicn", hicn),
    ("canada_health_number", canada_health_number),
    ("ehic_number", ehic_number),
    ("fi_ehic_number", fi_ehic_number),
    ("fr_nir_key", fr_nir_key),
    ("nhs_number", nhs_number),
    ("mbi", mbi),
    ("npi", npi),
    ("gs1_udi", gs1_udi),
    ("hibcc_udi", hibcc_udi),
];

/// DEA registration number: registrant-type letter, a letter (surname initial or 9), seven
/// digits whose last is (d1+d3+d5 + 2·(d2+d4+d6)) mod 10 (DEA, 21 CFR 1301).
fn dea_number(v: &str) -> bool {
    let c = alnum_upper(v);
    if c.len() != 9 || !b"ABCDEFGHJKLMPRSTUX".contains(&c[0]) {
        return false;
    }
    if !(c[1].is_ascii_uppercase() || c[1] == b'9') || !c[2..].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let d: Vec<u32> = c[2..].iter().map(|b| (b - b'0') as u32).collect();
    (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10 == d[6]
}

/// Medicare HICN: the claimant's SSN (SSA issuance rules) plus a beneficiary identification
/// code: a letter from the CMS BIC list and an optional digit.
fn hicn(v: &str) -> bool {
    let c = alnum_upper(v);
    if c.len() < 10 || c.len() > 11 || !c[..9].iter().all(u8::is_ascii_digit) {
        return false;
    }
    if !super::national::usa_ssn(std::str::from_utf8(&c[..9]).unwrap_or_default()) {
        return false;
    }
    if !b"ABCDEFHJKMTW".contains(&c[9]) {
        return false;
    }
    c.len() == 10 || c[10].is_ascii_digit()
}

/// Canadian provincial health numbers: Ontario (10 digits, Luhn, optional 2-letter version
/// code), British Columbia PHN (10 digits starting 9, MOD 11 with weights 2 4 8 5 10 9 7 3),
/// Québec RAMQ (4 letters, YYMMDD with month +50 for women, 2 digits), and the 9-digit
/// numbers of the other provinces.
fn canada_health_number(v: &str) -> bool {
    let c = alnum_upper(v);
    let d = digits(v);
    if c.len() == 12 && c[..4].iter().all(u8::is_ascii_uppercase) && c[4..].iter().all(u8::is_ascii_digit) {
        let m = (c[6] - b'0') as u32 * 10 + (c[7] - b'0') as u32;
        let m = if m > 50 { m - 50 } else { m };
        let day = (c[8] - b'0') as u32 * 10 + (c[9] - b'0') as u32;
        return (1..=12).contains(&m) && (1..=31).contains(&day);
    }
    let letters = c.iter().filter(|b| b.is_ascii_alphabetic()).count();
    if d.len() == 10 && (letters == 0 || (letters == 2 && c[10..].iter().all(u8::is_ascii_uppercase))) {
        if luhn(&d) {
            return true;
        }
        if d[0] == 9 && letters == 0 {
            const W: [u32; 8] = [2, 4, 8, 5, 10, 9, 7, 3];
            let s: u32 = (0..8).map(|i| (d[i + 1] as u32 * W[i]) % 11).sum();
            let check = 11 - s % 11;
            return check < 10 && check == d[9] as u32;
        }
        return false;
    }
    d.len() == 9 && letters == 0
}

/// The ISO 3166 numeric codes of the EU/EEA states and Switzerland, which issue the EHIC.
const EHIC_COUNTRIES: &[u32] = &[
    40, 56, 100, 191, 196, 203, 208, 233, 246, 250, 276, 300, 348, 352, 372, 380, 428, 438, 440, 442, 470,
    528, 578, 616, 620, 642, 703, 705, 724, 752, 756, 826,
];

/// EHIC card identification number (Decision S2, field 8): 20 digits, an ISO/IEC 7812
/// health-sector issuer number `80` followed by the issuing state's ISO 3166 numeric code.
fn ehic_number(v: &str) -> bool {
    let d = digits(v);
    if d.len() != 20 || d[0] != 8 || d[1] != 0 {
        return false;
    }
    let cc = d[2] as u32 * 100 + d[3] as u32 * 10 + d[4] as u32;
    EHIC_COUNTRIES.contains(&cc)
}

/// Finland's EHIC (issued by Kela): card number with issuer prefix 80246.
fn fi_ehic_number(v: &str) -> bool {
    let d = digits(v);
    ehic_number(v) && d[2..5] == [2, 4, 6]
}

/// French NIR as on the carte Vitale: sex 1/2 (or 3/4/7/8 for provisional numbers), year,
/// month (01–12, 20–42 or 50–99 when unknown), department (digits or 2A/2B), commune,
/// order number and the key 97 − (NIR mod 97), Corsica counted as 19/18 (INSEE).
fn fr_nir_key(v: &str) -> bool {
    // The Carte Vitale number is the insured person's NIR.
    super::national::fr_nir(v)
}

/// NHS number: 10 digits, weights 10..2 over the first nine, check 11 − (sum mod 11), where
/// 11 means 0 and 10 is never issued (NHS Data Dictionary).
fn nhs_number(v: &str) -> bool {
    let d = digits(v);
    if d.len() != 10 {
        return false;
    }
    let s: u32 = (0..9).map(|i| d[i] as u32 * (10 - i as u32)).sum();
    let check = match 11 - s % 11 {
        11 => 0,
        10 => return false,
        c => c,
    };
    check == d[9] as u32
}

/// Medicare Beneficiary Identifier (CMS): 11 characters; position 1 a digit 1–9, 2/5/8/9
/// letters, 4/7/10/11 digits, 3/6 letter or digit; letters exclude S L O I B Z.
fn mbi(v: &str) -> bool {
    let c = alnum_upper(v);
    if c.len() != 11 {
        return false;
    }
    let alpha = |b: u8| b.is_ascii_uppercase() && !b"SLOIBZ".contains(&b);
    let num = |b: u8| b.is_ascii_digit();
    (b'1'..=b'9').contains(&c[0])
        && alpha(c[1])
        && (alpha(c[2]) || num(c[2]))
        && num(c[3])
        && alpha(c[4])
        && (alpha(c[5]) || num(c[5]))
        && num(c[6])
        && alpha(c[7])
        && alpha(c[8])
        && num(c[9])
        && num(c[10])
}

/// National Provider Identifier: 10 digits starting 1 or 2, Luhn over `80840` + the number
/// (CMS, "Requirements for NPI check digit").
fn npi(v: &str) -> bool {
    let d = digits(v);
    if d.len() != 10 || !(d[0] == 1 || d[0] == 2) {
        return false;
    }
    let mut full = vec![8, 0, 8, 4, 0];
    full.extend_from_slice(&d);
    luhn(&full)
}

/// GS1 UDI: the GTIN-14 after AI (01), with the GS1 mod-10 check digit (weights 3,1 from
/// the right).
fn gs1_udi(v: &str) -> bool {
    let Some(p) = v.find("01") else { return false };
    let g: Vec<u8> = v[p + 2..].bytes().skip_while(|&b| b == b')').take(14).collect();
    if g.len() != 14 || !g.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let d: Vec<u32> = g.iter().map(|b| (b - b'0') as u32).collect();
    let s: u32 = d[..13].iter().rev().enumerate().map(|(i, &x)| if i % 2 == 0 { 3 * x } else { x }).sum();
    (10 - s % 10) % 10 == d[13]
}

/// HIBCC UDI (ANSI/HIBC 2.6): `+`, labeler code, product code, unit of measure and a
/// modulus-43 check character over everything before it.
fn hibcc_udi(v: &str) -> bool {
    const T: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%";
    let b = v.as_bytes();
    if b.len() < 7 || b[0] != b'+' {
        return false;
    }
    let mut sum = 0usize;
    for &ch in &b[..b.len() - 1] {
        match T.iter().position(|&t| t == ch.to_ascii_uppercase()) {
            Some(i) => sum += i,
            None => return false,
        }
    }
    T[sum % 43] == b[b.len() - 1].to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dea() {
        // Worked example from Wikipedia ("DEA number"): AB1234563.
        assert!(dea_number("AB1234563"));
        assert!(!dea_number("AB1234564"), "mutated check digit");
        assert!(!dea_number("IB1234563"), "I is not a registrant type");
    }

    #[test]
    fn hicn_structure() {
        assert!(hicn("536228726A"));
        assert!(hicn("536-22-8726 B2"));
        assert!(!hicn("666228726A"));
        assert!(!hicn("536228726Z"));
    }

    #[test]
    fn canada() {
        // BC PHN example 9698 658 215 (BC Ministry of Health MSP teleplan specification).
        assert!(canada_health_number("9698 658 215"));
        assert!(!canada_health_number("9698 658 216"));
        // Ontario: Luhn over 10 digits, version code letters optional (check digit computed).
        assert!(canada_health_number("9876-543-217-AB"));
        assert!(!canada_health_number("9876-543-218-AB"));
        assert!(canada_health_number("TREM 8503 1512"));
        assert!(!canada_health_number("TREM 8513 1512"));
    }

    #[test]
    fn ehic() {
        assert!(ehic_number("80276001234567890123"));
        assert!(!ehic_number("80999001234567890123"));
        assert!(fi_ehic_number("80246000012345678901"));
        assert!(!fi_ehic_number("80276001234567890123"));
    }

    #[test]
    fn nir() {
        // Wikipedia ("NIR (France)"): 1 84 12 76 451 089 46.
        assert!(fr_nir_key("1 84 12 76 451 089 46"));
        assert!(!fr_nir_key("1 84 12 76 451 089 47"));
        assert!(!fr_nir_key("1 84 13 76 451 089 46"), "month 13");
    }

    #[test]
    fn nhs() {
        // NHS Digital's documented test number 943 476 5919.
        assert!(nhs_number("943 476 5919"));
        assert!(!nhs_number("943 476 5918"));
    }

    #[test]
    fn medicare_mbi() {
        // CMS's published example MBI 1EG4-TE5-MK73.
        assert!(mbi("1EG4-TE5-MK73"));
        assert!(mbi("1EG4TE5MK73"));
        assert!(!mbi("1EG4-TE5-MS73"), "S is excluded");
        assert!(!mbi("0EG4-TE5-MK73"));
    }

    #[test]
    fn npi_vectors() {
        // CMS example NPI 1234567893.
        assert!(npi("1234567893"));
        assert!(!npi("1234567894"));
        assert!(!npi("3234567893"));
    }

    #[test]
    fn udi() {
        // GS1 General Specifications example GTIN 00614141999996.
        assert!(gs1_udi("(01)00614141999996"));
        assert!(gs1_udi("(01)00614141999996(17)251231(10)A213B1"));
        assert!(!gs1_udi("(01)00614141999997"));
        // HIBCC: check character computed with the ANSI/HIBC 2.6 modulus-43 table.
        assert!(hibcc_udi("+H629CPL10005"));
        assert!(!hibcc_udi("+H629CPL10006"));
    }
}

//! Validators for financial identifiers: card numbers, expiry dates, magnetic-stripe tracks,
//! US/Canada account numbers and the domestic BBAN forms of France, Germany, Italy, Spain and
//! the UK.

use super::checksum::luhn;
use super::{digits, Validator};

pub(super) const VALIDATORS: &[(&str, Validator)] = &[
    ("credit_card", credit_card),
    ("card_expiration", card_expiration),
    ("magstripe", magstripe),
    ("bank_account_us", bank_account_us),
    ("bban_fr", bban_fr),
    ("bban_de", bban_de),
    ("bban_it", bban_it),
    ("bban_es", bban_es),
    ("bban_uk", bban_uk),
];

/// The number the first `n` digits form.
fn prefix(d: &[u8], n: usize) -> u32 {
    d.iter().take(n).fold(0u32, |a, &x| a * 10 + x as u32)
}

/// Whether an issuer uses this prefix with this length (IIN ranges as published by the
/// networks; summary on Wikipedia "Payment card number", "Issuer identification number").
pub fn issuer_accepts(d: &[u8]) -> bool {
    let n = d.len();
    if !(13..=19).contains(&n) {
        return false;
    }
    let p1 = prefix(d, 1);
    let p2 = prefix(d, 2);
    let p3 = prefix(d, 3);
    let p4 = prefix(d, 4);
    let p6 = prefix(d, 6);
    // Visa (incl. Electron 4026, 417500, 4508, 4844, 4913, 4917): 13, 16 or 19 digits.
    if p1 == 4 {
        return n == 13 || n == 16 || n == 19;
    }
    // American Express: 34, 37; 15 digits.
    if p2 == 34 || p2 == 37 {
        return n == 15;
    }
    // Diners Club: 300-305, 3095, 36, 38, 39; 14-19 digits.
    if (300..=305).contains(&p3) || p4 == 3095 || p2 == 36 || p2 == 38 || p2 == 39 {
        return (14..=19).contains(&n);
    }
    // JCB: 3528-3589; 16-19 digits.
    if (3528..=3589).contains(&p4) {
        return (16..=19).contains(&n);
    }
    // Mastercard: 51-55 and 2221-2720; 16 digits.
    if (51..=55).contains(&p2) || (2221..=2720).contains(&p4) {
        return n == 16;
    }
    // Dankort: 5019; 16 digits.
    if p4 == 5019 {
        return n == 16;
    }
    // Maestro: 5018, 5020, 5038, 5893, 6304, 6759, 6761-6763, and the 56-58 ranges; 13-19.
    if [5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763].contains(&p4) || (56..=58).contains(&p2) {
        return true;
    }
    // Discover: 6011, 644-649, 65, 622126-622925; 16-19 digits.
    if p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 || (622126..=622925).contains(&p6) {
        return (16..=19).contains(&n);
    }
    // UnionPay: 62; 16-19 digits.
    if p2 == 62 {
        return (16..=19).contains(&n);
    }
    false
}

/// A payment card number: issuer prefix and length, then Luhn.
fn credit_card(v: &str) -> bool {
    if v.bytes().any(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let d = digits(v);
    issuer_accepts(&d) && luhn(&d) && !d.iter().all(|&x| x == d[0])
}

fn month_from_name(s: &str) -> Option<u32> {
    const NAMES: [&str; 12] =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let lower = s.to_ascii_lowercase();
    NAMES.iter().position(|m| lower.starts_with(m)).map(|i| i as u32 + 1)
}

/// A card expiry: MM/YY, MM/YYYY, YYYY-MM, a month name with a year, or YY-Mon.
fn card_expiration(v: &str) -> bool {
    let letters: String = v.chars().filter(|c| c.is_ascii_alphabetic()).collect();
    let nums: Vec<&str> = v.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).collect();
    if !letters.is_empty() {
        // A month name: the whole word must be a month ("Feb", "February", "Sept").
        const FULL: [&str; 12] = [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ];
        let l = letters.to_ascii_lowercase();
        let Some(m) = month_from_name(&l) else { return false };
        let full = FULL[m as usize - 1];
        if !(full == l || l == full[..3] || l == "sept") {
            return false;
        }
        return nums.len() == 1 && (nums[0].len() == 2 || (nums[0].len() == 4 && nums[0].starts_with("20")));
    }
    if nums.len() != 2 {
        return false;
    }
    let (m, y) = if nums[0].len() == 4 { (nums[1], nums[0]) } else { (nums[0], nums[1]) };
    let month: u32 = m.parse().unwrap_or(0);
    (1..=12).contains(&month) && m.len() <= 2 && (y.len() == 2 || (y.len() == 4 && y.starts_with("20")))
}

/// ISO/IEC 7813 track 1 or 2: the PAN passes Luhn (13-19 digits) and the expiry YYMM has a
/// month 01-12.
fn magstripe(v: &str) -> bool {
    let body = v.trim_start_matches(['%', ';', 'B', 'b']);
    let pan_end = body.find(|c: char| !c.is_ascii_digit()).unwrap_or(body.len());
    let pan = digits(&body[..pan_end]);
    if !(13..=19).contains(&pan.len()) || !luhn(&pan) {
        return false;
    }
    // Track 1: PAN ^ NAME ^ YYMM; track 2: PAN = YYMM.
    let rest = &body[pan_end..];
    let after = if let Some(r) = rest.strip_prefix('=') {
        r
    } else {
        match rest.strip_prefix('^').and_then(|r| r.find('^').map(|i| &r[i + 1..])) {
            Some(r) => r,
            None => return false,
        }
    };
    let exp = digits(&after[..after.len().min(4)]);
    exp.len() == 4 && (1..=12).contains(&(exp[2] * 10 + exp[3]))
}

/// ABA routing number checksum (weights 3, 7, 1) with a Federal Reserve prefix (00-12,
/// 21-32, 61-72, 80): ABA's published routing number structure.
pub fn aba_routing(d: &[u8]) -> bool {
    if d.len() != 9 {
        return false;
    }
    let p = prefix(d, 2);
    if !(p <= 12 || (21..=32).contains(&p) || (61..=72).contains(&p) || p == 80) {
        return false;
    }
    let w = [3u32, 7, 1];
    let sum: u32 = d.iter().enumerate().map(|(i, &x)| x as u32 * w[i % 3]).sum();
    sum.is_multiple_of(10)
}

/// A US/Canada account number: 9-17 digits, not one repeated digit, not a routing number.
fn bank_account_us(v: &str) -> bool {
    let d = digits(v);
    (9..=17).contains(&d.len()) && !d.iter().all(|&x| x == d[0]) && !aba_routing(&d)
}

/// Letters and digits of a value, upper-cased.
fn compact(v: &str) -> String {
    v.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_uppercase()
}

/// The value is a BBAN of `len` characters, not the same BBAN inside a full IBAN (which the
/// country's IBAN rule reports).
fn bban(v: &str, len: usize) -> Option<String> {
    let c = compact(v);
    (c.len() == len).then_some(c)
}

/// French RIB key: 97 - ((89 × bank + 15 × branch + 3 × account) mod 97), account letters
/// mapped A,J→1 B,K,S→2 … I,R,Z→9 (Banque de France / Wikipedia "Clé RIB").
pub fn rib_key_ok(c: &str) -> bool {
    let b = c.as_bytes();
    if b.len() != 23 || !b[..10].iter().all(u8::is_ascii_digit) || !b[21..].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let acc = |x: u64, rem: &mut u64| *rem = (*rem * 10 + x) % 97;
    let mut bank = 0u64;
    for &x in &b[..5] {
        acc((x - b'0') as u64, &mut bank);
    }
    let mut branch = 0u64;
    for &x in &b[5..10] {
        acc((x - b'0') as u64, &mut branch);
    }
    let mut account = 0u64;
    for &x in &b[10..21] {
        let d = match x {
            b'0'..=b'9' => x - b'0',
            b'A'..=b'I' => x - b'A' + 1,
            b'J'..=b'R' => x - b'J' + 1,
            b'S'..=b'Z' => x - b'S' + 2,
            _ => return false,
        };
        acc(d as u64, &mut account);
    }
    let rem = (89 * bank + 15 * branch + 3 * account) % 97;
    let key = ((b[21] - b'0') * 10 + (b[22] - b'0')) as u64;
    97 - rem == key
}

fn bban_fr(v: &str) -> bool {
    bban(v, 23).is_some_and(|c| rib_key_ok(&c))
}

/// Germany: BLZ (8 digits, first digit 1-8 by the Bundesbank's numbering) + 10-digit account.
fn bban_de(v: &str) -> bool {
    bban(v, 18).is_some_and(|c| {
        let b = c.as_bytes();
        b.iter().all(u8::is_ascii_digit)
            && (b'1'..=b'8').contains(&b[0])
            && !b[8..].iter().all(|&x| x == b'0')
    })
}

/// Italian CIN: odd positions through the conversion table, even positions as their value,
/// sum mod 26 as a letter (Banca d'Italia; Wikipedia "Coordinate bancarie").
pub fn cin_ok(c: &str) -> bool {
    const ODD: [u32; 26] =
        [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
    let b = c.as_bytes();
    if b.len() != 23 || !b[0].is_ascii_uppercase() || !b[1..11].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut sum = 0u32;
    for (i, &x) in b[1..].iter().enumerate() {
        let v = match x {
            b'0'..=b'9' => (x - b'0') as u32,
            b'A'..=b'Z' => (x - b'A') as u32,
            _ => return false,
        };
        sum += if i % 2 == 0 { ODD[v as usize] } else { v };
    }
    (b'A' + (sum % 26) as u8) == b[0]
}

fn bban_it(v: &str) -> bool {
    bban(v, 23).is_some_and(|c| cin_ok(&c))
}

/// Spanish CCC control digits: weights 1,2,4,8,5,10,9,7,3,6 mod 11 over "00"+entity+office
/// and over the account (Wikipedia "Código cuenta cliente").
pub fn ccc_ok(c: &str) -> bool {
    let d = digits(c);
    if d.len() != 20 || c.len() != 20 {
        return false;
    }
    fn dc(x: &[u8]) -> u8 {
        const W: [u32; 10] = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];
        let r = 11 - x.iter().zip(W).map(|(&a, w)| a as u32 * w).sum::<u32>() % 11;
        match r {
            11 => 0,
            10 => 1,
            r => r as u8,
        }
    }
    let mut first = vec![0, 0];
    first.extend_from_slice(&d[..8]);
    dc(&first) == d[8] && dc(&d[10..]) == d[9]
}

fn bban_es(v: &str) -> bool {
    bban(v, 20).is_some_and(|c| ccc_ok(&c))
}

/// UK: sort code + 8-digit account (14 digits), or the ISO BBAN with its 4-letter bank code
/// (18 characters). No all-zero sort code or account.
fn bban_uk(v: &str) -> bool {
    let c = compact(v);
    let d = match c.len() {
        14 => c.as_str(),
        18 if c.as_bytes()[..4].iter().all(u8::is_ascii_uppercase) => &c[4..],
        _ => return false,
    };
    let b = d.as_bytes();
    b.iter().all(u8::is_ascii_digit)
        && !b[..6].iter().all(|&x| x == b'0')
        && !b[6..].iter().all(|&x| x == b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_numbers() {
        // Published issuer test PANs (Stripe/PayPal testing docs) are structurally valid.
        for ok in [
            "4111111111111111",
            "4222222222222",
            "5555 5555 5555 4444",
            "2223003122003222",
            "378282246310005",
            "3782-822463-10005",
            "30569309025904",
            "6011111111111117",
            "3530111333300000",
            "6200000000000005",
            "5019717010103742",
            "6759649826438453",
        ] {
            assert!(credit_card(ok), "{ok}");
        }
        // Mutated check digit, unknown issuer prefix, wrong length for the issuer.
        for bad in
            ["4111111111111112", "9373537990751167", "37828224631000", "5555555555554", "0000000000000000"]
        {
            assert!(!credit_card(bad), "{bad}");
        }
    }

    #[test]
    fn expiration_dates() {
        for ok in
            ["02/26", "02/2026", "02-26", "2026-02", "Feb 2026", "February 26", "26-Feb", "Sept 27", "1/27"]
        {
            assert!(card_expiration(ok), "{ok}");
        }
        for bad in ["13/26", "00/26", "Fab 2026", "2026-13", "02/1926", "Mayday 26"] {
            assert!(!card_expiration(bad), "{bad}");
        }
    }

    #[test]
    fn magnetic_stripe() {
        // Track layouts per ISO/IEC 7813 (Wikipedia "Magnetic stripe card"), Luhn-valid PAN.
        assert!(magstripe("%B4526018159083012^DOE/JANE^27031011234567890?"));
        assert!(magstripe(";4526018159083012=270310112345678?"));
        assert!(!magstripe(";4526018159083013=270310112345678?"), "mutated PAN check digit");
        assert!(!magstripe(";4526018159083012=271310112345678?"), "month 13");
    }

    #[test]
    fn us_accounts_and_routing() {
        // 026009593 and 021000021 are published ABA routing numbers (Bank of America, JPMorgan).
        assert!(aba_routing(&digits("026009593")));
        assert!(aba_routing(&digits("021000021")));
        assert!(!aba_routing(&digits("021000022")));
        assert!(bank_account_us("7293342172829"));
        assert!(bank_account_us("021000022"));
        assert!(!bank_account_us("021000021"));
        assert!(!bank_account_us("999999999"));
        assert!(!bank_account_us("12345678"));
    }

    #[test]
    fn french_rib() {
        // RIB of the ECBS IBAN example FR14 2004 1010 0505 0001 3M02 606 (key 06).
        assert!(bban_fr("20041 01005 0500013M026 06"));
        assert!(bban_fr("30004 00823 00010474612 21"));
        assert!(!bban_fr("20041 01005 0500013M026 07"));
        assert!(!bban_fr("FR14 2004 1010 0505 0001 3M02 606"), "IBAN, not BBAN");
    }

    #[test]
    fn italian_cin() {
        // ECBS IBAN example IT60 X054 2811 1010 0000 0123 456: CIN X.
        assert!(bban_it("X 05428 11101 000000123456"));
        assert!(!bban_it("Y 05428 11101 000000123456"));
    }

    #[test]
    fn spanish_ccc() {
        // ECBS IBAN example ES91 2100 0418 4502 0005 1332: control digits 45.
        assert!(bban_es("2100 0418 45 0200051332"));
        assert!(bban_es("2085-2066-62-0300012345"));
        assert!(!bban_es("2100 0418 46 0200051332"));
    }

    #[test]
    fn german_and_uk() {
        // ECBS IBAN examples DE89 3704 0044 0532 0130 00 and GB29 NWBK 6016 1331 9268 19.
        assert!(bban_de("37040044 0532013000"));
        assert!(!bban_de("07040044 0532013000"));
        assert!(!bban_de("DE89 3704 0044 0532 0130 00"));
        assert!(bban_uk("60-16-13 31926819"));
        assert!(bban_uk("NWBK 6016 1331 9268 19"));
        assert!(!bban_uk("GB29 NWBK 6016 1331 9268 19"));
        assert!(!bban_uk("00-00-00 31926819"));
    }
}

//! The check-digit algorithms several identifiers share.

use super::{digits, Validator};

pub(super) const VALIDATORS: &[(&str, Validator)] =
    &[("luhn", |v| luhn(&digits(v))), ("verhoeff", |v| verhoeff(&digits(v))), ("iban", iban)];

/// Luhn (ISO/IEC 7812-1): card numbers, SIN, SUBE, NPI (with its prefix), IMEI.
pub fn luhn(d: &[u8]) -> bool {
    if d.len() < 2 {
        return false;
    }
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let x = x as u32;
            if i % 2 == 1 {
                let y = x * 2;
                if y > 9 {
                    y - 9
                } else {
                    y
                }
            } else {
                x
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

const VERHOEFF_D: [[u8; 10]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P: [[u8; 10]; 8] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/// Verhoeff (dihedral group D5): India's Aadhaar.
pub fn verhoeff(d: &[u8]) -> bool {
    if d.is_empty() {
        return false;
    }
    let mut c = 0u8;
    for (i, &x) in d.iter().rev().enumerate() {
        c = VERHOEFF_D[c as usize][VERHOEFF_P[i % 8][x as usize] as usize];
    }
    c == 0
}

/// ISO 7064 MOD 97-10 over an alphanumeric string (letters count as 10..35), as IBANs use
/// once the first four characters are moved to the end.
pub fn mod97(s: &str) -> bool {
    let mut rem: u32 = 0;
    for c in s.chars() {
        let v = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            'a'..='z' => c as u32 - 'a' as u32 + 10,
            _ => return false,
        };
        rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
    }
    rem == 1
}

/// The IBAN length of each country that has one (ISO 13616 registry).
pub fn iban_length(country: &str) -> Option<usize> {
    const LENGTHS: &[(&str, usize)] = &[
        ("AD", 24),
        ("AE", 23),
        ("AL", 28),
        ("AT", 20),
        ("AZ", 28),
        ("BA", 20),
        ("BE", 16),
        ("BG", 22),
        ("BH", 22),
        ("BR", 29),
        ("BY", 28),
        ("CH", 21),
        ("CR", 22),
        ("CY", 28),
        ("CZ", 24),
        ("DE", 22),
        ("DK", 18),
        ("DO", 28),
        ("EE", 20),
        ("EG", 29),
        ("ES", 24),
        ("FI", 18),
        ("FO", 18),
        ("FR", 27),
        ("GB", 22),
        ("GE", 22),
        ("GI", 23),
        ("GL", 18),
        ("GR", 27),
        ("GT", 28),
        ("HR", 21),
        ("HU", 28),
        ("IE", 22),
        ("IL", 23),
        ("IQ", 23),
        ("IS", 26),
        ("IT", 27),
        ("JO", 30),
        ("KW", 30),
        ("KZ", 20),
        ("LB", 28),
        ("LC", 32),
        ("LI", 21),
        ("LT", 20),
        ("LU", 20),
        ("LV", 21),
        ("MC", 27),
        ("MD", 24),
        ("ME", 22),
        ("MK", 19),
        ("MR", 27),
        ("MT", 31),
        ("MU", 30),
        ("NL", 18),
        ("NO", 15),
        ("PK", 24),
        ("PL", 28),
        ("PS", 29),
        ("PT", 25),
        ("QA", 29),
        ("RO", 24),
        ("RS", 22),
        ("SA", 24),
        ("SC", 31),
        ("SE", 24),
        ("SI", 19),
        ("SK", 24),
        ("SM", 27),
        ("SN", 28),
        ("ST", 25),
        ("SV", 28),
        ("TL", 23),
        ("TN", 24),
        ("TR", 26),
        ("UA", 29),
        ("VA", 22),
        ("VG", 24),
        ("XK", 20),
    ];
    LENGTHS.iter().find(|(c, _)| *c == country).map(|(_, n)| *n)
}

/// An IBAN, with or without spaces and hyphens: known country, its exact length, mod 97.
pub fn iban(value: &str) -> bool {
    let compact: String =
        value.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_uppercase();
    if compact.len() < 15 || !compact.is_char_boundary(2) {
        return false;
    }
    match iban_length(&compact[..2]) {
        Some(n) if n == compact.len() => {}
        _ => return false,
    }
    if !compact[2..4].bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let rearranged = format!("{}{}", &compact[4..], &compact[..4]);
    mod97(&rearranged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mutate_last(s: &str) -> String {
        let mut v: Vec<char> = s.chars().collect();
        let i = v.iter().rposition(|c| c.is_ascii_digit()).unwrap();
        v[i] = char::from_digit((v[i].to_digit(10).unwrap() + 1) % 10, 10).unwrap();
        v.into_iter().collect()
    }

    #[test]
    fn luhn_vectors() {
        // ISO/IEC 7812 worked example and a published Visa test PAN.
        assert!(luhn(&digits("79927398713")));
        assert!(luhn(&digits("4111 1111 1111 1111")));
        assert!(!luhn(&digits(&mutate_last("79927398713"))));
    }

    #[test]
    fn verhoeff_vectors() {
        // Worked example from Verhoeff's paper as given on Wikipedia: 236 → check digit 3.
        assert!(verhoeff(&digits("2363")));
        assert!(!verhoeff(&digits("2364")));
        // UIDAI's published sample Aadhaar number format (check digit computed by Verhoeff).
        assert!(verhoeff(&digits("2341 2341 2346")));
        assert!(!verhoeff(&digits(&mutate_last("2341 2341 2346"))));
    }

    #[test]
    fn iban_vectors() {
        // ECBS / Wikipedia examples.
        for ok in [
            "GB82 WEST 1234 5698 7654 32",
            "DE89370400440532013000",
            "FR1420041010050500013M02606",
            "NL91ABNA0417164300",
        ] {
            assert!(iban(ok), "{ok}");
        }
        assert!(!iban("GB82 WEST 1234 5698 7654 33"), "mutated check");
        assert!(!iban("GB82 WEST 1234 5698 7654 3"), "wrong length");
        assert!(!iban("ZZ82WEST12345698765432"), "unknown country");
    }
}

//! Validators for contact details, dates of birth, coordinates and driver's licences.

use super::checksum::luhn;
use super::{digits, Validator};

pub(super) const VALIDATORS: &[(&str, Validator)] = &[
    ("nanp_phone", |v| !looks_like_ipv4(v) && nanp_phone(v)),
    ("uk_phone", |v| !looks_like_ipv4(v) && uk_phone(v)),
    ("fr_phone", |v| !looks_like_ipv4(v) && fr_phone(v)),
    ("de_phone", |v| !looks_like_ipv4(v) && de_phone(v)),
    ("it_phone", |v| !looks_like_ipv4(v) && it_phone(v)),
    ("es_phone", |v| !looks_like_ipv4(v) && es_phone(v)),
    ("br_phone", |v| !looks_like_ipv4(v) && br_phone(v)),
    ("date_of_birth", date_of_birth),
    ("lat_long", lat_long),
    ("uk_driving_licence", uk_driving_licence),
    ("se_personnummer", se_personnummer),
    ("fi_hetu", fi_hetu),
    ("has_letter_and_digit", has_letter_and_digit),
];

/// Strips a leading international prefix (`+CC`, `00CC`) when present; returns the national
/// significant digits and whether the prefix was there.
/// Four dot-separated groups of 1–3 digits: an IPv4 address (access logs are full of them),
/// never a phone number written with dots.
fn looks_like_ipv4(v: &str) -> bool {
    let parts: Vec<&str> = v.trim().split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
}

fn strip_cc(v: &str, cc: &[u8]) -> (Vec<u8>, bool) {
    let d = digits(v);
    let t = v.trim_start();
    if t.starts_with('+') && d.starts_with(cc) {
        return (d[cc.len()..].to_vec(), true);
    }
    if t.starts_with("00") && d.len() > 2 && d[2..].starts_with(cc) {
        return (d[2 + cc.len()..].to_vec(), true);
    }
    (d, false)
}

/// North American Numbering Plan (US, Canada, toll-free): NPA and NXX both start 2–9, neither
/// is an N11 service code, NPA middle digit 9 is reserved, and 555-01XX is fictional.
fn nanp_phone(v: &str) -> bool {
    let mut d = digits(v);
    if d.len() == 11 && d[0] == 1 {
        d.remove(0);
    }
    if d.len() != 10 {
        return false;
    }
    let npa = &d[0..3];
    let nxx = &d[3..6];
    let n11 = |x: &[u8]| x[1] == 1 && x[2] == 1;
    if npa[0] < 2 || nxx[0] < 2 || n11(npa) || n11(nxx) || npa[1] == 9 {
        return false;
    }
    !(nxx == [5, 5, 5] && d[6] == 0 && d[7] == 1)
}

/// UK (Ofcom numbering plan): 10 national significant digits (9 for 016977 and some 0800),
/// first digit 1, 2, 3, 5, 7, 8 or 9.
fn uk_phone(v: &str) -> bool {
    let (mut d, intl) = strip_cc(v, &[4, 4]);
    if intl {
        if d.first() == Some(&0) {
            d.remove(0); // +44 (0)20 …
        }
    } else {
        if d.first() != Some(&0) {
            return false;
        }
        d.remove(0);
    }
    // Nine digits only for the Brampton 016977 numbers and 0800 freephone.
    let ok_len =
        d.len() == 10 || (d.len() == 9 && (d.starts_with(&[1, 6, 9, 7, 7]) || d.starts_with(&[8, 0, 0])));
    ok_len && matches!(d[0], 1 | 2 | 3 | 5 | 7 | 8 | 9)
}

/// France (ARCEP plan): 9 digits after the trunk 0 or +33, the first 1–9.
fn fr_phone(v: &str) -> bool {
    let (mut d, intl) = strip_cc(v, &[3, 3]);
    if intl && d.first() == Some(&0) {
        d.remove(0);
    } else if !intl {
        if d.first() != Some(&0) {
            return false;
        }
        d.remove(0);
    }
    d.len() == 9 && d[0] != 0
}

/// Germany (BNetzA plan): 6–11 digits after the trunk 0 or +49 (area code 2–5 digits plus
/// subscriber), not starting with 0.
fn de_phone(v: &str) -> bool {
    let (mut d, intl) = strip_cc(v, &[4, 9]);
    if intl && d.first() == Some(&0) {
        d.remove(0);
    } else if !intl {
        if d.first() != Some(&0) {
            return false;
        }
        d.remove(0);
    }
    (if intl { 7..=11 } else { 8..=11 }).contains(&d.len()) && d[0] != 0
}

/// Italy (AGCOM plan): geographic numbers keep their leading 0 (6–11 digits), mobiles start
/// with 3 (9–10 digits), toll-free/shared 8 (6–10 digits).
fn it_phone(v: &str) -> bool {
    let (d, _) = strip_cc(v, &[3, 9]);
    match d.first() {
        Some(0) => (6..=11).contains(&d.len()),
        Some(3) => (9..=10).contains(&d.len()),
        Some(8) => (6..=10).contains(&d.len()),
        _ => false,
    }
}

/// Spain (CNMC plan): 9 digits, first 6, 7, 8 or 9 (no trunk prefix).
fn es_phone(v: &str) -> bool {
    let (d, _) = strip_cc(v, &[3, 4]);
    d.len() == 9 && (6..=9).contains(&d[0])
}

/// Brazil (Anatel plan): a two-digit DDD area code 11–99 without a 0, then 8 digits
/// (landline, first 2–5) or 9 digits (mobile, first 9).
fn br_phone(v: &str) -> bool {
    let (mut d, intl) = strip_cc(v, &[5, 5]);
    if !intl && d.first() == Some(&0) {
        d.remove(0); // trunk 0 before the DDD
    }
    if d.len() != 10 && d.len() != 11 {
        return false;
    }
    if d[0] == 0 || d[1] == 0 {
        return false;
    }
    let sub = &d[2..];
    match sub.len() {
        8 => (2..=5).contains(&sub[0]),
        9 => sub[0] == 9,
        _ => false,
    }
}

/// Month number from a month name or abbreviation (English, French, German, Spanish,
/// Italian, Portuguese, Dutch).
fn month_from_name(w: &str) -> Option<u32> {
    const NAMES: &[(&str, u32)] = &[
        ("january", 1),
        ("february", 2),
        ("march", 3),
        ("april", 4),
        ("may", 5),
        ("june", 6),
        ("july", 7),
        ("august", 8),
        ("september", 9),
        ("october", 10),
        ("november", 11),
        ("december", 12),
        ("sept", 9),
        ("janvier", 1),
        ("février", 2),
        ("fevrier", 2),
        ("mars", 3),
        ("avril", 4),
        ("mai", 5),
        ("juin", 6),
        ("juillet", 7),
        ("août", 8),
        ("aout", 8),
        ("septembre", 9),
        ("octobre", 10),
        ("novembre", 11),
        ("décembre", 12),
        ("decembre", 12),
        ("januar", 1),
        ("februar", 2),
        ("märz", 3),
        ("maerz", 3),
        ("juni", 6),
        ("juli", 7),
        ("oktober", 10),
        ("dezember", 12),
        ("enero", 1),
        ("febrero", 2),
        ("marzo", 3),
        ("abril", 4),
        ("mayo", 5),
        ("junio", 6),
        ("julio", 7),
        ("agosto", 8),
        ("septiembre", 9),
        ("setiembre", 9),
        ("octubre", 10),
        ("noviembre", 11),
        ("diciembre", 12),
        ("gennaio", 1),
        ("febbraio", 2),
        ("aprile", 4),
        ("maggio", 5),
        ("giugno", 6),
        ("luglio", 7),
        ("settembre", 9),
        ("ottobre", 10),
        ("dicembre", 12),
        ("janeiro", 1),
        ("fevereiro", 2),
        ("março", 3),
        ("marco", 3),
        ("maio", 5),
        ("junho", 6),
        ("julho", 7),
        ("setembro", 9),
        ("outubro", 10),
        ("dezembro", 12),
        ("januari", 1),
        ("februari", 2),
        ("maart", 3),
        ("mei", 5),
        ("augustus", 8),
    ];
    let w = w.trim_end_matches('.').to_lowercase();
    if let Some((_, m)) = NAMES.iter().find(|(n, _)| *n == w) {
        return Some(*m);
    }
    // English three-letter abbreviations (Jan, Feb, …).
    const ABBR: [&str; 12] =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    ABBR.iter().position(|a| *a == w).map(|i| i as u32 + 1)
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Today's year, from the system clock (civil-from-days, proleptic Gregorian).
fn current_year() -> u32 {
    let secs =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let days = (secs / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(month <= 2);
    y.max(2024) as u32
}

fn real_date(y: u32, m: u32, d: u32) -> bool {
    (1900..=current_year()).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)
}

/// A birth date: a real calendar date between 1900 and this year, in any of the usual
/// orders (Y-M-D, D-M-Y, M-D-Y, with month names). Two-digit years are read as the most
/// recent past year.
fn date_of_birth(v: &str) -> bool {
    let mut nums: Vec<(u32, usize)> = Vec::new();
    let mut month_word: Option<u32> = None;
    for tok in v.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()) {
        if tok.chars().all(|c| c.is_ascii_digit()) {
            nums.push((tok.parse().unwrap_or(0), tok.len()));
        } else {
            let t = tok.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) {
                // 14th, 1st …
                let suffix = &tok[t.len()..].to_ascii_lowercase();
                if !["st", "nd", "rd", "th"].contains(&suffix.as_str()) {
                    return false;
                }
                nums.push((t.parse().unwrap_or(0), t.len()));
            } else if tok.eq_ignore_ascii_case("de") {
                continue;
            } else {
                match month_from_name(tok) {
                    Some(m) if month_word.is_none() => month_word = Some(m),
                    _ => return false,
                }
            }
        }
    }
    let year = |(n, len): (u32, usize)| -> Option<u32> {
        match len {
            4 => Some(n),
            2 => {
                let now = current_year();
                let y = 2000 + n;
                Some(if y > now { 1900 + n } else { y })
            }
            _ => None,
        }
    };
    match (month_word, nums.as_slice()) {
        (Some(m), [a, b]) => {
            // 14 March 1985 or March 14, 1985: the year is the four-digit one.
            let (day, y) = if b.1 == 4 {
                (a.0, b.0)
            } else if a.1 == 4 {
                (b.0, a.0)
            } else {
                return false;
            };
            a.1 <= 4 && b.1 <= 4 && real_date(y, m, day)
        }
        (None, [a, b, c]) => {
            if a.1 == 4 {
                real_date(a.0, b.0, c.0)
            } else if let Some(y) = year(*c) {
                a.1 <= 2 && b.1 <= 2 && (real_date(y, b.0, a.0) || real_date(y, a.0, b.0))
            } else {
                false
            }
        }
        _ => false,
    }
}

/// Two decimal degrees in the value, latitude then longitude, in range and not both zero:
/// `41.9, -87.6`, `51.5007° N, 0.1246° W` (a hemisphere letter after a number, S or W, makes
/// it negative), `48.858370&lon=2.294481` (the words between them are passed over).
fn lat_long(v: &str) -> bool {
    let bytes = v.as_bytes();
    let mut degrees: Vec<f64> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        if matches!(bytes[i], b'-' | b'+') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if !bytes[i].is_ascii_digit() {
            i = start + 1;
            continue;
        }
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        let Ok(mut x) = v[start..i].parse::<f64>() else { return false };
        let hemisphere = v[i..].trim_start_matches([' ', '\u{b0}']).bytes().next();
        match (degrees.len(), hemisphere) {
            (0, Some(b'S' | b's')) | (1, Some(b'W' | b'w')) => x = -x,
            _ => {}
        }
        degrees.push(x);
    }
    match degrees.as_slice() {
        [lat, lon] => lat.abs() <= 90.0 && lon.abs() <= 180.0 && (*lat != 0.0 || *lon != 0.0),
        _ => false,
    }
}

/// DVLA driving licence number (GB): surname (5, padded with 9), decade digit, month (+50
/// for women), day, year digit, two initials (padded with 9), an arbitrary digit and two
/// check letters; an optional two-digit issue number follows.
fn uk_driving_licence(v: &str) -> bool {
    let c = super::alnum_upper(v);
    if c.len() != 16 && c.len() != 18 {
        return false;
    }
    let surname = &c[0..5];
    // Letters first, then only 9 padding; at least one letter.
    let letters = surname.iter().take_while(|b| b.is_ascii_uppercase()).count();
    if letters == 0 || !surname[letters..].iter().all(|&b| b == b'9') {
        return false;
    }
    if !c[5..11].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let month = (c[6] - b'0') as u32 * 10 + (c[7] - b'0') as u32;
    let month = if month > 50 { month - 50 } else { month };
    let day = (c[8] - b'0') as u32 * 10 + (c[9] - b'0') as u32;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return false;
    }
    let initials = &c[11..13];
    let ok_initials =
        initials[0].is_ascii_uppercase() && (initials[1].is_ascii_uppercase() || initials[1] == b'9');
    ok_initials && c[13].is_ascii_digit() && c[14].is_ascii_uppercase() && c[15].is_ascii_uppercase()
}

/// Swedish personnummer (YYMMDD-NNNC or YYYYMMDDNNNC; day + 60 for a samordningsnummer):
/// a real month and day and the Luhn check over the last ten digits (Skatteverket).
fn se_personnummer(v: &str) -> bool {
    let d = digits(v);
    let d = match d.len() {
        10 => &d[..],
        12 => &d[2..],
        _ => return false,
    };
    let month = d[2] as u32 * 10 + d[3] as u32;
    let mut day = d[4] as u32 * 10 + d[5] as u32;
    if day > 60 {
        day -= 60;
    }
    (1..=12).contains(&month) && (1..=31).contains(&day) && luhn(d)
}

/// Finnish henkilötunnus (DDMMYYCZZZQ): a real date, a century sign and the check character
/// `0123456789ABCDEFHJKLMNPRSTUVWXY`[DDMMYYZZZ mod 31] (Digital and Population Data Services).
fn fi_hetu(v: &str) -> bool {
    const CHECK: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";
    let c: Vec<u8> = v.trim().bytes().map(|b| b.to_ascii_uppercase()).collect();
    if c.len() != 11 || !c[..6].iter().all(u8::is_ascii_digit) || !c[7..10].iter().all(u8::is_ascii_digit) {
        return false;
    }
    if !b"+-ABCDEFUVWXY".contains(&c[6]) {
        return false;
    }
    let num = |s: &[u8]| s.iter().fold(0u32, |a, &b| a * 10 + (b - b'0') as u32);
    let (day, month) = (num(&c[0..2]), num(&c[2..4]));
    if !(1..=31).contains(&day) || !(1..=12).contains(&month) {
        return false;
    }
    let n = num(&c[0..6]) as u64 * 1000 + num(&c[7..10]) as u64;
    CHECK[(n % 31) as usize] == c[10]
}

/// At least one letter and one digit: keeps all-digit strings out of formats that mix both.
fn has_letter_and_digit(v: &str) -> bool {
    v.bytes().any(|b| b.is_ascii_alphabetic()) && v.bytes().any(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_validators_reject_ipv4_addresses() {
        for name in ["nanp_phone", "uk_phone", "fr_phone", "de_phone", "it_phone", "es_phone", "br_phone"] {
            let f = VALIDATORS.iter().find(|(n, _)| *n == name).unwrap().1;
            assert!(!f("74.181.35.42"), "{name}");
        }
        let es = VALIDATORS.iter().find(|(n, _)| *n == "es_phone").unwrap().1;
        assert!(es("612 345 678"));
    }

    #[test]
    fn nanp() {
        // Published numbers: the White House comment line and the FCC's toll-free line.
        assert!(nanp_phone("+1 (202) 456-1111"));
        assert!(nanp_phone("1-888-225-5322"));
        assert!(nanp_phone("602.776.2327"));
        for bad in
            ["(123) 456-7890", "211-456-7890", "202-111-4567", "292-456-7890", "202-555-0123", "20245611"]
        {
            assert!(!nanp_phone(bad), "{bad}");
        }
    }

    #[test]
    fn european_and_brazilian_phones() {
        // Numbers published by their owners: 10 Downing Street switchboard (gov.uk), the
        // Élysée (elysee.fr), the Bundestag (bundestag.de), Palazzo Chigi (governo.it),
        // La Moncloa (lamoncloa.gob.es), Planalto (gov.br).
        assert!(uk_phone("020 7930 4433"));
        assert!(uk_phone("+44 20 7930 4433"));
        assert!(uk_phone("+44 (0)20 7930 4433"));
        assert!(!uk_phone("020 7930 443"));
        assert!(!uk_phone("+44 0 7930 4433 1"));
        assert!(!uk_phone("01 42 92 81 00"), "a French number is not a short UK one");
        assert!(fr_phone("01 42 92 81 00"));
        assert!(fr_phone("+33 1 42 92 81 00"));
        assert!(!fr_phone("00 42 92 81 00"));
        assert!(!fr_phone("01 42 92 81 0"));
        assert!(!de_phone("030 227-0"), "too short for a subscriber number");
        assert!(de_phone("+49 30 227 32152"));
        assert!(de_phone("030 22732152"));
        assert!(!de_phone("30 22732152"));
        assert!(it_phone("06 67791"));
        assert!(it_phone("+39 06 67791"));
        assert!(it_phone("+39 320 756 0260"));
        assert!(!it_phone("+39 520 756 0260"));
        assert!(es_phone("913 353 535"));
        assert!(es_phone("+34 913 353 535"));
        assert!(!es_phone("513 353 535"));
        assert!(br_phone("+55 61 3411-1200"));
        assert!(br_phone("(11) 96379-1910"));
        assert!(!br_phone("(11) 86379-1910"));
        assert!(!br_phone("(01) 3411-1200"));
    }

    #[test]
    fn dates_of_birth() {
        for ok in [
            "1985-03-14",
            "03/14/1985",
            "14.03.1985",
            "14 March 1985",
            "March 14, 1985",
            "14-Mar-1985",
            "Oct 11, 1984",
            "8 Sep 1983",
            "29.02.2000",
            "14 de marzo de 1985",
            "3rd June 1970",
            "14/03/85",
        ] {
            assert!(date_of_birth(ok), "{ok}");
        }
        for bad in
            ["1985-13-14", "31.04.1985", "29.02.1900", "14 Foo 1985", "1899-12-31", "3000-01-01", "14.03"]
        {
            assert!(!date_of_birth(bad), "{bad}");
        }
    }

    #[test]
    fn coordinates() {
        // Macie's documented example pair.
        assert!(lat_long("41.948614,-87.655311"));
        assert!(lat_long("51.5007\u{b0} N, 0.1246\u{b0} W"));
        assert!(lat_long("33.8688S 151.2093E"));
        assert!(lat_long("48.858370&lon=2.294481"));
        assert!(!lat_long("48.858370&lon=182.294481"));
        assert!(!lat_long("1.5.3, 2.0"));
        assert!(!lat_long("41.9, -87.6, 12.0"));
        assert!(lat_long("-33.8688, 151.2093"));
        assert!(!lat_long("91.5,10.0"));
        assert!(!lat_long("45.0,181.2"));
    }

    #[test]
    fn uk_licence() {
        // Wikipedia ("Driving licence in the United Kingdom"): MORGA753116SM9IJ, a woman
        // born 11 March 1976; the layout is the DVLA's.
        assert!(uk_driving_licence("MORGA753116SM9IJ"));
        assert!(uk_driving_licence("MORGA 753116 SM9IJ 35"));
        assert!(uk_driving_licence("JONES610144J99AB"));
        assert!(!uk_driving_licence("MORGA6A7054SM9IJ"));
        assert!(!uk_driving_licence("MORGA651354SM9IJ"), "month 13");
        assert!(!uk_driving_licence("MO9GA657054SM9IJ"), "letters after padding");
    }

    #[test]
    fn swedish_personnummer() {
        // Skatteverket test number 811218-9876 (Wikipedia, "Personal identity number (Sweden)").
        assert!(se_personnummer("811218-9876"));
        assert!(se_personnummer("19811218-9876"));
        assert!(!se_personnummer("811218-9875"));
        assert!(!se_personnummer("811318-9876"));
    }

    #[test]
    fn finnish_hetu() {
        // Example 131052-308T from DVV's description of the personal identity code (Wikipedia).
        assert!(fi_hetu("131052-308T"));
        assert!(fi_hetu("131052A308T"));
        assert!(!fi_hetu("131052-308U"));
        assert!(!fi_hetu("131352-308T"));
    }
}

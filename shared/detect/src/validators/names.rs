//! Validators for the contextual identifiers `NAME` (full names) and `ADDRESS` (mailing
//! addresses), which need word lists and per-country postcode rules rather than check digits.
//!
//! Word lists live in `shared/detect/data/` (sources and licences in its README) and are
//! turned into hash sets once, on first use.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::Validator;

pub(super) const VALIDATORS: &[(&str, Validator)] = &[
    ("full_name", full_name),
    ("labelled_name", labelled_name),
    ("keyworded_name", keyworded_name),
    ("address_us", address_us),
    ("address_ca", address_ca),
    ("address_uk", address_uk),
    ("address_au", address_au),
    ("address_de", address_de),
    ("address_fr", address_fr),
    ("address_it", address_it),
    ("address_es", address_es),
    ("address_nl", address_nl),
];

const FIRST_CENSUS: &str = include_str!("../../data/names_first_census1990.txt");
const FIRST_EUROPEAN: &str = include_str!("../../data/names_first_european.txt");
const LAST_CENSUS: &str = include_str!("../../data/names_last_census1990.txt");
const LAST_EUROPEAN: &str = include_str!("../../data/names_last_european.txt");

fn load(lists: &[&'static str]) -> HashSet<&'static str> {
    lists
        .iter()
        .flat_map(|l| l.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

static FIRST_NAMES: OnceLock<HashSet<&'static str>> = OnceLock::new();
static SURNAMES: OnceLock<HashSet<&'static str>> = OnceLock::new();
static STOP_WORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();

fn first_names() -> &'static HashSet<&'static str> {
    FIRST_NAMES.get_or_init(|| load(&[FIRST_CENSUS, FIRST_EUROPEAN]))
}

fn surnames() -> &'static HashSet<&'static str> {
    SURNAMES.get_or_init(|| load(&[LAST_CENSUS, LAST_EUROPEAN]))
}

/// Every list the name validators use, loaded now.
pub(super) fn load_lists() {
    first_names();
    surnames();
    stop_words();
}

/// Words that are first names but far more often start a sentence or a title (modal verbs,
/// months, weekdays, places): rejected as the first word of a name.
const FIRST_STOP: &[&str] = &[
    "may",
    "will",
    "bill",
    "grant",
    "long",
    "young",
    "rich",
    "sunny",
    "joy",
    "hope",
    "faith",
    "page",
    "chase",
    "price",
    "art",
    "guy",
    "don",
    "rob",
    "pat",
    "sue",
    "major",
    "general",
    "royal",
    "golden",
    "spring",
    "winter",
    "king",
    "prince",
    "duke",
    "sterling",
    "miss",
    "dear",
    "see",
    "said",
    "in",
    "on",
    "an",
    "as",
    "so",
    "do",
    "go",
    "sale",
    "love",
    "star",
    "sky",
    "ocean",
    "river",
    "forest",
    "storm",
    "lane",
    "west",
    "east",
    "north",
    "south",
    "new",
    "san",
    "santa",
    "los",
    "las",
    "el",
    "fort",
    "port",
    "mount",
    "lake",
    "saint",
    "st",
    "upper",
    "lower",
    "great",
    "little",
    "old",
    "la",
    "le",
    "des",
    "del",
    "van",
    "von",
    "de",
    "di",
    "da",
    "du",
    "green",
    "white",
    "black",
    "brown",
    "gray",
    "grey",
    "red",
    "blue",
    "iron",
    "silver",
    "gold",
    "stone",
    "wood",
    "hill",
    "park",
    "field",
    "church",
    "bank",
    "house",
    "main",
    "first",
    "best",
    "total",
    "average",
    "high",
    "low",
    "free",
    "fair",
    "early",
    "late",
    "dr",
    "mr",
    "mrs",
    "ms",
    "sir",
    "doc",
    "case",
    "pop",
    "cash",
    "gay",
    "lord",
    "deputy",
    "january",
    "february",
    "march",
    "july",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Words never part of a person's name as written: places, street types,
/// organisation words.
const ANY_STOP: &[&str] = &[
    "street",
    "avenue",
    "road",
    "boulevard",
    "highway",
    "parkway",
    "drive",
    "terrace",
    "plaza",
    "square",
    "st",
    "ave",
    "rd",
    "blvd",
    "apt",
    "suite",
    "inc",
    "llc",
    "ltd",
    "corp",
    "co",
    "company",
    "group",
    "bank",
    "gmbh",
    "ag",
    "sa",
    "sarl",
    "spa",
    "plc",
    "university",
    "college",
    "school",
    "hospital",
    "clinic",
    "foundation",
    "institute",
    "partners",
    "associates",
    "holdings",
    "solutions",
    "services",
    "systems",
    "technologies",
    "labs",
    "analytics",
    "logistics",
    "health",
    "insurance",
    "capital",
    "financial",
    "trust",
    "county",
    "city",
    "state",
    "states",
    "america",
    "american",
    "united",
    "kingdom",
    "republic",
    "angeles",
    "vegas",
    "orleans",
    "city",
    "beach",
    "island",
    "valley",
    "springs",
    "dakota",
    "hampshire",
    "jersey",
    "mexico",
    "alabama",
    "alaska",
    "arizona",
    "arkansas",
    "california",
    "colorado",
    "connecticut",
    "delaware",
    "florida",
    "hawaii",
    "idaho",
    "illinois",
    "indiana",
    "iowa",
    "kansas",
    "kentucky",
    "louisiana",
    "maine",
    "maryland",
    "massachusetts",
    "michigan",
    "minnesota",
    "mississippi",
    "missouri",
    "montana",
    "nebraska",
    "nevada",
    "ohio",
    "oklahoma",
    "oregon",
    "pennsylvania",
    "tennessee",
    "texas",
    "utah",
    "vermont",
    "wisconsin",
    "wyoming",
    "total",
    "report",
    "manager",
    "director",
    "department",
    "team",
    "office",
    "account",
    "customer",
    "client",
    "user",
    "admin",
    "support",
    "service",
    "name",
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "jr",
    "sr",
    "ii",
    "iii",
    "iv",
    "esq",
    "md",
    "phd",
    "calle",
    "avenida",
    "plaza",
    "paseo",
    "camino",
    "ronda",
    "canada",
    "callejon",
    "urbanizacion",
    "pasaje",
    "rambla",
    "travesia",
    "via",
    "viale",
    "piazza",
    "corso",
    "largo",
    "rue",
    "chemin",
    "allee",
    "strasse",
    "weg",
    "platz",
    "gasse",
    "ring",
    "damm",
    "ufer",
];

/// Last words that are US states only when they end a name; a first name of the same
/// spelling (Georgia, Virginia) is fine.
const LAST_STOP: &[&str] = &["georgia", "virginia", "carolina", "columbia", "england", "scotland", "wales"];

/// Particles inside surnames (van der Veen, de la Cruz, dos Santos).
const PARTICLES: &[&str] = &[
    "van", "von", "der", "den", "de", "del", "della", "degli", "di", "da", "dos", "das", "do", "du", "le",
    "la", "ter", "ten", "zu", "y", "e", "bin", "ibn", "al",
];

/// A name's words, folded ([`fold`]), without the particles inside surnames.
fn name_words(v: &str) -> Vec<String> {
    v.split_whitespace().map(fold).filter(|w| !PARTICLES.contains(&w.as_str())).collect()
}

/// Lower-case with Latin diacritics folded to ASCII (é → e, ß → ss), and curly apostrophes
/// made straight.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        let r = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
            'æ' => "ae",
            'ç' | 'ć' | 'č' => "c",
            'ď' | 'đ' | 'ð' => "d",
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
            'ğ' => "g",
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
            'ł' | 'ľ' | 'ĺ' => "l",
            'ñ' | 'ń' | 'ň' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
            'œ' => "oe",
            'ř' | 'ŕ' => "r",
            'ś' | 'š' | 'ş' | 'ș' => "s",
            'ß' => "ss",
            'ť' | 'ţ' | 'ț' => "t",
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
            'ý' | 'ÿ' => "y",
            'ź' | 'ż' | 'ž' => "z",
            'þ' => "th",
            '’' | '‘' => "'",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(r);
    }
    out
}

/// Whether a word is never part of a person's name ([`ANY_STOP`], a few hundred words).
fn is_stop(word: &str) -> bool {
    stop_words().contains(word)
}

fn stop_words() -> &'static HashSet<&'static str> {
    STOP_WORDS.get_or_init(|| ANY_STOP.iter().copied().collect())
}

fn in_set(set: &HashSet<&'static str>, word: &str) -> bool {
    if set.contains(word) {
        return true;
    }
    // O'Brien is also written Obrien; Jean-Pierre and Smith-Jones count by any part.
    let plain: String = word.chars().filter(|&c| c != '\'').collect();
    if plain != word && set.contains(plain.as_str()) {
        return true;
    }
    word.contains('-') && word.split('-').any(|p| p.len() > 1 && set.contains(p))
}

/// A full name: the first word is a known first name and the last word a known surname
/// (US Census 1990 lists plus common European names). A word with Latin diacritics counts
/// as name-like on one side when the other side is known (Förster, João). `LAST, First`
/// order is accepted; a value starting with a digit is a street (`12 Michael Spring`).
fn full_name(v: &str) -> bool {
    if v.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let (first, last, words): (String, String, Vec<String>) = if let Some((l, f)) = v.split_once(',') {
        let f = f.split_whitespace().next().unwrap_or("");
        if f.chars().count() < 3 {
            return false;
        }
        (fold(f), fold(l.trim()), vec![fold(f), fold(l.trim())])
    } else {
        let words = name_words(v);
        if words.len() < 2 {
            return false;
        }
        (words[0].clone(), words[words.len() - 1].clone(), words)
    };
    if first.trim_end_matches('.').len() < 2 || last.len() < 2 {
        return false;
    }
    let first_ok = in_set(first_names(), &first);
    let last_ok = in_set(surnames(), &last);
    if !first_ok && !last_ok {
        return false; // most capitalised pairs end here (`Intel Mac`), before the stop lists
    }
    if words.iter().flat_map(|w| w.split('-')).any(|w| is_stop(w.trim_end_matches('.'))) {
        return false;
    }
    if FIRST_STOP.contains(&first.as_str()) || LAST_STOP.contains(&last.as_str()) {
        return false;
    }
    let accented = |original_first: bool| {
        let w = if v.contains(',') {
            if original_first {
                v.split_once(',').map(|(_, f)| f).unwrap_or("")
            } else {
                v.split_once(',').map(|(l, _)| l).unwrap_or("")
            }
        } else if original_first {
            v.split_whitespace().next().unwrap_or("")
        } else {
            v.split_whitespace().last().unwrap_or("")
        };
        w.chars().any(|c| c.is_alphabetic() && !c.is_ascii())
    };
    (first_ok && (last_ok || accented(false))) || (last_ok && accented(true))
}

/// A name a form labels as one (`Nom: Alix Riou`): the label vouches for it, so the lists need
/// only know its first word as a given name or its last as a surname, and no word may be a
/// street, company or other stop word.
fn labelled_name(v: &str) -> bool {
    let words = name_words(v);
    let (Some(first), Some(last)) = (words.first(), words.last()) else { return false };
    if words.len() < 2 || first.len() < 2 || last.len() < 2 {
        return false;
    }
    if words.iter().flat_map(|w| w.split('-')).any(is_stop) {
        return false;
    }
    if FIRST_STOP.contains(&first.as_str()) || LAST_STOP.contains(&last.as_str()) {
        return false;
    }
    in_set(first_names(), first) || in_set(surnames(), last)
}

/// A full name where a keyword or its field says a person's name stands (`customer_name`,
/// "full name"): two to four words, none of them an everyday, place or company word, nor a
/// stand-in for a name. No name list is asked: the keyword is the evidence, and most of the
/// world's names are on no list.
fn keyworded_name(v: &str) -> bool {
    // Stand-ins for a name, and the words of forms and labels: a value made of those is a
    // label in Title Case (`Cardholder Verification Method`, `Full Name Field Required`).
    const NOT_NAMES: &[&str] = &[
        "test",
        "unknown",
        "none",
        "null",
        "sample",
        "example",
        "anonymous",
        "guest",
        "redacted",
        "holder",
        "cardholder",
        "policyholder",
        "full",
        "first",
        "last",
        "middle",
        "given",
        "family",
        "patient",
        "employee",
        "member",
        "contact",
        "beneficiary",
        "insured",
        "applicant",
        "recipient",
        "guarantor",
        "kin",
        "emergency",
        "verification",
        "method",
        "field",
        "required",
        "optional",
        "details",
        "detail",
        "information",
        "info",
        "number",
        "address",
        "email",
        "phone",
        "date",
        "birth",
        "signature",
        "card",
        "type",
        "status",
        "code",
        "form",
        "label",
        "placeholder",
        "value",
        "enter",
        "here",
        "please",
        "your",
        "record",
        "profile",
        "data",
    ];
    let words = name_words(v);
    // Every word with a vowel: acronyms in capitals (`EMV CVM`) mostly have none.
    let voiced =
        |w: &String| w.chars().any(|c| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y') || !c.is_ascii());
    (2..=4).contains(&words.len())
        && words.iter().all(|w| w.chars().count() >= 2 && voiced(w))
        && !words.iter().flat_map(|w| w.split('-')).any(|w| is_stop(w) || NOT_NAMES.contains(&w))
}

// ---------------------------------------------------------------------------------------
// Mailing addresses. Each rule's pattern ends at the postcode; the validators check the
// region code and the postcode's published shape and ranges.

/// Whitespace- and comma-separated words of a value, last first.
fn tail_words(v: &str) -> Vec<&str> {
    v.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).rev().collect()
}

/// USPS state and territory codes with the 3-digit ZIP prefixes assigned to each
/// (USPS "ZIP Code prefixes", Publication 65 / National Five-Digit ZIP Code directory).
const US_ZIP3: &[(&str, &[(u16, u16)])] = &[
    ("AL", &[(350, 369)]),
    ("AK", &[(995, 999)]),
    ("AZ", &[(850, 865)]),
    ("AR", &[(716, 729), (755, 755)]),
    ("CA", &[(900, 961)]),
    ("CO", &[(800, 816)]),
    ("CT", &[(60, 69)]),
    ("DE", &[(197, 199)]),
    ("DC", &[(200, 205), (569, 569)]),
    ("FL", &[(320, 349)]),
    ("GA", &[(300, 319), (398, 399)]),
    ("HI", &[(967, 968)]),
    ("ID", &[(832, 838)]),
    ("IL", &[(600, 629)]),
    ("IN", &[(460, 479)]),
    ("IA", &[(500, 528)]),
    ("KS", &[(660, 679)]),
    ("KY", &[(400, 427)]),
    ("LA", &[(700, 714)]),
    ("ME", &[(39, 49)]),
    ("MD", &[(206, 219)]),
    ("MA", &[(10, 27), (55, 55)]),
    ("MI", &[(480, 499)]),
    ("MN", &[(550, 567)]),
    ("MS", &[(386, 397)]),
    ("MO", &[(630, 658)]),
    ("MT", &[(590, 599)]),
    ("NE", &[(680, 693)]),
    ("NV", &[(889, 898)]),
    ("NH", &[(30, 38)]),
    ("NJ", &[(70, 89)]),
    ("NM", &[(870, 884)]),
    ("NY", &[(5, 5), (63, 63), (100, 149)]),
    ("NC", &[(270, 289)]),
    ("ND", &[(580, 588)]),
    ("OH", &[(430, 459)]),
    ("OK", &[(730, 749)]),
    ("OR", &[(970, 979)]),
    ("PA", &[(150, 196)]),
    ("RI", &[(28, 29)]),
    ("SC", &[(290, 299)]),
    ("SD", &[(570, 577)]),
    ("TN", &[(370, 385)]),
    ("TX", &[(750, 799), (885, 885)]),
    ("UT", &[(840, 847)]),
    ("VT", &[(50, 59)]),
    ("VA", &[(201, 201), (220, 246)]),
    ("WA", &[(980, 994)]),
    ("WV", &[(247, 268)]),
    ("WI", &[(530, 549)]),
    ("WY", &[(820, 831)]),
    ("PR", &[(6, 7), (9, 9)]),
    ("VI", &[(8, 8)]),
    ("GU", &[(969, 969)]),
    ("AA", &[(340, 340)]),
    ("AE", &[(90, 98)]),
    ("AP", &[(962, 966)]),
];

const US_STATE_NAMES: &[(&str, &str)] = &[
    ("alabama", "AL"),
    ("alaska", "AK"),
    ("arizona", "AZ"),
    ("arkansas", "AR"),
    ("california", "CA"),
    ("colorado", "CO"),
    ("connecticut", "CT"),
    ("delaware", "DE"),
    ("florida", "FL"),
    ("georgia", "GA"),
    ("hawaii", "HI"),
    ("idaho", "ID"),
    ("illinois", "IL"),
    ("indiana", "IN"),
    ("iowa", "IA"),
    ("kansas", "KS"),
    ("kentucky", "KY"),
    ("louisiana", "LA"),
    ("maine", "ME"),
    ("maryland", "MD"),
    ("massachusetts", "MA"),
    ("michigan", "MI"),
    ("minnesota", "MN"),
    ("mississippi", "MS"),
    ("missouri", "MO"),
    ("montana", "MT"),
    ("nebraska", "NE"),
    ("nevada", "NV"),
    ("new hampshire", "NH"),
    ("new jersey", "NJ"),
    ("new mexico", "NM"),
    ("new york", "NY"),
    ("north carolina", "NC"),
    ("north dakota", "ND"),
    ("ohio", "OH"),
    ("oklahoma", "OK"),
    ("oregon", "OR"),
    ("pennsylvania", "PA"),
    ("rhode island", "RI"),
    ("south carolina", "SC"),
    ("south dakota", "SD"),
    ("tennessee", "TN"),
    ("texas", "TX"),
    ("utah", "UT"),
    ("vermont", "VT"),
    ("virginia", "VA"),
    ("washington", "WA"),
    ("west virginia", "WV"),
    ("wisconsin", "WI"),
    ("wyoming", "WY"),
    ("district of columbia", "DC"),
    ("puerto rico", "PR"),
];

fn all_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// US: `…, City, ST 12345[-6789]`, where the ZIP's 3-digit prefix belongs to the state.
fn address_us(v: &str) -> bool {
    let w = tail_words(v);
    if w.len() < 4 {
        return false;
    }
    let zip = w[0].split('-').next().unwrap_or("");
    if !all_digits(zip, 5) || (w[0].len() != 5 && !(w[0].len() == 10 && all_digits(&w[0][6..], 4))) {
        return false;
    }
    let code = if w[1].len() == 2 {
        w[1].to_ascii_uppercase()
    } else {
        let one = w[1].to_lowercase();
        let two = format!("{} {}", w[2], w[1]).to_lowercase();
        let three = w.get(3).map(|x| format!("{} {}", x, two)).unwrap_or_default().to_lowercase();
        match US_STATE_NAMES.iter().find(|(n, _)| *n == three || *n == two || *n == one) {
            Some((_, c)) => c.to_string(),
            None => return false,
        }
    };
    let prefix: u16 = zip[..3].parse().unwrap_or(0);
    US_ZIP3
        .iter()
        .find(|(c, _)| *c == code)
        .is_some_and(|(_, ranges)| ranges.iter().any(|&(a, b)| (a..=b).contains(&prefix)))
}

/// Canada Post: `A9A 9A9`, first letter fixed by the province (Canada Post Addressing
/// Guidelines); D, F, I, O, Q, U never used, W and Z never first.
fn address_ca(v: &str) -> bool {
    let w = tail_words(v);
    let (code, prov) = match w.as_slice() {
        [a, b, c, ..] if a.len() == 3 && b.len() == 3 => (format!("{b}{a}"), *c),
        [a, b, ..] if a.len() == 6 => (a.to_string(), *b),
        _ => return false,
    };
    let c: Vec<char> = code.to_ascii_uppercase().chars().collect();
    let shape = c.len() == 6
        && c.iter()
            .enumerate()
            .all(|(i, ch)| if i % 2 == 0 { ch.is_ascii_uppercase() } else { ch.is_ascii_digit() });
    if !shape || c.iter().any(|ch| "DFIOQU".contains(*ch)) || matches!(c[0], 'W' | 'Z') {
        return false;
    }
    let firsts = match prov.to_ascii_uppercase().as_str() {
        "NL" => "A",
        "NS" => "B",
        "PE" => "C",
        "NB" => "E",
        "QC" => "GHJ",
        "ON" => "KLMNP",
        "MB" => "R",
        "SK" => "S",
        "AB" => "T",
        "BC" => "V",
        "NT" | "NU" => "X",
        "YT" => "Y",
        _ => return false,
    };
    firsts.contains(c[0])
}

/// Royal Mail postcode format (BS 7666 / Royal Mail PAF): outward `A9`, `A99`, `AA9`,
/// `AA99`, `A9A`, `AA9A`, then inward `9AA`; letter positions restricted as published.
fn uk_postcode(pc: &str) -> bool {
    let s: Vec<char> = pc.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect();
    if !(5..=7).contains(&s.len()) {
        return false;
    }
    let (out, inw) = s.split_at(s.len() - 3);
    if !(inw[0].is_ascii_digit() && inw[1..].iter().all(|c| c.is_ascii_uppercase() && !"CIKMOV".contains(*c)))
    {
        return false;
    }
    let a = |c: char| c.is_ascii_uppercase();
    let d = |c: char| c.is_ascii_digit();
    let ok = match out {
        [p, q] => a(*p) && d(*q),
        [p, q, r] => (a(*p) && d(*q) && d(*r)) || (a(*p) && a(*q) && d(*r)) || (a(*p) && d(*q) && a(*r)),
        [p, q, r, t] => a(*p) && a(*q) && d(*r) && (d(*t) || a(*t)),
        _ => false,
    };
    if !ok || "QVX".contains(out[0]) {
        return false;
    }
    if out.len() >= 3 && a(out[1]) && "IJZ".contains(out[1]) {
        return false;
    }
    match out {
        [_, q, r] if d(*q) && a(*r) => "ABCDEFGHJKPSTUW".contains(*r),
        [_, _, _, t] if a(*t) => "ABEHMNPRVWXY".contains(*t),
        _ => true,
    }
}

/// UK: `…, Town POSTCODE` with a well-formed Royal Mail postcode.
fn address_uk(v: &str) -> bool {
    let w = tail_words(v);
    match w.as_slice() {
        [inw, out, ..] if inw.len() == 3 && (2..=4).contains(&out.len()) => {
            uk_postcode(&format!("{out}{inw}"))
        }
        [pc, ..] => uk_postcode(pc),
        _ => false,
    }
}

/// Australia Post: state abbreviation and a 4-digit postcode in that state's range.
fn address_au(v: &str) -> bool {
    let w = tail_words(v);
    if w.len() < 3 || !all_digits(w[0], 4) {
        return false;
    }
    let pc: u16 = w[0].parse().unwrap_or(0);
    let r = |a: u16, b: u16| (a..=b).contains(&pc);
    match w[1].to_ascii_uppercase().as_str() {
        "NSW" => r(1000, 2599) || r(2619, 2899) || r(2921, 2999),
        "ACT" => r(200, 299) || r(2600, 2618) || r(2900, 2920),
        "VIC" => r(3000, 3999) || r(8000, 8999),
        "QLD" => r(4000, 4999) || r(9000, 9999),
        "SA" => r(5000, 5999),
        "WA" => r(6000, 6999),
        "TAS" => r(7000, 7999),
        "NT" => r(800, 999),
        _ => false,
    }
}

/// The last 5-digit word of the value (the postcode before the town).
fn last_five(v: &str) -> Option<u32> {
    tail_words(v).into_iter().find(|w| all_digits(w, 5)).and_then(|w| w.parse().ok())
}

/// Germany (Deutsche Post PLZ): 01067–99998; the 00 region is unassigned.
fn address_de(v: &str) -> bool {
    last_five(v).is_some_and(|p| (1000..=99999).contains(&p))
}

/// France (La Poste): département 01–95 (20 for Corsica), overseas 97x/98x.
fn address_fr(v: &str) -> bool {
    last_five(v).is_some_and(|p| (1000..=95999).contains(&p) || (97100..=98999).contains(&p))
}

/// Italy (Poste Italiane CAP): 00010–98168.
fn address_it(v: &str) -> bool {
    last_five(v).is_some_and(|p| (10..=98168).contains(&p))
}

/// Spain (Correos): the first two digits are the province, 01–52.
fn address_es(v: &str) -> bool {
    last_five(v).is_some_and(|p| (1000..=52999).contains(&p))
}

/// Netherlands (PostNL): `9999 AA`, 1000–9999, letters never SA, SD or SS.
fn address_nl(v: &str) -> bool {
    let w = tail_words(v);
    for i in 0..w.len().saturating_sub(1) {
        let (letters, num) = (w[i], w[i + 1]);
        if all_digits(num, 4) && letters.len() == 2 && letters.bytes().all(|b| b.is_ascii_uppercase()) {
            return !num.starts_with('0') && !matches!(letters, "SA" | "SD" | "SS");
        }
        if letters.len() == 6
            && all_digits(&letters[..4], 4)
            && letters[4..].bytes().all(|b| b.is_ascii_uppercase())
        {
            return !letters.starts_with('0') && !matches!(&letters[4..], "SA" | "SD" | "SS");
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loading_the_lists_fills_every_one() {
        load_lists();
        for (list, word) in [(&FIRST_NAMES, "michael"), (&SURNAMES, "smith"), (&STOP_WORDS, "street")] {
            assert!(list.get().is_some_and(|set| set.contains(word)), "{word}");
        }
    }

    #[test]
    fn names() {
        for ok in [
            "John Smith",
            "Mary J. Watson",
            "Jacqueline Perez",
            "Frédéric Monnier",
            "Rita Förster",
            "João Siqueira",
            "Elisa Bruijne van der Veen",
            "SMITH, John",
            "JOHN SMITH",
            "Calvin May",
            "Patrick O'Brien",
        ] {
            assert!(full_name(ok), "{ok}");
        }
        for bad in [
            "May Day",
            "Will Smith",
            "New York",
            "Los Angeles",
            "4847 Hernandez Point",
            "Main Street",
            "Customer Service",
            "Thank You",
            "Grant Access",
            "Apple Inc",
            "Dallas Texas",
        ] {
            assert!(!full_name(bad), "{bad}");
        }
    }

    #[test]
    fn names_where_a_keyword_says_so() {
        for ok in [
            "Kwame Mensah",
            "Priya Raghunathan",
            "Nguyen Van Thanh",
            "CHIAMAKA OKONKWO",
            "Elisa van der Veen",
        ] {
            assert!(keyworded_name(ok), "{ok}");
        }
        for bad in [
            "Kwame",
            "Acme Holdings",
            "Customer Support",
            "Test User",
            "Cardholder Verification Method",
            "Field Required",
            "EMV CVM",
            "Main Street Springfield",
        ] {
            assert!(!keyworded_name(bad), "{bad}");
        }
    }

    #[test]
    fn us() {
        // ZIP prefixes: USPS, 021 = Boston MA, 627 = Springfield IL, 100 = Manhattan NY.
        assert!(address_us("123 Main St, Springfield, IL 62704"));
        assert!(address_us("2505 Brenda Well, Boston, MA 02108"));
        assert!(address_us("1 Infinite Loop, Cupertino, California 95014-2083"));
        assert!(!address_us("123 Main St, Springfield, IL 02108"));
        assert!(!address_us("123 Main St, Springfield, XX 62704"));
    }

    #[test]
    fn ca_uk_au() {
        // Canada Post: K = eastern Ontario (K1A 0B1 is Parliament); H = Montréal.
        assert!(address_ca("24 Sussex Drive, Ottawa, ON K1A 0B1"));
        assert!(address_ca("8484 Julie Fort, Montreal, QC H2Y 1C6"));
        assert!(!address_ca("24 Sussex Drive, Ottawa, QC K1A 0B1"));
        assert!(!address_ca("24 Sussex Drive, Ottawa, ON K1A 0D1"));
        // Royal Mail: SW1A 2AA (10 Downing Street), EC1A 1BB, W1A 0AX (Wikipedia, UK postcodes).
        for pc in ["SW1A 2AA", "EC1A 1BB", "W1A 0AX", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT"] {
            assert!(uk_postcode(pc), "{pc}");
        }
        for pc in ["QA1 1AA", "SW1A 2AI", "1AB 2CD", "AAA 1AA"] {
            assert!(!uk_postcode(pc), "{pc}");
        }
        assert!(address_uk("10 Downing Street, London SW1A 2AA"));
        // Australia Post: 2000 Sydney NSW, 3000 Melbourne VIC, 0800 Darwin NT.
        assert!(address_au("1 Martin Place, Sydney NSW 2000"));
        assert!(address_au("5 Smith St, Darwin NT 0800"));
        assert!(!address_au("1 Martin Place, Sydney VIC 2000"));
    }

    #[test]
    fn europe() {
        assert!(address_de("Hauptstraße 5, 10115 Berlin"));
        assert!(!address_de("Hauptstraße 5, 00115 Berlin"));
        assert!(address_fr("12 rue de la Paix, 75002 Paris"));
        assert!(!address_fr("12 rue de la Paix, 99002 Paris"));
        assert!(address_it("Via Roma 1, 00184 Roma"));
        assert!(!address_it("Via Roma 1, 99184 Roma"));
        assert!(address_es("Calle Mayor 5, 28013 Madrid"));
        assert!(!address_es("Calle Mayor 5, 68013 Madrid"));
        assert!(address_nl("Kayleelaan 23, 3011 AD Rotterdam"));
        assert!(!address_nl("Kayleelaan 23, 3011 SS Rotterdam"));
        assert!(!address_nl("Kayleelaan 23, 0311 AD Rotterdam"));
    }
}

//! The engine (the keyword walk, the gate pass, then per-rule confirmation in windows)
//! must find exactly what each rule's regex alone finds over the whole text.

use sluice_detect::{builtin_specs, reference, CompiledRule, Engine, RuleSpec};

/// A small deterministic generator, so a failure reproduces.
struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[(self.next() % v.len() as u64) as usize]
    }
}

fn compare(engine: &Engine, rules: &[CompiledRule], text: &str, label: &str) {
    let ctx = engine.context::<&str>(&[]);
    let mut found = Vec::new();
    engine.scan_raw(text, &ctx, &mut found);
    for (i, rule) in rules.iter().enumerate() {
        let mut got: Vec<(usize, usize)> =
            found.iter().filter(|m| m.rule as usize == i).map(|m| (m.start, m.end)).collect();
        got.sort_unstable();
        got.dedup();
        let mut want = reference::scan_rule(rule, text, &[]);
        want.sort_unstable();
        want.dedup();
        assert_eq!(got, want, "rule {} differs on {label}: {text:?}", rule.id);
    }
}

fn all_rules(specs: &[RuleSpec]) -> Vec<CompiledRule> {
    specs.iter().map(|s| CompiledRule::from_spec(s).unwrap()).collect()
}

#[test]
fn engine_equals_each_rule_alone_on_every_example() {
    let specs = builtin_specs().unwrap();
    let engine = Engine::from_rules(all_rules(&specs), Default::default()).unwrap();
    let rules = all_rules(&specs);
    for spec in &specs {
        for ex in spec.examples.iter().chain(&spec.negative_examples) {
            compare(&engine, &rules, ex.text(), &spec.id);
        }
    }
}

const SEPARATORS: [&str; 7] = [" ", " ", "\n", ": ", ", ", "  |  ", ""];

#[test]
fn engine_equals_each_rule_alone_on_generated_text() {
    let specs = builtin_specs().unwrap();
    let engine = Engine::from_rules(all_rules(&specs), Default::default()).unwrap();
    let rules = all_rules(&specs);
    let mut pieces: Vec<String> = Vec::new();
    for spec in &specs {
        for ex in spec.examples.iter().chain(&spec.negative_examples) {
            pieces.push(ex.text().to_string());
        }
        pieces.extend(spec.keywords.iter().cloned());
    }
    pieces.extend(
        [
            "the",
            "and",
            "value:",
            ",",
            "\n",
            "\n\n",
            "\t",
            "id=",
            "2024-03-01",
            "0x7f",
            "é",
            "日本",
            "\"",
            ";",
            "  ",
        ]
        .map(String::from),
    );
    let mut rng = XorShift(0x5eed_1234_abcd_ef01);
    for doc in 0..300 {
        let n = 5 + (rng.next() % 60) as usize;
        let mut text = String::new();
        for _ in 0..n {
            text.push_str(rng.pick(&pieces).as_str());
            let sep = *rng.pick(&SEPARATORS[..]);
            text.push_str(sep);
            if rng.next().is_multiple_of(7) {
                let digits = 3 + rng.next() % 17;
                for _ in 0..digits {
                    text.push(char::from(b'0' + (rng.next() % 10) as u8));
                }
                text.push(' ');
            }
        }
        compare(&engine, &rules, &text, &format!("generated doc {doc}"));
    }
}

/// Joins texts as [`Engine::screen`] wants them: each followed by a line break.
fn join(texts: &[&str]) -> (String, Vec<usize>) {
    let (mut joined, mut starts) = (String::new(), Vec::new());
    for t in texts {
        starts.push(joined.len());
        joined.push_str(t);
        joined.push('\n');
    }
    (joined, starts)
}

/// Every text that yields a match scanned alone is among those the batch screen keeps.
fn assert_screen_keeps_every_finding(engine: &Engine, texts: &[&str]) -> usize {
    let (joined, starts) = join(texts);
    let mut hot = Vec::new();
    engine.screen(&joined, &starts, &mut hot);
    let none = engine.context::<&str>(&[]);
    for (i, text) in texts.iter().enumerate() {
        let mut found = Vec::new();
        engine.scan_raw(text, &none, &mut found);
        assert!(hot[i] || found.is_empty(), "screen dropped {text:?} (batch {texts:?})");
    }
    hot.iter().filter(|h| !**h).count()
}

#[test]
fn screen_keeps_every_text_with_a_finding() {
    let specs = builtin_specs().unwrap();
    let engine = Engine::from_rules(all_rules(&specs), Default::default()).unwrap();
    let mut pieces: Vec<String> = Vec::new();
    for spec in &specs {
        for ex in spec.examples.iter().chain(&spec.negative_examples) {
            pieces.push(ex.text().to_string());
            // The value alone too, as a structured cell holds it.
            if let Some(last) = ex.text().rsplit([' ', ':', '=']).next() {
                pieces.push(last.to_string());
            }
        }
        pieces.extend(spec.keywords.iter().cloned());
    }
    pieces.extend(["", "hello", "2024-03-01", "GET", "éé", "Smith", "\"", "a\nb"].map(String::from));
    let mut rng = XorShift(0x0dd_ba11_5eed_cafe);
    let mut cold = 0;
    for _ in 0..400 {
        let n = 1 + (rng.next() % 40) as usize;
        let batch: Vec<&str> = (0..n).map(|_| rng.pick(&pieces).as_str()).collect();
        cold += assert_screen_keeps_every_finding(&engine, &batch);
    }
    // Not everything is kept: the screen is worth its pass.
    assert!(cold > 1000, "only {cold} texts screened out");
}

#[test]
fn screen_leaves_plain_values_cold_and_keeps_sensitive_ones() {
    let engine = Engine::builtin().unwrap();
    let texts = ["search", "2024-03-19T07:50:59.783Z", "4111 1111 1111 1111", "87", "a010784ce02ef528"];
    let (joined, starts) = join(&texts);
    let mut hot = Vec::new();
    engine.screen(&joined, &starts, &mut hot);
    assert_eq!(hot, [false, false, true, false, false]);
}

#[test]
fn screen_marks_everything_when_a_custom_identifier_runs_over_all_text() {
    let cfg = sluice_detect::DetectionConfig::from_yaml(
        "custom_data_identifiers: [{name: ticket, regex: 'TCK-[0-9]{4}'}]",
    )
    .unwrap();
    let engine = Engine::from_config(&cfg).unwrap();
    let (joined, starts) = join(&["plain", "TCK-1234"]);
    let mut hot = Vec::new();
    engine.screen(&joined, &starts, &mut hot);
    assert_eq!(hot, [true, true]);
}

/// Anchors looked up from term starts (`anchors_start_terms`) find what the rule alone finds
/// when the value is glued to what precedes it, in any script.
#[test]
fn engine_equals_each_rule_alone_on_glued_examples() {
    let specs = builtin_specs().unwrap();
    let engine = Engine::from_rules(all_rules(&specs), Default::default()).unwrap();
    let rules = all_rules(&specs);
    for spec in specs.iter().filter(|s| s.anchors_start_terms) {
        for ex in &spec.examples {
            for glue in ["é", "x", "_", "9", "日", "Ω", "-"] {
                let text = ex.text().replace(['=', ':', ' '], &format!(" {glue}"));
                compare(&engine, &rules, &text, &spec.id);
            }
        }
    }
}

/// A keyword-free rule with a Unicode word boundary makes the gate give up on text that is not
/// ASCII (its automaton cannot judge such a boundary there): every keyword-free rule then runs
/// over the whole text, and the engine still finds exactly what each rule alone finds.
#[test]
fn engine_equals_each_rule_alone_where_the_gate_gives_up() {
    let unicode_boundary: RuleSpec = serde_yaml_ng::from_str(
        r#"
id: TEST_UNICODE_BOUNDARY
name: a test rule with a Unicode word boundary
category: PERSONAL_INFORMATION
severity: [LOW, MEDIUM, HIGH]
pattern: '\b(?P<value>caf[eé] [0-9]{4})\b'
examples: ['café 1234', 'cafe 1234']
negative_examples: ['xcafé 1234', 'café 12345']
"#,
    )
    .unwrap();
    let mut specs = builtin_specs().unwrap();
    specs.push(unicode_boundary);
    let engine = Engine::from_rules(all_rules(&specs), Default::default()).unwrap();
    let rules = all_rules(&specs);
    let text = "Zoë paid with 4539 5787 6362 1486 at café 1234, IBAN GB82 WEST 1234 5698 7654 32.\nJane Doe";
    compare(&engine, &rules, text, "non-ASCII text");
    let mut found = Vec::new();
    engine.scan_raw(text, &engine.context::<&str>(&[]), &mut found);
    let ids: Vec<&str> = found.iter().map(|m| rules[m.rule as usize].id.as_str()).collect();
    for id in ["TEST_UNICODE_BOUNDARY", "CREDIT_CARD_NUMBER_(NO_KEYWORD)", "UK_BANK_ACCOUNT_NUMBER"] {
        assert!(ids.contains(&id), "{id} among {ids:?}");
    }
}

/// A rule's `inner_bytes` holds every byte of its matches but the first: over every example
/// of every rule, and over the name-like text below.
#[test]
fn matches_hold_only_their_inner_bytes_after_the_first() {
    let specs = builtin_specs().unwrap();
    let mut texts: Vec<String> = specs
        .iter()
        .flat_map(|s| s.examples.iter().chain(&s.negative_examples))
        .map(|e| e.text().to_string())
        .collect();
    texts.extend(name_like_texts(100));
    let mut checked = 0;
    for spec in specs.iter().filter(|s| s.inner_bytes.is_some()) {
        let rule = CompiledRule::from_spec(spec).unwrap();
        let inner = rule.inner_bytes.as_deref().unwrap();
        for text in &texts {
            for m in rule.regex.get().find_iter(text.as_str()) {
                let found = &text[m.range()];
                let outside = found.bytes().skip(1).find(|&b| !inner[b as usize]);
                assert_eq!(outside, None, "{}: {found:?} in {text:?}", spec.id);
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} matches checked");
}

/// Names, capitalised words, particles and initials, glued by every kind of byte a name
/// may or may not hold, on short lines and on lines longer than a window's search reaches.
fn name_like_texts(n: usize) -> Vec<String> {
    const WORDS: [&str; 18] = [
        "John", "Smith", "JOHN", "SMITH", "van", "der", "A.", "O'Neil", "Zoë", "Émile", "McDonald", "Intel",
        "Mac", "Mr.", "Dear", "the", "42", "Jean-Luc",
    ];
    const GLUE: [&str; 16] =
        [" ", " ", " ", ", ", "\n", "/", ";", "(", ")", "\"", ": ", "_", "@", "-", "\t", "«"];
    let mut rng = XorShift(0x0a11_ce5e_ed00_b0b5);
    (0..n)
        .map(|i| {
            let words = if i % 10 == 0 { 1_500 } else { 5 + (rng.next() % 80) as usize };
            // Every tenth text a single long line of words and spaces only.
            let glue: &[&str] = if i % 10 == 0 { &GLUE[..3] } else { &GLUE[..] };
            let mut text = String::new();
            for _ in 0..words {
                text.push_str(rng.pick::<&str>(&WORDS[..]));
                text.push_str(rng.pick::<&str>(glue));
            }
            text
        })
        .collect()
}

/// A rule with `inner_bytes` runs between the bytes its matches cannot hold, not over whole
/// lines: the same matches, on name-like text where those bytes are everywhere and on long
/// lines that have none (where it falls back to whole lines).
#[test]
fn engine_equals_each_rule_alone_on_name_like_text() {
    let specs = builtin_specs().unwrap();
    let engine = Engine::from_rules(all_rules(&specs), Default::default()).unwrap();
    let rules = all_rules(&specs);
    let mut named = 0;
    for (i, text) in name_like_texts(300).iter().enumerate() {
        compare(&engine, &rules, text, &format!("name-like text {i}"));
        let name = rules.iter().position(|r| r.id == "NAME").unwrap();
        named += reference::scan_rule(&rules[name], text, &[]).len();
    }
    assert!(named > 50, "the texts hold names: {named}");
}

//! Every rule's `examples` must be found and its `negative_examples` must not be: by the rule
//! alone (the reference scanner), by a one-rule engine, and by the engine with every
//! identifier on (where `yields_to` between identifiers applies).

use sluice_detect::{builtin_specs, reference, AllowList, CompiledRule, Engine, Example};

fn engine_ids(engine: &Engine, ex: &Example) -> Vec<String> {
    let ctx = engine.context(&ex.context());
    let mut out = Vec::new();
    engine.scan(ex.text(), &ctx, &mut out);
    out.iter().map(|m| engine.rules()[m.rule as usize].id.clone()).collect()
}

#[test]
fn every_rule_finds_its_examples_and_none_of_its_negatives() {
    let specs = builtin_specs().expect("rule files parse");
    let full = Engine::builtin().expect("engine builds");
    let mut failures = Vec::new();
    let variants = |id: &str| specs.iter().filter(|s| s.id == id).count();
    for spec in &specs {
        let rule = match CompiledRule::from_spec(spec) {
            Ok(r) => r,
            Err(e) => {
                failures.push(e.to_string());
                continue;
            }
        };
        let single =
            Engine::from_rules(vec![CompiledRule::from_spec(spec).unwrap()], AllowList::default()).unwrap();
        for ex in &spec.examples {
            if reference::scan_rule(&rule, ex.text(), &ex.context()).is_empty() {
                failures.push(format!("{}: missed example {:?}", spec.id, ex.text()));
            }
            if !engine_ids(&single, ex).contains(&spec.id) {
                failures.push(format!("{}: one-rule engine missed example {:?}", spec.id, ex.text()));
            }
            if spec.enabled_by_default && !engine_ids(&full, ex).contains(&spec.id) {
                failures.push(format!("{}: full engine missed example {:?}", spec.id, ex.text()));
            }
        }
        for ex in &spec.negative_examples {
            if !reference::scan_rule(&rule, ex.text(), &ex.context()).is_empty() {
                failures.push(format!("{}: matched negative example {:?}", spec.id, ex.text()));
            }
            if engine_ids(&single, ex).contains(&spec.id) {
                failures.push(format!(
                    "{}: one-rule engine matched negative example {:?}",
                    spec.id,
                    ex.text()
                ));
            }
            // Another variant of the same ID may rightly find it (an IBAN is a negative of
            // the domestic-format rule that shares its ID).
            if variants(&spec.id) == 1 && engine_ids(&full, ex).contains(&spec.id) {
                failures.push(format!("{}: full engine matched negative example {:?}", spec.id, ex.text()));
            }
        }
    }
    assert!(failures.is_empty(), "{} rule example failures:\n{}", failures.len(), failures.join("\n"));
}

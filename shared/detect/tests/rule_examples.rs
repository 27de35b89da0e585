//! Every rule's `examples` must be found and its `negative_examples` must not be.

use sluice_detect::{builtin_specs, reference, CompiledRule};

#[test]
fn every_rule_finds_its_examples_and_none_of_its_negatives() {
    let specs = builtin_specs().expect("rule files parse");
    let mut failures = Vec::new();
    for spec in &specs {
        let rule = match CompiledRule::from_spec(spec) {
            Ok(r) => r,
            Err(e) => {
                failures.push(e.to_string());
                continue;
            }
        };
        for ex in &spec.examples {
            if reference::scan_rule(&rule, ex.text(), &ex.context()).is_empty() {
                failures.push(format!("{}: missed example {:?}", spec.id, ex.text()));
            }
        }
        for ex in &spec.negative_examples {
            if !reference::scan_rule(&rule, ex.text(), &ex.context()).is_empty() {
                failures.push(format!("{}: matched negative example {:?}", spec.id, ex.text()));
            }
        }
    }
    assert!(failures.is_empty(), "{} rule example failures:\n{}", failures.len(), failures.join("\n"));
}

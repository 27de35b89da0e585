//! `template.yaml` as the tests read it: CloudFormation's short forms rewritten in their long
//! form, conditions resolved (as a test sets them, or as the parameters' defaults make them).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_yaml_ng::{Mapping, Value};

pub fn repo_file(path: &str) -> String {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The template with CloudFormation's short-form tags (`!Ref X`, `!If [...]`) rewritten in
/// their long form (`{Ref: X}`, `{Fn::If: [...]}`), as CloudFormation reads them.
pub fn template() -> Value {
    let text = repo_file("template.yaml");
    long_form(serde_yaml_ng::from_str(&text).expect("template.yaml is YAML"))
}

fn long_form(value: Value) -> Value {
    match value {
        Value::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let name = tag.trim_start_matches('!');
            let key =
                if name == "Ref" || name == "Condition" { name.to_string() } else { format!("Fn::{name}") };
            let inner = long_form(tagged.value);
            // `!GetAtt A.B` is `Fn::GetAtt: [A, B]`.
            let inner = match (name, inner) {
                ("GetAtt", Value::String(s)) => {
                    let (resource, attribute) = s.split_once('.').expect("GetAtt names Resource.Attribute");
                    Value::Sequence(vec![resource.into(), attribute.into()])
                }
                (_, inner) => inner,
            };
            let mut map = Mapping::new();
            map.insert(key.into(), inner);
            Value::Mapping(map)
        }
        Value::Sequence(items) => Value::Sequence(items.into_iter().map(long_form).collect()),
        Value::Mapping(map) => Value::Mapping(map.into_iter().map(|(k, v)| (k, long_form(v))).collect()),
        other => other,
    }
}

/// Evaluates `Fn::If` under the given truth of the template's conditions and drops
/// `AWS::NoValue`; `None` when the whole value is `AWS::NoValue`.
pub fn resolve(value: &Value, conditions: &BTreeMap<&str, bool>) -> Option<Value> {
    match value {
        Value::Mapping(map) => {
            if let Some(Value::Sequence(args)) = map.get("Fn::If") {
                let name = args[0].as_str().expect("an Fn::If condition name");
                let truth =
                    *conditions.get(name).unwrap_or_else(|| panic!("condition {name} not set by the test"));
                return resolve(&args[if truth { 1 } else { 2 }], conditions);
            }
            if map.get("Ref").and_then(Value::as_str) == Some("AWS::NoValue") {
                return None;
            }
            Some(Value::Mapping(
                map.iter().filter_map(|(k, v)| resolve(v, conditions).map(|v| (k.clone(), v))).collect(),
            ))
        }
        Value::Sequence(items) => {
            Some(Value::Sequence(items.iter().filter_map(|v| resolve(v, conditions)).collect()))
        }
        other => Some(other.clone()),
    }
}

/// The truth of every condition of the template that can be evaluated from the parameters'
/// defaults (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`, `Ref` to a parameter,
/// `Fn::Join`): the stack as deployed without overrides.
pub fn conditions_at_parameter_defaults(t: &Value) -> BTreeMap<&str, bool> {
    let conditions = t["Conditions"].as_mapping().expect("Conditions");
    let mut out = BTreeMap::new();
    for (name, _) in conditions {
        let name = name.as_str().expect("a condition name");
        if let Some(truth) = condition(t, name) {
            out.insert(name, truth);
        }
    }
    out
}

fn condition(t: &Value, name: &str) -> Option<bool> {
    truth(t, &t["Conditions"][name])
}

fn truth(t: &Value, value: &Value) -> Option<bool> {
    let map = value.as_mapping()?;
    let (function, args) = map.iter().next()?;
    let args = args.as_sequence();
    match function.as_str()? {
        "Fn::Equals" => {
            let args = args?;
            Some(scalar(t, &args[0])? == scalar(t, &args[1])?)
        }
        "Fn::Not" => Some(!truth(t, &args?[0])?),
        "Fn::And" => args?.iter().try_fold(true, |all, a| Some(all && truth(t, a)?)),
        "Fn::Or" => args?.iter().try_fold(false, |any, a| Some(any || truth(t, a)?)),
        "Condition" => condition(t, map.get("Condition")?.as_str()?),
        _ => None,
    }
}

/// A value as a string: literals, `Ref` to a parameter (its default), `Fn::Join`.
fn scalar(t: &Value, value: &Value) -> Option<String> {
    Some(list(t, value)?.join(","))
}

/// A value as a list of strings (a `CommaDelimitedList` parameter is one).
fn list(t: &Value, value: &Value) -> Option<Vec<String>> {
    match value {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Number(n) => Some(vec![n.to_string()]),
        Value::Bool(b) => Some(vec![b.to_string()]),
        Value::Sequence(items) => items.iter().map(|v| scalar(t, v)).collect(),
        Value::Mapping(map) => {
            if let Some(name) = map.get("Ref").and_then(Value::as_str) {
                let parameter = t["Parameters"].get(name)?;
                let default = match parameter.get("Default")? {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => return None,
                };
                return Some(if parameter["Type"].as_str() == Some("CommaDelimitedList") {
                    default.split(',').map(str::to_string).collect()
                } else {
                    vec![default]
                });
            }
            if let Some(Value::Sequence(args)) = map.get("Fn::Join") {
                let separator = args.first()?.as_str()?;
                return Some(vec![list(t, args.get(1)?)?.join(separator)]);
            }
            None
        }
        _ => None,
    }
}

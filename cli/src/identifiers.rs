use std::io::Write;

use anyhow::Result;
use sluice_detect::{Engine, Origin};

/// One row per identifier ID (variants of one ID are merged).
pub fn print(engine: &Engine, json: bool) -> Result<()> {
    let mut rows: Vec<(String, &'static str, bool, Vec<String>, bool, &'static str)> = Vec::new();
    for r in engine.rules() {
        let validator = r.validator.as_ref().map(|(n, _)| n.clone());
        match rows.iter_mut().find(|row| row.0 == r.id) {
            Some(row) => {
                row.2 &= r.keyword_required;
                row.3.extend(validator);
            }
            None => rows.push((
                r.id.clone(),
                r.category.as_str(),
                r.keyword_required,
                validator.into_iter().collect(),
                r.recommended,
                match r.origin {
                    Origin::Managed => "macie",
                    Origin::Sluice => "sluice",
                    Origin::Custom => "custom",
                },
            )),
        }
    }
    let mut out = std::io::stdout().lock();
    if json {
        for (id, category, kw, validators, recommended, origin) in &rows {
            let v = serde_json::json!({
                "id": id, "category": category, "keywordRequired": kw,
                "validators": validators, "recommended": recommended, "origin": origin,
            });
            writeln!(out, "{v}")?;
        }
    } else {
        writeln!(out, "{:<52} {:<22} {:<8} {:<6} {}", "ID", "CATEGORY", "KEYWORD", "ORIGIN", "VALIDATOR")?;
        for (id, category, kw, validators, _, origin) in &rows {
            let mut v = validators.clone();
            v.dedup();
            let v = if v.is_empty() { "-".to_string() } else { v.join(",") };
            writeln!(
                out,
                "{id:<52} {category:<22} {:<8} {origin:<6} {v}",
                if *kw { "required" } else { "-" }
            )?;
        }
        writeln!(out, "{} identifiers", rows.len())?;
    }
    Ok(())
}

use std::io::Write;

use anyhow::Result;
use serde::Serialize;
use sluice_detect::{Engine, Origin};

/// One identifier ID in the catalog (variants of one ID are merged).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CatalogRow {
    id: String,
    category: &'static str,
    keyword_required: bool,
    validators: Vec<String>,
    recommended: bool,
    origin: &'static str,
}

fn catalog(engine: &Engine) -> Vec<CatalogRow> {
    let mut rows: Vec<CatalogRow> = Vec::new();
    for r in engine.rules() {
        let validator = r.validator.as_ref().map(|(n, _)| n.clone());
        match rows.iter_mut().find(|row| row.id == r.id) {
            Some(row) => {
                row.keyword_required &= r.keyword_required;
                row.validators.extend(validator.filter(|v| !row.validators.contains(v)));
            }
            None => rows.push(CatalogRow {
                id: r.id.clone(),
                category: r.category.as_str(),
                keyword_required: r.keyword_required,
                validators: validator.into_iter().collect(),
                recommended: r.recommended,
                origin: match r.origin {
                    Origin::Managed => "macie",
                    Origin::Sluice => "sluice",
                    Origin::Custom => "custom",
                },
            }),
        }
    }
    rows
}

pub fn print(engine: &Engine, json: bool) -> Result<()> {
    let rows = catalog(engine);
    let mut out = std::io::stdout().lock();
    if json {
        for row in &rows {
            writeln!(out, "{}", serde_json::to_string(row)?)?;
        }
        return Ok(());
    }
    writeln!(out, "{:<52} {:<22} {:<8} {:<6} VALIDATOR", "ID", "CATEGORY", "KEYWORD", "ORIGIN")?;
    for row in &rows {
        let validators = if row.validators.is_empty() { "-".to_string() } else { row.validators.join(",") };
        let keyword = if row.keyword_required { "required" } else { "-" };
        writeln!(out, "{:<52} {:<22} {keyword:<8} {:<6} {validators}", row.id, row.category, row.origin)?;
    }
    writeln!(out, "{} identifiers", rows.len())?;
    Ok(())
}

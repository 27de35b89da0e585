use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;
use sluice_finding::{ClassificationResult, Severity, StatusCode};

/// One JSON line per object: Macie's sensitive data discovery result, flattened.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectLine<'a> {
    pub path: &'a str,
    #[serde(flatten)]
    pub result: &'a ClassificationResult,
}

/// Totals for the closing table.
#[derive(Default)]
pub struct Summary {
    pub objects: u64,
    pub bytes: u64,
    pub errors: u64,
    pub by_status: BTreeMap<String, u64>,
    pub by_severity: BTreeMap<Severity, u64>,
    /// Identifier → (objects, occurrences).
    pub by_type: BTreeMap<String, (u64, u64)>,
    pub max_severity: Option<Severity>,
}

impl Summary {
    pub fn add(&mut self, r: &ClassificationResult) {
        self.objects += 1;
        self.bytes += r.size_classified;
        let status = match (r.status.code, r.status.reason) {
            (StatusCode::Complete, _) => "COMPLETE".to_string(),
            (code, Some(reason)) => format!(
                "{code:?} {}",
                serde_json::to_value(reason).unwrap_or_default().as_str().unwrap_or("")
            )
            .to_uppercase(),
            (code, None) => format!("{code:?}").to_uppercase(),
        };
        *self.by_status.entry(status).or_default() += 1;
        if let Some(s) = r.severity {
            *self.by_severity.entry(s).or_default() += 1;
            self.max_severity = self.max_severity.max(Some(s));
        }
        for item in &r.sensitive_data {
            for d in &item.detections {
                let e = self.by_type.entry(d.kind.clone()).or_default();
                e.0 += 1;
                e.1 += d.count;
            }
        }
        for d in &r.custom_data_identifiers.detections {
            let e = self.by_type.entry(format!("custom:{}", d.name)).or_default();
            e.0 += 1;
            e.1 += d.count;
        }
    }

    pub fn print(&self, out: &mut dyn Write, seconds: f64) -> std::io::Result<()> {
        let mb = self.bytes as f64 / 1e6;
        let size = if self.bytes < 1_000_000 {
            format!("{:.1} KB", self.bytes as f64 / 1e3)
        } else {
            format!("{mb:.1} MB")
        };
        writeln!(
            out,
            "Scanned {} objects, {size} in {:.2} s ({:.1} MB/s); {} unreadable",
            self.objects,
            seconds,
            if seconds > 0.0 { mb / seconds } else { 0.0 },
            self.errors
        )?;
        writeln!(out, "\nStatus")?;
        for (status, n) in &self.by_status {
            writeln!(out, "  {status:<50} {n:>8}")?;
        }
        writeln!(out, "\nObjects with findings, by severity")?;
        for s in [Severity::High, Severity::Medium, Severity::Low] {
            writeln!(out, "  {:<50} {:>8}", s.label(), self.by_severity.get(&s).copied().unwrap_or(0))?;
        }
        if !self.by_type.is_empty() {
            writeln!(out, "\n  {:<50} {:>8} {:>12}", "TYPE", "OBJECTS", "OCCURRENCES")?;
            let mut rows: Vec<_> = self.by_type.iter().collect();
            rows.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.cmp(b.0)));
            for (t, (objects, occurrences)) in rows {
                writeln!(out, "  {t:<50} {objects:>8} {occurrences:>12}")?;
            }
        }
        Ok(())
    }
}

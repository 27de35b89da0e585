//! The files of a generated corpus folder that are objects to classify, shared by the
//! throughput bench and the `rules_ab` example (included by path in each).

use std::path::{Path, PathBuf};

/// Every file under `dir`, recursively, in order of path, without the generator's side
/// files (labels, manifest, values).
pub fn bulk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if !matches!(
                p.file_name().and_then(|n| n.to_str()),
                Some("labels.jsonl" | "manifest.json" | "values.jsonl")
            ) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

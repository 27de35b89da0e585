//! `sluice` end to end on the committed sample data in `examples/`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

fn sluice(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sluice")).args(args).output().expect("runs sluice")
}

/// path → (type → count), from the JSON Lines output.
fn scan_jsonl() -> (HashMap<String, Value>, String) {
    let dir = examples();
    let out = sluice(&["scan", dir.to_str().unwrap(), "--format", "jsonl", "--quiet"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let by_path = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|v| (v["path"].as_str().unwrap().to_string(), v))
        .collect();
    (by_path, text)
}

fn counts(result: &Value) -> HashMap<String, u64> {
    let mut m = HashMap::new();
    for item in result["sensitiveData"].as_array().unwrap() {
        for d in item["detections"].as_array().unwrap() {
            m.insert(d["type"].as_str().unwrap().to_string(), d["count"].as_u64().unwrap());
        }
    }
    m
}

#[test]
fn scans_the_examples_with_macie_shaped_results() {
    let (results, _) = scan_jsonl();
    assert_eq!(results.len(), 6, "five sample files and their README");

    let csv = &results["exports/customers.csv"];
    assert_eq!(csv["mimeType"], "text/csv");
    assert_eq!(csv["status"]["code"], "COMPLETE");
    assert_eq!(csv["severity"]["description"], "High");
    assert_eq!(csv["findingType"], "SensitiveData:S3Object/Multiple");
    let c = counts(csv);
    assert_eq!(c.get("USA_SOCIAL_SECURITY_NUMBER"), Some(&3));
    assert_eq!(c.get("CREDIT_CARD_NUMBER"), Some(&3));
    let ssn_cells = csv["sensitiveData"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["detections"].as_array().unwrap())
        .find(|d| d["type"] == "USA_SOCIAL_SECURITY_NUMBER")
        .unwrap()["occurrences"]["cells"]
        .clone();
    assert_eq!(ssn_cells[0], serde_json::json!({"row": 2, "column": 4, "columnName": "ssn"}));

    let log = counts(&results["logs/app.log"]);
    for t in ["AWS_CREDENTIALS", "JSON_WEB_TOKEN", "HTTP_BASIC_AUTH_HEADER", "SLUICE_AWS_ACCESS_KEY_ID"] {
        assert!(log.contains_key(t), "app.log lacks {t}: {log:?}");
    }
    let env = counts(&results["config/app.env"]);
    for t in ["SLUICE_DATABASE_CONNECTION_STRING", "STRIPE_CREDENTIALS", "SLUICE_GITHUB_TOKEN"] {
        assert!(env.contains_key(t), "app.env lacks {t}: {env:?}");
    }
    let payments = &results["exports/payments.jsonl"];
    let p = counts(payments);
    assert_eq!(p.get("GERMANY_BANK_ACCOUNT_NUMBER"), Some(&1));
    assert_eq!(p.get("UK_BANK_ACCOUNT_NUMBER"), Some(&1));
    assert_eq!(p.get("FRANCE_BANK_ACCOUNT_NUMBER"), Some(&1));
    let records = payments.to_string();
    assert!(
        records.contains(r#"{"jsonPath":"$.payer.bank.iban","recordIndex":0}"#)
            || records.contains(r#""recordIndex":0,"jsonPath":"$.payer.bank.iban""#),
        "{records}"
    );

    let notes = &results["notes.txt"];
    assert_eq!(notes["status"]["code"], "COMPLETE");
    assert!(notes["sensitiveData"].as_array().unwrap().is_empty(), "{notes}");
    assert!(notes["severity"].is_null());
}

#[test]
fn output_never_contains_the_values_it_found() {
    let (_, text) = scan_jsonl();
    for planted in [
        "536-22-8726",
        "4539104332181967",
        "DE82370400440532013999",
        "kO85TbATCmZwkKljQY9LVKxmYSf7T4epY8ReR+ow",
        "AKIAJQIPQ3ZXOI7FDHJK",
        "YWRtaW46aHVudGVyMjAyNg",
        "Vq7pL2xR9sT4wZ",
        "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",
        "jane.miller@example.org",
    ] {
        assert!(!text.contains(planted), "plaintext {planted} in output");
    }
}

#[test]
fn fail_on_sets_the_exit_code() {
    let dir = examples();
    let all = sluice(&["scan", dir.to_str().unwrap(), "--fail-on", "high", "--quiet"]);
    assert_eq!(all.status.code(), Some(1));
    let summary = String::from_utf8_lossy(&all.stdout);
    assert!(summary.contains("Scanned 6 objects"), "{summary}");
    let clean = sluice(&["scan", dir.join("notes.txt").to_str().unwrap(), "--fail-on", "low", "--quiet"]);
    assert_eq!(clean.status.code(), Some(0));
}

#[test]
fn identifier_selection_and_bad_configuration() {
    let dir = examples();
    let only_ssn = sluice(&[
        "scan",
        dir.join("exports").to_str().unwrap(),
        "--identifiers",
        "INCLUDE:USA_SOCIAL_SECURITY_NUMBER",
        "--format",
        "jsonl",
        "--quiet",
    ]);
    let text = String::from_utf8(only_ssn.stdout).unwrap();
    assert!(text.contains("USA_SOCIAL_SECURITY_NUMBER") && !text.contains("CREDIT_CARD_NUMBER"), "{text}");

    let cfg = std::env::temp_dir().join(format!("sluice-bad-{}.yaml", std::process::id()));
    std::fs::write(
        &cfg,
        "custom_data_identifiers:\n  - name: x\n    regex: 'EMP-\\d+'\n    maximum_match_distance: 500\n",
    )
    .unwrap();
    let bad = sluice(&["scan", dir.to_str().unwrap(), "--config", cfg.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("custom_data_identifiers[0].maximum_match_distance"), "{err}");
    std::fs::remove_file(cfg).ok();
}

#[test]
fn custom_identifiers_from_the_config_file() {
    let cfg = std::env::temp_dir().join(format!("sluice-cdi-{}.yaml", std::process::id()));
    std::fs::write(
        &cfg,
        "identifiers: {selector: NONE}\ncustom_data_identifiers:\n  - name: Order id\n    regex: 'pay_\\d{4}'\n    severity_levels:\n      - {severity: LOW, occurrences_threshold: 1}\n      - {severity: HIGH, occurrences_threshold: 4}\n",
    )
    .unwrap();
    let dir = examples();
    let out = sluice(&[
        "scan",
        dir.join("exports/payments.jsonl").to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
        "--format",
        "jsonl",
        "-q",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["customDataIdentifiers"]["totalCount"], 4);
    assert_eq!(v["findingType"], "SensitiveData:S3Object/CustomIdentifier");
    assert_eq!(v["severity"]["description"], "High");
    std::fs::remove_file(cfg).ok();
}

#[test]
fn identifiers_lists_the_catalog() {
    let out = sluice(&["identifiers", "--json"]);
    assert!(out.status.success());
    let rows: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(rows.len() >= 166 + 40, "{} identifiers", rows.len());
    let ssn = rows.iter().find(|r| r["id"] == "USA_SOCIAL_SECURITY_NUMBER").unwrap();
    assert_eq!(ssn["keywordRequired"], true);
    assert_eq!(ssn["category"], "PERSONAL_INFORMATION");
}

#[test]
fn invalid_and_binary_input_does_not_crash() {
    let dir = std::env::temp_dir().join(format!("sluice-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("bad-utf8.txt"), b"caf\xc3\xa9 \xfd\xfe ssn 536-22-8726 \xc3\x28 end").unwrap();
    std::fs::write(dir.join("nul.txt"), b"ssn\x00536-22-8726\x00\x00").unwrap();
    std::fs::write(dir.join("image.png"), b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00").unwrap();
    std::fs::write(dir.join("long-line.txt"), "7".repeat(20 << 20)).unwrap();
    std::fs::write(dir.join("empty.csv"), b"").unwrap();
    let out = sluice(&["scan", dir.to_str().unwrap(), "--format", "jsonl", "-q"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let by_path: HashMap<String, Value> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|v| (v["path"].as_str().unwrap().to_string(), v))
        .collect();
    assert_eq!(by_path.len(), 5);
    assert_eq!(counts(&by_path["bad-utf8.txt"]).get("USA_SOCIAL_SECURITY_NUMBER"), Some(&1));
    assert_eq!(by_path["image.png"]["status"]["code"], "SKIPPED");
    assert_eq!(by_path["image.png"]["status"]["reason"], "UNSUPPORTED_FILE_TYPE_EXCEPTION");
    assert_eq!(by_path["long-line.txt"]["status"]["code"], "COMPLETE");
    std::fs::remove_dir_all(dir).ok();
}

//! `template.yaml` against the code: each function's role grants exactly the IAM actions its
//! code declares (the scanner's list in `shared/aws/src/iam.rs`, the remediator's actions'
//! `iam_actions()`), on named resources, and the functions are wired as the code expects.

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml_ng::{Mapping, Value};
use sluice_remediate::remediator_iam_actions;
use support::cfn::{repo_file, resolve, template};

mod support;

fn resources(t: &Value) -> &Mapping {
    t["Resources"].as_mapping().expect("Resources")
}

fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Sequence(items) => items.iter().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

struct Statement {
    sid: String,
    actions: Vec<String>,
    resources: Value,
    condition: Option<Value>,
}

fn statements(document: &Value) -> Vec<Statement> {
    let list = match &document["Statement"] {
        Value::Sequence(items) => items.clone(),
        single => vec![single.clone()],
    };
    list.iter()
        .map(|s| {
            assert_eq!(s["Effect"].as_str(), Some("Allow"), "{s:?}");
            Statement {
                sid: s["Sid"].as_str().unwrap_or_default().to_string(),
                actions: strings(&s["Action"]),
                resources: s["Resource"].clone(),
                condition: s.get("Condition").cloned(),
            }
        })
        .collect()
}

/// The statements of the `AWS::IAM::Policy` resources attached to `role` (what Sluice's
/// code calls) and of the role's inline policies (what the Lambda platform needs).
fn role_statements(
    t: &Value,
    role: &str,
    conditions: &BTreeMap<&str, bool>,
) -> (Vec<Statement>, Vec<Statement>) {
    let mut code = Vec::new();
    for (_, resource) in resources(t) {
        if resource["Type"].as_str() != Some("AWS::IAM::Policy") {
            continue;
        }
        let roles = &resource["Properties"]["Roles"];
        let attached =
            roles.as_sequence().unwrap().iter().any(|r| r.get("Ref").and_then(Value::as_str) == Some(role));
        if attached {
            let doc = resolve(&resource["Properties"]["PolicyDocument"], conditions).unwrap();
            code.extend(statements(&doc));
        }
    }
    let role_resource = &resources(t)[role];
    assert_eq!(role_resource["Type"].as_str(), Some("AWS::IAM::Role"));
    let mut platform = Vec::new();
    for policy in role_resource["Properties"]["Policies"].as_sequence().into_iter().flatten() {
        let doc = resolve(&policy["PolicyDocument"], conditions).unwrap();
        platform.extend(statements(&doc));
    }
    assert!(role_resource["Properties"].get("ManagedPolicyArns").is_none(), "{role} has managed policies");
    (code, platform)
}

fn actions(statements: &[Statement]) -> BTreeSet<String> {
    statements.iter().flat_map(|s| s.actions.iter().cloned()).collect()
}

/// `SCANNER_ACTIONS` as written in `shared/aws/src/iam.rs`: that file stays the one list.
fn scanner_actions_in_code() -> BTreeSet<String> {
    let text = repo_file("shared/aws/src/iam.rs");
    let start = text.find("pub const SCANNER_ACTIONS").expect("SCANNER_ACTIONS in iam.rs");
    let body = &text[start..];
    let body = &body[body.find("&[").expect("a slice")..body.find("];").expect("its end")];
    let list: BTreeSet<String> = body
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .flat_map(|line| line.split('"').skip(1).step_by(2).map(str::to_string).collect::<Vec<_>>())
        .collect();
    assert!(list.len() >= 10 && list.iter().all(|a| a.contains(':')), "{list:?}");
    list
}

fn conditions(monitored: bool, create_key: bool, allow_delete: bool) -> BTreeMap<&'static str, bool> {
    BTreeMap::from([
        ("HasMonitoredBuckets", monitored),
        ("CreateKey", create_key),
        ("AllowQuarantineDelete", allow_delete),
        ("UseDefaultBus", true),
        ("CreateBus", false),
        ("ForwardToCentralBus", false),
        ("HasAlarmTopic", false),
        ("MinimumHigh", false),
        ("MinimumMedium", true),
    ])
}

fn all_condition_sets() -> Vec<BTreeMap<&'static str, bool>> {
    let mut out = Vec::new();
    for monitored in [false, true] {
        for create_key in [false, true] {
            for allow_delete in [false, true] {
                out.push(conditions(monitored, create_key, allow_delete));
            }
        }
    }
    out
}

#[test]
fn the_scanner_role_grants_exactly_what_the_scanner_calls() {
    let t = template();
    let expected = scanner_actions_in_code();
    for conds in all_condition_sets() {
        let (code, _) = role_statements(&t, "ScannerRole", &conds);
        let granted = actions(&code);
        let missing: Vec<_> = expected.difference(&granted).collect();
        let extra: Vec<_> = granted.difference(&expected).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "missing {missing:?}, extra {extra:?} under {conds:?}"
        );
    }
}

#[test]
fn the_remediator_role_grants_exactly_what_the_actions_declare() {
    let t = template();
    for conds in all_condition_sets() {
        let allow_delete = conds["AllowQuarantineDelete"];
        let expected: BTreeSet<String> =
            remediator_iam_actions(allow_delete).into_iter().map(str::to_string).collect();
        let (code, _) = role_statements(&t, "RemediatorRole", &conds);
        let granted = actions(&code);
        let missing: Vec<_> = expected.difference(&granted).collect();
        let extra: Vec<_> = granted.difference(&expected).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "missing {missing:?}, extra {extra:?} under {conds:?}"
        );
        assert_eq!(granted.iter().any(|a| a.starts_with("s3:Delete")), allow_delete);
    }
}

#[test]
fn the_roles_inline_policies_hold_only_what_the_lambda_platform_needs() {
    let t = template();
    let platform: BTreeSet<&str> = [
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:ChangeMessageVisibility",
        "sqs:SendMessage",
    ]
    .into();
    for role in ["ScannerRole", "RemediatorRole"] {
        let (_, inline) = role_statements(&t, role, &conditions(true, true, false));
        for a in actions(&inline) {
            assert!(platform.contains(a.as_str()), "{role} inline grants {a}");
        }
        let trust = &resources(&t)[role]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
        assert_eq!(trust["Principal"]["Service"].as_str(), Some("lambda.amazonaws.com"));
    }
    // Only the scanner polls the scan queue.
    let (_, remediator_inline) = role_statements(&t, "RemediatorRole", &conditions(true, true, false));
    assert!(!actions(&remediator_inline).contains("sqs:ReceiveMessage"));
}

#[test]
fn no_statement_is_unscoped_without_a_reason() {
    // Actions IAM cannot scope to a resource.
    let resourceless: BTreeSet<&str> =
        ["s3:GetAccountPublicAccessBlock", "xray:PutTraceSegments", "xray:PutTelemetryRecords"].into();
    let t = template();
    for role in ["ScannerRole", "RemediatorRole"] {
        for conds in all_condition_sets() {
            let (code, inline) = role_statements(&t, role, &conds);
            for s in code.iter().chain(&inline) {
                for a in &s.actions {
                    assert!(!a.contains('*'), "{role}/{}: wildcard action {a}", s.sid);
                }
                if s.resources.as_str() != Some("*") {
                    continue;
                }
                let all_resourceless = s.actions.iter().all(|a| resourceless.contains(a.as_str()));
                // KMS keys chosen in the configuration file are reachable only through S3.
                let via_s3 = s.actions.iter().all(|a| a.starts_with("kms:"))
                    && s.condition.as_ref().is_some_and(|c| {
                        c["StringEquals"].get("kms:ViaService").is_some()
                            && c["StringEquals"].get("kms:CallerAccount").is_some()
                    });
                assert!(all_resourceless || via_s3, "{role}/{}: Resource * for {:?}", s.sid, s.actions);
            }
        }
    }
}

#[test]
fn deletion_is_granted_on_monitored_objects_only_behind_its_switch() {
    let t = template();
    let (code, _) = role_statements(&t, "RemediatorRole", &conditions(true, true, true));
    let delete =
        code.iter().find(|s| s.actions.iter().any(|a| a == "s3:DeleteObject")).expect("a delete statement");
    let objects = &delete.resources;
    // The demo bucket's objects and the listed buckets' objects, nothing else.
    let split = &objects["Fn::Split"];
    assert_eq!(split[0].as_str(), Some(","));
    let template = split[1]["Fn::Sub"][0].as_str().unwrap();
    assert_eq!(template, "${Demo}/*,arn:*:s3:::${Names}/*");
    assert_eq!(split[1]["Fn::Sub"][1]["Names"]["Fn::Join"][0].as_str(), Some("/*,arn:*:s3:::"));
}

fn function<'a>(t: &'a Value, name: &str) -> &'a Value {
    let f = &resources(t)[name];
    assert_eq!(f["Type"].as_str(), Some("AWS::Serverless::Function"));
    f
}

#[test]
fn functions_are_built_by_cargo_lambda_for_arm64_with_the_variables_the_code_reads() {
    let t = template();
    let globals = &t["Globals"]["Function"];
    assert_eq!(globals["Runtime"].as_str(), Some("provided.al2023"));
    assert_eq!(strings(&globals["Architectures"]), vec!["arm64"]);
    assert_eq!(globals["Handler"].as_str(), Some("bootstrap"));
    let cases = [
        (
            "ScannerFunction",
            "scanner",
            "ScannerRole",
            vec![
                "SLUICE_TABLE",
                "SLUICE_RESULTS_BUCKET",
                "SLUICE_RESULTS_KMS_KEY",
                "SLUICE_EVENT_BUS",
                "SLUICE_ACCOUNT_ID",
                "SLUICE_CONFIG",
                "SLUICE_SECURITY_HUB",
                "SLUICE_OBJECT_TIME_LIMIT",
            ],
        ),
        (
            "RemediatorFunction",
            "remediator",
            "RemediatorRole",
            vec![
                "SLUICE_TABLE",
                "SLUICE_EVENT_BUS",
                "SLUICE_REMEDIATION_MODE",
                "SLUICE_QUARANTINE_BUCKET",
                "SLUICE_CONFIG",
            ],
        ),
    ];
    for (name, binary, role, vars) in cases {
        let f = function(&t, name);
        assert_eq!(f["Metadata"]["BuildMethod"].as_str(), Some("rust-cargolambda"));
        assert_eq!(f["Metadata"]["BuildProperties"]["Binary"].as_str(), Some(binary));
        assert_eq!(f["Properties"]["CodeUri"].as_str(), Some("./"));
        assert_eq!(strings(&f["Properties"]["Role"]["Fn::GetAtt"]), vec![role, "Arn"]);
        let env: BTreeSet<&str> = f["Properties"]["Environment"]["Variables"]
            .as_mapping()
            .unwrap()
            .keys()
            .map(|k| k.as_str().unwrap())
            .collect();
        assert_eq!(env, vars.into_iter().collect(), "{name}");
        // The code's policy is attached before the function (and its event source) exist.
        let policy = if binary == "scanner" { "ScannerPolicy" } else { "RemediatorPolicy" };
        assert_eq!(f["DependsOn"].as_str(), Some(policy));
    }
    let queue_event = &function(&t, "ScannerFunction")["Properties"]["Events"]["ScanQueue"];
    assert_eq!(queue_event["Type"].as_str(), Some("SQS"));
    assert_eq!(strings(&queue_event["Properties"]["FunctionResponseTypes"]), vec!["ReportBatchItemFailures"]);
}

#[test]
fn findings_reach_the_remediator_at_or_above_the_minimum_severity() {
    let t = template();
    let rule = &resources(&t)["RemediationRule"]["Properties"];
    for (high, medium, floor) in [(true, false, 3), (false, true, 2), (false, false, 1)] {
        let mut conds = conditions(true, true, false);
        conds.insert("MinimumHigh", high);
        conds.insert("MinimumMedium", medium);
        let pattern = resolve(&rule["EventPattern"], &conds).unwrap();
        assert_eq!(strings(&pattern["source"]), vec!["sluice"]);
        assert_eq!(strings(&pattern["detail-type"]), vec!["Sluice Finding"]);
        let numeric = &pattern["detail"]["severity"]["score"][0]["numeric"];
        assert_eq!(numeric[0].as_str(), Some(">="));
        // A number, not a string: EventBridge's numeric matching needs one.
        assert_eq!(numeric[1].as_u64(), Some(floor));
    }
    let target = &rule["Targets"][0];
    assert!(target.get("RetryPolicy").is_some() && target.get("DeadLetterConfig").is_some());
}

#[test]
fn object_events_of_monitored_buckets_reach_the_scan_queue() {
    let t = template();
    for name in ["DemoObjectEventsRule", "MonitoredObjectEventsRule"] {
        let rule = &resources(&t)[name]["Properties"];
        let pattern = &rule["EventPattern"];
        assert_eq!(strings(&pattern["source"]), vec!["aws.s3"]);
        assert_eq!(strings(&pattern["detail-type"]), vec!["Object Created", "Object Deleted"]);
        assert!(pattern["detail"]["bucket"].get("name").is_some());
        assert_eq!(strings(&rule["Targets"][0]["Arn"]["Fn::GetAtt"]), vec!["ScanQueue", "Arn"]);
    }
    let queue = &resources(&t)["ScanQueue"]["Properties"];
    assert_eq!(
        strings(&queue["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"]),
        vec!["ScanDeadLetterQueue", "Arn"]
    );
}

#[test]
fn the_findings_table_has_the_keys_and_indexes_the_sinks_query() {
    let t = template();
    let table = &resources(&t)["FindingsTable"]["Properties"];
    assert_eq!(table["BillingMode"].as_str(), Some("PAY_PER_REQUEST"));
    assert_eq!(table["TimeToLiveSpecification"]["AttributeName"].as_str(), Some("expiresAt"));
    assert_eq!(table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"].as_bool(), Some(true));
    let indexes: BTreeMap<&str, (String, String)> = table["GlobalSecondaryIndexes"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|g| {
            let keys = g["KeySchema"].as_sequence().unwrap();
            let name = |i: usize| keys[i]["AttributeName"].as_str().unwrap().to_string();
            (g["IndexName"].as_str().unwrap(), (name(0), name(1)))
        })
        .collect();
    let expected: BTreeMap<&str, (String, String)> = [
        ("byBucket", ("bucket".to_string(), "scannedAt".to_string())),
        ("bySeverity", ("severity".to_string(), "scannedAt".to_string())),
        ("byFindingType", ("findingType".to_string(), "scannedAt".to_string())),
    ]
    .into();
    assert_eq!(indexes, expected);
}

//! The scanner's use case over in-memory ports: ordering, duplicates, removals and failures.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sluice_detect::{DetectionConfig, Engine};
use sluice_extract::Limits;
use sluice_finding::{
    BlockPublicAccess, BucketPosture, EffectivePermission, ObjectRef, PolicyFindingType, Reason, Sequencer,
    StatusCode,
};
use sluice_pipeline::fakes::{FakeArchive, FakePostures, FakePublisher, FakeSource, FakeStore};
use sluice_pipeline::ports::{FindingState, Publication};
use sluice_pipeline::{ObjectChange, Ports, Scanner, Scope};

const SSN_TEXT: &[u8] = b"employee ssn: 536-22-8726\n";
const CLEAN_TEXT: &[u8] = b"nothing to see here\n";

fn engine() -> Engine {
    let cfg =
        DetectionConfig::from_yaml("identifiers: {selector: INCLUDE, ids: [USA_SOCIAL_SECURITY_NUMBER]}")
            .unwrap();
    Engine::from_config(&cfg).unwrap()
}

fn clock() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_800_000_000)
}

struct World {
    source: FakeSource,
    postures: FakePostures,
    archive: FakeArchive,
    store: FakeStore,
    publisher: FakePublisher,
}

impl World {
    fn new(posture: BucketPosture) -> World {
        World {
            source: FakeSource::default(),
            postures: FakePostures::new(posture),
            archive: FakeArchive::default(),
            store: FakeStore::default(),
            publisher: FakePublisher::default(),
        }
    }

    fn private() -> World {
        World::new(BucketPosture {
            block_public_access: Some(BlockPublicAccess::ALL),
            default_encryption: Some(sluice_finding::DefaultEncryption {
                encryption_type: "aws:kms".into(),
                kms_master_key_id: None,
            }),
            ..Default::default()
        })
    }

    fn ports(&self) -> Ports<'_> {
        Ports {
            source: &self.source,
            postures: &self.postures,
            archive: &self.archive,
            store: &self.store,
            publisher: &self.publisher,
        }
    }

    fn run(
        &self,
        scope: &Scope,
        changes: &[ObjectChange],
    ) -> Vec<Result<sluice_pipeline::ScanSummary, sluice_pipeline::ScanError>> {
        let engine = engine();
        let limits = Limits::default();
        let scanner = Scanner { engine: &engine, limits: &limits, scope, clock };
        scanner.handle(&self.ports(), changes)
    }

    fn sensitive(&self, bucket: &str, key: &str) -> Option<(FindingState, sluice_finding::ScanRecord)> {
        let id = sluice_finding::finding_id(bucket, key);
        match self.publisher.findings.lock().unwrap().get(&id) {
            Some(Publication::SensitiveData { record, state, .. }) => Some((*state, record.clone())),
            _ => None,
        }
    }
}

fn obj(key: &str, seq: &str) -> ObjectRef {
    let mut o = ObjectRef::new("bkt", key);
    o.sequencer = Sequencer::parse(seq);
    o
}

#[test]
fn a_finding_is_stored_archived_and_published_without_the_value() {
    let w = World::private();
    w.source.put("bkt", "a.txt", SSN_TEXT);
    let out = w.run(&Scope::default(), &[ObjectChange::Created(obj("a.txt", "01"))]);
    let summary = out[0].as_ref().unwrap();
    assert_eq!(summary.status, StatusCode::Complete);
    assert_eq!(summary.total_count, 1);
    let (state, record) = w.sensitive("bkt", "a.txt").expect("published");
    assert_eq!(state, FindingState::Active);
    assert_eq!(record.detailed_results_location.as_deref(), Some("s3://results/1.jsonl.gz"));
    assert_eq!(record.effective_permission(), EffectivePermission::NotPublic);
    assert_eq!(w.store.items.lock().unwrap().len(), 1);
    assert_eq!(w.archive.records.lock().unwrap().len(), 1);
    let everything = format!("{:?}{:?}", w.store.items.lock().unwrap(), w.publisher.findings.lock().unwrap());
    assert!(!everything.contains("536-22-8726"));
}

#[test]
fn duplicate_delivery_leaves_one_record_and_one_finding() {
    let w = World::private();
    w.source.put("bkt", "a.txt", SSN_TEXT);
    let change = ObjectChange::Created(obj("a.txt", "01"));
    w.run(&Scope::default(), std::slice::from_ref(&change));
    w.run(&Scope::default(), &[change.clone(), change]);
    assert_eq!(w.store.items.lock().unwrap().len(), 1);
    assert_eq!(w.publisher.findings.lock().unwrap().len(), 1);
    assert_eq!(w.sensitive("bkt", "a.txt").unwrap().0, FindingState::Active);
}

#[test]
fn an_older_event_never_overwrites_a_newer_result() {
    let w = World::private();
    // The newer event (a clean object) arrives first, the older (with an SSN) second.
    w.source.put("bkt", "a.txt", CLEAN_TEXT);
    w.run(&Scope::default(), &[ObjectChange::Created(obj("a.txt", "0002"))]);
    w.source.put("bkt", "a.txt", SSN_TEXT);
    let out = w.run(&Scope::default(), &[ObjectChange::Created(obj("a.txt", "01"))]);
    assert!(out[0].as_ref().unwrap().stale);
    let items = w.store.items.lock().unwrap();
    let stored = items.values().next().unwrap();
    assert!(!stored.record.has_finding(), "the newer, clean result stays");
    assert!(w.sensitive("bkt", "a.txt").is_none(), "the stale finding is not published");
}

#[test]
fn a_clean_rescan_archives_the_finding_and_a_removal_archives_it_too() {
    let w = World::private();
    w.source.put("bkt", "a.txt", SSN_TEXT);
    w.run(&Scope::default(), &[ObjectChange::Created(obj("a.txt", "01"))]);
    w.source.put("bkt", "a.txt", CLEAN_TEXT);
    w.run(&Scope::default(), &[ObjectChange::Created(obj("a.txt", "02"))]);
    assert_eq!(w.sensitive("bkt", "a.txt").unwrap().0, FindingState::Archived);

    w.source.put("bkt", "b.txt", SSN_TEXT);
    w.run(&Scope::default(), &[ObjectChange::Created(obj("b.txt", "01"))]);
    let out = w.run(&Scope::default(), &[ObjectChange::Removed(obj("b.txt", "02"))]);
    assert_eq!(out[0].as_ref().unwrap().archived, 1);
    assert_eq!(w.sensitive("bkt", "b.txt").unwrap().0, FindingState::Archived);
    // A late creation event for the removed version changes nothing.
    let out = w.run(&Scope::default(), &[ObjectChange::Created(obj("b.txt", "01"))]);
    assert_eq!(w.sensitive("bkt", "b.txt").unwrap().0, FindingState::Archived, "{out:?}");
}

#[test]
fn unreadable_objects_are_recorded_as_skipped_with_macie_reasons() {
    let mut w = World::private();
    w.source.denied.push(("bkt".into(), "secret.txt".into()));
    let out = w.run(
        &Scope::default(),
        &[ObjectChange::Created(obj("gone.txt", "01")), ObjectChange::Created(obj("secret.txt", "01"))],
    );
    assert_eq!(out[0].as_ref().unwrap().reason, Some(Reason::SourceObjectNoLongerAvailable));
    assert_eq!(out[1].as_ref().unwrap().reason, Some(Reason::PermissionDenied));
    assert_eq!(w.store.items.lock().unwrap().len(), 2, "skips are recorded, not dropped");
    assert_eq!(w.archive.records.lock().unwrap().len(), 2);
}

#[test]
fn scope_filters_skip_with_a_reason() {
    let w = World::private();
    w.source.put("bkt", "img/a.JPG", SSN_TEXT);
    w.source.put("bkt", "big.txt", SSN_TEXT);
    let scope =
        Scope { exclude_suffixes: vec![".jpg".into()], max_object_bytes: Some(10), ..Default::default() };
    let out = w.run(
        &scope,
        &[ObjectChange::Created(obj("img/a.JPG", "01")), ObjectChange::Created(obj("big.txt", "01"))],
    );
    assert_eq!(out[0].as_ref().unwrap().reason, Some(Reason::ExcludedByScope));
    assert_eq!(out[1].as_ref().unwrap().reason, Some(Reason::FileExceedsSizeLimit));
    assert!(w.publisher.findings.lock().unwrap().is_empty());
}

#[test]
fn a_failed_read_or_publication_fails_only_that_change_and_a_retry_recovers() {
    let w = World::private();
    w.source.put("bkt", "a.txt", SSN_TEXT);
    w.source.put("bkt", "b.txt", SSN_TEXT);
    w.source.put("bkt", "c.txt", SSN_TEXT);
    w.source.flaky.lock().unwrap().push(("bkt".into(), "c.txt".into()));
    w.publisher.failing.lock().unwrap().push(sluice_finding::finding_id("bkt", "b.txt"));
    let changes = [
        ObjectChange::Created(obj("a.txt", "01")),
        ObjectChange::Created(obj("b.txt", "01")),
        ObjectChange::Created(obj("c.txt", "01")),
    ];
    let out = w.run(&Scope::default(), &changes);
    assert!(out[0].is_ok());
    assert!(out[1].as_ref().unwrap_err().is_retryable(), "throttled publication");
    assert!(out[2].as_ref().unwrap_err().is_retryable(), "throttled read");
    // The queue redelivers the failed ones; nothing is lost and nothing is doubled.
    w.publisher.failing.lock().unwrap().clear();
    w.source.flaky.lock().unwrap().clear();
    let out = w.run(&Scope::default(), &changes[1..]);
    assert!(out.iter().all(|r| r.is_ok()));
    assert_eq!(w.publisher.findings.lock().unwrap().len(), 3);
    assert_eq!(w.store.items.lock().unwrap().len(), 3);
}

#[test]
fn a_public_bucket_raises_its_policy_finding_once_per_posture_reading() {
    let w = World::new(BucketPosture {
        policy_is_public: Some(true),
        block_public_access: Some(BlockPublicAccess::default()),
        ..Default::default()
    });
    w.source.put("bkt", "a.txt", SSN_TEXT);
    w.source.put("bkt", "b.txt", SSN_TEXT);
    w.run(
        &Scope::default(),
        &[ObjectChange::Created(obj("a.txt", "01")), ObjectChange::Created(obj("b.txt", "01"))],
    );
    let findings = w.publisher.findings.lock().unwrap();
    let policy: Vec<_> = findings
        .values()
        .filter_map(|p| match p {
            Publication::Policy { finding_type, .. } => Some(*finding_type),
            _ => None,
        })
        .collect();
    assert!(policy.contains(&PolicyFindingType::BucketPublic));
    assert!(policy.contains(&PolicyFindingType::BlockPublicAccessDisabled));
    drop(findings);
    assert_eq!(*w.publisher.calls.lock().unwrap(), 1, "one publication call per batch");
    let (_, record) = w.sensitive("bkt", "a.txt").unwrap();
    assert_eq!(record.effective_permission(), EffectivePermission::Public);
}

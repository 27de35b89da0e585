//! In-memory ports with the same semantics as the AWS adapters, for tests of the flow.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use sluice_finding::{BucketPosture, ObjectMeta, ObjectRef, Reason, ScanRecord, Sequencer};

use crate::ports::{
    ArchivedRecord, BucketPostures, FindingPublisher, FindingStore, ObjectSource, OpenError, OpenedObject,
    PortError, PostureReading, PreviousFinding, Publication, ResultsArchive, SaveOutcome,
};

/// An object's body and tags.
pub type FakeObject = (Vec<u8>, Vec<(String, String)>);

/// Objects by (bucket, key); a missing one reads as gone, a listed key as access denied.
#[derive(Default)]
pub struct FakeSource {
    pub objects: Mutex<HashMap<(String, String), FakeObject>>,
    pub denied: Vec<(String, String)>,
    /// Keys whose reads fail with a retryable error.
    pub flaky: Mutex<Vec<(String, String)>>,
}

impl FakeSource {
    pub fn put(&self, bucket: &str, key: &str, body: &[u8]) {
        self.objects.lock().unwrap().insert((bucket.into(), key.into()), (body.to_vec(), Vec::new()));
    }

    fn check(&self, object: &ObjectRef) -> Result<FakeObject, OpenError> {
        let id = (object.bucket.clone(), object.key.clone());
        if self.flaky.lock().unwrap().contains(&id) {
            return Err(OpenError::Failed(PortError::Retryable("GetObject: SlowDown".into())));
        }
        if self.denied.contains(&id) {
            return Err(OpenError::Unavailable(Reason::PermissionDenied));
        }
        self.objects
            .lock()
            .unwrap()
            .get(&id)
            .cloned()
            .ok_or(OpenError::Unavailable(Reason::SourceObjectNoLongerAvailable))
    }
}

impl ObjectSource for FakeSource {
    fn open(&self, object: &ObjectRef) -> Result<OpenedObject, OpenError> {
        let (body, _) = self.check(object)?;
        let meta = ObjectMeta { size: body.len() as u64, ..Default::default() };
        Ok(OpenedObject { meta, body: Box::new(std::io::Cursor::new(body)) })
    }

    fn tags(&self, object: &ObjectRef) -> Result<Vec<(String, String)>, OpenError> {
        Ok(self.check(object)?.1)
    }
}

/// Every bucket has the same posture; the first reading of each bucket is fresh.
#[derive(Default)]
pub struct FakePostures {
    pub posture: BucketPosture,
    seen: Mutex<Vec<String>>,
}

impl FakePostures {
    pub fn new(posture: BucketPosture) -> Self {
        FakePostures { posture, seen: Mutex::default() }
    }
}

impl BucketPostures for FakePostures {
    fn posture(&self, bucket: &str) -> Result<PostureReading, PortError> {
        let mut seen = self.seen.lock().unwrap();
        let fresh = !seen.iter().any(|b| b == bucket);
        if fresh {
            seen.push(bucket.to_string());
        }
        Ok(PostureReading {
            posture: BucketPosture { bucket: bucket.to_string(), ..self.posture.clone() },
            fresh,
        })
    }
}

#[derive(Default)]
pub struct FakeArchive {
    pub records: Mutex<Vec<ScanRecord>>,
}

impl ResultsArchive for FakeArchive {
    fn put(&self, record: &ScanRecord) -> Result<String, PortError> {
        let mut records = self.records.lock().unwrap();
        records.push(record.clone());
        Ok(format!("s3://results/{}.jsonl.gz", records.len()))
    }
}

/// A stored record, as the DynamoDB item holds it.
#[derive(Debug, Clone)]
pub struct StoredRecord {
    pub record: ScanRecord,
    pub created_at: String,
    pub archived: bool,
    /// The newest event applied: the creation's, or the removal's once archived (so that a
    /// late creation event older than the removal is stale).
    pub sequencer: Option<Sequencer>,
}

/// Keyed by (bucket, key, version), written under the same condition as the DynamoDB store:
/// absent, or a sequencer no newer than the incoming one.
#[derive(Default)]
pub struct FakeStore {
    pub items: Mutex<BTreeMap<(String, String, String), StoredRecord>>,
}

fn version_of(o: &ObjectRef) -> String {
    o.version_id.clone().unwrap_or_else(|| "null".into())
}

fn not_newer(stored: Option<&Sequencer>, incoming: Option<&Sequencer>) -> bool {
    match (stored, incoming) {
        (Some(s), Some(i)) => s <= i,
        _ => true,
    }
}

impl FindingStore for FakeStore {
    fn save(&self, record: &ScanRecord) -> Result<SaveOutcome, PortError> {
        let o = &record.object;
        let mut items = self.items.lock().unwrap();
        let id = (o.bucket.clone(), o.key.clone(), version_of(o));
        let previous = items.get(&id).cloned();
        if let Some(p) = &previous {
            if !not_newer(p.sequencer.as_ref(), o.sequencer.as_ref()) {
                return Ok(SaveOutcome::Stale);
            }
        }
        let created_at = previous.as_ref().map_or(record.scanned_at.clone(), |p| p.created_at.clone());
        items.insert(
            id,
            StoredRecord {
                record: record.clone(),
                created_at,
                archived: false,
                sequencer: o.sequencer.clone(),
            },
        );
        Ok(SaveOutcome::Saved {
            previous: previous.map(|p| PreviousFinding {
                created_at: p.created_at,
                had_finding: p.record.has_finding() && !p.archived,
            }),
        })
    }

    fn archive(&self, object: &ObjectRef, _at: &str) -> Result<Vec<ArchivedRecord>, PortError> {
        let mut items = self.items.lock().unwrap();
        let mut out = Vec::new();
        for ((b, k, _), stored) in items.iter_mut() {
            if *b != object.bucket || *k != object.key || stored.archived {
                continue;
            }
            let older = match (&stored.sequencer, &object.sequencer) {
                (Some(s), Some(r)) => s < r,
                _ => true,
            };
            if older {
                stored.archived = true;
                stored.sequencer = object.sequencer.clone();
                if stored.record.has_finding() {
                    out.push(ArchivedRecord {
                        record: stored.record.clone(),
                        created_at: stored.created_at.clone(),
                    });
                }
            }
        }
        Ok(out)
    }
}

/// Keeps the latest publication per finding id; ids listed in `failing` fail as throttled.
#[derive(Default)]
pub struct FakePublisher {
    pub findings: Mutex<BTreeMap<String, Publication>>,
    pub calls: Mutex<usize>,
    pub failing: Mutex<Vec<String>>,
}

impl FindingPublisher for FakePublisher {
    fn publish(&self, publications: &[Publication]) -> Vec<Result<(), PortError>> {
        *self.calls.lock().unwrap() += 1;
        let failing = self.failing.lock().unwrap();
        publications
            .iter()
            .map(|p| {
                if failing.contains(&p.id()) {
                    return Err(PortError::Retryable("BatchImportFindings: ThrottlingException".into()));
                }
                self.findings.lock().unwrap().insert(p.id(), p.clone());
                Ok(())
            })
            .collect()
    }
}

//! gzip, tar and zip: every member is extracted as an object of its own (nested up to the
//! depth limit), streamed where the format allows, and every limit that trips becomes one of
//! Macie's reason codes instead of an unbounded read.

use std::cell::Cell;
use std::io::{self, Read};

use sluice_finding::{Reason, Status, StatusCode};

use crate::{extract_nested, read_bounded, ExtractError, Extraction, Limits, SegmentSink};

/// Counters shared by every level of one object's archives.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    extracted: Cell<u64>,
    members: Cell<u64>,
    /// The first limit that tripped, if any.
    tripped: Cell<Option<Reason>>,
}

impl Budget {
    fn trip(&self, reason: Reason) {
        if self.tripped.get().is_none() {
            self.tripped.set(Some(reason));
        }
    }

    pub(crate) fn tripped(&self) -> Option<Reason> {
        self.tripped.get()
    }
}

/// Counts what a decompressor produces (against the total and the compression ratio) and
/// what it consumes; ends the stream early, with a reason, when a limit is reached.
struct Guarded<'a, R> {
    inner: R,
    limits: &'a Limits,
    budget: &'a Budget,
    produced: u64,
    consumed: &'a Cell<u64>,
}

impl<R: Read> Read for Guarded<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.budget.tripped().is_some() {
            return Ok(0);
        }
        let left = self.limits.max_extracted_bytes.saturating_sub(self.budget.extracted.get());
        if left == 0 {
            self.budget.trip(Reason::ArchiveTotalBytesExtractedOverLimit);
            return Ok(0);
        }
        let want = buf.len().min(left.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..want])?;
        self.produced += n as u64;
        self.budget.extracted.set(self.budget.extracted.get() + n as u64);
        let consumed = self.consumed.get().max(1);
        if self.produced > self.limits.ratio_check_after
            && self.produced / consumed > self.limits.max_compression_ratio
        {
            // A bomb: stop before it costs minutes of scanning zeros.
            self.budget.trip(Reason::ArchiveTotalBytesExtractedOverLimit);
        }
        Ok(n)
    }
}

/// Counts the compressed bytes a decoder reads.
struct Counting<'a, R> {
    inner: R,
    count: &'a Cell<u64>,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Folds member results into the archive's: classified bytes add up; the archive is PARTIAL
/// when a member was not fully read, with the first reason met.
#[derive(Default)]
struct Fold {
    size: u64,
    reason: Option<Reason>,
}

impl Fold {
    fn member(&mut self, r: &Extraction) {
        self.size += r.size_classified;
        if r.status.code != StatusCode::Complete && self.reason.is_none() {
            self.reason = Some(match r.status.reason {
                Some(
                    reason @ (Reason::ArchiveNestingLevelOverLimit
                    | Reason::ArchiveTotalBytesExtractedOverLimit
                    | Reason::ArchiveTotalDocumentsProcessedOverLimit),
                ) => reason,
                _ => Reason::ArchiveContainsUnprocessedFiles,
            });
        }
    }

    fn finish(self, mime_type: &'static str, budget: &Budget) -> Extraction {
        let reason = budget.tripped().or(self.reason);
        let status = match reason {
            None => Status::complete(),
            Some(r) => Status::partial(r),
        };
        Extraction { status, mime_type, size_classified: self.size }
    }
}

/// Whether one more member may be read: too deep skips just that member; past the member
/// count everything stops.
fn member_allowed(limits: &Limits, budget: &Budget, depth: usize) -> Result<(), Reason> {
    if depth > limits.max_archive_depth {
        return Err(Reason::ArchiveNestingLevelOverLimit);
    }
    if budget.members.get() >= limits.max_archive_members {
        budget.trip(Reason::ArchiveTotalDocumentsProcessedOverLimit);
        return Err(Reason::ArchiveTotalDocumentsProcessedOverLimit);
    }
    budget.members.set(budget.members.get() + 1);
    Ok(())
}

enum Admit {
    Read,
    Skip,
    Stop,
}

/// Whether the next member is read, skipped (too deep) or ends the archive (limit reached).
fn admit(fold: &mut Fold, limits: &Limits, budget: &Budget, depth: usize) -> Admit {
    match member_allowed(limits, budget, depth) {
        Ok(()) => Admit::Read,
        Err(reason) => {
            fold.reason.get_or_insert(reason);
            if budget.tripped().is_some() {
                Admit::Stop
            } else {
                Admit::Skip
            }
        }
    }
}

/// A corrupt stream ends the member with MALFORMED_FILE; what was found before stays found.
fn malformed(mime_type: &'static str, size: u64) -> Extraction {
    Extraction { status: Status::partial(Reason::MalformedFile), mime_type, size_classified: size }
}

pub(crate) fn gzip<R: Read>(
    reader: R,
    name: &str,
    limits: &Limits,
    budget: &Budget,
    depth: usize,
    sink: &mut dyn SegmentSink,
) -> Result<Extraction, ExtractError> {
    const MIME: &str = "application/gzip";
    if let Err(reason) = member_allowed(limits, budget, depth + 1) {
        let fold = Fold { size: 0, reason: Some(reason) };
        return Ok(fold.finish(MIME, budget));
    }
    let consumed = Cell::new(0);
    let decoder = flate2::read::MultiGzDecoder::new(Counting { inner: reader, count: &consumed });
    let mut guarded = Guarded { inner: decoder, limits, budget, produced: 0, consumed: &consumed };
    let inner_name = strip_suffix(name, &[".gz", ".gzip", ".tgz"]);
    let inner_name =
        if name.to_ascii_lowercase().ends_with(".tgz") { format!("{inner_name}.tar") } else { inner_name };
    let mut fold = Fold::default();
    sink.enter_member(&inner_name);
    let extracted = extract_nested(&mut guarded, &inner_name, None, None, limits, budget, depth + 1, sink);
    sink.leave_member();
    match extracted {
        Ok(r) => fold.member(&r),
        Err(ExtractError::Io(e)) if is_corrupt(&e) => return Ok(malformed(MIME, fold.size)),
        Err(e) => return Err(e),
    }
    Ok(fold.finish(MIME, budget))
}

pub(crate) fn tar<R: Read>(
    reader: R,
    limits: &Limits,
    budget: &Budget,
    depth: usize,
    sink: &mut dyn SegmentSink,
) -> Result<Extraction, ExtractError> {
    const MIME: &str = "application/x-tar";
    let mut archive = tar::Archive::new(reader);
    let mut fold = Fold::default();
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) if is_corrupt(&e) => return Ok(malformed(MIME, 0)),
        Err(e) => return Err(e.into()),
    };
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) if is_corrupt(&e) => return Ok(malformed(MIME, fold.size)),
            Err(e) => return Err(e.into()),
        };
        if !entry.header().entry_type().is_file() {
            continue;
        }
        match admit(&mut fold, limits, budget, depth + 1) {
            Admit::Read => {}
            Admit::Skip => continue,
            Admit::Stop => break,
        }
        let path = entry.path().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
        let size = entry.header().size().ok();
        let consumed = Cell::new(u64::MAX); // stored, not compressed: no ratio to watch
        let mut guarded = Guarded { inner: entry, limits, budget, produced: 0, consumed: &consumed };
        sink.enter_member(&path);
        let extracted = extract_nested(&mut guarded, &path, None, size, limits, budget, depth + 1, sink);
        sink.leave_member();
        match extracted {
            Ok(r) => fold.member(&r),
            Err(ExtractError::Io(e)) if is_corrupt(&e) => return Ok(malformed(MIME, fold.size)),
            Err(e) => return Err(e),
        }
        if budget.tripped().is_some() {
            break;
        }
    }
    Ok(fold.finish(MIME, budget))
}

pub(crate) fn zip<R: Read>(
    mut reader: R,
    limits: &Limits,
    budget: &Budget,
    depth: usize,
    sink: &mut dyn SegmentSink,
) -> Result<Extraction, ExtractError> {
    const MIME: &str = "application/zip";
    // The central directory sits at the end: zip needs the whole archive, within a limit.
    let Some(bytes) = read_bounded(&mut reader, limits.max_document_bytes)? else {
        return Ok(Extraction::skipped(MIME, Reason::FileExceedsSizeLimit));
    };
    let mut archive = match zip::ZipArchive::new(io::Cursor::new(bytes)) {
        Ok(a) => a,
        Err(_) => return Ok(Extraction::skipped(MIME, Reason::MalformedFile)),
    };
    let mut fold = Fold::default();
    for i in 0..archive.len() {
        let file = match archive.by_index(i) {
            Ok(f) => f,
            Err(_) => {
                // Encrypted or unsupported compression: not read, and said so.
                fold.reason.get_or_insert(Reason::ArchiveContainsUnprocessedFiles);
                continue;
            }
        };
        if file.is_dir() {
            continue;
        }
        match admit(&mut fold, limits, budget, depth + 1) {
            Admit::Read => {}
            Admit::Skip => continue,
            Admit::Stop => break,
        }
        let declared = file.size();
        if declared > limits.ratio_check_after
            && declared / file.compressed_size().max(1) > limits.max_compression_ratio
        {
            budget.trip(Reason::ArchiveTotalBytesExtractedOverLimit);
            break;
        }
        let name = file.name().to_string();
        let consumed = Cell::new(file.compressed_size());
        let mut guarded = Guarded { inner: file, limits, budget, produced: 0, consumed: &consumed };
        sink.enter_member(&name);
        let extracted =
            extract_nested(&mut guarded, &name, None, Some(declared), limits, budget, depth + 1, sink);
        sink.leave_member();
        match extracted {
            Ok(r) => fold.member(&r),
            Err(ExtractError::Io(e)) if is_corrupt(&e) => {
                fold.reason.get_or_insert(Reason::MalformedFile);
            }
            Err(e) => return Err(e),
        }
        if budget.tripped().is_some() {
            break;
        }
    }
    Ok(fold.finish(MIME, budget))
}

/// Errors that mean "this stream is damaged" rather than "the source failed".
fn is_corrupt(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::InvalidData
            | io::ErrorKind::InvalidInput
            | io::ErrorKind::UnexpectedEof
            | io::ErrorKind::Other
    )
}

fn strip_suffix(name: &str, suffixes: &[&str]) -> String {
    let lower = name.to_ascii_lowercase();
    for s in suffixes {
        if lower.ends_with(s) {
            return name[..name.len() - s.len()].to_string();
        }
    }
    name.to_string()
}

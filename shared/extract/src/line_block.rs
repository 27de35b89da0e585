//! Blocks of whole lines, for the formats whose keys and values stand verbatim in their lines
//! (JSON Lines, delimited rows): read together, then screened together by the sink
//! ([`SegmentSink::screen_lines`]), so that a line the screen finds cold need not be parsed.

use std::io::{self, BufRead, Read};

use crate::SegmentSink;

/// Lines read and screened together: enough to spread the screen's cost per call, few
/// enough to stay in cache.
const BLOCK_BYTES: usize = 256 << 10;
pub(crate) const BLOCK_LINES: usize = 2048;

#[derive(Default)]
pub(crate) struct LineBlock {
    bytes: Vec<u8>,
    starts: Vec<usize>,
    hot: Vec<bool>,
}

/// How a [`LineBlock::fill`] ended.
pub(crate) struct Filled {
    /// Bytes read from the reader, a line too long included.
    pub read: u64,
    /// The reader has no more lines.
    pub at_end: bool,
    /// A line longer than the limit stopped the fill (it is not in the block).
    pub too_long: bool,
}

impl LineBlock {
    /// Replaces the block's lines with the next ones, up to 256 KB or `max_lines` lines.
    pub fn fill(&mut self, reader: &mut impl BufRead, max_lines: usize, max_line: u64) -> io::Result<Filled> {
        self.bytes.clear();
        self.starts.clear();
        let mut filled = Filled { read: 0, at_end: false, too_long: false };
        while self.bytes.len() < BLOCK_BYTES && self.starts.len() < max_lines {
            let start = self.bytes.len();
            let n = (&mut *reader).take(max_line.saturating_add(1)).read_until(b'\n', &mut self.bytes)?;
            if n == 0 {
                filled.at_end = true;
                break;
            }
            filled.read += n as u64;
            if n as u64 > max_line {
                self.bytes.truncate(start);
                filled.too_long = true;
                break;
            }
            self.starts.push(start);
        }
        if self.bytes.last().is_some_and(|&b| b != b'\n') {
            self.bytes.push(b'\n'); // the last line of the object: the screen wants each line ended
        }
        Ok(filled)
    }

    /// Asks `sink` which lines could yield anything, when `screen` says the lines may be
    /// judged as written (and they are UTF-8); otherwise every line is read.
    pub fn screen(&mut self, sink: &mut dyn SegmentSink, screen: bool) {
        match simdutf8::basic::from_utf8(&self.bytes) {
            Ok(lines) if screen => sink.screen_lines(lines, &self.starts, &mut self.hot),
            _ => {
                self.hot.clear();
                self.hot.resize(self.starts.len(), true);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Line `i`, with its line break.
    pub fn line(&self, i: usize) -> &[u8] {
        let end = self.starts.get(i + 1).copied().unwrap_or(self.bytes.len());
        &self.bytes[self.starts[i]..end]
    }

    /// Whether the screen kept line `i`.
    pub fn hot(&self, i: usize) -> bool {
        self.hot[i]
    }
}

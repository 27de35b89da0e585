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
            // The whole lines already in the reader's buffer, taken at once (a `read_until`
            // per line cost more than the screen of the line).
            let buf = reader.fill_buf()?;
            let (base, mut taken) = (self.bytes.len(), 0);
            for nl in memchr::memchr_iter(b'\n', buf) {
                let fits = base + taken < BLOCK_BYTES && self.starts.len() < max_lines;
                if !fits || (nl + 1 - taken) as u64 > max_line {
                    break;
                }
                self.starts.push(base + taken);
                taken = nl + 1;
            }
            if taken > 0 {
                self.bytes.extend_from_slice(&buf[..taken]);
                reader.consume(taken);
                filled.read += taken as u64;
                continue;
            }
            // A line that runs past the buffer (or past the limit): read on its own.
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Line by line with `read_until`: what `fill` must give, however the reader buffers.
    fn fill_line_by_line(
        reader: &mut impl BufRead,
        max_lines: usize,
        max_line: u64,
    ) -> (Vec<u8>, Vec<usize>, (u64, bool, bool)) {
        let (mut bytes, mut starts, mut read) = (Vec::new(), Vec::new(), 0u64);
        let (mut at_end, mut too_long) = (false, false);
        while bytes.len() < BLOCK_BYTES && starts.len() < max_lines {
            let start = bytes.len();
            let n = (&mut *reader).take(max_line.saturating_add(1)).read_until(b'\n', &mut bytes).unwrap();
            if n == 0 {
                at_end = true;
                break;
            }
            read += n as u64;
            if n as u64 > max_line {
                bytes.truncate(start);
                too_long = true;
                break;
            }
            starts.push(start);
        }
        if bytes.last().is_some_and(|&b| b != b'\n') {
            bytes.push(b'\n');
        }
        (bytes, starts, (read, at_end, too_long))
    }

    #[test]
    fn lines_taken_from_the_buffer_are_the_lines_read_one_by_one() {
        // Lines of every length up to past the limit, no line break at the very end, more
        // than one block's worth; read through buffers smaller and larger than a line.
        let mut text = Vec::new();
        let mut x = 7u64;
        while text.len() < 3 * BLOCK_BYTES {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let len = (x >> 33) % if x.is_multiple_of(97) { 3000 } else { 120 };
            text.extend((0..len).map(|k| b'a' + (k % 26) as u8));
            text.push(b'\n');
        }
        text.extend_from_slice(b"last line without a break");
        for capacity in [37, 4096, 1 << 20] {
            for (max_lines, max_line) in
                [(1, u64::MAX), (BLOCK_LINES, u64::MAX), (BLOCK_LINES, 1000), (5, 60)]
            {
                let mut fast = std::io::BufReader::with_capacity(capacity, &text[..]);
                let mut slow = std::io::BufReader::with_capacity(capacity, &text[..]);
                let mut block = LineBlock::default();
                for round in 0.. {
                    let f = block.fill(&mut fast, max_lines, max_line).unwrap();
                    let (bytes, starts, (read, at_end, too_long)) =
                        fill_line_by_line(&mut slow, max_lines, max_line);
                    let label = format!("capacity {capacity}, limits {max_lines}/{max_line}, round {round}");
                    assert_eq!(
                        (block.bytes.as_slice(), block.starts.as_slice()),
                        (&bytes[..], &starts[..]),
                        "{label}"
                    );
                    assert_eq!((f.read, f.at_end, f.too_long), (read, at_end, too_long), "{label}");
                    if at_end || (read == 0 && !too_long) {
                        break;
                    }
                }
            }
        }
    }
}

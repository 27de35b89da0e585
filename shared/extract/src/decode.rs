//! Any common text encoding in, UTF-8 out, as a stream: UTF-8 and UTF-16 (LE/BE, by BOM),
//! and Windows-1252 for legacy Latin-1 files. Invalid bytes become U+FFFD, so they never
//! hide the valid text around them.

use std::io::{self, Read};

use encoding_rs::{Decoder, Encoding, UTF_8, WINDOWS_1252};

/// Picks the encoding from the first bytes: a BOM decides; otherwise UTF-8 unless the bytes
/// are not UTF-8 and hold no multi-byte UTF-8 sequence at all (then Windows-1252).
pub fn choose_encoding(head: &[u8]) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(head) {
        return enc;
    }
    let valid_prefix = match std::str::from_utf8(head) {
        Ok(_) => return UTF_8,
        Err(e) if e.error_len().is_none() => return UTF_8, // only cut mid-character at the end
        Err(e) => e.valid_up_to(),
    };
    let has_multibyte = std::str::from_utf8(&head[..valid_prefix]).is_ok_and(|s| !s.is_ascii());
    if has_multibyte {
        UTF_8
    } else {
        WINDOWS_1252
    }
}

/// An object's text as UTF-8, its encoding chosen from its first 4 KB (a BOM, valid UTF-8,
/// or else Windows-1252): how every text format starts.
pub fn utf8_text<R: Read>(mut reader: R) -> io::Result<Utf8Reader<io::Chain<io::Cursor<Vec<u8>>, R>>> {
    let mut head = vec![0u8; 4096];
    let n = crate::read_full(&mut reader, &mut head)?;
    head.truncate(n);
    let encoding = choose_encoding(&head);
    Ok(Utf8Reader::new(io::Cursor::new(head).chain(reader), encoding))
}

/// A reader that yields the UTF-8 form of another reader's text.
///
/// Text that is UTF-8 already (nearly every object) is read straight into the caller's
/// buffer and only validated, a character cut by the end of a read held for the next one:
/// no copy through a buffer of its own. From the first invalid byte on, and for every
/// other encoding or a byte-order mark, `encoding_rs` decodes (invalid bytes become
/// U+FFFD) through its buffers.
pub struct Utf8Reader<R> {
    inner: R,
    decoder: Decoder,
    /// Still reading UTF-8 as it is.
    passthrough: bool,
    /// Bytes handed out so far by the pass-through.
    passed: u64,
    /// The start of a character that the last pass-through read cut (at most three bytes).
    cut: Vec<u8>,
    input: Vec<u8>,
    /// Decoded text is `output[out_pos..out_end]`; the buffer keeps its length from refill
    /// to refill (zeroing it again each time was a pass over three times the input).
    output: Vec<u8>,
    out_pos: usize,
    out_end: usize,
    done: bool,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

impl<R: Read> Utf8Reader<R> {
    pub fn new(inner: R, encoding: &'static Encoding) -> Self {
        Utf8Reader {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            passthrough: encoding == UTF_8,
            passed: 0,
            cut: Vec::new(),
            input: vec![0; 64 << 10],
            output: Vec::new(),
            out_pos: 0,
            out_end: 0,
            done: false,
        }
    }

    /// Decodes the next piece: the `held` bytes already at the front of `input`, then what
    /// the inner reader gives.
    fn refill(&mut self, held: usize) -> io::Result<()> {
        if self.input.len() < held + (64 << 10) {
            self.input.resize(held + (64 << 10), 0);
        }
        let n = read_once(&mut self.inner, &mut self.input[held..])?;
        let last = n == 0;
        let total = held + n;
        let cap = self.decoder.max_utf8_buffer_length(total).unwrap_or(total * 3 + 16).max(16);
        if self.output.len() < cap {
            self.output.resize(cap, 0);
        }
        let (_, read, written, _) = self.decoder.decode_to_utf8(&self.input[..total], &mut self.output, last);
        debug_assert_eq!(read, total);
        self.out_end = written;
        self.out_pos = 0;
        self.done = last;
        Ok(())
    }

    /// Ends the pass-through: `rest` (read, not handed out) is the decoder's first input.
    fn hand_over(&mut self, rest: &[u8]) -> io::Result<()> {
        self.passthrough = false;
        self.cut.clear();
        // Mid-text, `rest` starts at an invalid byte: never a byte-order mark to drop.
        if self.input.len() < rest.len() {
            self.input.resize(rest.len(), 0);
        }
        self.input[..rest.len()].copy_from_slice(rest);
        self.refill(rest.len())
    }

    /// One pass-through read into `buf`: `Some(n)` bytes of valid UTF-8 (0 at the end), or
    /// `None` once the decoder has taken over.
    fn read_through(&mut self, buf: &mut [u8]) -> io::Result<Option<usize>> {
        if buf.len() < 4 {
            // Too short to be sure to hold a whole character.
            let cut = std::mem::take(&mut self.cut);
            self.hand_over(&cut)?;
            return Ok(None);
        }
        loop {
            let held = self.cut.len();
            buf[..held].copy_from_slice(&self.cut);
            let n = read_once(&mut self.inner, &mut buf[held..])?;
            let filled = &buf[..held + n];
            if self.passed == 0 && (filled.starts_with(BOM) || (n > 0 && BOM.starts_with(filled))) {
                let filled = filled.to_vec();
                self.hand_over(&filled)?; // the decoder drops the mark
                return Ok(None);
            }
            let valid = match simdutf8::compat::from_utf8(filled) {
                Ok(_) => filled.len(),
                // A character cut by the end of this read: its start waits for the next.
                Err(e) if e.error_len().is_none() && n > 0 => e.valid_up_to(),
                Err(e) => {
                    // An invalid byte, or a character the text's end cut: the decoder takes
                    // it from there (and writes U+FFFD for it).
                    let valid = e.valid_up_to();
                    let rest = filled[valid..].to_vec();
                    self.passed += valid as u64;
                    self.hand_over(&rest)?;
                    return Ok(if valid > 0 { Some(valid) } else { None });
                }
            };
            self.cut.clear();
            self.cut.extend_from_slice(&buf[valid..held + n]);
            if valid > 0 || n == 0 {
                self.passed += valid as u64;
                return Ok(Some(valid));
            }
        }
    }
}

/// One read, retried when a signal interrupted it.
fn read_once<R: Read>(reader: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match reader.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

impl<R: Read> Read for Utf8Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.passthrough {
            if let Some(n) = self.read_through(buf)? {
                return Ok(n);
            }
        }
        while self.out_pos >= self.out_end {
            if self.done {
                return Ok(0);
            }
            self.refill(0)?;
        }
        let n = buf.len().min(self.out_end - self.out_pos);
        buf[..n].copy_from_slice(&self.output[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> String {
        let mut s = String::new();
        Utf8Reader::new(bytes, choose_encoding(bytes)).read_to_string(&mut s).unwrap();
        s
    }

    /// Many refills of the 64 KB input buffer, each decoding to a different length (invalid
    /// bytes grow to three, characters cut at the buffer's edge wait for the next one), read
    /// in pieces that straddle them: the same text as a lossy conversion of the whole.
    #[test]
    fn long_input_decodes_across_refills() {
        let mut bytes = Vec::new();
        let mut i = 0u32;
        while bytes.len() < 400_000 {
            i += 1;
            match i % 5 {
                0 => bytes.extend_from_slice("numéro 536-22-8726 ".as_bytes()),
                1 => bytes.extend_from_slice(b"\xff\xfe bad "),
                2 => bytes.extend_from_slice("日本語のテキスト ".as_bytes()),
                3 => bytes.extend_from_slice(b"\xe6\x97 cut "),
                _ => bytes.extend_from_slice(format!("line {i}\n").as_bytes()),
            }
        }
        let mut reader = Utf8Reader::new(&bytes[..], UTF_8);
        let (mut out, mut piece) = (Vec::new(), [0u8; 5000]);
        loop {
            let n = reader.read(&mut piece).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&piece[..n]);
        }
        assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8_lossy(&bytes));
    }

    /// Hands out its bytes a few at a time (1 to 13), cutting characters anywhere.
    struct Trickle<'a> {
        bytes: &'a [u8],
        state: u64,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.state ^= self.state << 13;
            self.state ^= self.state >> 7;
            self.state ^= self.state << 17;
            let n = (1 + (self.state % 13) as usize).min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    /// Reads everything through a reader over `bytes` (a trickle or the whole slice) with a
    /// caller's buffer of `piece` bytes.
    fn read_in_pieces(bytes: &[u8], trickle: bool, piece: usize) -> String {
        let mut out = Vec::new();
        let mut buf = vec![0u8; piece];
        let mut read = |r: &mut dyn Read| loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        };
        if trickle {
            read(&mut Utf8Reader::new(
                Trickle { bytes, state: 0x2545_f491_4f6c_dd1d },
                choose_encoding(bytes),
            ));
        } else {
            read(&mut Utf8Reader::new(bytes, choose_encoding(bytes)));
        }
        String::from_utf8(out).expect("the reader yields UTF-8")
    }

    /// UTF-8 read as it is, characters cut by every read, in buffers of every size (some
    /// too small for a character); then the same text with an invalid byte late in it, a
    /// byte-order mark before it, a character cut by the text's end: what a lossy
    /// conversion of the whole gives (without the mark).
    #[test]
    fn utf8_passes_through_whatever_the_reads_cut() {
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(["numéro ", "日本語 ", "\u{1F600} ", "SSN 536-22-8726 ", "\u{FEFF}x "][i % 5]);
        }
        let valid = text.as_bytes().to_vec();
        let mut invalid = valid.clone();
        invalid.splice(20_000..20_000, *b"\xff\xe6\x97 ");
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(&valid);
        let mut cut_at_end = valid.clone();
        cut_at_end.extend_from_slice(b"\xe6\x97");
        for bytes in [&valid, &invalid, &bom, &cut_at_end] {
            let expected = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes));
            for piece in [1, 3, 4, 5, 7, 64, 5000, 70_000] {
                for trickle in [true, false] {
                    assert_eq!(
                        read_in_pieces(bytes, trickle, piece),
                        expected,
                        "piece {piece}, trickle {trickle}"
                    );
                }
            }
        }
    }

    #[test]
    fn utf16_with_bom_both_orders() {
        let le: Vec<u8> = b"\xff\xfe"
            .iter()
            .copied()
            .chain("SSN 536-22-8726".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = b"\xfe\xff"
            .iter()
            .copied()
            .chain("SSN 536-22-8726".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(&le), "SSN 536-22-8726");
        assert_eq!(decode(&be), "SSN 536-22-8726");
    }

    #[test]
    fn latin1_falls_back_to_windows_1252() {
        assert_eq!(decode(b"num\xe9ro de s\xe9cu"), "numéro de sécu");
    }

    #[test]
    fn invalid_utf8_keeps_the_text_around_it() {
        assert_eq!(
            decode(
                "héllo \u{2603} "
                    .as_bytes()
                    .iter()
                    .copied()
                    .chain(*b"\xff\xfe SSN 536-22-8726")
                    .collect::<Vec<_>>()
                    .as_slice()
            ),
            "héllo \u{2603} \u{fffd}\u{fffd} SSN 536-22-8726"
        );
    }
}

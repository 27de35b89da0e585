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
pub struct Utf8Reader<R> {
    inner: R,
    decoder: Decoder,
    input: Vec<u8>,
    /// Decoded text is `output[out_pos..out_end]`; the buffer keeps its length from refill
    /// to refill (zeroing it again each time was a pass over three times the input).
    output: Vec<u8>,
    out_pos: usize,
    out_end: usize,
    done: bool,
}

impl<R: Read> Utf8Reader<R> {
    pub fn new(inner: R, encoding: &'static Encoding) -> Self {
        Utf8Reader {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            input: vec![0; 64 << 10],
            output: Vec::new(),
            out_pos: 0,
            out_end: 0,
            done: false,
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        let n = loop {
            match self.inner.read(&mut self.input) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        let last = n == 0;
        let cap = self.decoder.max_utf8_buffer_length(n).unwrap_or(n * 3 + 16).max(16);
        if self.output.len() < cap {
            self.output.resize(cap, 0);
        }
        let (_, read, written, _) = self.decoder.decode_to_utf8(&self.input[..n], &mut self.output, last);
        debug_assert_eq!(read, n);
        self.out_end = written;
        self.out_pos = 0;
        self.done = last;
        Ok(())
    }
}

impl<R: Read> Read for Utf8Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.out_pos >= self.out_end {
            if self.done {
                return Ok(0);
            }
            self.refill()?;
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

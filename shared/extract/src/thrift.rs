//! A check of Parquet's Thrift structures before the parquet crate decodes them.
//!
//! Thrift's compact encoding declares the length of every binary field and the size of every
//! list before its contents, and the decoders the parquet crate uses allocate that much up
//! front: a page header's string (the `thrift` crate, `vec![0; len]`, up to 4 GiB) and the
//! footer's lists (`Vec::with_capacity(count)`, times the element's size). A 500-byte file
//! could so ask for gigabytes, and a failed allocation aborts the process (found by fuzzing:
//! 1.3 GB for one page header). This walks the same bytes without allocating, and accepts
//! them only if every declared length fits in the bytes actually there: then every
//! allocation the decoder makes is bounded by the file's own size.

use parquet::file::metadata::ParquetMetaData;

const STOP: u8 = 0;
const BOOL_TRUE: u8 = 1;
const BOOL_FALSE: u8 = 2;
const BYTE: u8 = 3;
const I16: u8 = 4;
const I32: u8 = 5;
const I64: u8 = 6;
const DOUBLE: u8 = 7;
const BINARY: u8 = 8;
const LIST: u8 = 9;
const SET: u8 = 10;
const MAP: u8 = 11;
const STRUCT: u8 = 12;

/// Structures nested deeper than this are refused (the footer's schema is flat: a list).
const MAX_DEPTH: usize = 64;

/// Whether a whole Parquet file's footer and page headers hold only lengths that fit.
pub(crate) fn footer_fits(file: &[u8]) -> bool {
    let Some(len_at) = file.len().checked_sub(8) else { return false };
    let len = u32::from_le_bytes(file[len_at..len_at + 4].try_into().expect("4 bytes")) as usize;
    let Some(start) = len_at.checked_sub(len) else { return false };
    let mut footer = Compact { buf: &file[start..len_at], pos: 0 };
    footer.skip_struct(0).is_some()
}

/// Whether every page header of every column chunk, walked as the parquet crate walks them
/// (page after page until the chunk's bytes are used up), holds only lengths that fit.
pub(crate) fn page_headers_fit(file: &[u8], metadata: &ParquetMetaData) -> bool {
    metadata.row_groups().iter().flat_map(|g| g.columns()).all(|column| {
        let (start, len) = column.byte_range();
        let Some(chunk) = usize::try_from(start)
            .ok()
            .zip(usize::try_from(len).ok())
            .and_then(|(s, l)| file.get(s..s.checked_add(l)?))
        else {
            return false;
        };
        let mut pos = 0usize;
        while pos < chunk.len() {
            let mut header = Compact { buf: &chunk[pos..], pos: 0 };
            let Some(compressed) = header.page_header() else { return false };
            let Some(next) = usize::try_from(compressed).ok().and_then(|c| (pos + header.pos).checked_add(c))
            else {
                return false;
            };
            pos = next;
        }
        true
    })
}

/// A reader of Thrift's compact protocol that only checks and skips.
struct Compact<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Compact<'_> {
    fn left(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn byte(&mut self) -> Option<u8> {
        let b = *self.buf.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    fn advance(&mut self, n: usize) -> Option<()> {
        (n <= self.left()).then(|| self.pos += n)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    fn zigzag(&mut self) -> Option<i64> {
        let v = self.varint()?;
        Some((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    /// The next field's id and type, or `None` at the struct's end (`Err` if malformed).
    fn field(&mut self, last_id: &mut i64) -> Result<Option<(i64, u8)>, ()> {
        let header = self.byte().ok_or(())?;
        if header == STOP {
            return Ok(None);
        }
        let (delta, kind) = (header >> 4, header & 0x0f);
        *last_id = if delta == 0 { self.zigzag().ok_or(())? } else { *last_id + i64::from(delta) };
        Ok(Some((*last_id, kind)))
    }

    fn skip_struct(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut id = 0;
        while let Some((_, kind)) = self.field(&mut id).ok()? {
            self.skip(kind, depth + 1, false)?;
        }
        Some(())
    }

    /// Skips a value; a boolean field's value sits in its type, a boolean element takes a byte.
    fn skip(&mut self, kind: u8, depth: usize, element: bool) -> Option<()> {
        match kind {
            BOOL_TRUE | BOOL_FALSE if !element => Some(()),
            BOOL_TRUE | BOOL_FALSE | BYTE => self.advance(1),
            I16 | I32 | I64 => self.varint().map(drop),
            DOUBLE => self.advance(8),
            BINARY => {
                let len = usize::try_from(self.varint()?).ok()?;
                self.advance(len)
            }
            LIST | SET => {
                let header = self.byte()?;
                let (mut size, elements) = (u64::from(header >> 4), header & 0x0f);
                if size == 15 {
                    size = self.varint()?;
                }
                // Every element takes a byte at least: a larger count cannot be genuine.
                if size > self.left() as u64 {
                    return None;
                }
                (0..size).try_for_each(|_| self.skip(elements, depth + 1, true))
            }
            MAP => {
                let size = self.varint()?;
                if size == 0 {
                    return Some(());
                }
                let kinds = self.byte()?;
                if size > self.left() as u64 / 2 {
                    return None;
                }
                (0..size).try_for_each(|_| {
                    self.skip(kinds >> 4, depth + 1, true)?;
                    self.skip(kinds & 0x0f, depth + 1, true)
                })
            }
            STRUCT => self.skip_struct(depth),
            _ => None,
        }
    }

    /// A `PageHeader`: its compressed page size (field 3), every field checked.
    fn page_header(&mut self) -> Option<i64> {
        let (mut compressed, mut id) = (None, 0);
        while let Some((field, kind)) = self.field(&mut id).ok()? {
            match (field, kind) {
                (3, I32) => compressed = Some(self.zigzag()?),
                _ => self.skip(kind, 1, false)?,
            }
        }
        compressed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_lengths_must_fit() {
        // struct { 1: binary "ab" } STOP
        let ok = [0x18, 2, b'a', b'b', 0];
        assert!(Compact { buf: &ok, pos: 0 }.skip_struct(0).is_some());
        // struct { 1: binary of 1.3 G } with two bytes behind it
        let huge = [0x18, 0x80, 0x80, 0x80, 0x80, 0x05, b'a', b'b', 0];
        assert!(Compact { buf: &huge, pos: 0 }.skip_struct(0).is_none());
        // struct { 1: list<struct> of 2^31 elements }
        let list = [0x19, 0xfc, 0x80, 0x80, 0x80, 0x80, 0x08, 0, 0];
        assert!(Compact { buf: &list, pos: 0 }.skip_struct(0).is_none());
        // struct { 1: list<bool> [true, false] }: elements take a byte each
        let bools = [0x19, 0x21, 1, 2, 0];
        assert!(Compact { buf: &bools, pos: 0 }.skip_struct(0).is_some());
    }

    #[test]
    fn page_header_size() {
        // PageHeader { 1: type 0, 2: 10, 3: 7, 5: DataPageHeader { 1: 3 } }
        let header = [0x15, 0, 0x15, 20, 0x15, 14, 0x2c, 0x15, 6, 0, 0];
        let mut c = Compact { buf: &header, pos: 0 };
        assert_eq!(c.page_header(), Some(7));
        assert_eq!(c.pos, header.len());
    }
}

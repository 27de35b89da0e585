//! A check of Parquet's Thrift structures before the parquet crate decodes them.
//!
//! Thrift's compact encoding declares the length of every binary field and the size of every
//! list before its contents, and the decoders the parquet crate uses allocate that much up
//! front: a page header's binary fields (the `thrift` crate's `vec![0; len]`, up to 4 GiB) and
//! the footer's lists (`Vec::with_capacity(count)`, times the element's size). A 500-byte
//! file could so ask for gigabytes, and a failed allocation aborts the process (found by
//! fuzzing: 1.3 GB for a page header, 32 GB and 47 GB for footers).
//!
//! The check decodes the same structures with parquet's own generated code (which reads
//! fields by their id, whatever type the bytes claim), over [`Bounded`], a compact protocol
//! reader that refuses a length or a count larger than the bytes left. If that succeeds, the
//! parquet crate's decoding of the same bytes follows the same path and allocates no more than
//! the structure's own size allows.

use parquet::file::metadata::ParquetMetaData;
use parquet::format::{FileMetaData, PageHeader};
use parquet::thrift::TSerializable;
use thrift::protocol::{
    TFieldIdentifier, TInputProtocol, TListIdentifier, TMapIdentifier, TMessageIdentifier, TSetIdentifier,
    TStructIdentifier, TType,
};

/// Whether a Parquet file's footer decodes with every declared length within its bytes.
pub(crate) fn footer_fits(file: &[u8]) -> bool {
    let Some(len_at) = file.len().checked_sub(8) else { return false };
    let len = u32::from_le_bytes(file[len_at..len_at + 4].try_into().expect("4 bytes")) as usize;
    let Some(start) = len_at.checked_sub(len) else { return false };
    FileMetaData::read_from_in_protocol(&mut Bounded::new(&file[start..len_at])).is_ok()
}

/// Whether every page header of every column chunk, walked as the parquet crate walks them
/// (page after page until the chunk's bytes are used up), decodes within the chunk's bytes.
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
            let mut reader = Bounded::new(&chunk[pos..]);
            let Ok(header) = PageHeader::read_from_in_protocol(&mut reader) else { return false };
            let header_len = chunk.len() - pos - reader.buf.len();
            let Some(next) = usize::try_from(header.compressed_page_size)
                .ok()
                .and_then(|c| (pos + header_len).checked_add(c))
            else {
                return false;
            };
            pos = next;
        }
        true
    })
}

/// Thrift's compact protocol over a slice (after the parquet crate's own slice reader), with
/// every binary length and every list count checked against the bytes left: each element of
/// a list takes at least a byte.
struct Bounded<'a> {
    buf: &'a [u8],
    last_field_id: i16,
    field_ids: Vec<i16>,
    pending_bool: Option<bool>,
}

impl<'a> Bounded<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Bounded { buf, last_field_id: 0, field_ids: Vec::new(), pending_bool: None }
    }

    fn vlq(&mut self) -> thrift::Result<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.read_byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(invalid("varint too long"))
    }

    fn zig_zag(&mut self) -> thrift::Result<i64> {
        let v = self.vlq()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    fn take(&mut self, n: u64) -> thrift::Result<&'a [u8]> {
        let n = usize::try_from(n).map_err(|_| eof())?;
        let taken = self.buf.get(..n).ok_or_else(eof)?;
        self.buf = &self.buf[n..];
        Ok(taken)
    }

    fn list_set_begin(&mut self) -> thrift::Result<(TType, i32)> {
        let header = self.read_byte()?;
        let element_type = match header & 0x0f {
            0x01 | 0x02 => TType::Bool,
            t => u8_to_type(t)?,
        };
        let count = match header >> 4 {
            15 => self.vlq()?,
            n => u64::from(n),
        };
        if count > self.buf.len() as u64 {
            return Err(invalid("list longer than the bytes left"));
        }
        Ok((element_type, count as i32))
    }
}

impl TInputProtocol for Bounded<'_> {
    fn read_message_begin(&mut self) -> thrift::Result<TMessageIdentifier> {
        Err(invalid("no messages in Parquet"))
    }

    fn read_message_end(&mut self) -> thrift::Result<()> {
        Err(invalid("no messages in Parquet"))
    }

    fn read_struct_begin(&mut self) -> thrift::Result<Option<TStructIdentifier>> {
        self.field_ids.push(self.last_field_id);
        self.last_field_id = 0;
        Ok(None)
    }

    fn read_struct_end(&mut self) -> thrift::Result<()> {
        self.last_field_id = self.field_ids.pop().ok_or_else(|| invalid("struct end without a start"))?;
        Ok(())
    }

    fn read_field_begin(&mut self) -> thrift::Result<TFieldIdentifier> {
        let header = self.read_byte()?;
        let delta = header >> 4;
        let field_type = match header & 0x0f {
            0x01 => {
                self.pending_bool = Some(true);
                TType::Bool
            }
            0x02 => {
                self.pending_bool = Some(false);
                TType::Bool
            }
            t => u8_to_type(t)?,
        };
        if field_type == TType::Stop {
            return Ok(TFieldIdentifier::new::<Option<String>, String, Option<i16>>(None, TType::Stop, None));
        }
        self.last_field_id = if delta != 0 {
            self.last_field_id.checked_add(i16::from(delta)).ok_or_else(|| invalid("field id overflow"))?
        } else {
            self.read_i16()?
        };
        Ok(TFieldIdentifier { name: None, field_type, id: Some(self.last_field_id) })
    }

    fn read_field_end(&mut self) -> thrift::Result<()> {
        Ok(())
    }

    fn read_bool(&mut self) -> thrift::Result<bool> {
        match self.pending_bool.take() {
            Some(b) => Ok(b),
            None => match self.read_byte()? {
                0x01 => Ok(true),
                0x00 | 0x02 => Ok(false),
                _ => Err(invalid("not a boolean")),
            },
        }
    }

    fn read_bytes(&mut self) -> thrift::Result<Vec<u8>> {
        let len = self.vlq()?;
        Ok(self.take(len)?.to_vec())
    }

    fn read_i8(&mut self) -> thrift::Result<i8> {
        Ok(self.read_byte()? as i8)
    }

    fn read_i16(&mut self) -> thrift::Result<i16> {
        Ok(self.zig_zag()? as i16)
    }

    fn read_i32(&mut self) -> thrift::Result<i32> {
        Ok(self.zig_zag()? as i32)
    }

    fn read_i64(&mut self) -> thrift::Result<i64> {
        self.zig_zag()
    }

    fn read_double(&mut self) -> thrift::Result<f64> {
        Ok(f64::from_le_bytes(self.take(8)?.try_into().expect("8 bytes")))
    }

    fn read_string(&mut self) -> thrift::Result<String> {
        String::from_utf8(self.read_bytes()?).map_err(From::from)
    }

    fn read_list_begin(&mut self) -> thrift::Result<TListIdentifier> {
        let (element_type, size) = self.list_set_begin()?;
        Ok(TListIdentifier::new(element_type, size))
    }

    fn read_list_end(&mut self) -> thrift::Result<()> {
        Ok(())
    }

    fn read_set_begin(&mut self) -> thrift::Result<TSetIdentifier> {
        let (element_type, size) = self.list_set_begin()?;
        Ok(TSetIdentifier::new(element_type, size))
    }

    fn read_set_end(&mut self) -> thrift::Result<()> {
        Ok(())
    }

    fn read_map_begin(&mut self) -> thrift::Result<TMapIdentifier> {
        // Parquet's structures have no maps (the parquet crate's reader refuses them too).
        Err(invalid("no maps in Parquet"))
    }

    fn read_map_end(&mut self) -> thrift::Result<()> {
        Ok(())
    }

    fn read_byte(&mut self) -> thrift::Result<u8> {
        let (&first, rest) = self.buf.split_first().ok_or_else(eof)?;
        self.buf = rest;
        Ok(first)
    }
}

fn u8_to_type(b: u8) -> thrift::Result<TType> {
    Ok(match b {
        0x00 => TType::Stop,
        0x03 => TType::I08,
        0x04 => TType::I16,
        0x05 => TType::I32,
        0x06 => TType::I64,
        0x07 => TType::Double,
        0x08 => TType::String,
        0x09 => TType::List,
        0x0a => TType::Set,
        0x0b => TType::Map,
        0x0c => TType::Struct,
        _ => return Err(invalid("unknown type")),
    })
}

fn invalid(message: &str) -> thrift::Error {
    thrift::Error::Protocol(thrift::ProtocolError {
        kind: thrift::ProtocolErrorKind::InvalidData,
        message: message.to_string(),
    })
}

fn eof() -> thrift::Error {
    thrift::Error::Transport(thrift::TransportError {
        kind: thrift::TransportErrorKind::EndOfFile,
        message: "unexpected end".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_lengths_must_fit() {
        // FileMetaData { 2: list<struct> of 2^28 elements }, and { 6: binary of 1.3 G }
        let list = [0x29, 0xfc, 0x80, 0x80, 0x80, 0x80, 0x01, 0, 0];
        assert!(FileMetaData::read_from_in_protocol(&mut Bounded::new(&list)).is_err());
        let binary = [0x68, 0x80, 0x80, 0x80, 0x80, 0x05, b'a', 0];
        assert!(FileMetaData::read_from_in_protocol(&mut Bounded::new(&binary)).is_err());
        // A field whose bytes claim another type is read as the field's own type, as the
        // parquet crate reads it: field 2 claiming to be binary is still a list here.
        let disguised = [0x28, 0xfc, 0x80, 0x80, 0x80, 0x80, 0x01, 0, 0];
        assert!(FileMetaData::read_from_in_protocol(&mut Bounded::new(&disguised)).is_err());
    }

    #[test]
    fn page_header_length_and_size() {
        // PageHeader { 1: type 0, 2: 10, 3: 7, 5: DataPageHeader { 1: 3, 2: 0, 3: 0, 4: 0 } }
        let header = [0x15, 0, 0x15, 20, 0x15, 14, 0x2c, 0x15, 6, 0x15, 0, 0x15, 0, 0x15, 0, 0, 0, 0xff];
        let mut reader = Bounded::new(&header);
        let decoded = PageHeader::read_from_in_protocol(&mut reader).unwrap();
        assert_eq!(decoded.compressed_page_size, 7);
        assert_eq!(reader.buf, [0xff]);
    }
}

//! Object keys as S3 notifications carry them: form-urlencoded.

use thiserror::Error;

/// Why an encoded key could not be decoded; the byte offset points into the encoded key.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    #[error("invalid percent-encoding at byte {offset}")]
    InvalidEscape { offset: usize },
    #[error("the decoded key is not valid UTF-8")]
    InvalidUtf8,
}

/// Decodes a key the way S3 notifications encode it: `+` is a space, then `%XX` is a byte.
///
/// One form decoder covers every producer: real S3 writes a space as `+` and leaves `/` alone,
/// moto (Python's `quote_plus`) also writes `/` as `%2F`, and SAM's samples use `%20`. Unlike
/// `form_urlencoded`, this rejects a malformed escape or non-UTF-8 bytes instead of guessing, so a
/// key we cannot read becomes a reported failure rather than a scan of some other object.
pub fn decode_form_key(encoded: &str) -> Result<String, KeyError> {
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
                match (hex(i + 1), hex(i + 2)) {
                    (Some(high), Some(low)) => out.push((high * 16 + low) as u8),
                    _ => return Err(KeyError::InvalidEscape { offset: i }),
                }
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| KeyError::InvalidUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_every_producers_encoding() {
        let table: &[(&str, Result<&str, KeyError>)] = &[
            ("incoming/my+file%2B1.csv", Ok("incoming/my file+1.csv")),
            ("red%20flower.jpg", Ok("red flower.jpg")),
            ("incoming%2Freports%2Fq1.csv", Ok("incoming/reports/q1.csv")),
            ("caf%C3%A9/menu.txt", Ok("café/menu.txt")),
            ("%c3%a9", Ok("é")),
            ("plain/key.txt", Ok("plain/key.txt")),
            ("", Ok("")),
            ("a%ZZb", Err(KeyError::InvalidEscape { offset: 1 })),
            ("trailing%2", Err(KeyError::InvalidEscape { offset: 8 })),
            ("trailing%", Err(KeyError::InvalidEscape { offset: 8 })),
            ("bad%FFbyte", Err(KeyError::InvalidUtf8)),
            ("half%C3", Err(KeyError::InvalidUtf8)),
        ];
        for (encoded, expected) in table {
            assert_eq!(decode_form_key(encoded), expected.clone().map(str::to_string), "{encoded}");
        }
    }

    #[test]
    fn unencoded_multibyte_characters_pass_through() {
        // S3 encodes them, but a producer that does not must not have them mangled.
        assert_eq!(decode_form_key("données/é.csv").unwrap(), "données/é.csv");
    }
}

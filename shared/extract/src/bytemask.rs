//! Which bytes of a 64-byte block pass a test, one bit each (first byte lowest): how the
//! record checks step over a line 64 bytes at a time instead of byte by byte.

/// What a byte is tested for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ByteTest {
    Is(u8),
    /// Within an ASCII range, both ends included.
    Within(u8, u8),
    /// An ASCII letter in either case (given in lower case).
    EitherCase(u8),
}

/// Up to 64 bytes of a line, zero-padded past its end; the padding passes no test.
pub(crate) struct Block {
    bytes: [u8; 64],
    /// Bits of the bytes that are the line's (not padding).
    real: u64,
}

impl Block {
    pub fn padded(chunk: &[u8]) -> Block {
        let mut bytes = [0u8; 64];
        if let Ok(whole) = <&[u8; 64]>::try_from(chunk) {
            bytes = *whole; // most blocks: a copy of known size, no call
        } else {
            bytes[..chunk.len()].copy_from_slice(chunk);
        }
        let real = if chunk.len() >= 64 { u64::MAX } else { (1u64 << chunk.len()) - 1 };
        Block { bytes, real }
    }

    /// Which of the line's bytes pass `test`.
    pub fn mask(&self, test: ByteTest) -> u64 {
        self.masks([test])[0]
    }

    /// Which of the line's bytes pass each test, the block read once for all of them.
    pub fn masks<const N: usize>(&self, tests: [ByteTest; N]) -> [u64; N] {
        self.masks_padded(tests).map(|m| m & self.real)
    }

    /// Sixteen bytes a step with SSE2, which every x86-64 processor has (`safe_arch` wraps
    /// its intrinsics).
    #[cfg(target_arch = "x86_64")]
    fn masks_padded<const N: usize>(&self, tests: [ByteTest; N]) -> [u64; N] {
        use safe_arch::{
            bitand_m128i, bitor_m128i, cmp_eq_mask_i8_m128i, cmp_gt_mask_i8_m128i, cmp_lt_mask_i8_m128i,
            m128i, move_mask_i8_m128i, set_splat_i8_m128i,
        };
        let splat = |b: u8| set_splat_i8_m128i(b as i8);
        let mut masks = [0u64; N];
        for (k, chunk) in self.bytes.chunks_exact(16).enumerate() {
            let v = m128i::from(<[u8; 16]>::try_from(chunk).expect("16 bytes"));
            for (mask, test) in masks.iter_mut().zip(tests) {
                let hits = match test {
                    ByteTest::Is(b) => cmp_eq_mask_i8_m128i(v, splat(b)),
                    // Signed compares: bytes above 0x7f are negative, so in no ASCII range.
                    ByteTest::Within(lo, hi) => bitand_m128i(
                        cmp_gt_mask_i8_m128i(v, set_splat_i8_m128i(lo as i8 - 1)),
                        cmp_lt_mask_i8_m128i(v, set_splat_i8_m128i(hi as i8 + 1)),
                    ),
                    ByteTest::EitherCase(b) => cmp_eq_mask_i8_m128i(bitor_m128i(v, splat(0x20)), splat(b)),
                };
                *mask |= u64::from(move_mask_i8_m128i(hits) as u16) << (16 * k);
            }
        }
        masks
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn masks_padded<const N: usize>(&self, tests: [ByteTest; N]) -> [u64; N] {
        tests.map(|test| self.mask_bytewise(test))
    }

    /// Byte by byte, where there is no SSE2.
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))] // tested against the SSE2 reading
    fn mask_bytewise(&self, test: ByteTest) -> u64 {
        let passes = |b: u8| match test {
            ByteTest::Is(x) => b == x,
            ByteTest::Within(lo, hi) => (lo..=hi).contains(&b),
            ByteTest::EitherCase(x) => b.is_ascii_alphabetic() && b.to_ascii_lowercase() == x,
        };
        self.bytes.iter().enumerate().fold(0u64, |m, (i, &b)| m | (u64::from(passes(b)) << i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_passes_no_test() {
        let block = Block::padded(b"a,\0b");
        assert_eq!(block.mask(ByteTest::Is(0)), 0b0100);
        assert_eq!(block.mask(ByteTest::Is(b',')), 0b0010);
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn sse2_masks_agree_with_the_bytewise_ones() {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let alphabet = b"\"eE09e5 x\\\xc3\xa9/:{,\t";
        let tests: [ByteTest; 6] = [
            ByteTest::Is(b'"'),
            ByteTest::Is(b','),
            ByteTest::Is(b'\t'),
            ByteTest::Within(b'0', b'9'),
            ByteTest::EitherCase(b'e'),
            ByteTest::Is(b'\\'),
        ];
        for round in 0..20_000 {
            let mut bytes = [0u8; 64];
            for b in &mut bytes {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = if round % 3 == 0 { x as u8 } else { alphabet[(x % alphabet.len() as u64) as usize] };
            }
            let block = Block::padded(&bytes);
            // All six read at once, as the record checks read them.
            let together = block.masks_padded(tests);
            for (test, mask) in tests.into_iter().zip(together) {
                assert_eq!(mask, block.mask_bytewise(test), "{test:?} {bytes:?}");
                assert_eq!(block.masks_padded([test])[0], mask, "{test:?} alone");
            }
        }
    }
}

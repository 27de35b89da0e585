//! Free text (.txt): encoding detection, chunking with overlap, line and column locations.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sluice_fuzz::extract_as(data, "notes.txt"));

//! A JSON document (.json): the nesting guard, the parse, the path walk, the text fallback.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sluice_fuzz::extract_as(data, "record.json"));

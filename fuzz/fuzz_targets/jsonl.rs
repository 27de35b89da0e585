//! JSON Lines (.jsonl): one record per line, bad lines as text, too-deep lines skipped.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sluice_fuzz::extract_as(data, "events.jsonl"));

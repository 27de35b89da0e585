//! Archives: the first byte picks .gz, .tar, .zip or .tar.gz; the format itself is sniffed
//! from the magic bytes of the rest, and every member is extracted as an object of its own.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some((name, rest)) =
        sluice_fuzz::pick(data, &["logs.txt.gz", "backup.tar", "bundle.zip", "backup.tar.gz"])
    {
        sluice_fuzz::extract_as(rest, name);
    }
});

//! Delimited text: the first byte picks .csv (delimiter sniffed from the first line) or .tsv.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some((name, rest)) = sluice_fuzz::pick(data, &["people.csv", "people.tsv"]) {
        sluice_fuzz::extract_as(rest, name);
    }
});

//! Parquet (.parquet), picked by its `PAR1` signature; other inputs are not run here.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"PAR1") {
        sluice_fuzz::extract_as(data, "customers.parquet");
    }
});

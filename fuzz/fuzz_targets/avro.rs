//! Avro object container files (.avro), picked by their `Obj\x01` signature; other inputs are
//! not run here.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"Obj\x01") {
        sluice_fuzz::extract_as(data, "customers.avro");
    }
});

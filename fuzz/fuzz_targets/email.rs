//! RFC 5322 e-mail (.eml): headers, decoded bodies, attachments extracted as objects.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sluice_fuzz::extract_as(data, "message.eml"));

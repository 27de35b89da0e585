//! PDF (.pdf). Sniffing picks PDF by its `%PDF-` signature alone (the extension is not
//! trusted), so inputs without it would only exercise the text reader and are not run here.
//! pdf-extract's panics are caught inside sluice-extract; see the panic policy in
//! `sluice_fuzz` for why this target (like every extraction target) runs under its own hook.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"%PDF-") {
        sluice_fuzz::extract_as(data, "report.pdf");
    }
});

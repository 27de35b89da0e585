//! Office Open XML: the first byte picks .docx, .pptx or .xlsx. The package is a zip, so the
//! rest must start with a zip signature for the name to matter (sniffing reads magic bytes
//! first); other inputs would only exercise the text reader, and are not run here.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some((name, rest)) = sluice_fuzz::pick(data, &["report.docx", "deck.pptx", "book.xlsx"]) {
        if rest.starts_with(b"PK") {
            sluice_fuzz::extract_as(rest, name);
        }
    }
});

//! XML and HTML, read as text: the first byte picks .xml or .html.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some((name, rest)) = sluice_fuzz::pick(data, &["feed.xml", "page.html"]) {
        sluice_fuzz::extract_as(rest, name);
    }
});

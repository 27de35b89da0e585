//! Hostile inputs that are not archives: each ends with a status, quickly and in bounded memory.

use std::time::Instant;

use sluice_extract::{extract, Extraction, Limits, Segment};
use sluice_finding::{Reason, Status, StatusCode};

fn run(bytes: &[u8], name: &str) -> (Extraction, usize) {
    let mut text_bytes = 0;
    let mut sink = |s: &Segment<'_>| text_bytes += s.report.len();
    let ex = extract(bytes, name, None, Some(bytes.len() as u64), &Limits::default(), &mut sink).unwrap();
    (ex, text_bytes)
}

#[test]
fn billion_laughs_is_read_as_text_without_expanding_entities() {
    let mut doc = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    doc.push_str(" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n");
    for i in 2..=9 {
        let prev = format!("&lol{};", i - 1).repeat(10);
        doc.push_str(&format!(" <!ENTITY lol{i} \"{prev}\">\n"));
    }
    doc.push_str("]>\n<lolz>&lol9;</lolz>\n");
    let started = Instant::now();
    let (ex, text_bytes) = run(doc.as_bytes(), "lolz.xml");
    assert_eq!(ex.status, Status::complete());
    assert_eq!(text_bytes, doc.len(), "nothing expanded: the text is the document itself");
    assert!(started.elapsed().as_secs() < 5);
}

#[test]
fn json_lines_with_a_record_nested_too_deep_are_partial_and_keep_the_rest() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let data = format!("{{\"ssn\": \"536-22-8726\"}}\n{deep}\n{{\"b\": \"x\"}}\n");
    let (ex, text_bytes) = run(data.as_bytes(), "events.jsonl");
    assert_eq!(ex.status, Status::partial(Reason::JsonNestingLevelOverLimit));
    assert_eq!(text_bytes, "536-22-8726".len() + 1, "the other records are still read");
}

#[test]
fn a_document_over_the_size_limit_is_skipped_not_read_whole() {
    let limits = Limits { max_document_bytes: 1024, ..Limits::default() };
    let json = format!("{{\"a\": \"{}\"}}", "x".repeat(4096));
    let mut sink = |_: &Segment<'_>| {};
    let ex = extract(json.as_bytes(), "big.json", None, None, &limits, &mut sink).unwrap();
    assert_eq!(ex.status, Status::skipped(Reason::FileExceedsSizeLimit));
}

#[test]
fn binary_junk_under_text_names_is_unsupported() {
    let junk: Vec<u8> = (0..64 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    for name in ["notes.txt", "data.csv", "x.json", "a.eml", "b.pdf", "c.parquet"] {
        let (ex, _) = run(&junk, name);
        assert_eq!(ex.status.code, StatusCode::Skipped, "{name}");
    }
}

mod fixtures;

/// Found by fuzzing (`scripts/fuzz.sh parquet`): one byte of a page header turned into an
/// unknown page type, on which the parquet crate panics (`unimplemented!`) instead of
/// returning an error. The panic is caught: the file is malformed, not the batch's end.
#[test]
fn parquet_with_an_unknown_page_type_is_malformed_not_a_panic() {
    let mut file = fixtures::parquet_file(parquet::basic::Compression::UNCOMPRESSED);
    assert_eq!(file[98], 0, "the first page header's type (fixture layout)");
    file[98] = b'0';
    let (ex, _) = run(&file, "customers.parquet");
    assert_eq!(ex.status.reason, Some(Reason::MalformedFile), "{ex:?}");
}

/// Found by fuzzing (`scripts/fuzz.sh avro`): a record name that is not a valid Avro name, on
/// which apache-avro 0.20 panicked (`unwrap` in its schema parser).
#[test]
fn avro_with_an_invalid_schema_name_is_malformed_not_a_panic() {
    let file = fixtures::avro_file(apache_avro::Codec::Null);
    let (from, to) = (&br#""name":"identity","fields""#[..], &br#""name":"ident)ty","fields""#[..]);
    let at = file.windows(from.len()).position(|w| w == from).expect("the nested record's name");
    let file = [&file[..at], to, &file[at + from.len()..]].concat();
    let (ex, _) = run(&file, "customers.avro");
    assert_eq!(ex.status, Status::skipped(Reason::MalformedFile), "{ex:?}");
}

/// Avro's zig-zag varint.
fn avro_long(n: i64) -> Vec<u8> {
    let mut z = ((n << 1) ^ (n >> 63)) as u64;
    let mut out = Vec::new();
    loop {
        if z < 0x80 {
            out.push(z as u8);
            return out;
        }
        out.push((z as u8 & 0x7f) | 0x80);
        z >>= 7;
    }
}

/// Found by fuzzing (`scripts/fuzz.sh archive`, a 400-byte input): an Avro header whose
/// metadata map declares billions of entries. apache-avro 0.20 reserved room for all of them
/// up front (21 GB for that input) and the allocation failure aborted the process; 0.22 checks
/// a collection's size against its allocation cap, which sluice-extract sets from the limits.
#[test]
fn avro_header_declaring_billions_of_entries_is_refused_without_allocating() {
    in_capped_process("avro_header_huge_map_inner");
}

#[test]
#[ignore = "run in a memory-capped process by the test above"]
fn avro_header_huge_map_inner() {
    for count in [1i64 << 20, 1 << 28, 1 << 40, i64::MAX >> 1] {
        let file = [&b"Obj\x01"[..], &avro_long(count), b"\x02k\x02v\x00"].concat();
        let started = Instant::now();
        let (ex, _) = run(&file, "customers.avro");
        assert_eq!(ex.status, Status::skipped(Reason::MalformedFile), "{count}: {ex:?}");
        assert!(started.elapsed().as_secs() < 2, "{count}");
    }
    // A block (decoded whole) declaring more bytes than the document limit is refused too.
    let header = fixtures::avro_file(apache_avro::Codec::Null);
    let schema_end = header.windows(16).position(|w| w == b"sluice-fixture!!").expect("the sync marker") + 16;
    let file = [&header[..schema_end], &avro_long(1), &avro_long(1 << 40), b"tiny"].concat();
    let (ex, _) = run(&file, "customers.avro");
    assert_ne!(ex.status.code, StatusCode::Complete, "{ex:?}");
}

/// Found by fuzzing (`scripts/fuzz.sh pdf`): a page whose `/Parent` is itself. pdf-extract
/// looks for a page's Resources and MediaBox up the `/Parent` links, without end: the scan
/// hung (in an optimised build; a debug build overflows the stack). Such a page tree is now
/// refused before pdf-extract reads a page.
#[test]
fn pdf_page_tree_with_a_parent_cycle_is_refused_not_a_hang() {
    use lopdf::{dictionary, Document, Object, Stream};
    for self_parent in [true, false] {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let page_id = doc.new_object_id();
        let content = Stream::new(dictionary! {}, b"BT (Employee SSN 536-22-8726) Tj ET".to_vec());
        let content_id = doc.add_object(content);
        // The cycle: the page is its own parent, or the tree's root names the page as parent.
        let (page_parent, root_parent) =
            if self_parent { (page_id, None) } else { (pages_id, Some(page_id)) };
        doc.objects.insert(
            page_id,
            Object::Dictionary(
                dictionary! { "Type" => "Page", "Parent" => page_parent, "Contents" => content_id },
            ),
        );
        let mut root = dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 };
        if let Some(parent) = root_parent {
            root.set("Parent", parent);
        }
        doc.objects.insert(pages_id, Object::Dictionary(root));
        let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog_id);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();

        // On a thread, so that a regression fails the test instead of hanging it.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(run(&bytes, "cycle.pdf").0).unwrap());
        let ex =
            rx.recv_timeout(std::time::Duration::from_secs(10)).expect("a status within 10 s, not a hang");
        assert_eq!(ex.status, Status::skipped(Reason::UnableToParseFile), "{ex:?}");
    }
}

/// Found by fuzzing (`scripts/fuzz.sh parquet`; this is the input `cargo fuzz tmin` left):
/// a page header with a field the reader skips, declared as a 1.3 GB string. The `thrift`
/// crate allocates a declared length before reading it, and on a scanner with less memory
/// than that (a 512 MB Lambda function) the failed allocation aborts the process. Parquet's
/// Thrift structures are now checked, without allocating, before the parquet crate reads them.
const PARQUET_HUGE_PAGE_HEADER_STRING: &str = concat!(
    "504152311504361918383619180b3533362d32322d38373236150219160000191c166a155016000019160e00191c16ba",
    "02155016000019162c001502193c4808637573746f6d65721504001500180373736e2500001604191c192c26001c150c",
    "196216b201266a26081c360028044a613a6515062c1504151015061500350006101918fc919e8d6515041604166216b2",
    "01266a26081c360028044a613a6515062c150415101506193c4808637573746f6d6572150400150c250018046e616d65",
    "252800150c2500180373736e2500001604191c192c26001c150c19350006101918046e616d6515001604166216622642",
    "26081c380028044a616e651803426f62111100192c15041500150200150015101502003c160e000016e002151a16ea01",
    "152c0026001c150c193500061019180373736e1500160416800116800126c201266a1c3600280b3533362d32322d3837",
    "3236180b3231392d34372d31313836111100192c15041500150200150015101502003c162c000016fa02151c16960215",
    "4a0016e201160426081678000000000000006172717565742d72732076657273696f6e2035362e322e31192c1c00001c",
    "0000000e01000050415231",
);

fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

/// Runs the ignored test `inner` in a child process whose address space is capped at 1 GiB
/// (`ulimit -v`), so that an allocation of the gigabytes a hostile file declares fails it.
fn in_capped_process(inner: &str) {
    let exe = std::env::current_exe().unwrap();
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" --exact --ignored --test-threads=1 \"$1\"")
        .arg(&exe)
        .arg(inner)
        .output()
        .unwrap();
    // The child's own test summary stays out of this run's output unless it failed.
    assert!(
        output.status.success(),
        "{inner}: {}\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn parquet_page_header_declaring_a_huge_string_is_refused_without_allocating() {
    in_capped_process("parquet_huge_page_header_string_inner");
}

#[test]
#[ignore = "run in a memory-capped process by the test above"]
fn parquet_huge_page_header_string_inner() {
    let file = unhex(PARQUET_HUGE_PAGE_HEADER_STRING);
    let (ex, _) = run(&file, "customers.parquet");
    assert_eq!(ex.status, Status::skipped(Reason::MalformedFile), "{ex:?}");
}

/// Found by fuzzing (`scripts/fuzz.sh csv`: signatures beat names, so `PAR1` under a `.csv`
/// name is Parquet): a footer whose schema list declares 2^28 elements. The parquet crate's
/// footer decoder reserves room for all of them (40 GB) before reading the first.
#[test]
fn parquet_footer_declaring_a_huge_list_is_refused_without_allocating() {
    in_capped_process("parquet_huge_footer_list_inner");
}

#[test]
#[ignore = "run in a memory-capped process by the test above"]
fn parquet_huge_footer_list_inner() {
    // FileMetaData { 1: version 1, 2: schema list<struct> of 2^28 elements, (nothing more) }
    let footer = [0x15, 0x02, 0x19, 0xfc, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00, 0x00];
    // The same, with field 2 claiming to be a string: the parquet crate reads a field as its
    // own type whatever the bytes claim (found by fuzzing the parquet target again, 47 GB).
    let disguised = [0x15, 0x02, 0x18, 0xfc, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00, 0x00];
    for footer in [footer, disguised] {
        let file = [&b"PAR1"[..], &footer, &(footer.len() as u32).to_le_bytes(), b"PAR1"].concat();
        for name in ["customers.parquet", "people.csv"] {
            let (ex, _) = run(&file, name);
            assert_eq!(ex.status, Status::skipped(Reason::MalformedFile), "{name}: {ex:?}");
        }
    }
}

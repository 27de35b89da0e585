//! The Lambda event decoder: bytes → JSON (if they parse) → `sluice_events::decode`, then, as
//! the scanner does, an outcome per item from its entries and the response the invoking
//! service expects, for every item failed (temporarily, permanently) and every item succeeded.
#![no_main]

use std::hint::black_box;

use sluice_events::{decode, Invocation, Outcome, ResponseOptions, ResultCode};

fn respond(invocation: &Invocation, outcomes: &[Outcome]) {
    for treat_missing_keys_as in
        [ResultCode::Succeeded, ResultCode::TemporaryFailure, ResultCode::PermanentFailure]
    {
        let response = invocation
            .respond(outcomes, &ResponseOptions { treat_missing_keys_as })
            .expect("one outcome per item is always answerable");
        black_box(serde_json::to_vec(&response).expect("a response serialises"));
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(event) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let invocation = match decode(&event) {
        Ok(invocation) => invocation,
        Err(e) => {
            black_box((e.reason_code(), e.to_string()));
            return;
        }
    };
    let n = invocation.items.len();
    // What the handler does: each entry's own outcome (work to do, or settled), merged per item.
    let worked: Vec<Outcome> = invocation
        .items
        .iter()
        .map(|item| {
            item.entries.iter().fold(Outcome::succeeded(), |outcome, entry| {
                let entry_outcome = match entry.work() {
                    Ok(object_event) => {
                        black_box(object_event);
                        Outcome::succeeded().with_count("scanned", 1)
                    }
                    Err(settled) => settled,
                };
                outcome.merge(entry_outcome)
            })
        })
        .collect();
    for outcome in &worked {
        black_box(outcome.result_string());
    }
    respond(&invocation, &worked);
    respond(&invocation, &vec![Outcome::succeeded(); n]);
    respond(&invocation, &vec![Outcome::temporary_failure("THROTTLED"); n]);
    respond(&invocation, &vec![Outcome::permanent_failure("ACCESS_DENIED"); n]);
    let alternating: Vec<Outcome> = (0..n)
        .map(|i| if i % 2 == 0 { Outcome::succeeded() } else { Outcome::temporary_failure("NOT_ATTEMPTED") })
        .collect();
    respond(&invocation, &alternating);
    // One outcome too many is refused, never answered.
    assert!(invocation.respond(&vec![Outcome::succeeded(); n + 1], &ResponseOptions::default()).is_err());
});

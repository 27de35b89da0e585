# The one command a new machine needs: `make test` checks formatting and lints, then runs
# every test. Only the Rust toolchain (cargo, with rustfmt and clippy) is needed for now.
.PHONY: test fmt lint unit scan bench

CARGO ?= cargo

test: fmt lint unit

fmt:
	$(CARGO) fmt --all -- --check

lint:
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

unit:
	scripts/cargo-test.sh

# The main job: scan the bundled sample data.
scan:
	$(CARGO) run --release -p sluice -- scan examples/

# Throughput and memory on one thread; BENCH_DIR from ../shared/corpus/gen_bulk.py.
BENCH_DIR ?= /tmp/bulk
bench:
	$(CARGO) bench -p sluice-pipeline --bench throughput -- $(BENCH_DIR)

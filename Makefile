# The one command a new machine needs: `make test` checks formatting and lints, lints the
# deployment templates, then runs every test. It needs the Rust toolchain (cargo, with rustfmt
# and clippy) and python3 (the template linters install themselves in .venv-tools).
.PHONY: test fmt lint check-templates unit scan bench sam-build lambda-smoke

CARGO ?= cargo

test: fmt lint check-templates unit

fmt:
	$(CARGO) fmt --all -- --check

lint:
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

# Every test, the end-to-end ones against a local AWS emulator (moto, installed on first use
# into .venv-moto and started on a free port for the run).
unit:
	scripts/with-moto.sh scripts/cargo-test.sh

# cfn-lint, sam validate --lint and checkov over template.yaml and infra/*.yaml (~20 s once
# the tools are installed).
check-templates:
	scripts/check-templates.sh

# Builds both functions as SAM does for a deploy (cargo-lambda, release, arm64). Not part of
# `test`: a cold release cross-build of the AWS SDK takes many minutes (docs/deploy.md).
sam-build:
	scripts/sam-build.sh

# The real scanner binary under cargo-lambda's local Lambda emulator, invoked with an S3 put
# event against the AWS emulator. Not part of `test`: it compiles a separate release build.
lambda-smoke:
	scripts/lambda-smoke.sh

# The main job: scan the bundled sample data.
scan:
	$(CARGO) run --release -p sluice -- scan examples/

# Throughput and memory on one thread, then first passes against the yardstick round by
# round (this VM's speed moves within minutes); BENCH_DIR from ../shared/corpus/gen_bulk.py.
BENCH_DIR ?= /tmp/bulk
bench:
	$(CARGO) bench -p sluice-pipeline --bench throughput -- $(BENCH_DIR) --cold-against-reference 9

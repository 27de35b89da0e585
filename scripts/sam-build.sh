#!/usr/bin/env bash
# `sam build --beta-features` as a deploy runs it: cargo-lambda builds the scanner and the
# remediator in release mode for arm64 (zig as the cross linker). Kept out of `make test`
# because a cold release cross-build of the AWS SDK takes many minutes on two cores; run it
# before a deploy and in the release pipeline (docs/deploy.md, "Build").
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-tools
if [ ! -x $VENV/bin/sam ]; then
  python3 -m venv $VENV
  $VENV/bin/pip install -q --upgrade pip
  $VENV/bin/pip install -q cfn-lint checkov aws-sam-cli
fi
[ -x $VENV/bin/cargo-lambda ] || $VENV/bin/pip install -q cargo-lambda ziglang
export PATH="$PWD/$VENV/bin:$PATH" SAM_CLI_TELEMETRY=0
# beta_features = true in samconfig.toml opts in to the rust-cargolambda build method.
sam build --beta-features "$@"
ls -l .aws-sam/build/ScannerFunction/bootstrap .aws-sam/build/RemediatorFunction/bootstrap

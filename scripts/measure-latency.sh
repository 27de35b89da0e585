#!/usr/bin/env bash
# The scanner Lambda's pipeline latency (100 uploads of ~100 KB through the AWS emulator) and
# cold start (10 starts of the release binary), both release builds. Figures go to stdout;
# docs/measurements.md records them.
#
#   scripts/measure-latency.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${AWS_ENDPOINT_URL:-}" ]; then
  exec scripts/with-moto.sh "$0" "$@"
fi

cargo bench -p sluice-e2e --bench scanner_latency

cargo build --release -p scanner
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps | .venv-moto/bin/python -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
echo "scanner cold start: $TARGET_DIR/release/scanner, 10 runs"
SLUICE_TABLE=cold-start-findings SLUICE_RESULTS_BUCKET=cold-start-results \
  SLUICE_RESULTS_KMS_KEY=alias/sluice-results SLUICE_SECURITY_HUB=true \
  .venv-moto/bin/python scripts/measure_cold_start.py "$TARGET_DIR/release/scanner" 10

#!/usr/bin/env bash
# Runs every test of the workspace and closes with one line that totals them, so that the
# last line a reader (or CI) sees counts every test binary, not just the last one.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace --locked "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
read -r passed failed < <(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } } END { print p + 0, f + 0 }' "$log")
echo
echo "Summary: ${passed} passed, ${failed} failed"
exit "$status"

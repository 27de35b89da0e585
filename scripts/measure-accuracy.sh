#!/usr/bin/env bash
# Accuracy of `sluice scan` on the labelled corpus that ../shared/corpus generates.
#
#   scripts/measure-accuracy.sh [SEED...]       (default: seeds 7 and 8)
#
# For each seed: generates the corpus (once, under /tmp), scans it with the release build,
# and scores it twice with ../shared/corpus/score.py: over every file, and over the text
# formats only (everything but Office, PDF, Parquet, Avro and archives, which Sluice does not
# read yet). Prints the closing lines of each score; full reports go to /tmp/sluice-score-*.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=../shared/corpus
VENV=/tmp/corpus-venv
[ -x $VENV/bin/python ] || { python3 -m venv $VENV && $VENV/bin/pip install -q -r $CORPUS/requirements.txt; }
cargo build --release -q -p sluice
seeds=("$@"); [ ${#seeds[@]} -gt 0 ] || seeds=(7 8)
for seed in "${seeds[@]}"; do
  dir=/tmp/corpus$seed
  [ -f $dir/labels.jsonl ] || $VENV/bin/python $CORPUS/gen.py --out $dir --seed $seed >/dev/null
  ./target/release/sluice scan $dir --format jsonl --output /tmp/sluice-results-$seed.jsonl --quiet
  $VENV/bin/python - "$dir/labels.jsonl" "/tmp/sluice-labels-text-$seed.jsonl" <<'PY'
import json, sys
skip = {"avro", "docx", "gzip", "gzip-noext", "parquet", "pdf", "pptx", "tar.gz", "xlsx", "zip", "zip-nested"}
with open(sys.argv[1]) as src, open(sys.argv[2], "w") as dst:
    for line in src:
        if json.loads(line).get("format") not in skip:
            dst.write(line)
PY
  for scope in all text; do
    labels=$dir/labels.jsonl; [ $scope = text ] && labels=/tmp/sluice-labels-text-$seed.jsonl
    $VENV/bin/python $CORPUS/score.py --labels $labels --results /tmp/sluice-results-$seed.jsonl -v \
      > /tmp/sluice-score-$scope-$seed.txt
    echo "seed $seed, $scope formats:"
    tail -2 /tmp/sluice-score-$scope-$seed.txt | sed 's/^/  /'
  done
done

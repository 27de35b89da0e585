#!/usr/bin/env bash
# Peak resident memory of `sluice scan` on one large object, to show that streaming keeps
# memory bounded whatever the object's size.
#
#   scripts/measure-memory.sh [MB]        (default 2048: a 2 GB log and a 2 GB CSV)
#
# Builds one large log and one large CSV by concatenating ../shared/corpus/gen_bulk.py output,
# scans each with one thread, and prints the peak RSS that GNU time reports.
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-2048}
CORPUS=../shared/corpus
VENV=/tmp/corpus-venv
[ -x $VENV/bin/python ] || { python3 -m venv $VENV && $VENV/bin/pip install -q -r $CORPUS/requirements.txt; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release -q -p sluice
work=/tmp/sluice-memory
mkdir -p $work
[ -d $work/bulk ] || $VENV/bin/python $CORPUS/gen_bulk.py --out $work/bulk --mb 256 --seed 5 >/dev/null
for kind in log csv; do
  big=$work/big.$kind
  if [ ! -f $big ] || [ $(( $(stat -c %s $big) / 1048576 )) -lt $MB ]; then
    : > $big
    while [ $(( $(stat -c %s $big) / 1048576 )) -lt $MB ]; do
      find $work/bulk/$kind -type f -exec cat {} + >> $big
    done
  fi
  size=$(( $(stat -c %s $big) / 1048576 ))
  /usr/bin/time -f "%M %e" -o $work/time.$kind ./target/release/sluice scan $big --threads 1 --quiet > /dev/null
  read -r rss secs < $work/time.$kind
  echo "$kind: ${size} MiB in ${secs} s, peak RSS $(( rss / 1024 )) MiB"
done

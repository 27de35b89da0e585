#!/usr/bin/env bash
# Fuzzes sluice's parser entry points with cargo-fuzz (libFuzzer + AddressSanitizer).
#
#   scripts/fuzz.sh TARGET... [--seconds N]     (default 600 s per target)
#   scripts/fuzz.sh all [--seconds N]           (every target in fuzz/fuzz_targets/)
#
# Runs at most two targets at a time, niced, each from a scratch copy of its committed seeds
# (fuzz/corpus/<target>, gitignored), so fuzzing never writes into fuzz/seeds/. A time-out
# (-timeout=10 s for one input) or more than 1 GiB of memory counts as a crash, like a panic
# or a sanitizer report; crashing inputs land in fuzz/artifacts/<target>/. Prints, for each
# target, the runs executed, the seconds and whether it crashed; exits non-zero if any did.
#
# cargo-fuzz needs nightly compiler flags: RUSTC_BOOTSTRAP=1 lets the stable toolchain accept
# them. Needs `cargo install cargo-fuzz --locked` once. CARGO_TARGET_DIR is honoured
# (default fuzz/target).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
fuzz="$repo/fuzz"
seconds=600
parallel=2
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --seconds=*) seconds="${1#*=}"; shift ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        all) for f in "$fuzz"/fuzz_targets/*.rs; do targets+=("$(basename "$f" .rs)"); done; shift ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
if [ ${#targets[@]} -eq 0 ]; then
    echo "usage: scripts/fuzz.sh TARGET... [--seconds N]   (targets: $(ls "$fuzz"/fuzz_targets | sed 's/\.rs$//' | tr '\n' ' '))" >&2
    exit 2
fi
for t in "${targets[@]}"; do
    [ -f "$fuzz/fuzz_targets/$t.rs" ] || { echo "no fuzz target $t" >&2; exit 2; }
done

command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz missing: cargo install cargo-fuzz --locked" >&2; exit 2; }
export RUSTC_BOOTSTRAP=1
target_dir="${CARGO_TARGET_DIR:-$fuzz/target}"
build=(cargo fuzz build -O --target-dir "$target_dir")
run=(cargo fuzz run -O --target-dir "$target_dir")
libfuzzer_flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -max_len=65536
    -print_final_stats=1)

cd "$repo"
echo "+ RUSTC_BOOTSTRAP=1 nice -n 10 ${build[*]}"
nice -n 10 "${build[@]}"

logs="$fuzz/artifacts/logs"
mkdir -p "$logs"

# One target: a fresh scratch corpus from the seeds, then libFuzzer for $seconds.
fuzz_one() {
    local t="$1" corpus="$fuzz/corpus/$1" log="$logs/$1.log" start end rc
    rm -rf "$corpus"
    mkdir -p "$corpus" "$fuzz/artifacts/$t"
    cp "$fuzz/seeds/$t"/* "$corpus"/
    start=$(date +%s)
    rc=0
    # cargo fuzz run passes -artifact_prefix=fuzz/artifacts/$t/ itself.
    nice -n 10 "${run[@]}" "$t" "$corpus" -- "${libfuzzer_flags[@]}" >"$log" 2>&1 || rc=$?
    end=$(date +%s)
    echo "$rc $((end - start))" >"$log.result"
}

# At most $parallel targets at once.
pids=()
for t in "${targets[@]}"; do
    echo "+ RUSTC_BOOTSTRAP=1 nice -n 10 ${run[*]} $t fuzz/corpus/$t -- ${libfuzzer_flags[*]}"
    fuzz_one "$t" &
    pids+=($!)
    while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do
        wait -n || true
    done
done
wait || true

failed=0
printf '\n%-10s %12s %8s  %s\n' target runs seconds result
for t in "${targets[@]}"; do
    log="$logs/$t.log"
    read -r rc secs <"$log.result"
    runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
    if [ "$rc" -eq 0 ]; then
        result="no crash"
    else
        failed=1
        artifact=$(grep -o 'Test unit written to [^ ]*' "$log" | tail -1 | sed 's/Test unit written to //' || true)
        kind=$(grep -o -m1 -E 'ERROR: libFuzzer: [a-z-]+|panicked at [^:]*:[0-9]+|escaped the entry point' "$log" || true)
        result="CRASH (exit $rc${kind:+: $kind}${artifact:+, input $artifact}; log $log)"
    fi
    printf '%-10s %12s %8s  %s\n' "$t" "${runs:-?}" "$secs" "$result"
done
exit "$failed"

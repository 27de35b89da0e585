#!/usr/bin/env bash
# Runs the real `scanner` Lambda binary under cargo-lambda's local Lambda emulator, against the
# local AWS emulator (moto), with the sample S3 put event pointed at a freshly uploaded object,
# and checks that the object's item lands in the findings table.
#
#   scripts/lambda-smoke.sh            # (make lambda-smoke)
#
# cargo-lambda (and ziglang, which it uses for cross builds) are installed on first use into
# .venv-lambda (gitignored). The function is built with `--release` (LAMBDA_SMOKE_PROFILE=debug
# for a debug build). If cargo-lambda cannot be installed, the check is skipped (exit 0).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

VENV=.venv-lambda
if [ ! -x "$VENV/bin/cargo-lambda" ]; then
  echo "lambda-smoke: installing cargo-lambda and ziglang into $VENV" >&2
  if ! { python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet cargo-lambda ziglang; } ||
    [ ! -x "$VENV/bin/cargo-lambda" ]; then
    echo "lambda-smoke: SKIP: cargo-lambda could not be installed (pip install cargo-lambda ziglang failed)" >&2
    exit 0
  fi
fi

# Everything below needs the AWS emulator: start one unless we already run beside it.
if [ -z "${AWS_ENDPOINT_URL:-}" ]; then
  exec scripts/with-moto.sh "$0" "$@"
fi

export PATH="$ROOT/$VENV/bin:$PATH"
PY=.venv-moto/bin/python
WORK=$(mktemp -d -t lambda-smoke.XXXXXX)
WATCH_PID=
cleanup() {
  if [ -n "$WATCH_PID" ]; then
    # watch runs cargo, which runs the function: stop the whole process group it leads.
    kill -- -"$WATCH_PID" 2>/dev/null || true
    wait "$WATCH_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$PY" scripts/lambda_stack.py setup "$WORK/state.json" events/s3-put.json "$WORK/event.json"
STATE() { "$PY" -c "import json,sys; print(json.load(open('$WORK/state.json'))[sys.argv[1]])" "$1"; }

PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PROFILE_FLAG=--release
[ "${LAMBDA_SMOKE_PROFILE:-release}" = debug ] && PROFILE_FLAG=
# The log goes outside the crate: watch rebuilds on any change under it, its own log included.
LOG="$WORK/watch.log"
echo "lambda-smoke: cargo lambda watch on 127.0.0.1:$PORT (log $LOG)" >&2
setsid cargo lambda watch -A 127.0.0.1 -P "$PORT" --ignore-changes $PROFILE_FLAG \
  --env-var "SLUICE_TABLE=$(STATE table)" \
  --env-var "SLUICE_RESULTS_BUCKET=$(STATE results)" \
  --env-var "SLUICE_RESULTS_KMS_KEY=alias/sluice-results" \
  --env-var "SLUICE_ACCOUNT_ID=$SLUICE_ACCOUNT_ID" \
  --env-var "SLUICE_SECURITY_HUB=true" \
  --env-var "AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL" \
  --env-var "AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID" \
  --env-var "AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY" \
  --env-var "AWS_SESSION_TOKEN=$AWS_SESSION_TOKEN" \
  --env-var "AWS_REGION=$AWS_REGION" \
  -p scanner >"$LOG" 2>&1 &
WATCH_PID=$!

# The first start compiles the function; wait until the server answers on its port.
for _ in $(seq 1 600); do
  if "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $PORT), timeout=1)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$WATCH_PID" 2>/dev/null; then
    echo "lambda-smoke: FAIL: cargo lambda watch exited:" >&2; cat "$LOG" >&2; exit 1
  fi
  sleep 1
done

echo "lambda-smoke: invoking scanner with the S3 put event" >&2
if ! ANSWER=$(cargo lambda invoke scanner -A 127.0.0.1 -P "$PORT" --data-file "$WORK/event.json"); then
  echo "lambda-smoke: FAIL: invoke failed; watch log:" >&2; cat "$LOG" >&2; exit 1
fi
echo "lambda-smoke: the function answered: $ANSWER"
grep -o '"init_ms":[0-9]*' "$LOG" | head -1 | sed 's/^/lambda-smoke: cold start /' || true

"$PY" scripts/lambda_stack.py check "$WORK/state.json"
echo "lambda-smoke: PASS"

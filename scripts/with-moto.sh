#!/usr/bin/env bash
# Runs a command with a local AWS emulator (moto server) on 127.0.0.1 and a free port, with
# the environment the AWS SDK needs to reach it, and stops the emulator afterwards.
#
#   scripts/with-moto.sh cargo test -p sluice-e2e
#
# moto is installed on first use into .venv-moto (gitignored). No AWS account is used: the
# credentials are moto's dummies.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv-moto
MOTO_VERSION=5.2.5
if [ ! -x "$VENV/bin/moto_server" ]; then
  echo "with-moto: installing moto $MOTO_VERSION into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "moto[server]==$MOTO_VERSION"
fi

PORT=$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
LOG=$(mktemp -t moto.XXXXXX.log)
"$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" >"$LOG" 2>&1 &
MOTO_PID=$!
trap 'kill $MOTO_PID 2>/dev/null || true; wait $MOTO_PID 2>/dev/null || true; rm -f "$LOG"' EXIT

for _ in $(seq 1 100); do
  if "$VENV/bin/python" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/', timeout=1)" 2>/dev/null; then
    break
  fi
  if ! kill -0 $MOTO_PID 2>/dev/null; then
    echo "with-moto: moto_server exited:" >&2; cat "$LOG" >&2; exit 1
  fi
  sleep 0.2
done

export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
# moto's default account; the scanner builds the Security Hub product ARN from it.
export SLUICE_ACCOUNT_ID=123456789012
# GetFindings responses with DataClassification overflow the 2 MB test-thread stack in debug
# builds (the SDK's deserializer recurses deeply).
export RUST_MIN_STACK=33554432
echo "with-moto: emulator at $AWS_ENDPOINT_URL" >&2
"$@"

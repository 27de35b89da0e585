"""Cold start of the scanner Lambda binary: starts it RUNS times with AWS_LAMBDA_RUNTIME_API
pointed at a local listener and reports, per run, the time from process start until the
runtime's first `GET /2018-06-01/runtime/invocation/next` (every client built and the engine
compiled), and the `init_ms` the binary logs itself. Each run is stopped at that first poll.

    measure_cold_start.py BINARY [RUNS]

The SLUICE_* and AWS_* variables come from the caller's environment (scripts/measure-latency.sh
runs this beside the emulator).
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import time

NEXT = b"GET /2018-06-01/runtime/invocation/next"


def one_run(binary: str) -> tuple[float, int | None]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(30)
    port = listener.getsockname()[1]
    env = dict(os.environ)
    env.update(
        AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{port}",
        AWS_LAMBDA_FUNCTION_NAME="scanner",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE="1024",
        AWS_LAMBDA_FUNCTION_VERSION="$LATEST",
        AWS_LAMBDA_LOG_GROUP_NAME="/aws/lambda/scanner",
        AWS_LAMBDA_LOG_STREAM_NAME="cold-start",
    )
    start = time.perf_counter()
    proc = subprocess.Popen([binary], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        first_poll = None
        while first_poll is None:
            conn, _ = listener.accept()
            request = conn.recv(4096)
            if request.startswith(NEXT):
                first_poll = time.perf_counter() - start
            conn.close()
    finally:
        proc.kill()
        out, _ = proc.communicate()
        listener.close()
    init_ms = None
    for line in out.decode(errors="replace").splitlines():
        try:
            fields = json.loads(line).get("fields", {})
        except ValueError:
            continue
        if "init_ms" in fields:
            init_ms = int(fields["init_ms"])
    return first_poll * 1000.0, init_ms


def main() -> None:
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    binary = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) == 3 else 10
    polls, inits = [], []
    for i in range(runs):
        poll_ms, init_ms = one_run(binary)
        polls.append(poll_ms)
        if init_ms is not None:
            inits.append(init_ms)
        print(f"run {i + 1:2}: first poll after {poll_ms:6.1f} ms, init_ms logged {init_ms}")
    print(f"process start -> first poll: median {statistics.median(polls):.1f} ms, max {max(polls):.1f} ms (n={runs})")
    if inits:
        print(f"init_ms (logged):            median {statistics.median(inits):.1f} ms, max {max(inits)} ms (n={len(inits)})")


if __name__ == "__main__":
    main()

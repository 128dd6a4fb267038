#!/usr/bin/env bash
# Property-based tests of the sandbox against our OpenAPI document with Schemathesis.
#
# Installs a pinned Schemathesis into a venv under target/, builds and starts the sandbox
# (`sandbox/examples/serve.rs`: loopback, a free port, no rate limits, credits enough), writes
# the schema to test against (our document, OpenAPI 3.1, plus the statuses TheirStack's file
# does not declare: `.ci/schemathesis_schema.py`) and runs every check with the accepted
# exceptions of `.ci/schemathesis.toml`. Exits non-zero on any other failure.
#
# Environment: SCHEMATHESIS_EXAMPLES (examples per operation, default 60), SCHEMATHESIS_SEED
# (default 20260301, fixed so that runs are reproducible), SCHEMATHESIS_WORKERS (default 2).
set -euo pipefail

cd "$(dirname "$0")/.."
VERSION=4.32.5
VENV=target/schemathesis-venv
OUT=target/schemathesis
EXAMPLES=${SCHEMATHESIS_EXAMPLES:-60}
SEED=${SCHEMATHESIS_SEED:-20260301}
WORKERS=${SCHEMATHESIS_WORKERS:-2}

if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -qF "$VERSION"; then
    echo "schemathesis.sh: installing schemathesis $VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION"
fi

cargo build --quiet --locked -p theirstack-sandbox --example serve
mkdir -p "$OUT"

PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
target/debug/examples/serve --port "$PORT" --unlimited --credits 1000000000000 > "$OUT/serve.out" 2> "$OUT/serve.err" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT

for _ in $(seq 1 100); do
    [ -s "$OUT/serve.out" ] && break
    if ! kill -0 "$SERVER" 2>/dev/null; then
        echo "schemathesis.sh: the sandbox did not start:" >&2
        cat "$OUT/serve.err" >&2
        exit 1
    fi
    sleep 0.1
done
read -r BASE_URL API_KEY < "$OUT/serve.out"
echo "schemathesis.sh: sandbox at $BASE_URL"

"$VENV/bin/python" .ci/schemathesis_schema.py openapi/theirstack.json "$OUT/openapi.json"

"$VENV/bin/schemathesis" --config-file .ci/schemathesis.toml run "$OUT/openapi.json" \
    --url "$BASE_URL" \
    --header "Authorization: Bearer $API_KEY" \
    --checks all \
    --max-examples "$EXAMPLES" \
    --seed "$SEED" \
    --workers "$WORKERS" \
    --report junit --report-dir "$OUT/report"

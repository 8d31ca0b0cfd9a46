#!/usr/bin/env bash
# End-to-end checks of `rlhf4j serve` with clients nobody here wrote. Not run by mvn test.
# Needs: node 20+, Debian's chromium (/usr/bin/chromium), sqlite3, and a run folder to serve.
#   serve/e2e/run.sh RUN_FOLDER [PROMPTS.jsonl]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
run="$1"; prompts="${2:-}"
port="${PORT:-8765}"
out="$here/out"; mkdir -p "$out"
cd "$here" && npm ci --no-audit --no-fund >/dev/null
args=(serve --model "$run" --port "$port" --db "$out/feedback.db")
[ -n "$prompts" ] && args+=(--prompts "$prompts")
"$here/../../rlhf4j" "${args[@]}" > "$out/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 90); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 2; done
BASE="http://127.0.0.1:$port/v1" node openai-client.mjs
BASE="http://127.0.0.1:$port" DB="$out/feedback.db" OUT="$out" node browser.mjs
BASE="http://127.0.0.1:$port" SERVER_PID="$pid" CLIENTS=1 SECONDS=15 node load.mjs
BASE="http://127.0.0.1:$port" SERVER_PID="$pid" CLIENTS=16 SECONDS=15 node load.mjs

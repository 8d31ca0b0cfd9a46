#!/usr/bin/env bash
# End-to-end checks of `rlhf4j serve` with clients nobody here wrote. CI runs them through
# serve/e2e/ci.sh (which installs node, chromium and sqlite3 and makes a model); by hand:
#   serve/e2e/run.sh RUN_FOLDER [PROMPTS.jsonl]
# Needs: node 18+ with npm, Debian's chromium (/usr/bin/chromium), sqlite3, curl.
# Environment: PORT (8765), LOAD_SECONDS (15, per load phase), RLHF4J_JAVA_OPTS (-Xmx256m: the
# server's heap, so that its memory is bounded by construction), MAX_RSS_MB (768: the server's
# resident memory may not go above this during the load test).
# Exits non-zero naming the first check that failed; server log and screenshots are in serve/e2e/out.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ $# -ge 1 ] || { echo "usage: serve/e2e/run.sh RUN_FOLDER [PROMPTS.jsonl]" >&2; exit 2; }
run="$(realpath "$1")"; prompts="${2:+$(realpath "$2")}" # absolute: the checks run from serve/e2e
port="${PORT:-8765}"
load_seconds="${LOAD_SECONDS:-15}"
export RLHF4J_JAVA_OPTS="${RLHF4J_JAVA_OPTS:--Xmx256m}"
max_rss_mb="${MAX_RSS_MB:-768}"
out="$here/out"; rm -rf "$out"; mkdir -p "$out"
base="http://127.0.0.1:$port"

fail() {
  echo "e2e: FAILED: $1" >&2
  if [ -s "$out/server.log" ]; then echo "--- last lines of $out/server.log:" >&2; tail -n 20 "$out/server.log" >&2; fi
  exit 1
}

# check NAME COMMAND...: runs one check, its output indented, and stops at the first failure
check() {
  local name="$1"; shift
  local t0=$SECONDS
  echo "e2e: $name"
  if ! "$@" 2>&1 | sed 's/^/    /'; then fail "$name"; fi
  if ! kill -0 "$pid" 2>/dev/null; then fail "$name (the server died)"; fi
  echo "e2e: $name: passed in $((SECONDS - t0)) s"
}

cd "$here"
npm ci --no-audit --no-fund --loglevel=error >"$out/npm.log" 2>&1 || { cat "$out/npm.log" >&2; fail "npm ci (is the npm registry reachable?)"; }
if curl -sf "$base/health" >/dev/null 2>&1; then fail "port $port is already serving something (set PORT)"; fi

args=(serve --model "$run" --port "$port" --db "$out/feedback.db")
[ -n "$prompts" ] && args+=(--prompts "$prompts")
"$here/../../rlhf4j" "${args[@]}" > "$out/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
t0=$SECONDS
until curl -sf "$base/health" >/dev/null 2>&1; do
  kill -0 "$pid" 2>/dev/null || fail "server start (it exited)"
  [ $((SECONDS - t0)) -lt 180 ] || fail "server start (no /health after 180 s)"
  sleep 1
done
echo "e2e: server up in $((SECONDS - t0)) s (pid $pid, $RLHF4J_JAVA_OPTS)"

check "openai npm client" env BASE="$base/v1" node openai-client.mjs
check "headless chromium" env BASE="$base" DB="$out/feedback.db" OUT="$out" node browser.mjs
check "hostile requests" env BASE="$base" node hostile.mjs
for clients in 1 16; do
  check "load, $clients client(s), $load_seconds s" env BASE="$base" SERVER_PID="$pid" DB="$out/feedback.db" CLIENTS="$clients" \
    DURATION_S="$load_seconds" MAX_RSS_MB="$max_rss_mb" node load.mjs
done

# the server reports every 5xx it answers on stderr ("METHOD /path: exception", "feedback store: ...")
if grep -E '^((GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH) /.*: |feedback store: )' "$out/server.log" >&2; then fail "no 5xx in the server log"; fi
echo "e2e: all checks passed"

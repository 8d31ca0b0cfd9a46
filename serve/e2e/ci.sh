#!/usr/bin/env bash
# CI's end-to-end step for `rlhf4j serve` (called by .ci/run after mvn test):
#   1. installs what is missing: Debian's chromium, sqlite3 and curl; node and npm (Debian's
#      nodejs 18 is enough) unless a node is already there;
#   2. makes a small model: the tiny pipeline into runs/ci-e2e (about a minute; skipped when done);
#   3. runs serve/e2e/run.sh on its SFT model with 10 s load phases.
# Each step prints one line; its full output goes to runs/ci-e2e-logs/ and is shown when it fails.
# Exits non-zero, naming the step or check, when anything fails, including an install that is
# impossible (these checks are meant to run, not to be skipped).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
logs="$root/runs/ci-e2e-logs"; mkdir -p "$logs"
start=$SECONDS

step() { echo "e2e-ci: $*"; }
die() { echo "e2e-ci: FAILED: $*" >&2; exit 1; }
show() { echo "--- last lines of $1:" >&2; tail -n 30 "$1" >&2; }

# --- 1. system packages
sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo -n)
updated=0
apt_install() { # apt_install PACKAGE...: one log line, the output in apt.log, a clear failure
  command -v apt-get >/dev/null || die "cannot install $*: no apt-get (install them by hand)"
  export DEBIAN_FRONTEND=noninteractive
  if [ "$updated" = 0 ]; then
    step "apt-get update"
    "${sudo[@]}" apt-get update >>"$logs/apt.log" 2>&1 \
      || { show "$logs/apt.log"; die "apt-get update (no network to the Debian mirrors?): cannot install $*"; }
    updated=1
  fi
  step "installing $* (apt-get install --no-install-recommends)"
  "${sudo[@]}" apt-get install -y --no-install-recommends "$@" >>"$logs/apt.log" 2>&1 \
    || { show "$logs/apt.log"; die "apt-get install $* (no network to the Debian mirrors?): these checks cannot run without them"; }
}
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v curl >/dev/null || need+=(curl ca-certificates)
command -v node >/dev/null || need+=(nodejs)
if [ ${#need[@]} -gt 0 ]; then apt_install "${need[@]}"; else step "chromium, sqlite3, curl and node already installed"; fi
# Debian's nodejs comes without npm; a nodejs from elsewhere (nodesource) brings its own
command -v npm >/dev/null || apt_install npm
command -v npm >/dev/null || die "npm is still missing next to $(command -v node)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 18 ] || die "node $(node --version) is too old: the checks need node 18 or newer"
step "node $(node --version), npm $(npm --version), $(/usr/bin/chromium --version 2>/dev/null | head -1), sqlite3 $(sqlite3 --version | cut -d' ' -f1)"

# --- 2. a small model to serve
t0=$SECONDS
step "making the tiny model: ./rlhf4j pipeline --preset tiny --out runs/ci-e2e (log: runs/ci-e2e-logs/pipeline.log)"
(cd "$root" && ./rlhf4j pipeline --preset tiny --out runs/ci-e2e) >"$logs/pipeline.log" 2>&1 \
  || { show "$logs/pipeline.log"; die "tiny pipeline (the model to serve)"; }
[ -f "$root/runs/ci-e2e/sft/model.safetensors" ] || die "tiny pipeline left no runs/ci-e2e/sft/model.safetensors"
step "tiny model ready in $((SECONDS - t0)) s"

# --- 3. the end-to-end checks
t0=$SECONDS
step "serve/e2e/run.sh runs/ci-e2e/sft (openai client, headless chromium, hostile requests, load)"
LOAD_SECONDS="${LOAD_SECONDS:-10}" "$here/run.sh" "$root/runs/ci-e2e/sft" "$root/runs/ci-e2e/world/rl_prompts.jsonl" \
  || die "serve end-to-end checks (see the check named above; server log and screenshots in serve/e2e/out)"
step "end-to-end checks passed in $((SECONDS - t0)) s (whole step $((SECONDS - start)) s)"

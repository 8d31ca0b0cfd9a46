#!/usr/bin/env bash
# Full-size interop check (too big for CI, so not a test): builds a GPT-2-124M-shaped model (F32)
# and a ~100M-parameter Llama-shaped one (BF16, two shards) with random weights in plain PyTorch,
# saved as transformers saves them, with reference logits for 64 tokens; then for each:
#   1. rlhf4j check-logits: load the HF folder, compare logits (max abs diff, load time, peak RSS)
#   2. rlhf4j export, and check-logits again on the exported folder against the same reference.
# Usage: interop/bar.sh [work-dir]   (needs Debian's /usr/bin/python3 with PyTorch; ~2 GB of disk)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
work="${1:-/tmp/rlhf4j-hf-bar}"
mkdir -p "$work"

t0=$(date +%s)
/usr/bin/python3 "$here/make_hf_fixtures.py" --bar "$work"
echo "reference models and logits written in $(( $(date +%s) - t0 )) s"

for m in gpt2_124m llama_100m; do
  "$root/rlhf4j" check-logits --model "$work/$m"
  rm -rf "$work/$m-exported"
  "$root/rlhf4j" export --model "$work/$m" --out "$work/$m-exported"
  "$root/rlhf4j" check-logits --model "$work/$m-exported" --logits "$work/$m/logits.safetensors"
  du -sh "$work/$m" "$work/$m-exported"
done

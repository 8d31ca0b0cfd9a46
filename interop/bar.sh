#!/usr/bin/env bash
# Full-size interop check (too big for CI, so not a test): builds a GPT-2-124M-shaped model (F32)
# and a ~100M-parameter Llama-shaped one (BF16, two shards) with random weights in plain PyTorch,
# saved as transformers saves them, with reference logits for 64 tokens; then for each:
#   1. rlhf4j check-logits: load the HF folder, compare logits (max abs diff, load time, peak RSS)
#   2. rlhf4j export, and check-logits again on the exported folder against the same reference.
#   3. export --tokenizer gpt2:RANKFILE --add-chat-tokens: the random folders have no tokenizer, so
#      they get GPT-2's real vocabulary (cut to the Llama's 32,000 rows with --fit-tokenizer) plus
#      our five chat tokens; then sft --lora for 3 steps on a few conversations (64-token rows).
#   4. export the LoRA run (adapters merged) to an HF folder; check-logits --write saves the LoRA
#      run's own logits, and the exported folder must give them exactly (--tolerance 0).
# Usage: interop/bar.sh [work-dir]   (needs Debian's /usr/bin/python3 with PyTorch; ~3 GB of disk,
# what it wrote is deleted at the end unless KEEP=1). GPT-2's rank file: RLHF4J_GPT2_TIKTOKEN, else
# ../shared/data/tiktoken/gpt2.tiktoken next to the repository; without it steps 3-4 are skipped.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
work="${1:-/tmp/rlhf4j-hf-bar}"
mkdir -p "$work"
rlhf4j="$root/rlhf4j"
ranks="${RLHF4J_GPT2_TIKTOKEN:-$(dirname "$root")/shared/data/tiktoken/gpt2.tiktoken}"
[ -f "$ranks" ] || ranks=/work/shared/data/tiktoken/gpt2.tiktoken

# wall time and peak RSS of one command, when GNU time is there
timed() {
  if [ -x /usr/bin/time ]; then /usr/bin/time -f "  ($1: %e s wall, peak RSS %M KiB)" "${@:2}"; else "${@:2}"; fi
}

t0=$(date +%s)
/usr/bin/python3 "$here/make_hf_fixtures.py" --bar "$work"
echo "reference models and logits written in $(( $(date +%s) - t0 )) s"

# a few conversations for the LoRA step (64-token rows, so each fits one row)
sft_data="$work/sft.jsonl"
: >"$sft_data"
for i in $(seq 1 20); do
  printf '{"messages": [{"role": "user", "content": "What is %d plus %d?"}, {"role": "assistant", "content": "%d plus %d is %d."}]}\n' \
    "$i" "$((i * 3))" "$i" "$((i * 3))" "$((i * 4))" >>"$sft_data"
done

for m in gpt2_124m llama_100m; do
  echo "== $m"
  "$rlhf4j" check-logits --model "$work/$m"
  rm -rf "$work/$m-exported"
  "$rlhf4j" export --model "$work/$m" --out "$work/$m-exported"
  "$rlhf4j" check-logits --model "$work/$m-exported" --logits "$work/$m/logits.safetensors"
  du -sh "$work/$m" "$work/$m-exported"
  rm -rf "$work/$m-exported"

  if [ ! -f "$ranks" ]; then
    echo "no GPT-2 rank file ($ranks): set RLHF4J_GPT2_TIKTOKEN to run the LoRA SFT step" >&2
    continue
  fi
  if [ "$m" = gpt2_124m ]; then targets=c_attn; else targets=q_proj,v_proj; fi
  rm -rf "$work/$m-chat" "$work/$m-sft" "$work/$m-sft-hf"
  "$rlhf4j" export --model "$work/$m" --out "$work/$m-chat" --tokenizer "gpt2:$ranks" --fit-tokenizer --add-chat-tokens
  timed "sft --lora" "$rlhf4j" sft --out "$work/$m-sft" --lora "8,16,$targets" \
    --set model.init_from="$work/$m-chat" --set data.train="$sft_data" --set data.val_fraction=0.1 \
    --set data.seq_len=64 --set data.batch=4 --set train.steps=3 --set train.warmup=0 --set train.lr=1e-3 \
    --set train.log_every=1 --set train.eval_every=0 --set train.sample_every=0 --set train.checkpoint_every=0
  # per step: loss, and seconds from the step's tokens over its tokens per second
  /usr/bin/python3 - "$work/$m-sft" <<'EOF'
import json, os, sys
print(f"  before: val_loss {json.load(open(os.path.join(sys.argv[1], 'base_eval.json')))['val_loss']:.4f}")
prev = 0
for line in open(os.path.join(sys.argv[1], "metrics.jsonl")):
    r = json.loads(line)
    if "tokens_per_s" in r:
        print(f"  step {r['step']}: loss {r['loss']:.4f}, {(r['tokens'] - prev) / r['tokens_per_s']:.2f} s")
        prev = r["tokens"]
    elif "val_loss" in r:
        print(f"  after step {r['step']}: val_loss {r['val_loss']:.4f}")
EOF
  "$rlhf4j" export --model "$work/$m-sft" --out "$work/$m-sft-hf"
  "$rlhf4j" check-logits --model "$work/$m-sft" --logits "$work/$m/logits.safetensors" --write "$work/$m-sft.logits.safetensors"
  # the adapters moved the logits away from the base ...
  "$rlhf4j" check-logits --model "$work/$m-chat" --logits "$work/$m-sft.logits.safetensors" --tolerance 1e9
  # ... and the exported folder gives the LoRA run's logits exactly
  "$rlhf4j" check-logits --model "$work/$m-sft-hf" --logits "$work/$m-sft.logits.safetensors" --tolerance 0
  du -sh "$work/$m-sft" "$work/$m-sft-hf"
  rm -rf "$work/$m-chat" "$work/$m-sft" "$work/$m-sft-hf" "$work/$m-sft.logits.safetensors"
done
echo "all checks passed in $(( $(date +%s) - t0 )) s"
if [ "${KEEP:-0}" != 1 ]; then
  rm -rf "$work/gpt2_124m" "$work/llama_100m" "$sft_data"
  rmdir "$work" 2>/dev/null || true
fi

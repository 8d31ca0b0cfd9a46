#!/usr/bin/env python3
"""Side-by-side throughput of rlhf4j and PyTorch (the peer) on this machine.

Runs each configuration's PyTorch benchmark (../shared/peers/run_peer.sh) and `./rlhf4j bench`
alternately, several rounds, because this machine's clock drifts over minutes: the ratio of
neighbouring runs is what counts. Prints a markdown table of medians and ratios.

usage: benchmarks/compare_peer.py [--rounds 3] [--peer ../shared/peers/run_peer.sh] [--only A,B,C,gen,matmul]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

TRAIN = {
    "A": dict(vocab=4096, d_model=256, n_layer=4, n_head=4, seq_len=256, batch=16, steps=8),
    "B": dict(vocab=8192, d_model=384, n_layer=6, n_head=6, seq_len=256, batch=16, steps=6),
    "C": dict(vocab=50257, d_model=768, n_layer=12, n_head=12, seq_len=256, batch=4, steps=4),
}


def run(cmd):
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stdout}\n{out.stderr}")
    return out.stdout


def ours_train(c):
    line = run(["./rlhf4j", "bench", "train", "--family", "gpt2", "--vocab", str(c["vocab"]),
                "--d-model", str(c["d_model"]), "--layers", str(c["n_layer"]), "--heads", str(c["n_head"]),
                "--seq", str(c["seq_len"]), "--batch", str(c["batch"]), "--steps", str(c["steps"]),
                "--threads", "2"]).strip().splitlines()[-1]
    return json.loads(line)["tokens_per_s"]


def peer_train(peer, c):
    args = [peer] + [f"--{k}={v}" for k, v in c.items()]
    m = re.search(r"tokens/s (\d+)", run(args))
    return float(m.group(1))


def ours_gen(c, batch):
    line = run(["./rlhf4j", "bench", "generate", "--family", "gpt2", "--vocab", str(c["vocab"]),
                "--d-model", str(c["d_model"]), "--layers", str(c["n_layer"]), "--heads", str(c["n_head"]),
                "--seq", str(c["seq_len"]), "--batch", str(batch), "--new-tokens", "256",
                "--threads", "2"]).strip().splitlines()[-1]
    return json.loads(line)["tokens_per_s"]


def peer_gen(peer, c):
    args = [peer, "--mode", "gen"] + [f"--{k}={v}" for k, v in c.items() if k != "steps"]
    out = run(args)
    return {int(b): float(t) for b, t in re.findall(r"gen batch=(\d+):.*?decode (\d+) tokens/s", out)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--peer", default=os.path.join(ROOT, "..", "shared", "peers", "run_peer.sh"))
    ap.add_argument("--only", default="A,B,C,gen,matmul")
    a = ap.parse_args()
    only = a.only.split(",")
    rows = []
    for name, c in TRAIN.items():
        if name not in only:
            continue
        ours, peer = [], []
        for r in range(a.rounds):
            peer.append(peer_train(a.peer, c))
            ours.append(ours_train(c))
            print(f"config {name} round {r}: rlhf4j {ours[-1]:.0f} tokens/s, PyTorch {peer[-1]:.0f}", file=sys.stderr)
        rows.append((f"train {name}", statistics.median(ours), statistics.median(peer)))
    if "gen" in only:
        c = TRAIN["B"]
        ours1, ours16, p1, p16 = [], [], [], []
        for r in range(a.rounds):
            p = peer_gen(a.peer, c)
            p1.append(p[1]); p16.append(p[16])
            ours1.append(ours_gen(c, 1)); ours16.append(ours_gen(c, 16))
            print(f"generate round {r}: rlhf4j {ours1[-1]:.0f}/{ours16[-1]:.0f}, PyTorch {p1[-1]:.0f}/{p16[-1]:.0f}", file=sys.stderr)
        rows.append(("decode B, batch 1", statistics.median(ours1), statistics.median(p1)))
        rows.append(("decode B, batch 16", statistics.median(ours16), statistics.median(p16)))
    print("| benchmark | rlhf4j tokens/s | PyTorch tokens/s | ratio |")
    print("|---|---|---|---|")
    for name, o, p in rows:
        print(f"| {name} | {o:,.0f} | {p:,.0f} | {o / p:.2f}x |")
    if "matmul" in only:
        g = [json.loads(run(["./rlhf4j", "bench", "matmul", "--m", "1024", "--n", "1024", "--k", "1024",
                             "--threads", "2"]).strip().splitlines()[-1])["gflops"] for _ in range(a.rounds)]
        print(f"\nmatmul 1024^3, 2 threads: {statistics.median(g):.0f} GFLOP/s (median of {a.rounds})")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The same pretraining run in PyTorch, to check that rlhf4j learns as well as the peer.

Reads rlhf4j's token shards (data prepare's format), draws exactly the windows rlhf4j's
ShardWindows draws (its xoshiro256** generator is reproduced here), trains the gpt2-family model
of ../shared/peers/torch_gpt_bench.py with rlhf4j's recipe (AdamW 0.9/0.95, decay 0.1 on matrices
but not embeddings, warm-up + cosine to min_lr_ratio, clip 1.0) and prints the validation loss on
the same fixed held-out windows that `rlhf4j pretrain` evaluates.

Run with Debian's PyTorch:  /usr/bin/python3 benchmarks/pretrain_vs_torch.py --shards DIR ...
"""
import argparse
import glob
import math
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def splitmix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M64


class Rng:
    """rlhf4j.tensor.Rng (xoshiro256**), bit for bit."""

    def __init__(self, seed):
        x = seed & M64
        self.s = [splitmix((x + (i + 1) * GOLDEN) & M64) for i in range(4)]

    def next_long(self):
        s0, s1, s2, s3 = self.s
        result = (rotl((s1 * 5) & M64, 7) * 9) & M64
        t = (s1 << 17) & M64
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return result

    def next_double(self):
        return (self.next_long() >> 11) * 2.0 ** -53


class Windows:
    """rlhf4j.train.pretrain.ShardWindows: random (seeded) and fixed evaluation windows."""

    def __init__(self, folder, split, seq_len, seed):
        self.seq_len, self.rng = seq_len, Rng(seed)
        self.shards, self.starts, total = [], [], 0
        for path in sorted(glob.glob(os.path.join(folder, split + "-*.bin"))):
            with open(path, "rb") as f:
                head = f.read(32)
                width = struct.unpack_from("<i", head, 8)[0]
                count = struct.unpack_from("<q", head, 24)[0]
                ids = np.frombuffer(f.read(), dtype=np.uint16 if width == 2 else np.int32)[:count].astype(np.int64)
            if count - seq_len <= 0:
                continue
            self.shards.append(ids)
            self.starts.append(total)
            total += count - seq_len
        self.windows = total

    def cut(self, w):
        s = len(self.starts) - 1
        while self.starts[s] > w:
            s -= 1
        o = w - self.starts[s]
        return self.shards[s][o:o + self.seq_len + 1]

    def next(self, batch):
        rows = [self.cut(int(self.rng.next_double() * self.windows)) for _ in range(batch)]
        return torch.tensor(np.stack(rows))

    def fixed(self, index, count, batch):
        rows = []
        for b in range(batch):
            w = int(float(self.windows) * (index * batch + b) / max(1, count * batch))
            rows.append(self.cut(min(w, self.windows - 1)))
        return torch.tensor(np.stack(rows))


class Block(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h, self.ln_1, self.ln_2 = h, nn.LayerNorm(d), nn.LayerNorm(d)
        self.c_attn, self.c_proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.c_fc, self.mlp_proj = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x, mask):
        B, T, C = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        q, k, v = (t.view(B, T, self.h, C // self.h).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(C // self.h)
        att = F.softmax(att.masked_fill(~mask[:T, :T], float("-inf")), dim=-1)
        x = x + self.c_proj((att @ v).transpose(1, 2).contiguous().view(B, T, C))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, vocab, d, layers, heads, seq):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab, d), nn.Embedding(seq, d)
        self.blocks = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        self.register_buffer("mask", torch.tril(torch.ones(seq, seq, dtype=torch.bool)), persistent=False)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * layers) if name.endswith(("c_proj.weight", "mlp_proj.weight")) else 0.02
                nn.init.normal_(p, 0.0, std)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, idx, targets):
        T = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(T))
        for b in self.blocks:
            x = b(x, self.mask)
        logits = self.ln_f(x) @ self.wte.weight.t()
        return F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))


def lr_at(step, peak, warmup, total, min_ratio):
    """rlhf4j.train.optim.LrSchedule.WarmupCosine."""
    if warmup > 0 and step < warmup:
        return peak * (step + 1) / warmup
    if step >= total:
        return peak * min_ratio
    progress = (step - warmup) / max(1, total - warmup)
    return peak * (min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shards", required=True)
    ap.add_argument("--vocab", type=int, required=True)
    ap.add_argument("--d_model", type=int, default=128)
    ap.add_argument("--n_layer", type=int, default=4)
    ap.add_argument("--n_head", type=int, default=4)
    ap.add_argument("--seq_len", type=int, default=128)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--min_lr_ratio", type=float, default=0.1)
    ap.add_argument("--eval_batches", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1337)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    train = Windows(a.shards, "train", a.seq_len, a.seed)
    val = Windows(a.shards, "val", a.seq_len, 0)
    model = GPT(a.vocab, a.d_model, a.n_layer, a.n_head, a.seq_len)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and not n.startswith(("wte", "wpe"))]
    rest = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and not n.startswith(("wte", "wpe")))]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
                            lr=a.lr, betas=(0.9, 0.95), eps=1e-8)
    t0 = time.time()
    for step in range(a.steps):
        for g in opt.param_groups:
            g["lr"] = lr_at(step, a.lr, min(a.warmup, a.steps), a.steps, a.min_lr_ratio)
        rows = train.next(a.batch)
        loss = model(rows[:, :-1], rows[:, 1:])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if (step + 1) % 50 == 0:
            print(f"step {step + 1}: loss {loss.item():.4f}", flush=True)
    model.eval()
    with torch.no_grad():
        losses = [model(r[:, :-1], r[:, 1:]).item() for r in (val.fixed(i, a.eval_batches, a.batch) for i in range(a.eval_batches))]
    print(f"RESULT pytorch val_loss {sum(losses) / len(losses):.4f} after {a.steps} steps in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()

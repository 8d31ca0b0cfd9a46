#!/usr/bin/python3
"""Parity fixtures for rlhf4j's Transformer, computed by plain PyTorch.

For each family (gpt2, llama) this builds a tiny model whose math follows Hugging Face's
GPT2LMHeadModel / LlamaForCausalLM exactly, fills it with seeded random weights, runs one batch of
token ids with targets, and writes into <out>/<family>/:

  config.json         HF-style config (the keys rlhf4j reads)
  model.safetensors   the weights under HF names (GPT-2's Conv1D weights stored [in, out], as HF does)
  fixture.safetensors ids [B, T] and targets [B, T] (I32), logits [B*T, V], loss [] and
                      grad.<name> for every parameter (same layout as the weight on disk)

The forward and backward run in float64 from float32 weights, so the fixture holds the exact
answer and the Java side's float32 error is what the test measures.

Run with Debian's interpreter (PyTorch 1.13 from `apt-get install python3-torch`):
    /usr/bin/python3 scripts/parity/make_fixtures.py [out-dir]
No `safetensors` package is needed: the writer below is twenty lines.
"""

import json
import math
import os
import struct
import sys

import torch

IGNORE_INDEX = -100
B, T = 2, 8


# ---- safetensors, by hand: u64 little-endian header size, JSON header, raw little-endian data ----

def write_safetensors(path, tensors, metadata=None):
    dtypes = {torch.float32: "F32", torch.int32: "I32"}
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        blob = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtypes[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)  # the data starts 8-byte aligned, as the reference writer does
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


# ---- GPT-2 (HF GPT2LMHeadModel, eval mode, no dropout) ----

def gelu_tanh(x):
    # HF "gelu_new": 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def gpt2_params(cfg, gen):
    d, v, L, ctx = cfg["n_embd"], cfg["vocab_size"], cfg["n_layer"], cfg["n_positions"]
    inner = 4 * d

    def randn(*shape, std):
        return torch.randn(*shape, generator=gen) * std

    p = {"transformer.wte.weight": randn(v, d, std=0.5),
         "transformer.wpe.weight": randn(ctx, d, std=0.2)}
    for i in range(L):
        h = f"transformer.h.{i}."
        # Conv1D weights are [in, out]: y = x @ W + b
        p[h + "ln_1.weight"] = 1.0 + randn(d, std=0.1)
        p[h + "ln_1.bias"] = randn(d, std=0.1)
        p[h + "attn.c_attn.weight"] = randn(d, 3 * d, std=d ** -0.5)
        p[h + "attn.c_attn.bias"] = randn(3 * d, std=0.1)
        p[h + "attn.c_proj.weight"] = randn(d, d, std=d ** -0.5)
        p[h + "attn.c_proj.bias"] = randn(d, std=0.1)
        p[h + "ln_2.weight"] = 1.0 + randn(d, std=0.1)
        p[h + "ln_2.bias"] = randn(d, std=0.1)
        p[h + "mlp.c_fc.weight"] = randn(d, inner, std=d ** -0.5)
        p[h + "mlp.c_fc.bias"] = randn(inner, std=0.1)
        p[h + "mlp.c_proj.weight"] = randn(inner, d, std=inner ** -0.5)
        p[h + "mlp.c_proj.bias"] = randn(d, std=0.1)
    p["transformer.ln_f.weight"] = 1.0 + randn(d, std=0.1)
    p["transformer.ln_f.bias"] = randn(d, std=0.1)
    return p


def gpt2_forward(cfg, p, ids):
    d, nh, L, eps = cfg["n_embd"], cfg["n_head"], cfg["n_layer"], cfg["layer_norm_epsilon"]
    hd = d // nh
    bsz, t = ids.shape
    pos = torch.arange(t)
    x = p["transformer.wte.weight"][ids] + p["transformer.wpe.weight"][pos]
    causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
    for i in range(L):
        h = f"transformer.h.{i}."
        a = torch.nn.functional.layer_norm(x, (d,), p[h + "ln_1.weight"], p[h + "ln_1.bias"], eps)
        qkv = a @ p[h + "attn.c_attn.weight"] + p[h + "attn.c_attn.bias"]
        q, k, v = qkv.split(d, dim=2)
        q, k, v = (z.view(bsz, t, nh, hd).transpose(1, 2) for z in (q, k, v))  # [B, H, T, hd]
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        att = att.masked_fill(~causal, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(bsz, t, d)
        x = x + (y @ p[h + "attn.c_proj.weight"] + p[h + "attn.c_proj.bias"])
        m = torch.nn.functional.layer_norm(x, (d,), p[h + "ln_2.weight"], p[h + "ln_2.bias"], eps)
        m = gelu_tanh(m @ p[h + "mlp.c_fc.weight"] + p[h + "mlp.c_fc.bias"])
        x = x + (m @ p[h + "mlp.c_proj.weight"] + p[h + "mlp.c_proj.bias"])
    x = torch.nn.functional.layer_norm(x, (d,), p["transformer.ln_f.weight"], p["transformer.ln_f.bias"], eps)
    return x @ p["transformer.wte.weight"].t()  # tied LM head


# ---- Llama (HF LlamaForCausalLM: RMSNorm, rotate-half RoPE, SwiGLU, grouped-query attention) ----

def llama_params(cfg, gen):
    d, v, L = cfg["hidden_size"], cfg["vocab_size"], cfg["num_hidden_layers"]
    nh, nkv, ffn = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["intermediate_size"]
    hd = d // nh

    def randn(*shape, std):
        return torch.randn(*shape, generator=gen) * std

    p = {"model.embed_tokens.weight": randn(v, d, std=0.5)}
    for i in range(L):
        h = f"model.layers.{i}."
        # nn.Linear weights are [out, in]: y = x @ Wᵀ
        p[h + "self_attn.q_proj.weight"] = randn(nh * hd, d, std=d ** -0.5)
        p[h + "self_attn.k_proj.weight"] = randn(nkv * hd, d, std=d ** -0.5)
        p[h + "self_attn.v_proj.weight"] = randn(nkv * hd, d, std=d ** -0.5)
        p[h + "self_attn.o_proj.weight"] = randn(d, nh * hd, std=d ** -0.5)
        p[h + "mlp.gate_proj.weight"] = randn(ffn, d, std=d ** -0.5)
        p[h + "mlp.up_proj.weight"] = randn(ffn, d, std=d ** -0.5)
        p[h + "mlp.down_proj.weight"] = randn(d, ffn, std=ffn ** -0.5)
        p[h + "input_layernorm.weight"] = 1.0 + randn(d, std=0.1)
        p[h + "post_attention_layernorm.weight"] = 1.0 + randn(d, std=0.1)
    p["model.norm.weight"] = 1.0 + randn(d, std=0.1)
    if not cfg["tie_word_embeddings"]:
        p["lm_head.weight"] = randn(v, d, std=d ** -0.5)
    return p


def rms_norm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def llama_forward(cfg, p, ids):
    d, L, eps = cfg["hidden_size"], cfg["num_hidden_layers"], cfg["rms_norm_eps"]
    nh, nkv, theta = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["rope_theta"]
    hd = d // nh
    bsz, t = ids.shape
    inv_freq = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    freqs = torch.outer(torch.arange(t, dtype=torch.float64), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)           # [T, hd]
    cos, sin = emb.cos(), emb.sin()
    causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
    x = p["model.embed_tokens.weight"][ids]
    for i in range(L):
        h = f"model.layers.{i}."
        a = rms_norm(x, p[h + "input_layernorm.weight"], eps)
        q = (a @ p[h + "self_attn.q_proj.weight"].t()).view(bsz, t, nh, hd).transpose(1, 2)
        k = (a @ p[h + "self_attn.k_proj.weight"].t()).view(bsz, t, nkv, hd).transpose(1, 2)
        v = (a @ p[h + "self_attn.v_proj.weight"].t()).view(bsz, t, nkv, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        # repeat_kv: query head j reads key/value head j // (nh / nkv)
        k = k.repeat_interleave(nh // nkv, dim=1)
        v = v.repeat_interleave(nh // nkv, dim=1)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        att = att.masked_fill(~causal, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(bsz, t, nh * hd)
        x = x + y @ p[h + "self_attn.o_proj.weight"].t()
        m = rms_norm(x, p[h + "post_attention_layernorm.weight"], eps)
        gate = m @ p[h + "mlp.gate_proj.weight"].t()
        up = m @ p[h + "mlp.up_proj.weight"].t()
        x = x + (torch.nn.functional.silu(gate) * up) @ p[h + "mlp.down_proj.weight"].t()
    x = rms_norm(x, p["model.norm.weight"], eps)
    head = p["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else p["lm_head.weight"]
    return x @ head.t()


# ---- configs, as HF writes them (with the keys rlhf4j reads) ----

GPT2_CONFIG = {
    "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2",
    "vocab_size": 64, "n_embd": 32, "n_layer": 2, "n_head": 4, "n_inner": None,
    "n_positions": 16, "n_ctx": 16, "layer_norm_epsilon": 1e-5,
    "activation_function": "gelu_new", "tie_word_embeddings": True, "torch_dtype": "float32",
}

LLAMA_CONFIG = {
    "architectures": ["LlamaForCausalLM"], "model_type": "llama",
    "vocab_size": 64, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
    "num_key_value_heads": 2, "intermediate_size": 80, "max_position_embeddings": 16,
    "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": False,
    "hidden_act": "silu", "torch_dtype": "float32",
}


def make(family, cfg, make_params, forward, out_dir, seed):
    gen = torch.Generator().manual_seed(seed)
    params32 = {n: t.float() for n, t in make_params(cfg, gen).items()}  # the weights, as stored
    v = cfg["vocab_size"]
    ids = torch.randint(0, v, (B, T), generator=gen)
    targets = torch.cat((ids[:, 1:], torch.randint(0, v, (B, 1), generator=gen)), dim=1)
    targets[0, 3] = IGNORE_INDEX  # an ignored position, as SFT's loss mask produces
    targets[1, 0] = IGNORE_INDEX

    params = {n: t.double().requires_grad_() for n, t in params32.items()}
    logits = forward(cfg, params, ids).reshape(B * T, v)
    loss = torch.nn.functional.cross_entropy(logits, targets.reshape(-1), ignore_index=IGNORE_INDEX)
    loss.backward()

    d = os.path.join(out_dir, family)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    write_safetensors(os.path.join(d, "model.safetensors"), params32, {"format": "pt"})
    fixture = {"ids": ids.int(), "targets": targets.int(),
               "logits": logits.detach().float(), "loss": loss.detach().float().reshape(())}
    for n, t in params.items():
        fixture["grad." + n] = t.grad.float()
    write_safetensors(os.path.join(d, "fixture.safetensors"), fixture,
                      {"B": str(B), "T": str(T), "ignore_index": str(IGNORE_INDEX), "torch": torch.__version__})
    print(f"{family}: loss {loss.item():.6f}, {sum(t.numel() for t in params32.values())} parameters -> {d}")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "model", "src", "test", "resources", "parity")
    torch.set_grad_enabled(True)
    make("gpt2", GPT2_CONFIG, gpt2_params, gpt2_forward, out, seed=1234)
    make("llama", LLAMA_CONFIG, llama_params, llama_forward, out, seed=5678)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Hugging Face model folders with known logits, made without the transformers library.

Each model below is a few lines of plain PyTorch that follow transformers' own classes
(GPT2LMHeadModel, LlamaForCausalLM, Qwen2ForCausalLM) operation for operation, filled with seeded
random weights and saved as transformers saves them: config.json with its keys, model.safetensors
(or shards plus model.safetensors.index.json) under its tensor names. Next to the weights,
logits.safetensors holds ids [B, T] (I32) and the logits [B*T, V] (F32) computed in float64 from
the weights exactly as stored (a bf16 or f16 folder is compared against its own upcast weights).

    /usr/bin/python3 interop/make_hf_fixtures.py                # tiny test fixtures into
                                                                # model/src/test/resources/hf/
    /usr/bin/python3 interop/make_hf_fixtures.py --bar /tmp/hf  # GPT-2-124M and ~100M Llama shapes

Folders (tiny: vocab 64, width 32, 2 layers):
  gpt2              GPT-2 as the hub stores it: names without 'transformer.', the attn.bias mask
                    buffer, no lm_head (tied); F32
  llama_sharded     grouped-query attention (4 heads, 2 kv), untied head, rope_scaling llama3; F32
                    in two shards with an index
  qwen2_bf16        q/k/v biases, tied head, rope_theta 1e6; BF16
  llama_f16_linear  rope_scaling linear (factor 2), one layer; F16
"""

import json
import math
import os
import struct
import sys

import torch

DTYPE_NAMES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int32: "I32"}


# ---- safetensors by hand: u64 LE header length, JSON header, raw little-endian data ----

def tensor_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)  # numpy has no bfloat16; the bits are what count
    return t.numpy().tobytes()  # x86 is little-endian, as the format wants


def save_safetensors(path, tensors, metadata=None):
    header, offset = {}, 0
    if metadata:
        header["__metadata__"] = metadata
    blobs = []
    for name, t in tensors.items():
        blob = tensor_bytes(t)
        header[name] = {"dtype": DTYPE_NAMES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def save_folder(out, config, weights, dtype, shards=1):
    os.makedirs(out, exist_ok=True)
    stored = {k: v.to(dtype) if v.is_floating_point() else v for k, v in weights.items()}
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    if shards == 1:
        save_safetensors(os.path.join(out, "model.safetensors"), stored, {"format": "pt"})
    else:
        names = list(stored)
        per = math.ceil(len(names) / shards)
        weight_map, total = {}, 0
        for s in range(shards):
            file = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
            part = {n: stored[n] for n in names[s * per:(s + 1) * per]}
            save_safetensors(os.path.join(out, file), part, {"format": "pt"})
            for n, t in part.items():
                weight_map[n] = file
                total += t.numel() * t.element_size()
        with open(os.path.join(out, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
    # the reference computes with the stored values, upcast
    return {k: v.double() for k, v in stored.items()}


def save_logits(out, ids, logits):
    save_safetensors(os.path.join(out, "logits.safetensors"),
                     {"ids": ids.to(torch.int32), "logits": logits.reshape(-1, logits.shape[-1]).float()})


# ---- GPT-2 ----

def gpt2_config(vocab, d, layers, heads, ctx):
    return {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "activation_function": "gelu_new",
            "attn_pdrop": 0.1, "bos_token_id": vocab - 1, "eos_token_id": vocab - 1, "embd_pdrop": 0.1,
            "initializer_range": 0.02, "layer_norm_epsilon": 1e-05, "n_ctx": ctx, "n_embd": d, "n_head": heads,
            "n_inner": None, "n_layer": layers, "n_positions": ctx, "resid_pdrop": 0.1,
            "scale_attn_by_inverse_layer_idx": False, "scale_attn_weights": True, "summary_activation": None,
            "summary_first_dropout": 0.1, "summary_proj_to_labels": True, "summary_type": "cls_index",
            "summary_use_proj": True, "torch_dtype": "float32", "use_cache": True, "vocab_size": vocab}


def gpt2_weights(cfg, gen, std_scale=1.0):
    d, v, ctx, f = cfg["n_embd"], cfg["vocab_size"], cfg["n_positions"], 4 * cfg["n_embd"]

    def rnd(*shape, std):
        return torch.randn(*shape, generator=gen) * std * std_scale

    w = {"wte.weight": rnd(v, d, std=0.5), "wpe.weight": rnd(ctx, d, std=0.2)}
    for i in range(cfg["n_layer"]):
        p = f"h.{i}."
        w[p + "ln_1.weight"] = 1 + rnd(d, std=0.1)
        w[p + "ln_1.bias"] = rnd(d, std=0.1)
        # the causal mask HF GPT-2 keeps as a buffer; the loader must skip it
        w[p + "attn.bias"] = torch.tril(torch.ones(ctx, ctx)).view(1, 1, ctx, ctx)
        w[p + "attn.c_attn.weight"] = rnd(d, 3 * d, std=d ** -0.5)  # Conv1D: [in, out]
        w[p + "attn.c_attn.bias"] = rnd(3 * d, std=0.1)
        w[p + "attn.c_proj.weight"] = rnd(d, d, std=d ** -0.5)
        w[p + "attn.c_proj.bias"] = rnd(d, std=0.1)
        w[p + "ln_2.weight"] = 1 + rnd(d, std=0.1)
        w[p + "ln_2.bias"] = rnd(d, std=0.1)
        w[p + "mlp.c_fc.weight"] = rnd(d, f, std=d ** -0.5)
        w[p + "mlp.c_fc.bias"] = rnd(f, std=0.1)
        w[p + "mlp.c_proj.weight"] = rnd(f, d, std=f ** -0.5)
        w[p + "mlp.c_proj.bias"] = rnd(d, std=0.1)
    w["ln_f.weight"] = 1 + rnd(d, std=0.1)
    w["ln_f.bias"] = rnd(d, std=0.1)
    return w


def gpt2_logits(cfg, w, ids):
    d, heads, eps = cfg["n_embd"], cfg["n_head"], cfg["layer_norm_epsilon"]
    hd = d // heads
    b, t = ids.shape
    ln = torch.nn.functional.layer_norm
    x = w["wte.weight"][ids] + w["wpe.weight"][torch.arange(t)]
    future = torch.ones(t, t, dtype=torch.bool).triu(1)
    for i in range(cfg["n_layer"]):
        p = f"h.{i}."
        h = ln(x, (d,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        q, k, v = (h @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]).split(d, dim=-1)
        q, k, v = (z.reshape(b, t, heads, hd).transpose(1, 2) for z in (q, k, v))
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(hd)
        a = scores.masked_fill(future, -math.inf).softmax(-1) @ v
        x = x + a.transpose(1, 2).reshape(b, t, d) @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        h = ln(x, (d,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        u = h @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"]
        u = 0.5 * u * (1 + torch.tanh(math.sqrt(2 / math.pi) * (u + 0.044715 * u ** 3)))  # gelu_new
        x = x + u @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
    x = ln(x, (d,), w["ln_f.weight"], w["ln_f.bias"], eps)
    return x @ w["wte.weight"].T


# ---- Llama / Qwen2 ----

def llama_config(vocab, d, layers, heads, kv_heads, ffn, ctx, tied, theta=10000.0, scaling=None, qwen2=False):
    c = {"architectures": ["Qwen2ForCausalLM" if qwen2 else "LlamaForCausalLM"],
         "model_type": "qwen2" if qwen2 else "llama", "attention_dropout": 0.0, "bos_token_id": 1,
         "eos_token_id": 2, "hidden_act": "silu", "hidden_size": d, "initializer_range": 0.02,
         "intermediate_size": ffn, "max_position_embeddings": ctx, "num_attention_heads": heads,
         "num_hidden_layers": layers, "num_key_value_heads": kv_heads, "rms_norm_eps": 1e-06,
         "rope_scaling": scaling, "rope_theta": theta, "tie_word_embeddings": tied, "torch_dtype": "float32",
         "use_cache": True, "vocab_size": vocab}
    if qwen2:
        c.update({"use_sliding_window": False, "sliding_window": ctx, "max_window_layers": layers})
    else:
        c.update({"attention_bias": False, "mlp_bias": False, "pretraining_tp": 1})
    return c


def llama_weights(cfg, gen, std_scale=1.0):
    d, v, f = cfg["hidden_size"], cfg["vocab_size"], cfg["intermediate_size"]
    heads, kv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = d // heads
    bias = cfg["model_type"] == "qwen2"

    def rnd(*shape, std):
        return torch.randn(*shape, generator=gen) * std * std_scale

    w = {"model.embed_tokens.weight": rnd(v, d, std=0.5)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        # nn.Linear: [out, in]
        w[p + "self_attn.q_proj.weight"] = rnd(heads * hd, d, std=d ** -0.5)
        if bias:
            w[p + "self_attn.q_proj.bias"] = rnd(heads * hd, std=0.2)
        w[p + "self_attn.k_proj.weight"] = rnd(kv * hd, d, std=d ** -0.5)
        if bias:
            w[p + "self_attn.k_proj.bias"] = rnd(kv * hd, std=0.2)
        w[p + "self_attn.v_proj.weight"] = rnd(kv * hd, d, std=d ** -0.5)
        if bias:
            w[p + "self_attn.v_proj.bias"] = rnd(kv * hd, std=0.2)
        w[p + "self_attn.o_proj.weight"] = rnd(d, heads * hd, std=d ** -0.5)
        w[p + "mlp.gate_proj.weight"] = rnd(f, d, std=d ** -0.5)
        w[p + "mlp.up_proj.weight"] = rnd(f, d, std=d ** -0.5)
        w[p + "mlp.down_proj.weight"] = rnd(d, f, std=f ** -0.5)
        w[p + "input_layernorm.weight"] = 1 + rnd(d, std=0.1)
        w[p + "post_attention_layernorm.weight"] = 1 + rnd(d, std=0.1)
    w["model.norm.weight"] = 1 + rnd(d, std=0.1)
    if not cfg["tie_word_embeddings"]:
        w["lm_head.weight"] = rnd(v, d, std=d ** -0.5)
    return w


def inverse_frequencies(cfg, hd):
    """As transformers computes them, in float32, then scaled per rope_scaling."""
    inv = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
    s = cfg.get("rope_scaling")
    if not s:
        return inv
    kind = s.get("rope_type", s.get("type"))
    if kind == "linear":
        return inv / s["factor"]
    assert kind == "llama3", kind
    factor, low, high, orig = s["factor"], s["low_freq_factor"], s["high_freq_factor"], s["original_max_position_embeddings"]
    wavelength = 2 * math.pi / inv
    scaled = torch.where(wavelength > orig / low, inv / factor, inv)
    smooth = (orig / wavelength - low) / (high - low)
    blended = (1 - smooth) * scaled / factor + smooth * scaled
    middle = (wavelength >= orig / high) & (wavelength <= orig / low)
    return torch.where(middle, blended, scaled)


def rms_norm(x, weight, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight


def rotate(x, cos, sin):
    half = x.shape[-1] // 2
    turned = torch.cat((-x[..., half:], x[..., :half]), dim=-1)
    return x * cos + turned * sin


def llama_logits(cfg, w, ids):
    d, heads, kv, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["rms_norm_eps"]
    hd = d // heads
    b, t = ids.shape
    # angles in float32, as transformers forms them; cos and sin then in float64
    angles = torch.arange(t).float()[:, None] * inverse_frequencies(cfg, hd)[None, :]
    angles = torch.cat((angles, angles), dim=-1).double()
    cos, sin = angles.cos(), angles.sin()  # [T, hd], broadcast over [B, H, T, hd]
    future = torch.ones(t, t, dtype=torch.bool).triu(1)
    x = w["model.embed_tokens.weight"][ids]

    def proj(h, name):
        y = h @ w[name + ".weight"].T
        return y + w[name + ".bias"] if name + ".bias" in w else y

    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = proj(h, p + "self_attn.q_proj").reshape(b, t, heads, hd).transpose(1, 2)
        k = proj(h, p + "self_attn.k_proj").reshape(b, t, kv, hd).transpose(1, 2)
        v = proj(h, p + "self_attn.v_proj").reshape(b, t, kv, hd).transpose(1, 2)
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        # grouped-query attention: query head j reads key/value head j // (heads / kv)
        k, v = k.repeat_interleave(heads // kv, dim=1), v.repeat_interleave(heads // kv, dim=1)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(hd)
        a = scores.masked_fill(future, -math.inf).softmax(-1) @ v
        x = x + a.transpose(1, 2).reshape(b, t, heads * hd) @ w[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        g = h @ w[p + "mlp.gate_proj.weight"].T
        x = x + (torch.nn.functional.silu(g) * (h @ w[p + "mlp.up_proj.weight"].T)) @ w[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else w["lm_head.weight"]
    return x @ head.T


# ---- the folders ----

def build(out, name, cfg, weights, dtype, ids, shards=1):
    folder = os.path.join(out, name)
    stored = save_folder(folder, dict(cfg, torch_dtype=str(dtype).replace("torch.", "")), weights, dtype, shards)
    logits = gpt2_logits(cfg, stored, ids) if cfg["model_type"] == "gpt2" else llama_logits(cfg, stored, ids)
    save_logits(folder, ids, logits)
    size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
    print(f"{folder}: {size / 1024:.0f} KiB, logits {tuple(logits.shape)}, |logit| max {logits.abs().max():.2f}")


def fixtures(out):
    gen = torch.Generator().manual_seed(20240611)
    ids = torch.randint(0, 64, (2, 12), generator=gen)
    cfg = gpt2_config(64, 32, 2, 4, 16)
    build(out, "gpt2", cfg, gpt2_weights(cfg, gen), torch.float32, ids)
    llama3 = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
              "original_max_position_embeddings": 64}
    cfg = llama_config(64, 32, 2, 4, 2, 64, 256, tied=False, scaling=llama3)
    build(out, "llama_sharded", cfg, llama_weights(cfg, gen), torch.float32, ids, shards=2)
    cfg = llama_config(64, 32, 2, 4, 2, 48, 64, tied=True, theta=1e6, qwen2=True)
    build(out, "qwen2_bf16", cfg, llama_weights(cfg, gen), torch.bfloat16, ids)
    cfg = llama_config(64, 32, 1, 2, 2, 64, 128, tied=False, scaling={"type": "linear", "factor": 2.0})
    build(out, "llama_f16_linear", cfg, llama_weights(cfg, gen), torch.float16, ids)


def bar(out):
    """Full-size shapes: GPT-2 124M (F32) and a ~100M-parameter Llama (BF16, sharded)."""
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    gen = torch.Generator().manual_seed(124)
    ids = torch.randint(0, 32000, (1, 64), generator=gen)
    cfg = gpt2_config(50257, 768, 12, 12, 1024)
    # std scaled down so a 12-layer residual stream stays in a realistic range
    build(out, "gpt2_124m", cfg, gpt2_weights(cfg, gen, std_scale=0.3), torch.float32, ids)
    cfg = llama_config(32000, 768, 12, 12, 4, 2048, 2048, tied=False, theta=500000.0)
    build(out, "llama_100m", cfg, llama_weights(cfg, gen, std_scale=0.3), torch.bfloat16, ids, shards=2)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--bar"]:
        bar(args[1] if len(args) > 1 else "/tmp/rlhf4j-hf-bar")
    else:
        here = os.path.dirname(os.path.abspath(__file__))
        fixtures(args[0] if args else os.path.join(here, "..", "model", "src", "test", "resources", "hf"))

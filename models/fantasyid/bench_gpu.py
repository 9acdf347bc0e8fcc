"""Times one denoiser step (CFG batch of 2) of a full-size-shaped FantasyID DiT on a GPU, against the limit
of DESIGN.md section 7 (one CogVideoX-5B step with CFG at 49x480x720 is ~664 TFLOP: >= 0.83 s at 800 TFLOP/s).

  python3 models/fantasyid/bench_gpu.py                       # CUDA, bf16, 42 layers, 17550 + 226 tokens
  python3 models/fantasyid/bench_gpu.py --layers 8            # fewer layers to fit memory/time; FLOPs scale
  python3 models/fantasyid/bench_gpu.py --device cpu --dtype float32 --layers 1 --tokens small   # smoke test

The model is this repository's Denoiser (dit.py, the PyTorch twin of the exported `denoiser` graph) at
config.full()'s DiT shapes — 42 layers, width 3072 = 48 heads x 64, per-layer ID cross-attention 16 x 128
reading V_F (115 x 2048) — with random weights (timing only). Attention runs through
torch.nn.functional.scaled_dot_product_attention when torch has it (2.0+; flash/memory-efficient kernels):
the exported graph's plain softmax(QK^T)V would hold a 2 x 48 x 17776^2 score tensor (~60 GB in bf16).
`--tokens small` shrinks the latent to 2 x 4 x 6 (12 video tokens) and the text to 16 tokens.

The FLOP count is of every matrix product (2 FLOPs per multiply-add; norms, softmax and elementwise ops
left out): `design_tflop` is DESIGN.md's count (the 24 N d^2 + 4 N^2 d of each transformer block),
`total_tflop` adds the ID injection, embeddings and output projection. Prints one JSON line."""
import argparse
import contextlib
import dataclasses
import json
import os
import statistics
import sys
import time

import torch
from torch.nn import functional as F

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "fantasyid"

from fantasyid import config as configs  # noqa: E402
from fantasyid import dit as dit_module  # noqa: E402
from fantasyid import injection as injection_module  # noqa: E402

PEAK_TFLOPS = 800.0  # DESIGN.md section 7: the physical limit used for the bound (dense bf16, H100-class)
SHAPES = {  # latent frames, height, width (before the 2x2 patch), text tokens
    "full": (13, 60, 90, 226),
    "small": (2, 4, 6, 16),
}


def dit_config(layers, tokens):
    """config.full()'s DiT with `layers` blocks; learned positions sized to the chosen latent grid."""
    frames, height, width, _ = SHAPES[tokens]
    return dataclasses.replace(configs.full().dit, num_layers=layers, sample_latent_frames=frames,
                               sample_latent_height=height, sample_latent_width=width)


def step_flops(dit, id_tokens, id_dim, text_tokens, batch=2):
    """Matrix-product FLOPs of one denoiser forward at `batch` rows: (design, total)."""
    p, d = dit.patch_size, dit.width
    n_video = dit.sample_latent_frames * (dit.sample_latent_height // p) * (dit.sample_latent_width // p)
    n = n_video + text_tokens
    # per block: q, k, v, out projections (4 N d^2), feed-forward (2 mult N d^2), scores and values (2 N^2 d)
    block = 4 * n * d * d + 2 * dit.ff_mult * n * d * d + 2 * n * n * d
    ada = 2 * dit.time_embed_dim * 6 * d  # two adaptive norms, each a Linear(time_dim, 6 d)
    inj = dit.injection
    inner = inj.heads * inj.head_dim
    injected = len(range(0, dit.num_layers, inj.interval)) if inj.mode == "layer_attention" else 0
    id_attention = (n_video * d * inner + id_tokens * id_dim * 2 * inner + 2 * n_video * id_tokens * inner
                    + n_video * inner * d)
    outside = (n_video * dit.in_channels * p * p * d + text_tokens * dit.text_embed_dim * d  # patch, text proj
               + d * dit.time_embed_dim + dit.time_embed_dim ** 2 + dit.time_embed_dim * 2 * d  # time MLP, norm_out
               + n_video * d * p * p * dit.out_channels)  # proj_out
    design = 2 * batch * dit.num_layers * block
    total = 2 * batch * (dit.num_layers * (block + ada) + injected * id_attention + outside)
    return design, total


def _sdpa(q, k, v):
    return F.scaled_dot_product_attention(q, k, v)


@contextlib.contextmanager
def fused_attention():
    """Swaps the graph's plain attention for torch's fused kernel (same math) where torch has one; yields
    whether it did."""
    if not hasattr(F, "scaled_dot_product_attention"):
        yield False
        return
    saved = dit_module.attention, injection_module.attention
    dit_module.attention = injection_module.attention = _sdpa
    try:
        yield True
    finally:
        dit_module.attention, injection_module.attention = saved


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--dtype", choices=("bfloat16", "float16", "float32"), default="bfloat16")
    parser.add_argument("--layers", type=int, default=42)
    parser.add_argument("--tokens", choices=sorted(SHAPES), default="full")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    full = configs.full()
    dit = dit_config(args.layers, args.tokens)
    dtype = getattr(torch, args.dtype)
    device = torch.device(args.device)
    torch.manual_seed(args.seed)
    model = dit_module.Denoiser(dit, full.id_dim).to(device=device, dtype=dtype).eval()
    frames, height, width, text_tokens = SHAPES[args.tokens]
    latents = torch.randn(2, frames, dit.in_channels, height, width, device=device, dtype=dtype)
    timestep = torch.full((2,), 500.0, device=device)  # float32, as the graph takes it
    text = torch.randn(2, text_tokens, dit.text_embed_dim, device=device, dtype=dtype)
    ids = torch.randn(2, full.num_id_tokens, full.id_dim, device=device, dtype=dtype)
    times = []
    # weights in `dtype`; autocast runs every matrix product in it too, where the sinusoidal timestep and RoPE
    # tables (float32, computed in the graph) would otherwise promote activations to float32
    autocast = torch.autocast(device.type, dtype=dtype) if dtype != torch.float32 else contextlib.nullcontext()
    with torch.no_grad(), autocast, fused_attention() as fused:
        for i in range(args.warmup + args.runs):
            _sync(device)
            start = time.perf_counter()
            out = model(latents, timestep, text, ids)
            _sync(device)
            if i >= args.warmup:
                times.append(time.perf_counter() - start)
    design, total = step_flops(dit, full.num_id_tokens, full.id_dim, text_tokens)
    design42, total42 = step_flops(dataclasses.replace(dit, num_layers=full.dit.num_layers), full.num_id_tokens,
                                   full.id_dim, text_tokens)
    median = statistics.median(times)
    report = {
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else device.type,
        "torch": torch.__version__, "cuda": torch.version.cuda, "dtype": args.dtype, "fused_attention": fused,
        "layers": args.layers, "tokens": args.tokens, "latents": list(latents.shape),
        "output": list(out.shape), "finite": bool(torch.isfinite(out).all()),
        "runs": args.runs, "median_s": _sig(median), "min_s": _sig(min(times)),
        "design_tflop": _sig(design / 1e12), "total_tflop": _sig(total / 1e12),
        "achieved_tflops": _sig(total / median / 1e12),
        "limit_s_at_800_tflops": _sig(total / (PEAK_TFLOPS * 1e12)),
        "fraction_of_limit": _sig(total / (PEAK_TFLOPS * 1e12) / median),
        "design_tflop_42_layers": _sig(design42 / 1e12), "total_tflop_42_layers": _sig(total42 / 1e12),
        "extrapolated_42_layer_step_s": _sig(median * total42 / total),
        "extrapolated_50_step_video_s": _sig(50 * median * total42 / total),
    }
    if device.type == "cuda":
        report["peak_memory_gib"] = round(torch.cuda.max_memory_allocated(device) / 2 ** 30, 2)
    print(json.dumps(report))
    return report


def _sig(x, digits=4):
    return float(f"{x:.{digits}g}")


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


if __name__ == "__main__":
    main()

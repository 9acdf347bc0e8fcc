import dataclasses

import torch

from fantasyid import bench_gpu, dit as dit_module, injection as injection_module


def test_should_count_the_design_flops_of_a_cogvideox_5b_step():
    dit = bench_gpu.dit_config(42, "full")
    design, total = bench_gpu.step_flops(dit, id_tokens=115, id_dim=2048, text_tokens=226)
    n, d = 17550 + 226, 3072
    hand = 2 * 42 * (24 * n * d * d + 4 * n * n * d)  # DESIGN.md section 7, batch of 2
    assert design == hand
    assert 663e12 < design < 665e12
    # the 42 ID cross-attentions: q and out projections of the 17550 video tokens (3072 <-> 2048) dominate
    assert 0.05 < (total - design) / design < 0.07


def test_should_count_every_matrix_product_the_model_runs(monkeypatch):
    """The formula against MACs counted while the model runs (Linear/Conv hooks and the attention calls)."""
    dit = dataclasses.replace(bench_gpu.dit_config(2, "small"), heads=2, head_dim=16, time_embed_dim=24,
                              text_embed_dim=40, injection=dataclasses.replace(bench_gpu.dit_config(2, "small").injection,
                                                                                heads=2, head_dim=8, interval=2))
    id_tokens, id_dim, text_tokens = 7, 12, 16
    model = dit_module.Denoiser(dit, id_dim).eval()
    macs = []

    def count_layer(module, inputs, output):
        if isinstance(module, torch.nn.Linear):
            macs.append(output.numel() * module.in_features)
        elif isinstance(module, torch.nn.Conv2d):
            macs.append(output.numel() * module.in_channels * module.kernel_size[0] * module.kernel_size[1])

    def counted_attention(q, k, v):
        macs.append(q.shape[0] * q.shape[1] * q.shape[2] * k.shape[2] * (q.shape[3] + v.shape[3]))
        return original(q, k, v)

    original = dit_module.attention
    monkeypatch.setattr(dit_module, "attention", counted_attention)
    monkeypatch.setattr(injection_module, "attention", counted_attention)
    for m in model.modules():
        m.register_forward_hook(count_layer)
    frames, height, width, _ = bench_gpu.SHAPES["small"]
    with torch.no_grad():
        model(torch.randn(2, frames, dit.in_channels, height, width), torch.tensor([10.0, 10.0]),
              torch.randn(2, text_tokens, dit.text_embed_dim), torch.randn(2, id_tokens, id_dim))
    _, total = bench_gpu.step_flops(dit, id_tokens, id_dim, text_tokens)
    assert 2 * sum(macs) == total


def test_should_run_one_small_step_on_cpu():
    report = bench_gpu.main(["--device", "cpu", "--dtype", "float32", "--layers", "1", "--tokens", "small",
                             "--runs", "1", "--warmup", "0"])
    assert report["output"] == [2, 2, 16, 4, 6] and report["finite"]
    assert report["layers"] == 1 and report["total_tflop"] > report["design_tflop"] > 0
    # fewer layers scale the count: the 42-layer step is ~42x one layer's blocks
    assert 40 < report["total_tflop_42_layers"] / report["total_tflop"] < 43

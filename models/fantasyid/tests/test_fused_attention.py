"""export.py --attention fused: the denoiser's attention as ONNX Runtime's com.microsoft::MultiHeadAttention, and the
options for timing larger denoisers (--dit-layers, --no-learned-positions, --denoiser-latent, external data)."""
import collections
import dataclasses
import json
import os
import warnings

import numpy as np
import onnx
import pytest
import torch

from conftest import BUNDLE
from fantasyid import safetensors_io
from fantasyid.export import convert_precision, export_bundle, gather_external_data, with_dit_overrides
from fantasyid.layers import set_attention
from fantasyid.model import build_roles
from golden_check import golden_check


@pytest.fixture(scope="module")
def fused(tiny, tmp_path_factory):
    """(folder, manifest, the TracerWarnings torch gave while exporting)."""
    out = str(tmp_path_factory.mktemp("fused"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bundle = export_bundle(tiny, seed=0, out=out, roles_to_export=["denoiser"], attention="fused")
    tracer = [f"{w.filename}:{w.lineno}: {w.message}" for w in caught
              if issubclass(w.category, torch.jit.TracerWarning)]
    return out, bundle, tracer


def _op_counts(path):
    return collections.Counter((n.domain, n.op_type) for n in onnx.load(path).graph.node)


def _golden(folder):
    tensors, _ = safetensors_io.load(os.path.join(folder, "golden", "denoiser.safetensors"))
    return tensors


def test_should_run_attention_as_multi_head_attention_without_softmax_when_fused(tiny, fused):
    out, bundle, _ = fused
    path = os.path.join(out, "denoiser.onnx")
    ops = _op_counts(path)
    # one joint attention per block plus one ID cross-attention after every block (interval 1)
    assert ops[("com.microsoft", "MultiHeadAttention")] == 2 * tiny.dit.num_layers
    assert ops[("", "Softmax")] == 0
    proto = onnx.load(path)
    assert {(o.domain or "ai.onnx", o.version) for o in proto.opset_import} == {("ai.onnx", 17), ("com.microsoft", 1)}
    joint = next(n for n in proto.graph.node if n.op_type == "MultiHeadAttention" and "/attn/" in n.name)
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in joint.attribute}
    assert attrs["num_heads"] == tiny.dit.heads
    assert attrs["scale"] == pytest.approx(tiny.dit.head_dim ** -0.5)
    assert "MultiHeadAttention" in bundle["models"]["denoiser"]["preprocessing"]["attention"]


def test_should_trace_fused_attention_without_tracer_warnings(fused):
    """The attention scale comes from the config's head_dim, not from the traced tensor's shape."""
    assert fused[2] == []


def test_should_leave_plain_export_without_contrib_ops(bundle_json):
    ops = _op_counts(os.path.join(BUNDLE, bundle_json["models"]["denoiser"]["file"]))
    assert not any(domain == "com.microsoft" for domain, _ in ops)
    assert ops[("", "Softmax")] > 0
    assert "attention" not in bundle_json["models"]["denoiser"]["preprocessing"]


def test_should_compute_the_same_pytorch_output_when_fused(fused):
    """Same seed, same inputs: the fused module's PyTorch output is the committed plain golden output."""
    mine, committed = _golden(fused[0]), _golden(BUNDLE)
    np.testing.assert_array_equal(mine["input.latents"], committed["input.latents"])
    np.testing.assert_allclose(mine["output.model_output"], committed["output.model_output"], rtol=0, atol=1e-5)


def test_should_match_pytorch_within_1e_4_in_onnx_runtime_when_fused(tiny, fused, tmp_path):
    """The golden inputs, and batch 1 on a smaller latent grid (the dynamic axes go through the fused op)."""
    out = fused[0]
    model = set_attention(build_roles(tiny, None, 0, ["denoiser"])["denoiser"], "fused")  # as export.py built it
    g = torch.Generator().manual_seed(9)
    inputs = (torch.randn(1, 2, 8, 4, 6, generator=g), torch.tensor([700.0]), torch.randn(1, 64, 64, generator=g),
              torch.randn(1, 44, 64, generator=g))
    with torch.no_grad():
        expected = model(*inputs)
    names = ("latents", "timestep", "text_hidden_states", "id_tokens")
    other = str(tmp_path / "other.safetensors")
    safetensors_io.save(other, {**{f"input.{n}": x.numpy() for n, x in zip(names, inputs)},
                                "output.model_output": expected.numpy()})
    path = os.path.join(out, "denoiser.onnx")
    golden_check([(path, os.path.join(out, "golden", "denoiser.safetensors")), (path, other)])


def test_should_fuse_decoupled_id_attention_too(tiny, tmp_path):
    """ID-Animator's decoupled mode: the ID branch inside each block is fused as well, same output."""
    config = tiny.replace(dit=dataclasses.replace(
        tiny.dit, injection=dataclasses.replace(tiny.dit.injection, mode="decoupled")))
    export_bundle(config, seed=0, out=str(tmp_path), roles_to_export=["denoiser"], attention="fused")
    ops = _op_counts(str(tmp_path / "denoiser.onnx"))
    assert ops[("com.microsoft", "MultiHeadAttention")] == 2 * tiny.dit.num_layers
    # the resampler's perceiver attention reads V_F once per request and stays plain
    plain = build_roles(config, None, 0, ["denoiser"])["denoiser"]
    inputs = _golden(str(tmp_path))
    args = [torch.from_numpy(inputs[f"input.{n}"].copy()) for n in ("latents", "timestep", "text_hidden_states", "id_tokens")]
    with torch.no_grad():
        np.testing.assert_allclose(plain(*args).numpy(), inputs["output.model_output"], rtol=0, atol=1e-5)
    golden_check([(str(tmp_path / "denoiser.onnx"), str(tmp_path / "golden" / "denoiser.safetensors"))])


def test_should_export_other_layer_count_at_small_latent_when_asked(tiny, tmp_path):
    config = with_dit_overrides(tiny, layers=2)
    bundle = export_bundle(config, seed=0, out=str(tmp_path), roles_to_export=["denoiser"], attention="fused",
                           denoiser_latent=(2, 4, 6))
    with open(tmp_path / "config.json") as f:
        assert json.load(f)["dit"]["num_layers"] == 2
    assert _op_counts(str(tmp_path / "denoiser.onnx"))[("com.microsoft", "MultiHeadAttention")] == 4
    assert _golden(str(tmp_path))["input.latents"].shape == (2, 2, 8, 4, 6)
    assert bundle["models"]["denoiser"]["inputs"][0]["shape"] == [-1, -1, 8, -1, -1]
    golden_check([(str(tmp_path / "denoiser.onnx"), str(tmp_path / "golden" / "denoiser.safetensors"))])


def test_should_refuse_small_trace_latent_when_learned_positions_fix_the_grid(tiny, tmp_path):
    config = with_dit_overrides(tiny, learned_positions=True)
    with pytest.raises(SystemExit, match="--no-learned-positions"):
        export_bundle(config, seed=0, out=str(tmp_path), roles_to_export=["denoiser"], denoiser_latent=(2, 4, 6))
    with pytest.raises(SystemExit, match="--dit-layers must be at least 1"):
        with_dit_overrides(tiny, layers=0)


def test_should_gather_per_tensor_external_data_into_one_file(fused, tmp_path):
    """torch writes a > 2 GB graph with one external file per initializer; export.py gathers them into
    <role>.onnx.data, which ONNX Runtime reads next to the graph."""
    out = fused[0]
    staging = tmp_path / "staging"
    staging.mkdir()
    model = onnx.load(os.path.join(out, "denoiser.onnx"))
    onnx.save_model(model, str(staging / "denoiser.onnx"), save_as_external_data=True, all_tensors_to_one_file=False,
                    size_threshold=1024)
    assert len(os.listdir(staging)) > 10  # torch's layout: many files beside the graph
    final = tmp_path / "bundle"
    final.mkdir()
    assert gather_external_data(str(staging / "denoiser.onnx"), str(final / "denoiser.onnx")) == "denoiser.onnx.data"
    assert sorted(os.listdir(final)) == ["denoiser.onnx", "denoiser.onnx.data"]
    assert os.path.getsize(final / "denoiser.onnx.data") > 4 * os.path.getsize(final / "denoiser.onnx")
    golden_check([(str(final / "denoiser.onnx"), os.path.join(out, "golden", "denoiser.safetensors"))])


@pytest.fixture(scope="module")
def bundle_json():
    with open(os.path.join(BUNDLE, "bundle.json")) as f:
        return json.load(f)


def _mha_input_types(path):
    """The element type of every float input of each MultiHeadAttention node, from the graph's declared types."""
    model = onnx.shape_inference.infer_shapes(onnx.load(path))
    types = {v.name: v.type.tensor_type.elem_type for v in
             list(model.graph.input) + list(model.graph.value_info) + list(model.graph.output)}
    types.update({i.name: i.data_type for i in model.graph.initializer})
    return [types.get(name) for n in model.graph.node if n.op_type == "MultiHeadAttention" for name in n.input[:3]]


def test_should_run_fused_attention_in_float16_when_the_bundle_is_float16(tiny, tmp_path):
    """The GPU combination (float16 weights and I/O, fused attention) keeps MultiHeadAttention in float16 (its type T
    allows it) and stays within the float16 tolerance of PyTorch's float32 output in ONNX Runtime from Java."""
    bundle = export_bundle(tiny, seed=0, out=str(tmp_path), roles_to_export=["denoiser"], attention="fused",
                           precision="float16")
    path = str(tmp_path / "denoiser.onnx")
    assert bundle["models"]["denoiser"]["precision"] == "float16"
    assert _op_counts(path)[("com.microsoft", "MultiHeadAttention")] == 8
    mha_inputs = _mha_input_types(path)
    assert mha_inputs and set(mha_inputs) == {onnx.TensorProto.FLOAT16}
    golden_check([(path, str(tmp_path / "golden" / "denoiser.safetensors"))], tolerance=1e-2, relative=True)


def test_should_keep_fused_attention_in_float32_between_casts_when_bfloat16(tiny, tmp_path):
    """MultiHeadAttention's T has no bfloat16 (ContribOperators.md), so a bfloat16 export feeds it float32."""
    export_bundle(tiny, seed=0, out=str(tmp_path), roles_to_export=["denoiser"], attention="fused", precision="bfloat16")
    mha_inputs = _mha_input_types(str(tmp_path / "denoiser.onnx"))
    assert mha_inputs and set(mha_inputs) == {onnx.TensorProto.FLOAT}


def test_should_convert_a_graph_with_external_data_to_float16_and_keep_its_layout(fused, tmp_path):
    """The path a > 2 GB full-width export takes: the float32 graph's weights in <role>.onnx.data, converted in place
    (shape inference on a data-less copy, the checker run by path), still one external file ONNX Runtime reads."""
    out = fused[0]
    path = str(tmp_path / "denoiser.onnx")
    onnx.save_model(onnx.load(os.path.join(out, "denoiser.onnx")), path, save_as_external_data=True,
                    all_tensors_to_one_file=True, location="denoiser.onnx.data", size_threshold=1024)
    float32_data = os.path.getsize(tmp_path / "denoiser.onnx.data")

    assert convert_precision(path, "float16", ("timestep",), "denoiser.onnx.data") == "denoiser.onnx.data"

    assert sorted(os.listdir(tmp_path)) == ["denoiser.onnx", "denoiser.onnx.data"]
    assert os.path.getsize(tmp_path / "denoiser.onnx.data") < 0.6 * float32_data
    golden_check([(path, os.path.join(out, "golden", "denoiser.safetensors"))], tolerance=1e-2, relative=True)

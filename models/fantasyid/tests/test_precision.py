"""float16 / bfloat16 conversion (precision.py) and the committed float16 tiny bundle (models/generator-tiny-fp16)."""
import hashlib
import json
import os

import numpy as np
import onnx
import pytest
import torch
from onnx import TensorProto, helper, numpy_helper

from conftest import BUNDLE, FP16_BUNDLE
from golden_check import golden_check
from fantasyid import safetensors_io
from fantasyid.export import FLOAT32_INPUTS, export_bundle, exported_module
from fantasyid.model import ROLES
from fantasyid.precision import bfloat16_bits, convert

FLOAT, FLOAT16, BFLOAT16 = TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.BFLOAT16
FP16_TOLERANCE = 1e-2  # max |onnx - torch| / max |torch|: see GOLDEN_TOLERANCE in export.py


def _sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _manifest(folder):
    with open(os.path.join(folder, "bundle.json")) as f:
        return json.load(f)


def _types(model):
    """name -> elem type of every tensor, by strict shape inference."""
    g = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True).graph
    types = {t.name: t.data_type for t in g.initializer}
    types.update({v.name: v.type.tensor_type.elem_type for v in list(g.input) + list(g.output) + list(g.value_info)})
    return types


def _graph_dtype_names(path):
    names = {FLOAT: "float32", FLOAT16: "float16", BFLOAT16: "bfloat16", TensorProto.INT64: "int64"}
    g = onnx.load(path).graph
    return {v.name: names[v.type.tensor_type.elem_type] for v in list(g.input) + list(g.output)}


@pytest.fixture(scope="module")
def fp16_bundle():
    return _manifest(FP16_BUNDLE)


@pytest.fixture(scope="module")
def bf16_export(tiny, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("bf16"))
    return out, export_bundle(tiny, seed=0, out=out, precision="bfloat16")


# --- the pass on small graphs ---------------------------------------------------------------------------------------

def _small_model(op_nodes, inputs, outputs, initializers):
    graph = helper.make_graph(op_nodes, "small", inputs, outputs, initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _float_input(name, shape):
    return helper.make_tensor_value_info(name, FLOAT, shape)


def test_should_keep_range_and_sin_in_float32_and_cast_them_where_converted_data_reads_them():
    """x @ w + b + sin(range(0, 4)) * c, where c is also read by the float32 island (Mul with the sinusoid)."""
    const = lambda name, value: helper.make_node("Constant", [], [name], value=numpy_helper.from_array(
        np.array(value, dtype=np.float32), name))
    nodes = [const("start", 0.0), const("limit", 4.0), const("delta", 1.0),
             helper.make_node("Range", ["start", "limit", "delta"], ["positions"]),
             helper.make_node("Sin", ["positions"], ["sin"]),
             helper.make_node("Mul", ["sin", "c"], ["sin_c"]),
             helper.make_node("MatMul", ["x", "w"], ["xw"]),
             helper.make_node("Add", ["xw", "b"], ["xwb"]),
             helper.make_node("Add", ["xwb", "c"], ["xwbc"]),
             helper.make_node("Add", ["xwbc", "sin_c"], ["y"])]
    inits = [numpy_helper.from_array(np.full((3, 4), 0.5, np.float32), "w"),
             numpy_helper.from_array(np.arange(4, dtype=np.float32), "b"),
             numpy_helper.from_array(np.ones(4, np.float32), "c")]
    model = _small_model(nodes, [_float_input("x", [2, 3])], [_float_input("y", [2, 4])], inits)

    converted = convert(model, "float16")
    types = _types(converted)

    assert {n: types[n] for n in ("x", "w", "b", "xw", "xwb", "xwbc", "y")} == dict.fromkeys(
        ("x", "w", "b", "xw", "xwb", "xwbc", "y"), FLOAT16)
    assert {n: types[n] for n in ("start", "positions", "sin", "c", "sin_c")} == dict.fromkeys(
        ("start", "positions", "sin", "c", "sin_c"), FLOAT)
    casts = {(n.input[0], n.attribute[0].i) for n in converted.graph.node if n.op_type == "Cast"}
    assert casts == {("sin_c", FLOAT16), ("c", FLOAT16)}  # c has a float32 and a float16 reader
    assert model.graph.initializer[0].data_type == FLOAT  # the original is left alone


def test_should_compute_conv_in_float32_between_casts_when_bfloat16_has_no_kernel_for_it():
    nodes = [helper.make_node("Conv", ["x", "w", "bias"], ["y"], pads=[1, 1, 1, 1])]
    inits = [numpy_helper.from_array(np.ones((2, 1, 3, 3), np.float32), "w"),
             numpy_helper.from_array(np.zeros(2, np.float32), "bias")]
    model = _small_model(nodes, [_float_input("x", [1, 1, 4, 4])], [_float_input("y", [1, 2, 4, 4])], inits)

    bf16, fp16 = convert(model, "bfloat16"), convert(model, "float16")

    assert [n.op_type for n in fp16.graph.node] == ["Conv"]
    assert [i.data_type for i in fp16.graph.initializer] == [FLOAT16, FLOAT16]
    assert bf16.graph.input[0].type.tensor_type.elem_type == BFLOAT16
    assert bf16.graph.output[0].type.tensor_type.elem_type == BFLOAT16  # float I/O keeps one dtype
    assert [i.data_type for i in bf16.graph.initializer] == [BFLOAT16, FLOAT]  # the weight is stored bfloat16
    conv = next(n for n in bf16.graph.node if n.op_type == "Conv")
    types = _types(bf16)
    assert [types[i] for i in conv.input] == [FLOAT, FLOAT, FLOAT] and types[conv.output[0]] == FLOAT


def test_should_round_bfloat16_to_nearest_even():
    ulp = 2.0 ** -7  # bfloat16 keeps 7 fraction bits
    values = np.array([1.0, 1 + ulp / 2, 1 + 1.5 * ulp, 1 + ulp / 2 + 2 ** -20, -2.0, 3.0e38], np.float32)
    assert [hex(b) for b in bfloat16_bits(values)] == ["0x3f80", "0x3f80", "0x3f82", "0x3f81", "0xc000", "0x7f62"]


def test_should_refuse_unknown_precision_input_names_and_float16_overflow():
    model = _small_model([helper.make_node("MatMul", ["x", "w"], ["y"])], [_float_input("x", [1, 2])],
                         [_float_input("y", [1, 2])], [numpy_helper.from_array(np.full((2, 2), 1e5, np.float32), "w")])
    with pytest.raises(ValueError, match="not one of float16, bfloat16"):
        convert(model, "int8")
    with pytest.raises(ValueError, match="names no graph input"):
        convert(model, "float16", keep_float32_inputs=("timestep",))
    with pytest.raises(ValueError, match="exceeds the float16 range"):
        convert(model, "float16")
    assert convert(model, "bfloat16").graph.initializer[0].data_type == BFLOAT16  # bfloat16 has float32's range


# --- the committed float16 tiny bundle -------------------------------------------------------------------------------

def test_should_declare_the_converted_dtypes_in_the_float16_manifest(fp16_bundle):
    assert fp16_bundle["name"] == "idstream-generator-tiny-fp16"
    assert "Precision float16" in fp16_bundle["description"] and fp16_bundle["description"].startswith("UNTRAINED")
    assert sorted(fp16_bundle["models"]) == sorted(ROLES)
    for role, model in fp16_bundle["models"].items():
        path = os.path.join(FP16_BUNDLE, model["file"])
        assert model["precision"] == "float16" and model["sha256"] == _sha256(path), role
        onnx.checker.check_model(onnx.load(path), full_check=True)
        declared = {io["name"]: io["dtype"] for io in model["inputs"] + model["outputs"]}
        assert declared == _graph_dtype_names(path), role
        for name, dtype in declared.items():
            expected = "float32" if name in FLOAT32_INPUTS.get(role, ()) else ("int64" if name == "input_ids" else "float16")
            assert dtype == expected, f"{role} {name}"


def test_should_halve_the_onnx_files(fp16_bundle):
    size = lambda folder, b: sum(os.path.getsize(os.path.join(folder, m["file"])) for m in b["models"].values())
    ratio = size(FP16_BUNDLE, fp16_bundle) / size(BUNDLE, _manifest(BUNDLE))
    # weights are halved; the graphs' nodes (3,000 in the VAE decoder) are not
    assert ratio < 0.6, ratio


def _island(nodes, types, roots):
    """The nodes reached from `roots` through float32 tensors, up to the casts into float16."""
    reached, names = [], set(roots)
    for node in nodes:
        if any(i in names for i in node.input):
            reached.append(node)
            names |= {o for o in node.output if types.get(o) == FLOAT}
    return reached


def test_should_keep_rope_and_timestep_islands_in_float32():
    denoiser = onnx.load(os.path.join(FP16_BUNDLE, "denoiser.onnx"))
    types = _types(denoiser)
    nodes = denoiser.graph.node
    ranges = [o for n in nodes if n.op_type == "Range" for o in n.output]
    assert len(ranges) == 3 and all(types[r] == FLOAT for r in ranges) and types["timestep"] == FLOAT
    for roots in (["timestep"], ranges):  # the timestep sinusoid, the RoPE tables
        island = _island(nodes, types, roots)
        assert sorted(n.op_type for n in island if n.op_type in ("Sin", "Cos")) == ["Cos", "Sin"], roots
        for node in island:
            floats = [t for t in list(node.input) + list(node.output) if types.get(t) in (FLOAT, FLOAT16)]
            leaves = node.op_type == "Cast" and node.attribute[0].i == FLOAT16
            assert all(types[t] == FLOAT for t in (floats[:1] if leaves else floats)), node.name
    for node in nodes:
        if node.op_type in ("MatMul", "Gemm", "Conv", "LayerNormalization", "Softmax"):
            assert types[node.input[0]] == FLOAT16 and types[node.output[0]] == FLOAT16, node.name
    assert all(i.data_type != FLOAT or len(i.dims) < 2 for i in denoiser.graph.initializer)


def test_should_match_float32_pytorch_goldens_within_float16_tolerance_in_onnx_runtime(fp16_bundle):
    """Float32 golden inputs cast to float16 by the Java check (as the graph declares), outputs compared with the
    float32 PyTorch outputs relative to their scale."""
    roles = list(fp16_bundle["models"])
    diffs = golden_check([(os.path.join(FP16_BUNDLE, fp16_bundle["models"][r]["file"]),
                           os.path.join(FP16_BUNDLE, fp16_bundle["config"]["golden"][r])) for r in roles],
                         tolerance=FP16_TOLERANCE, relative=True)
    for (i, name), (abs_diff, rel_diff) in sorted(diffs.items()):
        print(f"float16 {roles[i]} {name}: max abs {abs_diff:.2e}, relative {rel_diff:.2e}")
    assert fp16_bundle["config"]["goldenTolerance"]["relative"] == FP16_TOLERANCE


def test_should_hold_float16_tolerance_at_other_sizes_and_extreme_timesteps(tiny_roles, fp16_bundle, tmp_path):
    """Batch 1 and 2 at another latent grid with timesteps 999 and 1 (the timestep island), a 1-frame decode with
    empty caches and a batch of two identities. The same denoiser converted without its timestep island is several
    times less accurate at t = 999."""
    g = torch.Generator().manual_seed(7)
    cases = [
        ("denoiser", (torch.randn(2, 5, 8, 4, 6, generator=g), torch.tensor([999.0, 1.0]),
                      torch.randn(2, 64, 64, generator=g), torch.randn(2, 44, 64, generator=g))),
        ("denoiser", (torch.randn(1, 3, 8, 8, 12, generator=g), torch.tensor([999.0]),
                      torch.randn(1, 64, 64, generator=g), torch.randn(1, 44, 64, generator=g))),
        ("vae_decoder", (torch.randn(1, 1, 4, 4, 6, generator=g), *tiny_roles["vae_decoder"].empty_caches())),
        ("id_encoder", (torch.randn(2, 145, 64, generator=g), torch.rand(2, 468, 3, generator=g) * 2 - 1)),
    ]
    pairs = []
    for i, (role, inputs) in enumerate(cases):
        model = fp16_bundle["models"][role]
        with torch.no_grad():
            out = exported_module(tiny_roles, role)(*inputs)
        out = out[0] if isinstance(out, tuple) else out
        tensors = {f"input.{io['name']}": x.numpy() for io, x in zip(model["inputs"], inputs)}
        tensors[f"output.{model['outputs'][0]['name']}"] = out.numpy()
        path = str(tmp_path / f"{i}-{role}.safetensors")
        safetensors_io.save(path, tensors)
        pairs.append((os.path.join(FP16_BUNDLE, model["file"]), path))
    no_island = str(tmp_path / "denoiser-no-island.onnx")
    onnx.save(convert(onnx.load(os.path.join(BUNDLE, "denoiser.onnx")), "float16"), no_island)
    pairs.append((no_island, pairs[1][1]))

    diffs = golden_check(pairs, tolerance=FP16_TOLERANCE, relative=True)

    with_island, without = diffs[1, "output.model_output"][1], diffs[len(pairs) - 1, "output.model_output"][1]
    print(f"denoiser at t=999: relative {with_island:.2e} with the timestep island, {without:.2e} without")
    assert without > 3 * with_island


def test_should_reexport_the_committed_float16_bundle_identically(tiny, fp16_bundle, tmp_path):
    out = str(tmp_path)
    export_bundle(tiny, seed=0, out=out, precision="float16")
    for role, model in fp16_bundle["models"].items():
        assert _sha256(os.path.join(out, model["file"])) == model["sha256"], role
        golden = fp16_bundle["config"]["golden"][role]
        mine, meta = safetensors_io.load(os.path.join(out, golden))
        committed, _ = safetensors_io.load(os.path.join(FP16_BUNDLE, golden))
        assert mine.keys() == committed.keys() and meta["tolerance"] == "rel:1e-2", role
        for name in committed:  # PyTorch outputs depend on the BLAS build, as in test_export
            assert committed[name].dtype == np.float32 or name == "input.input_ids", f"{role} {name}"
            np.testing.assert_allclose(mine[name], committed[name], rtol=0, atol=0 if name.startswith("input.") else 1e-4)
    assert _manifest(out) == fp16_bundle


def test_should_export_bfloat16_weights_and_io_that_pass_the_checker(bf16_export):
    """bfloat16 cannot run on ONNX Runtime's CPU provider (no bfloat16 kernels for Add, MatMul, ...), so only the
    graphs' types are checked here; nothing has run them."""
    out, bundle = bf16_export
    assert bundle["name"] == "idstream-generator-tiny-bf16" and "runs on CUDA only" in bundle["description"]
    for role, model in bundle["models"].items():
        path = os.path.join(out, model["file"])
        proto = onnx.load(path)
        onnx.checker.check_model(proto, full_check=True)
        assert model["precision"] == "bfloat16"
        declared = {io["name"]: io["dtype"] for io in model["inputs"] + model["outputs"]}
        assert declared == _graph_dtype_names(path), role
        assert {d for n, d in declared.items() if n not in FLOAT32_INPUTS.get(role, ()) and n != "input_ids"} \
            == {"bfloat16"}, role
        weights = [i for i in proto.graph.initializer if len(i.dims) >= 2 and i.data_type in (FLOAT, BFLOAT16)]
        assert weights and all(i.data_type == BFLOAT16 for i in weights), role
    assert bundle["models"]["denoiser"]["inputs"][1] == {"name": "timestep", "dtype": "float32", "shape": [-1]}

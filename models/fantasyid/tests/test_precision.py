"""float16 / bfloat16 conversion (precision.py) and the committed float16 tiny bundle (models/generator-tiny-fp16)."""
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import onnx
import pytest
import torch
from onnx import TensorProto, helper, numpy_helper

from conftest import BUNDLE, FP16_BUNDLE, MODELS
from golden_check import golden_check, golden_pairs
from fantasyid import safetensors_io
from fantasyid.export import FLOAT32_INPUTS, GOLDEN_TOLERANCE, export_bundle
from fantasyid.model import ROLES
from fantasyid.precision import bfloat16_bits, convert

FLOAT, FLOAT16, BFLOAT16 = TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.BFLOAT16
FP16_TOLERANCE = 1e-2  # max |onnx - torch| / max |torch|: see GOLDEN_TOLERANCE in export.py
# the same measure for bfloat16 weights computed in float32 (see _widened): about 2x the worst measured (1.8e-2)
BF16_WEIGHTS_TOLERANCE = 4e-2


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


def test_should_keep_nan_a_quiet_nan_of_its_sign_in_bfloat16():
    """Rounding a NaN's bits carries 0x7F800001 into +Inf and 0xFFFFFFFF into +0; infinities stay infinities."""
    bits = np.array([0x7F800001, 0xFFFFFFFF, 0xFF800001, 0x7FC00000, 0x7F800000, 0xFF800000], np.uint32)
    assert [hex(b) for b in bfloat16_bits(bits.view(np.float32))] == [
        "0x7fc0", "0xffff", "0xffc0", "0x7fc0", "0x7f80", "0xff80"]


def test_should_store_float16_weights_up_to_the_value_that_rounds_to_infinity():
    """float16's largest finite value is 65504; anything below 65520 rounds to it, 65520 and above to infinity."""
    def weight(value):
        w = numpy_helper.from_array(np.full((2, 2), value, np.float32), "w")
        return _small_model([helper.make_node("MatMul", ["x", "w"], ["y"])], [_float_input("x", [1, 2])],
                            [_float_input("y", [1, 2])], [w])
    stored = numpy_helper.to_array(convert(weight(-65519.0), "float16").graph.initializer[0])
    assert stored.dtype == np.float16 and (stored == -65504).all()
    with pytest.raises(ValueError, match="exceeds the float16 range"):
        convert(weight(65520.0), "float16")


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


def _constant(name, **value):
    return helper.make_node("Constant", [], [name], **value)


def _topologically_sorted(graph):
    known = {i.name for i in graph.input} | {i.name for i in graph.initializer}
    for node in graph.node:
        if not all(i in known for i in node.input if i):
            return False
        known |= set(node.output)
    return True


def test_should_convert_constants_given_as_value_float_and_value_floats():
    nodes = [_constant("c", value_floats=[1.0, 2.5]), _constant("s", value_float=3.0),
             helper.make_node("Add", ["x", "c"], ["xc"]), helper.make_node("Mul", ["xc", "s"], ["y"])]
    model = _small_model(nodes, [_float_input("x", [2])], [_float_input("y", [2])], [])

    converted = convert(model, "float16")

    values = {n.output[0]: numpy_helper.to_array(n.attribute[0].t) for n in converted.graph.node
              if n.op_type == "Constant"}
    assert [n.attribute[0].name for n in converted.graph.node if n.op_type == "Constant"] == ["value", "value"]
    assert values["c"].dtype == np.float16 and values["c"].tolist() == [1.0, 2.5]
    assert values["s"].dtype == np.float16 and values["s"].shape == () and values["s"] == 3.0
    assert set(_types(converted).values()) == {FLOAT16}
    assert [n.attribute[0].name for n in model.graph.node[:2]] == ["value_floats", "value_float"]  # original kept


def test_should_refuse_a_sparse_float_constant_with_a_clear_message():
    sparse = helper.make_sparse_tensor(numpy_helper.from_array(np.array([1.0], np.float32), "v"),
                                       numpy_helper.from_array(np.array([1], np.int64), "i"), [2])
    nodes = [_constant("c", sparse_value=sparse), helper.make_node("Add", ["x", "c"], ["y"])]
    model = _small_model(nodes, [_float_input("x", [2])], [_float_input("y", [2])], [])
    with pytest.raises(ValueError, match="Constant c.*sparse_value is not supported"):
        convert(model, "float16")


@pytest.mark.parametrize("stored_as", ["Constant", "initializer"])
def test_should_stay_topological_when_a_mixed_reader_constant_is_a_graph_output(stored_as):
    """c is read by the float16 Add and by the float32 sinusoid island, and is itself a graph output: it stays
    float32 (renamed c_float32), its float16 cast follows it, and the output c is a cast of it."""
    ones = numpy_helper.from_array(np.ones(4, np.float32), "c")
    nodes = [_constant("start", value_float=0.0), _constant("limit", value_float=4.0),
             _constant("delta", value_float=1.0),
             helper.make_node("Range", ["start", "limit", "delta"], ["positions"]),
             helper.make_node("Sin", ["positions"], ["sin"]),
             helper.make_node("Mul", ["sin", "c"], ["sin_c"]),
             helper.make_node("MatMul", ["x", "w"], ["xw"]),
             helper.make_node("Add", ["xw", "c"], ["xwc"]),
             helper.make_node("Add", ["xwc", "sin_c"], ["y"])]
    inits = [numpy_helper.from_array(np.full((3, 4), 0.5, np.float32), "w")]
    if stored_as == "Constant":
        nodes.insert(0, _constant("c", value=ones))
    else:
        inits.append(ones)
    model = _small_model(nodes, [_float_input("x", [2, 3])], [_float_input("y", [2, 4]), _float_input("c", [4])],
                         inits)

    converted = convert(model, "float16")  # runs the checker, which also requires topological order

    assert _topologically_sorted(converted.graph)
    types = _types(converted)
    assert types["c_float32"] == FLOAT and types["c"] == FLOAT16 and types["y"] == FLOAT16
    casts = {(n.input[0], n.output[0]) for n in converted.graph.node if n.op_type == "Cast"}
    assert casts >= {("c_float32", "c"), ("c_float32", "c_as_float16")}


def test_should_convert_in_place_without_a_copy_when_asked():
    model = _small_model([helper.make_node("MatMul", ["x", "w"], ["y"])], [_float_input("x", [1, 2])],
                         [_float_input("y", [1, 2])], [numpy_helper.from_array(np.ones((2, 2), np.float32), "w")])
    assert convert(model, "float16", copy=False) is model
    assert model.graph.initializer[0].data_type == FLOAT16


MEMORY_PROBE = """
import sys
sys.path.insert(0, sys.argv[1])
from fantasyid.export import convert_precision

def status_bytes(field):  # VmHWM: this process's peak resident memory (ru_maxrss would include its parent's)
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith(field + ":"))

before = status_bytes("VmRSS")
convert_precision(sys.argv[2], "float16", (), "chain.onnx.data")
print(status_bytes("VmHWM") - before)
"""


def test_should_convert_a_graph_with_external_data_holding_one_float32_copy(tmp_path):
    """convert_precision's peak memory over its start: the loaded float32 weights (1x; each float16 array replaces
    its float32 tensor) and one tensor in flight. Copies of the model (for the result, for shape inference) and the
    in-memory checker took it to 4.5x."""
    weights = [numpy_helper.from_array(np.full((1024, 1024), i + 1, np.float32), f"w{i}") for i in range(48)]
    nodes = [helper.make_node("MatMul", [f"h{i}" if i else "x", f"w{i}"], [f"h{i + 1}"]) for i in range(len(weights))]
    nodes.append(helper.make_node("Identity", [f"h{len(weights)}"], ["y"]))
    path = str(tmp_path / "chain.onnx")
    onnx.save_model(_small_model(nodes, [_float_input("x", [1, 1024])], [_float_input("y", [1, 1024])], weights),
                    path, save_as_external_data=True, all_tensors_to_one_file=True, location="chain.onnx.data")
    float32_bytes = os.path.getsize(tmp_path / "chain.onnx.data")
    del weights

    probe = subprocess.run([sys.executable, "-c", MEMORY_PROBE, MODELS, path], capture_output=True, text=True,
                           timeout=300)

    assert probe.returncode == 0, probe.stderr
    growth = int(probe.stdout.split()[-1]) / float32_bytes
    print(f"convert_precision peak memory: {growth:.2f} x the float32 weights")
    assert growth < 1.8
    assert os.path.getsize(tmp_path / "chain.onnx.data") == float32_bytes // 2


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
    pairs = golden_pairs(FP16_BUNDLE, fp16_bundle, tiny_roles, cases, tmp_path)
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


def _widened(model):
    """The bfloat16 graph as a float32 one: every bfloat16 type (inputs, outputs, value_info, Cast targets) made
    float32 and every bfloat16 tensor (initializers, Constant values) widened exactly, bits << 16."""
    def widen(tensor):
        if tensor.data_type != BFLOAT16:
            return
        bits = (np.frombuffer(tensor.raw_data, "<u2") if tensor.raw_data else np.array(tensor.int32_data, np.uint32))
        values = (bits.astype(np.uint32) << 16).view(np.float32).reshape(tuple(tensor.dims))
        tensor.CopyFrom(numpy_helper.from_array(values, tensor.name))

    wide = onnx.ModelProto()
    wide.CopyFrom(model)
    g = wide.graph
    for tensor in g.initializer:
        widen(tensor)
    for vi in list(g.input) + list(g.output) + list(g.value_info):
        if vi.type.tensor_type.elem_type == BFLOAT16:
            vi.type.tensor_type.elem_type = FLOAT
    for node in g.node:
        for a in node.attribute:
            if a.type == onnx.AttributeProto.TENSOR:
                widen(a.t)
            elif node.op_type == "Cast" and a.name == "to" and a.i == BFLOAT16:
                a.i = FLOAT
    return wide


def test_should_match_float32_pytorch_with_bfloat16_weights_widened_to_float32(bf16_export, tmp_path):
    """A numeric check of the bfloat16 export on CPU (which has no bfloat16 kernels): each role's graph widened to
    float32 (_widened) runs in ONNX Runtime against the float32 PyTorch goldens. This tests the pass's structure
    (islands, casts, which tensors are converted) and the rounding of the weights and constants to bfloat16; it
    does NOT round activations, so it is not the error of a real bfloat16 run (the manifest's tolerance for that
    is an estimate)."""
    out, bundle = bf16_export
    roles = list(bundle["models"])
    pairs = []
    for role in roles:
        wide = _widened(onnx.load(os.path.join(out, bundle["models"][role]["file"])))
        onnx.checker.check_model(wide, full_check=True)
        assert BFLOAT16 not in set(_types(wide).values()), role
        path = str(tmp_path / f"{role}.onnx")
        onnx.save(wide, path)
        pairs.append((path, os.path.join(out, bundle["config"]["golden"][role])))

    diffs = golden_check(pairs, tolerance=BF16_WEIGHTS_TOLERANCE, relative=True)

    for (i, name), (abs_diff, rel_diff) in sorted(diffs.items()):
        print(f"bfloat16 weights, float32 activations: {roles[i]} {name}: max abs {abs_diff:.2e}, "
              f"relative {rel_diff:.2e}")
    assert all(rel > 0 for _, rel in diffs.values())  # the weights were rounded: not the float32 graph again


def test_should_label_the_bfloat16_golden_tolerance_as_an_estimate(bf16_export, fp16_bundle):
    tolerance = bf16_export[1]["config"]["goldenTolerance"]
    assert tolerance["relative"] == float(GOLDEN_TOLERANCE["bfloat16"][4:])
    assert "estimate" in tolerance["meaning"] and "not measured" in tolerance["meaning"]
    assert "estimate" not in fp16_bundle["config"]["goldenTolerance"]["meaning"]  # float16's is measured

"""Exports the generator roles to ONNX with a bundle.json manifest and golden test vectors.

  /usr/bin/python3 models/fantasyid/export.py --config tiny --seed 0 --out models/generator-tiny/
  /usr/bin/python3 models/fantasyid/export.py --config tiny --seed 0 --precision float16 --out models/generator-tiny-fp16/

Writes <out>/<role>.onnx (opset 17), <out>/config.json (the frozen model config),
<out>/bundle.json and <out>/golden/<role>.safetensors (a seeded input `input.<name>` and the
PyTorch output `output.<name>` for each role). Weights are torch's default initialisation after
a fixed seed: the result is UNTRAINED and proves plumbing, shapes and speed only.

--precision float16|bfloat16 converts each float32 graph (precision.py) and records the precision and the graphs'
real input/output dtypes in bundle.json; the golden vectors stay float32 (inputs, and PyTorch's float32 outputs).

Options for timing larger denoisers (the defaults leave the committed tiny bundle byte-identical):
  --attention fused        the DiT's joint attention and ID cross-attention as com.microsoft::MultiHeadAttention
                           (ONNX Runtime's fused contrib op) instead of MatMul-Softmax-MatMul;
  --dit-layers N           the DiT with N blocks instead of the config's (written into config.json);
  --no-learned-positions   drop the learned position table (CogVideoX-5B-I2V's), which fixes the latent grid;
  --denoiser-latent F H W  trace the denoiser (and write its golden vectors) at this latent grid instead of the
                           default request's, so tracing a full-width DiT never computes full-size activations;
                           the graph's latent axes are dynamic, so it runs at the full grid all the same.
  /usr/bin/python3 models/fantasyid/export.py --config full --roles denoiser --attention fused --dit-layers 4 \
      --no-learned-positions --denoiser-latent 2 4 6 --out /tmp/full-4-layers
A graph over 2 GB is written by torch with ONNX external data; export.py gathers it into one
<role>.onnx.data next to <role>.onnx and lists it (with its sha256) under the model's `externalData`.
"""
import argparse
import dataclasses
import hashlib
import json
import os
import shutil
import sys
import tempfile

import torch

if __package__ in (None, ""):  # run as a script: make the package importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "fantasyid"

from fantasyid import config as configs  # noqa: E402
from fantasyid import precision as precisions  # noqa: E402
from fantasyid.layers import ATTENTION_KINDS, set_attention  # noqa: E402
from fantasyid import safetensors_io  # noqa: E402
from fantasyid.mesh import MeshHierarchy  # noqa: E402
from fantasyid.model import ROLES, build_roles  # noqa: E402
from fantasyid.tokenizer import ByteTokenizer  # noqa: E402
from fantasyid.vae import ChunkedVAEDecoder, VAEDecoder, cache_names  # noqa: E402

OPSET = 17
VERSION = "0.1.0"
FACEMESH_HIERARCHY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mesh", "facemesh468.safetensors")
GOLDEN_PROMPTS = ("a person smiling in a sunny park", "")
PRECISIONS = ("float32", *precisions.TARGETS)
BUNDLE_SUFFIX = {"float32": "", "float16": "-fp16", "bfloat16": "-bf16"}
# Inputs that stay float32 in a float16/bfloat16 graph: the timestep sinusoid takes sin/cos of t * f with t up to
# 999, which float16 (spacing 0.5 there) and bfloat16 (spacing 4) cannot carry.
FLOAT32_INPUTS = {"denoiser": ("timestep",)}
# How far ONNX Runtime may be from the float32 PyTorch golden outputs: absolute for float32 (summation order only);
# for float16 relative to the output's scale, max |onnx - torch| / max |torch| <= 1e-2, about 20 float16 unit
# roundoffs (2^-11), 3x the worst measured on the tiny bundle (3.5e-3, vae_decoder); bfloat16 scaled by its 8x larger
# unit roundoff (2^-8), an estimate: no bfloat16 run was measured (no CPU kernels). What was measured is the bfloat16
# graph widened to float32 (bfloat16 weights, float32 activations): up to 1.8e-2 (id_encoder), a lower bound only.
GOLDEN_TOLERANCE = {"float32": "1e-4", "float16": "rel:1e-2", "bfloat16": "rel:8e-2"}
TOLERANCE_MEANING = "max |onnx - torch| / max |torch| per output"
TOLERANCE_NOTE = {"bfloat16": "; for bfloat16 an estimate, not measured: float16's scaled by bfloat16's 8x larger "
                              "unit roundoff"}
ONNX_DTYPES = {onnx_type: name for name, onnx_type in
               (("float32", 1), ("uint8", 2), ("int32", 6), ("int64", 7), ("bool", 9), ("float16", 10),
                ("bfloat16", 16))}


class RoleSpec:
    """What one ONNX file takes and gives: names, example tensors, dynamic axes, preprocessing."""

    def __init__(self, inputs, outputs, dynamic, preprocessing):
        self.inputs = inputs  # name -> example tensor
        self.outputs = outputs  # list of names
        self.dynamic = dynamic  # name -> {axis: label}
        self.preprocessing = preprocessing


def role_specs(config, seed):
    """Seeded example inputs at the default request's shapes (batch 2 where CFG batches cond/uncond)."""
    g = torch.Generator().manual_seed(seed + 12345)
    d = config.defaults
    frames, latent_c, lat_h, lat_w = config.latent_shape(d.frames, d.height, d.width)
    img = config.image_encoder
    n0 = config.vertex.mesh_levels[0]
    batch = {0: "batch"}
    video_axes = {0: "batch", 1: "frames", 3: "height", 4: "width"}
    latent_axes = {} if config.dit.learned_positions else {1: "latent_frames", 3: "latent_height", 4: "latent_width"}
    latent_axes[0] = "batch"
    if config.tokenizer.kind == "byte":
        tokenizer = ByteTokenizer(config.tokenizer)
        ids = torch.tensor([tokenizer.encode(p) for p in GOLDEN_PROMPTS], dtype=torch.int64)
    else:
        ids = torch.randint(0, config.text_encoder.vocab_size, (2, config.tokenizer.max_length), generator=g)
    reference = torch.zeros(2, frames, latent_c, lat_h, lat_w)
    reference[:, 0] = torch.randn(lat_h * lat_w * latent_c, generator=g).reshape(latent_c, lat_h, lat_w)
    noisy = torch.randn(2, frames, latent_c, lat_h, lat_w, generator=g)
    return {
        "image_encoder": RoleSpec(
            {"pixel_values": torch.randn(1, 3, img.image_size, img.image_size, generator=g)},
            ["image_hidden_states"], {"pixel_values": batch, "image_hidden_states": batch},
            {"inputSize": img.image_size, "mean": list(img.mean), "std": list(img.std), "colorOrder": "RGB",
             "layout": "NCHW", "valueRange": [0.0, 1.0], "normalize": "(value - mean) / std",
             "crop": "aligned face crop (5-point similarity alignment), resized to inputSize"}),
        "id_encoder": RoleSpec(
            {"image_hidden_states": torch.randn(1, img.num_tokens, img.width, generator=g),
             "vertices": torch.rand(1, n0, 3, generator=g) * 2 - 1},
            ["id_tokens"], {"image_hidden_states": batch, "vertices": batch, "id_tokens": batch},
            {"mesh": config.vertex.mesh_name, "vertexCount": n0,
             "vertexFrame": "canonical face frame (pose and expression removed), centred at the vertex centroid, "
                            "divided by the largest absolute coordinate; x right, y up, z towards the viewer",
             "output": "V_F = concat(2D face tokens, 3D vertex tokens), computed once per request"}),
        "text_encoder": RoleSpec(
            {"input_ids": ids}, ["text_hidden_states"], {"input_ids": batch, "text_hidden_states": batch},
            {"tokenizer": config.to_dict()["tokenizer"], "attentionMask": "none (padded sequence encoded as is)"}),
        "denoiser": RoleSpec(
            {"latents": torch.cat([noisy, reference], dim=2),
             "timestep": torch.tensor([500.0, 500.0]),
             "text_hidden_states": torch.randn(2, config.tokenizer.max_length, config.text_encoder.width, generator=g),
             "id_tokens": torch.randn(2, config.num_id_tokens, config.id_dim, generator=g)},
            ["model_output"],
            {"latents": latent_axes, "timestep": batch, "text_hidden_states": batch, "id_tokens": batch,
             "model_output": latent_axes},
            {"layout": "BFCHW", "latents": "channels [0, C): noisy latents; [C, 2C): reference latents "
                                           "(vae_encoder of the reference frame in latent frame 0, zeros after)",
             "timestep": "float32 per batch row, in [0, num_train_timesteps)",
             "output": config.dit.prediction_type,
             "cfg": "batch cond and uncond rows; uncond uses the encoded empty prompt and the same id_tokens"}),
        "vae_encoder": RoleSpec(
            {"video": torch.rand(1, 1, 3, d.height, d.width, generator=g) * 2 - 1},
            ["latents"], {"video": video_axes, "latents": latent_axes_for_vae()},
            {"layout": "BFCHW", "colorOrder": "RGB", "valueRange": [-1.0, 1.0],
             "frames": f"1 + {config.vae.temporal_factor}k (the reference image is 1 frame)",
             "sizeMultiple": config.vae.spatial_factor * config.dit.patch_size,
             "output": f"latent distribution mean x scaling_factor {config.vae.scaling_factor}"}),
        "vae_decoder": vae_decoder_spec(config, g, frames, latent_c, lat_h, lat_w),
    }


def vae_decoder_spec(config, g, frames, latent_c, lat_h, lat_w):
    """The whole default video as one chunk that starts the video: empty caches in, the caches a next
    chunk would take out."""
    with torch.random.fork_rng():  # building a decoder to read its layout must not move the seeded weights
        channels = VAEDecoder(config.vae).cache_channels()
    inputs, outputs = cache_names(len(channels))
    dynamic = {"latents": latent_axes_for_vae(), "video": {0: "batch", 1: "frames", 3: "height", 4: "width"}}
    for i, name in enumerate(inputs + outputs):
        dynamic[name] = {0: "batch", 2: "cache_frames", 3: f"cache_height_{i % len(inputs)}",
                         4: f"cache_width_{i % len(inputs)}"}
    return RoleSpec(
        {"latents": torch.randn(1, frames, latent_c, lat_h, lat_w, generator=g),
         **{name: torch.zeros(1, c, 0, 1, 1) for name, c in zip(inputs, channels)}},
        ["video"] + outputs, dynamic,
        {"layout": "BFCHW", "colorOrder": "RGB", "valueRange": [-1.0, 1.0],
         "input": "scaled latents as the denoiser produces them (divided by scaling_factor inside)",
         "output": "not clamped; clamp to [-1, 1], then (x + 1) * 127.5 to 8-bit",
         "frames": f"F = 1 + {config.vae.temporal_factor} (F' - 1) for a chunk that starts the video, "
                   f"{config.vae.temporal_factor} F' for a later chunk",
         "caches": "time context of each causal convolution (its last 2 input frames), for exact chunked "
                   "decoding: a chunk that starts the video passes every cache_NN empty, shape [1, C, 0, 1, 1] "
                   "(C as declared); each later chunk passes the previous chunk's cache_out_NN as cache_NN"})


def latent_axes_for_vae():
    return {0: "batch", 1: "latent_frames", 3: "latent_height", 4: "latent_width"}


def exported_module(roles, role):
    """The module behind a role's graph: the role itself, except the decoder, exported with its conv cache."""
    return ChunkedVAEDecoder(roles[role]) if role == "vae_decoder" else roles[role]


def export_role(module, spec, path, role, precision="float32", custom_opsets=None):
    """Writes the graph to `path`, converted to `precision`; returns the name of its external-data file (next to
    it), or None."""
    names = list(spec.inputs)
    data = path + ".data"
    if os.path.exists(data):  # left from an earlier export into the same folder
        os.remove(data)
    # a temporary folder of its own: torch writes a > 2 GB graph with one external file per initializer beside it
    staging = tempfile.mkdtemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".export-")
    try:
        staged = os.path.join(staging, os.path.basename(path))
        with torch.no_grad():
            torch.onnx.export(module, tuple(spec.inputs[n] for n in names), staged, input_names=names,
                              output_names=spec.outputs, dynamic_axes=spec.dynamic, opset_version=OPSET,
                              do_constant_folding=True, custom_opsets=custom_opsets)
        if os.listdir(staging) == [os.path.basename(path)]:
            os.replace(staged, path)
            external = None
        else:
            external = gather_external_data(staged, path)
    finally:
        shutil.rmtree(staging)
    if precision != "float32":
        external = convert_precision(path, precision, FLOAT32_INPUTS.get(role, ()), external)
    return external


def convert_precision(path, precision, keep_float32_inputs, external):
    """Rewrites the graph at `path` in `precision` (precision.py), keeping its external-data layout."""
    import onnx

    # in place, and with external data checked by path once saved: memory holds the loaded float32 graph and its
    # converted arrays, never a copy of either
    converted = precisions.convert(onnx.load(path), precision, keep_float32_inputs, copy=False,
                                   check=external is None)
    if external is None:
        onnx.save(converted, path)
        return None
    os.remove(os.path.join(os.path.dirname(path), external))
    onnx.save_model(converted, path, save_as_external_data=True, all_tensors_to_one_file=True, location=external,
                    size_threshold=1024)
    onnx.checker.check_model(path, full_check=True)  # by path: reads the external data, so no 2 GB limit
    return external


def gather_external_data(staged, path):
    """Rewrites a graph whose initializers lie in many external files (torch's layout) with all of them in one
    `<path>.data` (a bundle lists every file it holds, and ONNX Runtime resolves either layout by path)."""
    import onnx  # only here: Debian's python3-onnx is needed for graphs over 2 GB alone

    model = onnx.load(staged)  # reads the external files from the staging folder
    location = os.path.basename(path) + ".data"
    onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True, location=location,
                    size_threshold=1024)
    return location


def graph_dtypes(path):
    """name -> dtype of each graph input and output, as the (possibly converted) file declares them."""
    import onnx
    graph = onnx.load(path, load_external_data=False).graph
    return {v.name: ONNX_DTYPES[v.type.tensor_type.elem_type] for v in list(graph.input) + list(graph.output)}


def tensor_info(name, tensor, dynamic, dtypes=None):
    shape = [-1 if axis in dynamic.get(name, {}) else int(size) for axis, size in enumerate(tensor.shape)]
    dtype = dtypes[name] if dtypes else str(tensor.dtype).replace("torch.", "")
    return {"name": name, "dtype": dtype, "shape": shape}


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 24), b""):  # external data can be tens of GB
            digest.update(block)
    return digest.hexdigest()


def load_hierarchy(config, mesh_path):
    path = mesh_path or (FACEMESH_HIERARCHY if config.vertex.mesh_name == "facemesh468" else None)
    if path is None:
        raise SystemExit(f"config {config.name} needs the {config.vertex.mesh_name} mesh hierarchy: pass --mesh "
                         "(a file written by MeshHierarchy.save, e.g. converted from FantasyID's transform.pkl)")
    hierarchy = MeshHierarchy.load(path)
    hierarchy.require(config.vertex.mesh_levels, config.vertex.spiral_length)
    return hierarchy


def bundle_config(config, hierarchy):
    # without the id_encoder no hierarchy is loaded (e.g. a full-size denoiser alone): the levels come from the config
    mesh = ({"name": config.vertex.mesh_name, "levels": hierarchy.sizes, **hierarchy.metadata} if hierarchy is not None
            else {"name": config.vertex.mesh_name, "levels": list(config.vertex.mesh_levels)})
    d = config.defaults
    latent = config.latent_shape(d.frames, d.height, d.width)
    return {
        "model": config.to_dict(),
        "scheduler": config.to_dict()["scheduler"],
        "tokenizer": config.to_dict()["tokenizer"],
        "requestDefaults": config.to_dict()["defaults"],
        "latent": {"shape": latent, "layout": "FCHW", "channels": config.vae.latent_channels,
                   "denoiserInputChannels": config.dit.in_channels, "scalingFactor": config.vae.scaling_factor,
                   "spatialFactor": config.vae.spatial_factor, "temporalFactor": config.vae.temporal_factor,
                   "patchSize": config.dit.patch_size},
        "idTokens": {"shape": [config.num_id_tokens, config.id_dim], "faceTokens": config.abstractor.num_queries,
                     "vertexTokens": config.num_vertex_tokens},
        "textHiddenStates": {"shape": [config.tokenizer.max_length, config.text_encoder.width]},
        "mesh": mesh,
        "injection": config.to_dict()["dit"]["injection"],
        "predictionType": config.dit.prediction_type,
    }


def load_weights(roles, path):
    """Loads `<role>.<parameter>` tensors (e.g. converted from a released checkpoint) over the seeded
    weights; every role present in the file must match its module exactly."""
    tensors, _ = safetensors_io.load(path)
    by_role = {}
    for key, value in tensors.items():
        role, _, name = key.partition(".")
        if role not in ROLES:
            raise SystemExit(f"{path}: tensor {key!r} names no role; roles are {', '.join(ROLES)}")
        if role in roles:  # roles that are not exported are not built
            by_role.setdefault(role, {})[name] = torch.from_numpy(value.copy())
    for role, state in by_role.items():
        roles[role].load_state_dict(state, strict=True)
    return sorted(by_role)


def with_dit_overrides(config, layers=None, learned_positions=None):
    """`config` with another DiT block count and/or without learned positions (timing exports)."""
    changes = {}
    if layers is not None:
        if layers < 1:
            raise SystemExit(f"--dit-layers must be at least 1, got {layers}")
        changes["num_layers"] = layers
    if learned_positions is not None:
        changes["learned_positions"] = learned_positions
    return config.replace(dit=dataclasses.replace(config.dit, **changes)) if changes else config


def denoiser_inputs_at(config, spec, seed, latent):
    """The denoiser spec with seeded inputs at latent grid (frames, height, width) instead of the request's."""
    if config.dit.learned_positions:
        raise SystemExit("--denoiser-latent needs dynamic latent axes, but learned positions fix the latent grid "
                         f"to {config.dit.sample_latent_frames}x{config.dit.sample_latent_height}x"
                         f"{config.dit.sample_latent_width}: add --no-learned-positions")
    frames, height, width = latent
    p = config.dit.patch_size
    if min(latent) < 1 or height % p or width % p:
        raise SystemExit(f"--denoiser-latent {frames} {height} {width}: sizes must be positive and height and width "
                         f"multiples of the patch size {p}")
    g = torch.Generator().manual_seed(seed + 54321)
    channels = config.vae.latent_channels
    reference = torch.zeros(2, frames, channels, height, width)
    reference[:, 0] = torch.randn(channels, height, width, generator=g)
    inputs = dict(spec.inputs)
    inputs["latents"] = torch.cat([torch.randn(2, frames, channels, height, width, generator=g), reference], dim=2)
    return RoleSpec(inputs, spec.outputs, spec.dynamic, spec.preprocessing)


def export_bundle(config, seed, out, mesh_path=None, roles_to_export=ROLES, weights=None, precision="float32",
                  attention="plain", denoiser_latent=None):
    if precision not in PRECISIONS:
        raise SystemExit(f"precision {precision!r} is not one of {', '.join(PRECISIONS)}")
    if attention not in ATTENTION_KINDS:
        raise SystemExit(f"attention must be one of {ATTENTION_KINDS}, got {attention!r}")
    needs_mesh = "id_encoder" in roles_to_export or mesh_path or config.vertex.mesh_name == "facemesh468"
    hierarchy = load_hierarchy(config, mesh_path) if needs_mesh else None
    roles = build_roles(config, hierarchy, seed, roles_to_export)
    loaded = load_weights(roles, weights) if weights else []
    specs = role_specs(config, seed)
    if denoiser_latent is not None:
        specs["denoiser"] = denoiser_inputs_at(config, specs["denoiser"], seed, denoiser_latent)
    if attention == "fused" and "denoiser" in roles:
        set_attention(roles["denoiser"], "fused")
        fused = "com.microsoft::MultiHeadAttention (ONNX Runtime contrib op): joint and ID cross-attention"
        specs["denoiser"] = RoleSpec(specs["denoiser"].inputs, specs["denoiser"].outputs, specs["denoiser"].dynamic,
                                     {**specs["denoiser"].preprocessing, "attention": fused})
    os.makedirs(os.path.join(out, "golden"), exist_ok=True)
    models = {}
    for role in roles_to_export:
        spec, module = specs[role], exported_module(roles, role)
        path = os.path.join(out, f"{role}.onnx")
        fused_role = attention == "fused" and role == "denoiser"
        external = export_role(module, spec, path, role, precision, {"com.microsoft": 1} if fused_role else None)
        with torch.no_grad():
            outputs = module(*spec.inputs.values())
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        golden = {f"input.{n}": t.numpy() for n, t in spec.inputs.items()}
        # the decoder's cache outputs (4 MB in tiny) are left out: the chunked-decode tests check them
        golden.update({f"output.{n}": t.numpy() for n, t in zip(spec.outputs, outputs) if not n.startswith("cache_out_")})
        safetensors_io.save(os.path.join(out, "golden", f"{role}.safetensors"), golden,
                            {"role": role, "seed": seed, "tolerance": GOLDEN_TOLERANCE[precision]})
        # a float32 bundle reads its dtypes from the tensors and has no precision field (its manifest is unchanged
        # since before precisions existed); the others read them from the converted graph
        dtypes = graph_dtypes(path) if precision != "float32" else None
        models[role] = {
            "file": f"{role}.onnx",
            "sha256": sha256_of(path),
            **({"precision": precision} if dtypes else {}),
            "inputs": [tensor_info(n, t, spec.dynamic, dtypes) for n, t in spec.inputs.items()],
            "outputs": [tensor_info(n, t, spec.dynamic, dtypes) for n, t in zip(spec.outputs, outputs)],
            "preprocessing": spec.preprocessing,
        }
        if external:
            models[role]["externalData"] = [{"file": external, "sha256": sha256_of(os.path.join(out, external))}]
    with open(os.path.join(out, "config.json"), "w") as f:
        f.write(config.to_json() + "\n")
    bundle = {
        "format": 1,
        "name": config.name + BUNDLE_SUFFIX[precision],
        "version": VERSION,
        "kind": "generator",
        "description": describe(config, seed, loaded, precision),
        "models": models,
        "config": {**bundle_config(config, hierarchy),
                   "golden": {role: f"golden/{role}.safetensors" for role in models},
                   **({} if precision == "float32" else
                      {"goldenTolerance": {"relative": float(GOLDEN_TOLERANCE[precision][4:]),
                                           "meaning": TOLERANCE_MEANING + TOLERANCE_NOTE.get(precision, "")}})},
    }
    with open(os.path.join(out, "bundle.json"), "w") as f:
        json.dump(bundle, f, indent=2, sort_keys=False)
        f.write("\n")
    return bundle


def describe(config, seed, loaded, precision="float32"):
    if not loaded:
        text = (f"UNTRAINED: seeded random weights (seed {seed}) in the FantasyID architecture ({config.name}); "
                "proves plumbing, shapes and speed, does not generate a likeness.")
    else:
        text = f"{config.name}: weights loaded for {', '.join(loaded)}; other roles seeded random (seed {seed})."
    if precision == "float32":
        return text
    kept = "; ".join(f"{role} {', '.join(names)}" for role, names in FLOAT32_INPUTS.items())
    runs = "CPU and CUDA" if precision == "float16" else "CUDA only (no CPU kernels)"
    return (f"{text} Precision {precision}: weights and float inputs/outputs in {precision} except float32 inputs "
            f"({kept}); RoPE and timestep sinusoids computed in float32; runs on {runs}.")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Export the FantasyID generator roles to ONNX.")
    parser.add_argument("--config", choices=sorted(configs.CONFIGS), default="tiny")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True)
    parser.add_argument("--mesh", help="mesh hierarchy safetensors (required for configs other than FaceMesh-468)")
    parser.add_argument("--roles", nargs="+", choices=ROLES, default=list(ROLES))
    parser.add_argument("--weights", help="safetensors of `<role>.<parameter>` tensors to load over the seeded weights")
    parser.add_argument("--precision", choices=PRECISIONS, default="float32",
                        help="dtype of the weights and float inputs/outputs (float16 runs on CPU and CUDA, bfloat16 on "
                             "CUDA only)")
    parser.add_argument("--attention", choices=ATTENTION_KINDS, default="plain",
                        help="denoiser attention: plain MatMul-Softmax-MatMul, or fused com.microsoft::MultiHeadAttention")
    parser.add_argument("--dit-layers", type=int, help="DiT blocks instead of the config's num_layers")
    parser.add_argument("--no-learned-positions", action="store_true",
                        help="drop the DiT's learned position table (which fixes the latent grid)")
    parser.add_argument("--denoiser-latent", type=int, nargs=3, metavar=("F", "H", "W"),
                        help="latent frames, height, width to trace the denoiser at (needs dynamic latent axes)")
    args = parser.parse_args(argv)
    torch.set_num_threads(min(2, torch.get_num_threads()))
    config = with_dit_overrides(configs.CONFIGS[args.config](), args.dit_layers,
                                False if args.no_learned_positions else None)
    bundle = export_bundle(config, args.seed, args.out, args.mesh, args.roles, args.weights, args.precision,
                           args.attention, args.denoiser_latent)
    total = sum(os.path.getsize(os.path.join(args.out, f["file"])) for m in bundle["models"].values()
                for f in [m] + m.get("externalData", []))
    print(f"wrote {len(bundle['models'])} ONNX files ({total / 1e6:.2f} MB) and bundle.json to {args.out}")


if __name__ == "__main__":
    main()

"""Converts the released FantasyID transformer checkpoint into the `--weights` file of export.py.

  /usr/bin/python3 models/fantasyid/convert_checkpoint.py --checkpoint Fantasy-ID/transformer \\
      --out fantasyid-full.safetensors [--config full | --config-json config.json]

The released `transformer/` folder (github.com/Fantasy-AMAP/fantasy-id, `IDTransformer3DModel` in
models/transformer_id.py) holds one state dict: the CogVideoX-5B-I2V DiT with diffusers' names, the
42 `layer_attention` cross-attentions, and the ID branch (`face_abstractor`, `vertex_spiral_net`,
`vertex_reducer`). Every source key is either mapped onto a parameter of this repository's
`denoiser` / `id_encoder` modules or dropped for a stated reason (weights the released forward never
uses); anything else stops the conversion, as does any parameter of ours left unfilled or a shape
that differs. All listed at once.

The mapping only moves values (renames, one transpose, one slice), so the output keeps each
tensor's stored dtype (the release is bf16) bit for bit; export.py widens bf16 to float32 on load.
Input: one .safetensors file, a diffusers folder (sharded with
`diffusion_pytorch_model.safetensors.index.json`, or its `*.safetensors` files, as the released
loader globs them), or a `.bin` torch state dict.

FLAME's transform.pkl (the mesh hierarchy) is not converted here: see models/README.md.
"""
import argparse
import glob
import json
import os
import re
import sys
from typing import Callable, NamedTuple, Optional, Union

import numpy as np

if __package__ in (None, ""):  # run as a script: make the package importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "fantasyid"

from fantasyid import config as configs  # noqa: E402
from fantasyid import safetensors_io  # noqa: E402
from fantasyid.safetensors_io import RawTensor  # noqa: E402

INDEX_NAME = "diffusion_pytorch_model.safetensors.index.json"
BIN_NAME = "diffusion_pytorch_model.bin"


class ConversionError(Exception):
    """Everything wrong with a checkpoint, one problem per line."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) converting the checkpoint:\n  " + "\n  ".join(self.problems))


# Mapping rules ------------------------------------------------------------------------------------
# A transform gets the source tensor, its target shape and the config, and returns the value to store
# (a numpy array in the source dtype) or raises ValueError with what is wrong.

def transpose(array, target_shape, config):
    return array.T


def video_positions(array, target_shape, config):
    """diffusers' CogVideoXPatchEmbed.pos_embedding is [1, text + video, D], the text rows zero (built
    by `_get_positional_embeddings`); our denoiser adds positions to the video tokens only."""
    text = config.tokenizer.max_length
    if array.ndim != 3 or array.shape[1] != text + target_shape[1]:
        raise ValueError(f"shape {list(array.shape)} is not [1, {text} text + {target_shape[1]} video positions, D]")
    text_rows = array[:, :text]
    nonzero = int(np.count_nonzero(text_rows & 0x7FFF if array.dtype == np.uint16 else text_rows))
    if nonzero:
        raise ValueError(f"its first {text} (text) rows hold {nonzero} non-zero values; our denoiser adds no "
                         "positions to text tokens, so this checkpoint needs dit.py extended first")
    return array[:, text:]


class Rule(NamedTuple):
    pattern: str  # full match on the source key
    target: Union[str, Callable]  # re template (\1 ...) or function of the match
    transform: Optional[Callable] = None


def _regstage(m):
    """timm RegStage blocks b1, b2, ... and ConvNormAct's conv/bn -> our Sequential indices."""
    block, part, rest = int(m.group(2)) - 1, m.group(3), m.group(4)
    rest = re.sub(r"^(conv|bn)\.", lambda n: {"conv": "0.", "bn": "1."}[n.group(1)], rest) if part != "se" else rest
    return f"id_encoder.abstractor.abstractor.net.{m.group(1)}.{block}.{part}.{rest}"


def _reducer_conv(m):
    """Conv1DReducer4.conv_blockK (K from 1) -> ResConv1D.blocks.K-1; Conv1dBlock conv1d/group_norm -> 0/1."""
    layer = {"conv1d": 0, "group_norm": 1}[m.group(3)]
    return f"id_encoder.reducer.blocks.{int(m.group(1)) - 1}.{m.group(2)}.{layer}.{m.group(4)}"


def _reducer_residual(m):
    return f"id_encoder.reducer.blocks.{int(m.group(1)) - 1}.residual.{m.group(2)}"


WB = r"(weight|bias)"
D = "denoiser."
VB = "id_encoder.vertex_branch."
FUSION = r"vertex_spiral_net\.transformer\.layers\.(\d+)\."

RULES = (
    # diffusers CogVideoXTransformer3DModel (as copied into the released IDTransformer3DModel)
    Rule(rf"patch_embed\.proj\.{WB}", D + r"patch_embed.\1"),
    Rule(rf"patch_embed\.text_proj\.{WB}", D + r"text_proj.\1"),
    Rule(r"patch_embed\.pos_embedding", D + "pos_embed", video_positions),
    Rule(rf"time_embedding\.linear_1\.{WB}", D + r"time_embedding.0.\1"),
    Rule(rf"time_embedding\.linear_2\.{WB}", D + r"time_embedding.2.\1"),
    Rule(rf"transformer_blocks\.(\d+)\.(norm1|norm2)\.(linear|norm)\.{WB}", D + r"blocks.\1.\2.\3.\4"),
    Rule(rf"transformer_blocks\.(\d+)\.attn1\.(to_q|to_k|to_v|norm_q|norm_k)\.{WB}", D + r"blocks.\1.attn.\2.\3"),
    Rule(rf"transformer_blocks\.(\d+)\.attn1\.to_out\.0\.{WB}", D + r"blocks.\1.attn.to_out.\2"),
    Rule(rf"transformer_blocks\.(\d+)\.ff\.net\.0\.proj\.{WB}", D + r"blocks.\1.ff.0.\2"),
    Rule(rf"transformer_blocks\.(\d+)\.ff\.net\.2\.{WB}", D + r"blocks.\1.ff.2.\2"),
    Rule(rf"norm_final\.{WB}", D + r"norm_final.\1"),
    Rule(rf"norm_out\.linear\.{WB}", D + r"norm_out_linear.\1"),
    Rule(rf"norm_out\.norm\.{WB}", D + r"norm_out.\1"),
    Rule(rf"proj_out\.{WB}", D + r"proj_out.\1"),
    # released LayerAttention: norm1 normalises the ID tokens (kv), norm2 the video hidden states (q)
    Rule(rf"layer_attention\.(\d+)\.norm1\.{WB}", D + r"id_attention.\1.norm_id.\2"),
    Rule(rf"layer_attention\.(\d+)\.norm2\.{WB}", D + r"id_attention.\1.norm_hidden.\2"),
    Rule(r"layer_attention\.(\d+)\.(to_q|to_kv|to_out)\.weight", D + r"id_attention.\1.\2.weight"),
    # released FaceAbstractor: only mapping_4 and layers.9 (C-Abstractor, FeedForward) reach its output
    Rule(rf"face_abstractor\.mapping_4\.(\d+)\.{WB}", r"id_encoder.abstractor.mapping.\1.\2"),
    Rule(r"face_abstractor\.layers\.9\.0\.pos_emb", "id_encoder.abstractor.abstractor.pos_emb"),
    Rule(r"face_abstractor\.layers\.9\.0\.net\.([02])\.b(\d+)\.(conv1|conv2|conv3|downsample|se)\.(.+)", _regstage),
    Rule(rf"face_abstractor\.layers\.9\.0\.readout\.(\d+)\.{WB}", r"id_encoder.abstractor.abstractor.readout.\1.\2"),
    Rule(rf"face_abstractor\.layers\.9\.1\.(\d+)\.{WB}", r"id_encoder.abstractor.ff.\1.\2"),
    Rule(r"face_abstractor\.proj_out", "id_encoder.abstractor.proj_out.weight", transpose),  # x @ P = Linear(P^T)
    # released VertexSpiralNet
    Rule(r"vertex_spiral_net\.vtx_query", VB + "queries"),
    Rule(rf"vertex_spiral_net\.hw_down\.(\d+)\.(fc1|fc2)\.{WB}", VB + r"hw_down.\1.\2.\3"),
    Rule(FUSION + rf"0\.norm\.{WB}", VB + r"fusion.\1.norm1.\2"),
    Rule(FUSION + r"0\.fn\.to_qkv\.weight", VB + r"fusion.\1.attn.to_qkv.weight"),
    Rule(FUSION + rf"0\.fn\.to_out\.0\.{WB}", VB + r"fusion.\1.attn.to_out.\2"),
    Rule(FUSION + rf"1\.norm\.{WB}", VB + r"fusion.\1.norm2.\2"),
    Rule(FUSION + rf"1\.fn\.net\.0\.{WB}", VB + r"fusion.\1.mlp.fc1.\2"),
    Rule(FUSION + rf"1\.fn\.net\.3\.{WB}", VB + r"fusion.\1.mlp.fc2.\2"),
    Rule(rf"vertex_spiral_net\.vtx_upsampler\.de_layers\.(\d+)\.conv\.layer\.{WB}", VB + r"decoder.convs.\1.layer.\2"),
    # the last de_layer is a bare SpiralConv after the SpiralDeblocks (a second bare one would collide: reported)
    Rule(rf"vertex_spiral_net\.vtx_upsampler\.de_layers\.(\d+)\.layer\.{WB}", VB + r"decoder.last.layer.\2"),
    Rule(rf"vertex_spiral_net\.vtx_descriptor_head\.0\.{WB}", VB + r"head.\1"),
    # released Conv1DReducer4
    Rule(rf"vertex_reducer\.conv_block(\d+)\.(conv_in|conv_out)\.(conv1d|group_norm)\.{WB}", _reducer_conv),
    Rule(rf"vertex_reducer\.conv_block(\d+)\.residual_conv\.{WB}", _reducer_residual),
)

DROPPED = (
    (r"face_abstractor\.(latents|id_embedding_mapping\..+|mapping_[0-3]\..+|layers\.[0-8]\..+)",
     "FaceAbstractor.forward overwrites its result in every layer: only mapping_4 and layers.9 reach the output "
     "(the insightface embedding branch and the query latents are computed or defined but never used)"),
)


def target_name(key):
    """(our name, transform) for a source key, ('', reason) for a dropped one, or None if unmapped."""
    for rule in RULES:
        m = re.fullmatch(rule.pattern, key)
        if m:
            return (m.expand(rule.target) if isinstance(rule.target, str) else rule.target(m)), rule.transform
    for pattern, reason in DROPPED:
        if re.fullmatch(pattern, key):
            return "", reason
    return None


# Our side -----------------------------------------------------------------------------------------

def our_parameter_shapes(config):
    """name -> shape of every `denoiser.*` / `id_encoder.*` parameter, built on the meta device (no weights)."""
    import torch  # noqa: F401  (imported here: the reader and the mapping need only numpy)
    from fantasyid.dit import Denoiser
    from fantasyid.id_encoder import IdEncoder
    from fantasyid.shape_check import meta_device
    modules = {"denoiser": lambda: Denoiser(config.dit, config.id_dim),
               "id_encoder": lambda: IdEncoder(config, shape_only_hierarchy(config))}
    shapes = {}
    with meta_device():
        for role, build in modules.items():
            for name, tensor in build().state_dict().items():
                shapes[f"{role}.{name}"] = tuple(tensor.shape)
    return shapes


def shape_only_hierarchy(config):
    """A hierarchy with the config's level sizes and spiral length: parameter shapes depend on nothing else."""
    from fantasyid.mesh import MeshHierarchy
    sizes = config.vertex.mesh_levels
    spirals = [np.zeros((n, config.vertex.spiral_length), dtype=np.int64) for n in sizes]
    down = [(np.zeros((sizes[l + 1], 1), dtype=np.int64), np.ones((sizes[l + 1], 1), dtype=np.float32))
            for l in range(len(sizes) - 1)]
    up = [(np.zeros((sizes[l], 1), dtype=np.int64), np.ones((sizes[l], 1), dtype=np.float32))
          for l in range(len(sizes) - 1)]
    return MeshHierarchy(sizes, spirals, down, up)


# Reading ------------------------------------------------------------------------------------------

def read_checkpoint(path):
    """name -> RawTensor from a file or a diffusers folder; safetensors are memory-mapped."""
    if os.path.isdir(path):
        index = os.path.join(path, INDEX_NAME)
        if os.path.exists(index):
            with open(index) as f:
                files = sorted(set(json.load(f)["weight_map"].values()))
            files = [os.path.join(path, name) for name in files]
        else:
            files = sorted(glob.glob(os.path.join(path, "*.safetensors")))
            if not files and os.path.exists(os.path.join(path, BIN_NAME)):
                files = [os.path.join(path, BIN_NAME)]
        if not files:
            raise ConversionError([f"{path} holds no {INDEX_NAME}, *.safetensors or {BIN_NAME}"])
    else:
        files = [path]
    tensors = {}
    for file in files:
        for name, tensor in _read_file(file).items():
            if name in tensors:
                raise ConversionError([f"tensor {name!r} appears in more than one shard ({file})"])
            tensors[name] = tensor
    return tensors, files


def _read_file(path):
    if path.endswith(".safetensors"):
        return safetensors_io.load_raw(path)[0]
    import torch
    state = torch.load(path, map_location="cpu")
    out = {}
    for name, value in state.items():
        if value.dtype == torch.bfloat16:
            out[name] = RawTensor("BF16", value.view(torch.int16).numpy().view(np.uint16))
        else:
            out[name] = safetensors_io.raw(value.numpy())
    return out


def check_released_config(path, config):
    """Compares the released transformer/config.json (when it is there) with the config we convert into."""
    folder = path if os.path.isdir(path) else os.path.dirname(path)
    config_file = os.path.join(folder, "config.json")
    if not os.path.exists(config_file):
        return []
    with open(config_file) as f:
        released = json.load(f)
    d = config.dit
    expected = {"num_layers": d.num_layers, "num_attention_heads": d.heads, "attention_head_dim": d.head_dim,
                "in_channels": d.in_channels, "out_channels": d.out_channels, "patch_size": d.patch_size,
                "time_embed_dim": d.time_embed_dim, "text_embed_dim": d.text_embed_dim,
                "max_text_seq_length": config.tokenizer.max_length, "sample_height": d.sample_latent_height,
                "sample_width": d.sample_latent_width, "use_rotary_positional_embeddings": True,
                "use_learned_positional_embeddings": d.learned_positions, "is_train_face": True,
                "cross_attn_interval": d.injection.interval}
    return [f"{config_file}: {key} is {released[key]!r}, config {config.name} has {value!r}"
            for key, value in expected.items() if key in released and released[key] != value]


# Converting ---------------------------------------------------------------------------------------

class Conversion(NamedTuple):
    tensors: dict  # our name -> RawTensor
    dropped: dict  # source key -> reason


def convert(source, config):
    """Maps a released state dict (name -> RawTensor) onto our parameters; raises ConversionError
    listing every unmapped key, every parameter left unfilled, every shape or transform problem."""
    ours = our_parameter_shapes(config)
    out, dropped, filled_by, problems = {}, {}, {}, []
    for key in sorted(source):
        found = target_name(key)
        if found is None:
            problems.append(f"unmapped source tensor {key!r} {list(source[key].array.shape)}")
            continue
        name, transform = found
        if name == "":
            dropped[key] = transform
            continue
        if name not in ours:
            problems.append(f"source tensor {key!r} maps to {name!r}, which is not a parameter of config {config.name}")
            continue
        if name in filled_by:
            problems.append(f"{name!r} is filled by both {filled_by[name]!r} and {key!r}")
            continue
        filled_by[name] = key
        dtype, array = source[key]
        try:
            value = transform(array, ours[name], config) if transform else array
        except ValueError as e:
            problems.append(f"source tensor {key!r} for {name!r}: {e}")
            continue
        if tuple(value.shape) != ours[name]:
            problems.append(f"shape mismatch: source {key!r} {list(array.shape)}"
                            f"{' (after ' + transform.__name__ + ': ' + str(list(value.shape)) + ')' if transform else ''}"
                            f" vs our {name!r} {list(ours[name])}")
            continue
        out[name] = RawTensor(dtype, value)
    problems += [f"our parameter {name!r} {list(ours[name])} left unfilled: no source tensor maps to it"
                 for name in sorted(set(ours) - set(filled_by))]
    if problems:
        raise ConversionError(problems)
    return Conversion(out, dropped)


def summary(conversion, source):
    count = lambda shape: int(np.prod(shape)) if len(shape) else 1  # noqa: E731
    params = sum(count(t.array.shape) for t in conversion.tensors.values())
    nbytes = sum(t.array.nbytes for t in conversion.tensors.values())
    by_role = {}
    for name, t in conversion.tensors.items():
        by_role.setdefault(name.partition(".")[0], [0, 0])
        by_role[name.partition(".")[0]][0] += 1
        by_role[name.partition(".")[0]][1] += count(t.array.shape)
    dtypes = sorted({t.dtype for t in conversion.tensors.values()})
    lines = [f"source: {len(source)} tensors; mapped {len(conversion.tensors)}, dropped {len(conversion.dropped)} "
             "(unused by the released forward)"]
    lines += [f"  {role}: {n} tensors, {p:,} parameters" for role, (n, p) in sorted(by_role.items())]
    lines.append(f"written: {len(conversion.tensors)} tensors, {params:,} parameters, {nbytes:,} bytes ({', '.join(dtypes)})")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Convert the released FantasyID transformer checkpoint into "
                                                 "export.py's --weights file (denoiser.*, id_encoder.*).")
    parser.add_argument("--checkpoint", required=True,
                        help="released transformer folder (e.g. Fantasy-ID/transformer) or one .safetensors/.bin file")
    parser.add_argument("--out", required=True, help="output safetensors of `<role>.<parameter>` tensors")
    parser.add_argument("--config", choices=sorted(configs.CONFIGS), default="full")
    parser.add_argument("--config-json", help="a FantasyIDConfig JSON (e.g. a bundle's config.json) instead of --config")
    args = parser.parse_args(argv)
    if args.config_json:
        with open(args.config_json) as f:
            config = configs.FantasyIDConfig.from_json(f.read())
    else:
        config = configs.CONFIGS[args.config]()
    try:
        source, files = read_checkpoint(args.checkpoint)
        problems = check_released_config(args.checkpoint, config)
        if problems:
            raise ConversionError(problems)
        conversion = convert(source, config)
    except (ConversionError, ValueError) as e:
        raise SystemExit(f"{args.checkpoint}: {e}")
    safetensors_io.save_raw(args.out, conversion.tensors,
                            {"source": ", ".join(os.path.basename(f) for f in files), "config": config.name,
                             "converter": "models/fantasyid/convert_checkpoint.py"})
    print(summary(conversion, source))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

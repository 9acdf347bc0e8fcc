"""convert_checkpoint.py on a synthetic checkpoint in the released layout, at a small size.

`released_state_shapes` writes down the tensors IDTransformer3DModel(...).state_dict() holds, from the
released code (Fantasy-AMAP/fantasy-id models/transformer_id.py, face_abstractor.py, projectors.py,
vertex_encode.py) and the diffusers / timm modules it builds on (CogVideoXPatchEmbed, TimestepEmbedding,
CogVideoXLayerNormZero, Attention, FeedForward, AdaLayerNorm; timm RegStage/Bottleneck/ConvNormAct/SEModule,
Mlp) - independently of the converter's mapping, which is what is under test."""
import dataclasses
import json
import math

import numpy as np
import pytest
import torch

from fantasyid import config as configs
from fantasyid import export, safetensors_io
from fantasyid.convert_checkpoint import ConversionError, convert, main, read_checkpoint
from fantasyid.model import build_roles
from fantasyid.safetensors_io import RawTensor

ID_EMBED = 12  # the insightface embedding width (1280 released) at the small size: unused by the forward
FACE_LAYERS = 10  # FaceAbstractor(depth=10): 5 ViT levels x 2 (C-Abstractor, FeedForward) pairs


@pytest.fixture(scope="module")
def small():
    """tiny() with the released structure: learned video positions, no xyz embedding, 2 DiT layers."""
    t = configs.tiny()
    return t.replace(name="released-structure-small",
                     vertex=dataclasses.replace(t.vertex, embed_xyz=False),
                     dit=dataclasses.replace(t.dit, num_layers=2, learned_positions=True))


def released_state_shapes(c):
    """name -> shape of the released transformer's state dict at config c's sizes."""
    s = {}

    def linear(name, fan_in, fan_out, bias=True):  # nn.Linear weight is [out, in]
        s[f"{name}.weight"] = (fan_out, fan_in)
        if bias:
            s[f"{name}.bias"] = (fan_out,)

    def norm(name, dim):
        s[f"{name}.weight"] = s[f"{name}.bias"] = (dim,)

    # CogVideoX-5B-I2V DiT (diffusers names)
    d, text = c.dit, c.tokenizer.max_length
    inner, p, temb = d.heads * d.head_dim, d.patch_size, d.time_embed_dim
    s["patch_embed.proj.weight"], s["patch_embed.proj.bias"] = (inner, d.in_channels, p, p), (inner,)
    linear("patch_embed.text_proj", d.text_embed_dim, inner)
    video = d.sample_latent_frames * (d.sample_latent_height // p) * (d.sample_latent_width // p)
    s["patch_embed.pos_embedding"] = (1, text + video, inner)  # persistent buffer with learned positions
    linear("time_embedding.linear_1", inner, temb)
    linear("time_embedding.linear_2", temb, temb)
    for i in range(d.num_layers):
        b = f"transformer_blocks.{i}"
        for n in ("norm1", "norm2"):
            linear(f"{b}.{n}.linear", temb, 6 * inner)
            norm(f"{b}.{n}.norm", inner)
        for n in ("to_q", "to_k", "to_v"):
            linear(f"{b}.attn1.{n}", inner, inner)
        norm(f"{b}.attn1.norm_q", d.head_dim)
        norm(f"{b}.attn1.norm_k", d.head_dim)
        linear(f"{b}.attn1.to_out.0", inner, inner)
        linear(f"{b}.ff.net.0.proj", inner, 4 * inner)
        linear(f"{b}.ff.net.2", 4 * inner, inner)
    norm("norm_final", inner)
    linear("norm_out.linear", temb, 2 * inner)
    norm("norm_out.norm", inner)
    linear("proj_out", inner, p * p * d.out_channels)
    # LayerAttention(dim=inner, dim_head, heads, kv_dim=id width), num_layers // cross_attn_interval of them
    inj, kv = d.injection, c.id_dim
    for i in range(d.num_layers // inj.interval):
        a, qk = f"layer_attention.{i}", inj.heads * inj.head_dim
        norm(f"{a}.norm1", kv)
        norm(f"{a}.norm2", inner)
        linear(f"{a}.to_q", inner, qk, bias=False)
        linear(f"{a}.to_kv", kv, 2 * qk, bias=False)
        linear(f"{a}.to_out", qk, inner, bias=False)
    # FaceAbstractor
    ab, vit = c.abstractor, c.image_encoder
    s["face_abstractor.latents"] = (1, ab.num_queries, ab.dim)
    s["face_abstractor.proj_out"] = (ab.dim, ab.output_dim)  # a Parameter used as x @ proj_out
    for layer in range(FACE_LAYERS):
        cabs = f"face_abstractor.layers.{layer}.0"
        s[f"{cabs}.pos_emb"] = (1, vit.grid ** 2, ab.dim)
        for stage, (cin, cout) in (("0", (ab.dim, ab.cabs_hidden)), ("2", (ab.cabs_hidden, ab.cabs_hidden))):
            for block in range(ab.cabs_depth):  # timm RegStage: b1, b2, ...; Bottleneck with ConvNormAct conv/bn
                b, bin_ = f"{cabs}.net.{stage}.b{block + 1}", cin if block == 0 else cout
                se = int(round(bin_ * 0.25))
                s[f"{b}.conv1.conv.weight"] = (cout, bin_, 1, 1)
                s[f"{b}.conv2.conv.weight"] = (cout, 1, 3, 3)  # group_size 1: depthwise
                s[f"{b}.conv3.conv.weight"] = (cout, cout, 1, 1)
                for conv in ("conv1", "conv2", "conv3"):
                    norm(f"{b}.{conv}.bn", cout)  # LayerNorm2d
                s[f"{b}.se.fc1.weight"], s[f"{b}.se.fc1.bias"] = (se, cout, 1, 1), (se,)
                s[f"{b}.se.fc2.weight"], s[f"{b}.se.fc2.bias"] = (cout, se, 1, 1), (cout,)
                if bin_ != cout:
                    s[f"{b}.downsample.conv.weight"] = (cout, bin_, 1, 1)
                    norm(f"{b}.downsample.bn", cout)
        linear(f"{cabs}.readout.0", ab.cabs_hidden, ab.dim)
        linear(f"{cabs}.readout.2", ab.dim, ab.dim)
        ff = f"face_abstractor.layers.{layer}.1"
        norm(f"{ff}.0", ab.dim)
        linear(f"{ff}.1", ab.dim, ab.dim * ab.ff_mult, bias=False)
        linear(f"{ff}.3", ab.dim * ab.ff_mult, ab.dim, bias=False)
    m = ab.mapping_dim
    for name, fan_in, out in [(f"mapping_{i}", vit.width, ab.dim) for i in range(5)] + \
                             [("id_embedding_mapping", ID_EMBED, ab.dim * 5)]:
        linear(f"face_abstractor.{name}.0", fan_in, m)
        norm(f"face_abstractor.{name}.1", m)
        linear(f"face_abstractor.{name}.3", m, m)
        norm(f"face_abstractor.{name}.4", m)
        linear(f"face_abstractor.{name}.6", m, out)
    # VertexSpiralNet
    v, e = c.vertex, c.vertex.emb_dim
    s["vertex_spiral_net.vtx_query"] = (1, v.mesh_levels[-1], e)
    for i, (fan_in, out) in enumerate(zip(v.hw_down_dims, v.hw_down_dims[1:])):
        linear(f"vertex_spiral_net.hw_down.{i}.fc1", fan_in, fan_in)  # timm Mlp: hidden = in
        linear(f"vertex_spiral_net.hw_down.{i}.fc2", fan_in, out)
    for i in range(v.fusion_depth):
        t = f"vertex_spiral_net.transformer.layers.{i}"
        norm(f"{t}.0.norm", e)
        s[f"{t}.0.fn.to_qkv.weight"] = (3 * e, e)  # heads x (emb_dim / heads), no bias
        linear(f"{t}.0.fn.to_out.0", e, e)
        norm(f"{t}.1.norm", e)
        linear(f"{t}.1.fn.net.0", e, v.fusion_mlp_dim)
        linear(f"{t}.1.fn.net.3", v.fusion_mlp_dim, e)
    levels = len(v.mesh_levels) - 1
    for i in range(levels):
        linear(f"vertex_spiral_net.vtx_upsampler.de_layers.{i}.conv.layer", e * v.spiral_length, e)
    linear(f"vertex_spiral_net.vtx_upsampler.de_layers.{levels}.layer", e * v.spiral_length, e)
    linear("vertex_spiral_net.vtx_descriptor_head.0", e, e)
    # Conv1DReducer4
    r = c.resconv
    for k, (cin, cout, kernel) in enumerate(zip(r.channels, r.channels[1:], r.kernels)):
        blk = f"vertex_reducer.conv_block{k + 1}"
        s[f"{blk}.conv_in.conv1d.weight"], s[f"{blk}.conv_in.conv1d.bias"] = (cout, cin, kernel), (cout,)
        s[f"{blk}.conv_out.conv1d.weight"], s[f"{blk}.conv_out.conv1d.bias"] = (cout, cout, 3), (cout,)
        norm(f"{blk}.conv_in.group_norm", cout)
        norm(f"{blk}.conv_out.group_norm", cout)
        s[f"{blk}.residual_conv.weight"], s[f"{blk}.residual_conv.bias"] = (cout, cin, kernel), (cout,)
    return s


def bf16_values(shape, rng):
    """Distinct random values exactly representable in bfloat16, as their bit patterns."""
    values = rng.standard_normal(int(np.prod(shape))).astype(np.float32) * (1 + rng.random() * 3)
    return (values.view(np.uint32) >> 16).astype(np.uint16).reshape(shape)


def released_checkpoint(c, seed=0):
    rng = np.random.default_rng(seed)
    tensors = {name: RawTensor("BF16", bf16_values(shape, rng)) for name, shape in released_state_shapes(c).items()}
    tensors["patch_embed.pos_embedding"].array[:, :c.tokenizer.max_length] = 0  # text rows, as diffusers builds them
    return tensors


def write_sharded(tensors, folder):
    """A diffusers folder with two shards and the index, as save_pretrained writes large models."""
    folder.mkdir()
    names = sorted(tensors)
    shards = {"diffusion_pytorch_model-00001-of-00002.safetensors": names[::2],
              "diffusion_pytorch_model-00002-of-00002.safetensors": names[1::2]}
    weight_map = {}
    for file, keys in shards.items():
        safetensors_io.save_raw(str(folder / file), {k: tensors[k] for k in keys})
        weight_map.update({k: file for k in keys})
    (folder / "diffusion_pytorch_model.safetensors.index.json").write_text(json.dumps({"weight_map": weight_map}))
    return folder


def unused_by_released_forward(source):
    """FaceAbstractor.forward keeps only the last (mapping_4, layers.9) result and never uses id_cond's branch."""
    kept = ("face_abstractor.mapping_4.", "face_abstractor.layers.9.", "face_abstractor.proj_out")
    return {k for k in source if k.startswith("face_abstractor.") and not k.startswith(kept)}


def as_float(raw):
    return safetensors_io.bfloat16_to_float32(raw.array)


@pytest.fixture(scope="module")
def converted(small, facemesh, tmp_path_factory):
    """Source tensors, and our roles with the converted file loaded by export.py's loader."""
    tmp = tmp_path_factory.mktemp("convert")
    source = released_checkpoint(small)
    folder = write_sharded(source, tmp / "transformer")
    out = tmp / "weights.safetensors"
    config_json = tmp / "config.json"
    config_json.write_text(small.to_json())
    main(["--checkpoint", str(folder), "--out", str(out), "--config-json", str(config_json)])
    conversion = convert(read_checkpoint(str(folder))[0], small)
    roles = build_roles(small, facemesh, seed=0)
    assert export.load_weights(roles, str(out)) == ["denoiser", "id_encoder"]
    return source, roles, conversion


def ours(roles):
    return {f"{role}.{k}": v.numpy() for role in ("denoiser", "id_encoder") for k, v in roles[role].state_dict().items()}


def test_should_fill_every_parameter_with_exactly_one_source_tensor(small, converted):
    source, roles, conversion = converted
    by_values = {}
    for key, raw in source.items():
        if key not in conversion.dropped:
            by_values.setdefault(np.sort(as_float(raw), axis=None).tobytes(), []).append(key)
    text = small.tokenizer.max_length
    used, transposed = {}, []
    for name, value in ours(roles).items():
        if name == "denoiser.pos_embed":  # the video rows of the joint [text + video] table
            key = "patch_embed.pos_embedding"
            np.testing.assert_array_equal(value, as_float(source[key])[:, text:])
        else:
            keys = by_values.get(np.sort(value, axis=None).tobytes(), [])
            assert len(keys) == 1, f"{name}: {len(keys)} source tensors hold its values"
            key = keys[0]
            expected = as_float(source[key])
            if expected.shape == value.shape and np.array_equal(expected, value):
                pass
            else:
                np.testing.assert_array_equal(value, expected.T)
                transposed.append(name)
        used[name] = key
    assert transposed == ["id_encoder.abstractor.proj_out.weight"]
    mapped = sorted(k for k in source if k not in conversion.dropped)
    assert sorted(used.values()) == mapped  # each mapped source tensor used exactly once


def test_should_pair_names_as_the_released_modules_use_them(converted):
    source, roles, conversion = converted
    params = ours(roles)
    pairs = {  # the non-obvious renames
        "layer_attention.1.norm1.weight": "denoiser.id_attention.1.norm_id.weight",  # LN of the ID tokens
        "layer_attention.1.norm2.bias": "denoiser.id_attention.1.norm_hidden.bias",  # LN of the video tokens
        "time_embedding.linear_2.weight": "denoiser.time_embedding.2.weight",
        "norm_out.linear.bias": "denoiser.norm_out_linear.bias",
        "transformer_blocks.1.ff.net.0.proj.weight": "denoiser.blocks.1.ff.0.weight",
        "face_abstractor.mapping_4.6.weight": "id_encoder.abstractor.mapping.6.weight",
        "face_abstractor.layers.9.0.net.0.b1.downsample.bn.weight":
            "id_encoder.abstractor.abstractor.net.0.0.downsample.1.weight",
        "face_abstractor.layers.9.0.net.2.b1.conv2.conv.weight": "id_encoder.abstractor.abstractor.net.2.0.conv2.0.weight",
        "face_abstractor.layers.9.1.3.weight": "id_encoder.abstractor.ff.3.weight",
        "vertex_spiral_net.transformer.layers.1.1.fn.net.3.weight": "id_encoder.vertex_branch.fusion.1.mlp.fc2.weight",
        "vertex_spiral_net.vtx_upsampler.de_layers.0.conv.layer.weight": "id_encoder.vertex_branch.decoder.convs.0.layer.weight",
        "vertex_spiral_net.vtx_upsampler.de_layers.2.layer.bias": "id_encoder.vertex_branch.decoder.last.layer.bias",
        "vertex_reducer.conv_block4.conv_out.group_norm.weight": "id_encoder.reducer.blocks.3.conv_out.1.weight",
        "vertex_reducer.conv_block1.residual_conv.weight": "id_encoder.reducer.blocks.0.residual.weight",
    }
    for key, name in pairs.items():
        np.testing.assert_array_equal(params[name], as_float(source[key]), err_msg=f"{key} -> {name}")
    assert set(conversion.dropped) == unused_by_released_forward(source)


def test_should_compute_the_released_layer_attention_and_projection(small, converted):
    """The released LayerAttention.forward(x=id tokens, latents=video) and FaceAbstractor's `x2 @ proj_out`,
    written out from face_abstractor.py with the source tensors, against our modules."""
    source, roles, _ = converted
    w = {k: torch.from_numpy(as_float(v)) for k, v in source.items() if k.startswith("layer_attention.0.")}
    inj = small.dit.injection
    g = torch.Generator().manual_seed(3)
    ids, video = torch.randn(2, 5, small.id_dim, generator=g), torch.randn(2, 7, small.dit.width, generator=g)
    x = torch.nn.functional.layer_norm(ids, (small.id_dim,), w["layer_attention.0.norm1.weight"], w["layer_attention.0.norm1.bias"])
    latents = torch.nn.functional.layer_norm(video, (small.dit.width,), w["layer_attention.0.norm2.weight"],
                                             w["layer_attention.0.norm2.bias"])
    q = latents @ w["layer_attention.0.to_q.weight"].T
    k, v = (x @ w["layer_attention.0.to_kv.weight"].T).chunk(2, dim=-1)
    heads = lambda t: t.view(2, t.shape[1], inj.heads, -1).transpose(1, 2)  # noqa: E731
    scale = 1 / math.sqrt(math.sqrt(inj.head_dim))
    weight = torch.softmax((heads(q) * scale) @ (heads(k) * scale).transpose(-2, -1), dim=-1)
    out = (weight @ heads(v)).permute(0, 2, 1, 3).reshape(2, 7, -1) @ w["layer_attention.0.to_out.weight"].T
    with torch.no_grad():
        torch.testing.assert_close(roles["denoiser"].id_attention[0](video, ids), out, rtol=1e-5, atol=1e-5)
        tokens = torch.randn(2, 4, small.abstractor.dim, generator=g)
        released = tokens @ torch.from_numpy(as_float(source["face_abstractor.proj_out"]))
        torch.testing.assert_close(roles["id_encoder"].abstractor.proj_out(tokens), released, rtol=1e-5, atol=1e-5)


def test_should_keep_bf16_bits_and_write_a_file_export_loads(small, facemesh, tmp_path):
    source = released_checkpoint(small, seed=1)
    safetensors_io.save_raw(str(tmp_path / "one.safetensors"), source)
    out = tmp_path / "w.safetensors"
    (tmp_path / "cfg.json").write_text(small.to_json())
    main(["--checkpoint", str(tmp_path / "one.safetensors"), "--out", str(out),
          "--config-json", str(tmp_path / "cfg.json")])
    stored, metadata = safetensors_io.load_raw(str(out))
    assert metadata["source"] == "one.safetensors"
    assert {t.dtype for t in stored.values()} == {"BF16"}
    np.testing.assert_array_equal(stored["denoiser.blocks.0.attn.to_q.weight"].array,
                                  source["transformer_blocks.0.attn1.to_q.weight"].array)


def test_should_list_a_missing_key_by_our_parameter_name(small):
    source = released_checkpoint(small)
    del source["transformer_blocks.1.attn1.norm_k.bias"]
    del source["vertex_reducer.conv_block2.residual_conv.weight"]
    with pytest.raises(ConversionError) as e:
        convert(source, small)
    assert len(e.value.problems) == 2
    assert "our parameter 'denoiser.blocks.1.attn.norm_k.bias' [16] left unfilled" in str(e.value)
    assert "our parameter 'id_encoder.reducer.blocks.1.residual.weight' [64, 32, 5] left unfilled" in str(e.value)


def test_should_list_an_extra_key_as_unmapped(small):
    source = released_checkpoint(small)
    source["transformer_blocks.0.attn1.add_k_proj.weight"] = RawTensor("BF16", np.zeros((64, 64), dtype=np.uint16))
    source["face_abstractor.layers.10.1.0.weight"] = RawTensor("BF16", np.zeros(64, dtype=np.uint16))
    with pytest.raises(ConversionError) as e:
        convert(source, small)
    assert "unmapped source tensor 'transformer_blocks.0.attn1.add_k_proj.weight' [64, 64]" in str(e.value)
    assert "unmapped source tensor 'face_abstractor.layers.10.1.0.weight' [64]" in str(e.value)


def test_should_name_both_shapes_when_they_differ(small):
    source = released_checkpoint(small)
    source["proj_out.weight"] = RawTensor("BF16", np.zeros((32, 64), dtype=np.uint16))
    source["face_abstractor.proj_out"] = RawTensor("BF16", np.zeros((64, 32), dtype=np.uint16))
    with pytest.raises(ConversionError) as e:
        convert(source, small)
    assert "shape mismatch: source 'proj_out.weight' [32, 64] vs our 'denoiser.proj_out.weight' [16, 64]" in str(e.value)
    assert ("shape mismatch: source 'face_abstractor.proj_out' [64, 32] (after transpose: [32, 64]) "
            "vs our 'id_encoder.abstractor.proj_out.weight' [64, 64]") in str(e.value)


def test_should_refuse_text_positions_our_denoiser_cannot_add(small):
    source = released_checkpoint(small)
    source["patch_embed.pos_embedding"].array[0, 3, :5] = 0x3F80  # bfloat16 1.0 on a text row
    with pytest.raises(ConversionError, match=r"first 64 \(text\) rows hold 5 non-zero values"):
        convert(source, small)


def test_should_read_a_torch_bin_state_dict(small, tmp_path):
    source = {"proj_out.weight": torch.randn(16, 64).to(torch.bfloat16), "proj_out.bias": torch.randn(16)}
    torch.save(source, tmp_path / "diffusion_pytorch_model.bin")
    read, files = read_checkpoint(str(tmp_path))
    assert files == [str(tmp_path / "diffusion_pytorch_model.bin")]
    assert read["proj_out.weight"].dtype == "BF16" and read["proj_out.bias"].dtype == "F32"
    torch.testing.assert_close(torch.from_numpy(as_float(read["proj_out.weight"])), source["proj_out.weight"].float())


def test_should_check_the_released_config_json(small, tmp_path):
    source = released_checkpoint(small)
    folder = write_sharded(source, tmp_path / "transformer")
    (folder / "config.json").write_text(json.dumps({"num_layers": 42, "attention_head_dim": 16, "is_train_face": True}))
    with pytest.raises(SystemExit, match="num_layers is 42, config idstream-generator-tiny has 4"):
        main(["--checkpoint", str(folder), "--out", str(tmp_path / "w.safetensors"), "--config", "tiny"])


def test_should_map_the_full_size_release_onto_the_full_config(full):
    """Shapes only (every tensor a broadcast zero, nothing allocated): the released layout at CogVideoX-5B-I2V /
    FantasyID sizes fills every parameter of the full config."""
    source = {name: RawTensor("BF16", np.broadcast_to(np.uint16(0), shape))
              for name, shape in released_state_shapes(full).items()}
    conversion = convert(source, full)
    assert source["patch_embed.pos_embedding"].array.shape == (1, 226 + 13 * 30 * 45, 3072)
    assert conversion.tensors["denoiser.pos_embed"].array.shape == (1, 17550, 3072)
    assert set(conversion.dropped) == unused_by_released_forward(source)
    params = sum(int(np.prod(t.array.shape)) for t in conversion.tensors.values())
    assert 6.0e9 < params < 7.0e9, params

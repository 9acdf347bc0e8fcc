import hashlib
import json
import os

import numpy as np
import pytest
import torch

from conftest import BUNDLE
from golden_check import golden_check, golden_pairs
from fantasyid import safetensors_io
from fantasyid.export import export_bundle, exported_module
from fantasyid.model import ROLES
from fantasyid.vae import ChunkedVAEDecoder, cache_names


def _sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


@pytest.fixture(scope="module")
def bundle():
    with open(os.path.join(BUNDLE, "bundle.json")) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def reexported(tiny, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("reexport"))
    export_bundle(tiny, seed=0, out=out)
    return out


def test_should_write_manifest_in_agreed_format(bundle):
    assert bundle["format"] == 1 and bundle["kind"] == "generator"
    assert bundle["name"] == "idstream-generator-tiny" and bundle["version"] == "0.1.0"
    assert bundle["description"].startswith("UNTRAINED")
    assert sorted(bundle["models"]) == sorted(ROLES)
    assert set(bundle) == {"format", "name", "version", "kind", "description", "models", "config"}
    for role, model in bundle["models"].items():
        assert set(model) == {"file", "sha256", "inputs", "outputs", "preprocessing"}
        path = os.path.join(BUNDLE, model["file"])
        assert model["sha256"] == _sha256(path), role
        for io in model["inputs"] + model["outputs"]:
            assert set(io) == {"name", "dtype", "shape"} and io["dtype"] in ("float32", "int64")
            assert io["shape"][0] == -1  # batch is dynamic everywhere
        assert isinstance(model["preprocessing"], dict)
    config = bundle["config"]
    assert config["scheduler"]["beta_schedule"] == "scaled_linear"
    assert config["scheduler"]["timestep_spacing"] == "trailing"
    assert config["latent"]["shape"] == [3, 4, 8, 12]
    assert config["tokenizer"] == {"kind": "byte", "max_length": 64, "pad_id": 0, "eos_id": 1, "unk_id": 2,
                                   "byte_offset": 3}


def test_should_keep_committed_bundle_small():
    total = sum(os.path.getsize(os.path.join(root, f)) for root, _, files in os.walk(BUNDLE) for f in files)
    assert total < 10_000_000


def test_should_export_identical_bytes_when_seed_is_the_same(bundle, reexported):
    for role, model in bundle["models"].items():
        assert _sha256(os.path.join(reexported, model["file"])) == model["sha256"], role
        # Golden inputs are seeded and must be identical; golden outputs come from PyTorch and depend on the BLAS build
        # (reference BLAS vs OpenBLAS sum in different orders), so they are compared with a tolerance.
        golden = bundle["config"]["golden"][role]
        mine, _ = safetensors_io.load(os.path.join(reexported, golden))
        committed, _ = safetensors_io.load(os.path.join(BUNDLE, golden))
        assert mine.keys() == committed.keys(), role
        for name in committed:
            if name.startswith("input."):
                np.testing.assert_array_equal(mine[name], committed[name], err_msg=f"{role} {name}")
            else:
                np.testing.assert_allclose(mine[name], committed[name], rtol=0, atol=1e-4, err_msg=f"{role} {name}")
    with open(os.path.join(reexported, "bundle.json")) as f:
        assert json.load(f) == bundle


def test_should_export_different_weights_when_seed_changes(tiny, bundle, tmp_path):
    export_bundle(tiny, seed=1, out=str(tmp_path), roles_to_export=["text_encoder"])
    assert _sha256(str(tmp_path / "text_encoder.onnx")) != bundle["models"]["text_encoder"]["sha256"]


def test_should_reproduce_golden_outputs_in_pytorch(tiny_roles, bundle):
    for role, model in bundle["models"].items():
        tensors, meta = safetensors_io.load(os.path.join(BUNDLE, bundle["config"]["golden"][role]))
        inputs = [torch.from_numpy(tensors[f"input.{i['name']}"].copy()) for i in model["inputs"]]
        with torch.no_grad():
            out = exported_module(tiny_roles, role)(*inputs)
        out = (out[0] if isinstance(out, tuple) else out).numpy()
        # 1e-4: the project's PyTorch-vs-ONNX tolerance; BLAS builds differ by ~1e-5 in summation order.
        np.testing.assert_allclose(out, tensors[f"output.{model['outputs'][0]['name']}"], rtol=0, atol=1e-4,
                                   err_msg=role)
        assert meta["role"] == role


def test_should_match_pytorch_within_1e_4_in_onnx_runtime(bundle):
    golden_check([(os.path.join(BUNDLE, m["file"]), os.path.join(BUNDLE, bundle["config"]["golden"][role]))
                   for role, m in bundle["models"].items()])


def test_should_accept_other_batch_and_latent_sizes_in_onnx_runtime(tiny_roles, bundle, tmp_path):
    """Dynamic axes: one request (batch 1, no CFG), a smaller latent grid, a 9-frame VAE encode,
    a 1-frame VAE decode and a batch of two identities."""
    g = torch.Generator().manual_seed(7)
    cases = {
        "denoiser": (torch.randn(1, 5, 8, 4, 6, generator=g), torch.tensor([10.0]),
                     torch.randn(1, 64, 64, generator=g), torch.randn(1, 44, 64, generator=g)),
        "vae_encoder": (torch.rand(1, 9, 3, 32, 48, generator=g) * 2 - 1,),
        "vae_decoder": (torch.randn(1, 1, 4, 4, 6, generator=g), *tiny_roles["vae_decoder"].empty_caches()),
        "id_encoder": (torch.randn(2, 145, 64, generator=g), torch.rand(2, 468, 3, generator=g) * 2 - 1),
        "text_encoder": (torch.randint(0, 259, (3, 64), generator=g),),
    }
    golden_check(golden_pairs(BUNDLE, bundle, tiny_roles, cases.items(), tmp_path))


def test_should_export_loaded_weights_when_given_a_weights_file(tiny, tiny_roles, tmp_path):
    from fantasyid.model import build_roles
    from conftest import FACEMESH
    from fantasyid.mesh import MeshHierarchy
    other = build_roles(tiny, MeshHierarchy.load(FACEMESH), seed=5)
    weights = {f"text_encoder.{k}": v.numpy() for k, v in other["text_encoder"].state_dict().items()}
    safetensors_io.save(str(tmp_path / "w.safetensors"), weights)
    export_bundle(tiny, seed=5, out=str(tmp_path / "seeded"), roles_to_export=["text_encoder"])
    loaded = export_bundle(tiny, seed=0, out=str(tmp_path / "loaded"), roles_to_export=["text_encoder"],
                           weights=str(tmp_path / "w.safetensors"))
    assert _sha256(str(tmp_path / "loaded" / "text_encoder.onnx")) == _sha256(str(tmp_path / "seeded" / "text_encoder.onnx"))
    assert "weights loaded for text_encoder" in loaded["description"]


def test_should_reject_weights_for_unknown_role(tiny, tmp_path):
    safetensors_io.save(str(tmp_path / "w.safetensors"), {"unet.weight": np.zeros(2, dtype=np.float32)})
    with pytest.raises(SystemExit, match="names no role"):
        export_bundle(tiny, seed=0, out=str(tmp_path), roles_to_export=["text_encoder"],
                      weights=str(tmp_path / "w.safetensors"))


def test_should_pass_onnx_checker_with_opset_17_and_manifest_names(bundle):
    import onnx
    for role, model in bundle["models"].items():
        proto = onnx.load(os.path.join(BUNDLE, model["file"]))
        onnx.checker.check_model(proto)
        assert [o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")] == [17]
        assert [i.name for i in proto.graph.input] == [i["name"] for i in model["inputs"]], role
        assert [o.name for o in proto.graph.output] == [o["name"] for o in model["outputs"]], role


def test_should_decode_in_chunks_exactly_in_onnx_runtime(tiny_roles, tmp_path):
    """13 latent frames (49 video frames) in chunks of 2 carrying the conv cache: every chunk's video and caches
    from ONNX Runtime match PyTorch, and the chunks put together match one whole decode."""
    decoder = tiny_roles["vae_decoder"]
    exported = ChunkedVAEDecoder(decoder)
    names_in, names_out = cache_names(len(decoder.cache_channels()))
    latents = torch.randn(1, 13, 4, 4, 6, generator=torch.Generator().manual_seed(11))
    caches, parts, pairs = decoder.empty_caches(), [], []
    with torch.no_grad():
        whole = decoder(latents)
        for i, start in enumerate(range(0, 13, 2)):
            chunk = latents[:, start:start + 2]
            video, *returned = exported(chunk, *caches)
            tensors = {"input.latents": chunk.numpy(), "output.video": video.numpy()}
            tensors.update({f"input.{n}": c.numpy() for n, c in zip(names_in, caches)})
            tensors.update({f"output.{n}": c.numpy() for n, c in zip(names_out, returned)})
            path = str(tmp_path / f"chunk{i}.safetensors")
            safetensors_io.save(path, tensors)
            pairs.append((os.path.join(BUNDLE, "vae_decoder.onnx"), path))
            parts.append(video)
            caches = returned
    assert (torch.cat(parts, dim=1) - whole).abs().max() <= 1e-5
    golden_check(pairs, tolerance=1e-4, outputs_per_pair=1 + len(names_out))

"""Shape-only run of every role on PyTorch's meta device: no weights are allocated, so the
full-size config (a 5B-parameter DiT) is checked in seconds.

  /usr/bin/python3 models/fantasyid/shape_check.py --config full [--mesh flame.safetensors]

Without --mesh, a synthetic surface with the config's vertex count stands in for the mesh."""
import argparse
import contextlib
import os
import sys

import torch
from torch.overrides import TorchFunctionMode

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "fantasyid"

from fantasyid import config as configs  # noqa: E402
from fantasyid import mesh_build  # noqa: E402
from fantasyid.mesh import MeshHierarchy  # noqa: E402
from fantasyid.model import build_roles  # noqa: E402

_FACTORIES = {torch.empty, torch.zeros, torch.ones, torch.randn, torch.rand, torch.full, torch.arange,
              torch.linspace, torch.tensor, torch.zeros_like, torch.ones_like}


class _MetaFactories(TorchFunctionMode):
    """Creates every tensor from a factory function on the meta device."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        if func in _FACTORIES:
            kwargs["device"] = "meta"
        return func(*args, **kwargs)


@contextlib.contextmanager
def meta_device():
    with _MetaFactories():
        yield


def synthetic_hierarchy(config):
    """A bumpy grid with the config's vertex count, decimated by the same algorithm as FaceMesh."""
    positions, triangles = mesh_build.synthetic_surface(config.vertex.mesh_levels[0])
    return mesh_build.build_hierarchy(positions, triangles, list(config.vertex.mesh_levels),
                                      config.vertex.spiral_length, {"source": "synthetic surface"})


def default_inputs(config, batch=2):
    """Meta tensors with the default request's shapes; the denoiser gets a CFG batch."""
    d = config.defaults
    frames, c, h, w = config.latent_shape(d.frames, d.height, d.width)
    img = config.image_encoder

    def t(*shape, dtype=torch.float32):
        return torch.empty(*shape, dtype=dtype, device="meta")

    return {
        "image_encoder": (t(1, 3, img.image_size, img.image_size),),
        "id_encoder": (t(1, img.num_tokens, img.width), t(1, config.vertex.mesh_levels[0], 3)),
        "text_encoder": (t(batch, config.tokenizer.max_length, dtype=torch.int64),),
        "denoiser": (t(batch, frames, 2 * c, h, w), t(batch), t(batch, config.tokenizer.max_length,
                                                                   config.text_encoder.width),
                     t(batch, config.num_id_tokens, config.id_dim)),
        "vae_encoder": (t(1, d.frames, 3, d.height, d.width),),
        "vae_decoder": (t(1, frames, c, h, w),),
    }


def run_shapes(config, hierarchy):
    """role -> (input shapes, output shape, parameter count), computed on the meta device."""
    with meta_device():
        roles = build_roles(config, hierarchy).to("meta")  # mesh buffers too
        inputs = default_inputs(config)
        result = {}
        with torch.no_grad():
            for role, module in roles.items():
                out = module(*inputs[role])
                result[role] = ([list(x.shape) for x in inputs[role]], list(out.shape),
                                sum(p.numel() for p in module.parameters()))
    return result


def main():
    parser = argparse.ArgumentParser(description="Shape-only check of every role on the meta device.")
    parser.add_argument("--config", choices=sorted(configs.CONFIGS), default="full")
    parser.add_argument("--mesh")
    args = parser.parse_args()
    config = configs.CONFIGS[args.config]()
    hierarchy = MeshHierarchy.load(args.mesh) if args.mesh else synthetic_hierarchy(config)
    for role, (ins, out, params) in run_shapes(config, hierarchy).items():
        print(f"{role:14s} {params / 1e6:10.2f} M params  {ins} -> {out}")


if __name__ == "__main__":
    main()

"""Vertex branch: 3D face vertices + 2D face tokens -> per-vertex features [B, N_0, emb_dim].

As the released FantasyID code: the vertices are pooled down the mesh hierarchy to the coarsest
level; each coarse vertex is a learned query plus a sinusoidal encoding of its depth
(0.5 * z + 0.5); with `embed_xyz` (tiny config) a linear embedding of (x, y, z) is added too, so
that shape edits in x and y reach the model. The 2D tokens are mapped down (timm Mlp chain) and
concatenated; a fusion transformer mixes both; the coarse-vertex tokens go through the SpiralNet++
decoder (upsample, spiral conv, ELU per level, then a last spiral conv) and a linear head.

Vertices are expected in the face's canonical frame (pose and expression removed), centred and
scaled to about [-1, 1]; x right, y up, z towards the viewer."""
import math

import torch
from torch import nn
from torch.nn import functional as F

from .config import VertexBranchConfig
from .layers import Mlp, TransformerBlock
from .mesh import MeshHierarchy, SparsePool, SpiralConv


class DepthEncoding(nn.Module):
    """sin/cos of (2*pi*depth / T^(2*floor(i/2)/C)), even channels sin, odd channels cos."""

    def __init__(self, dim, temperature):
        super().__init__()
        i = torch.arange(dim, dtype=torch.float32)
        self.register_buffer("inv_freq", 2 * math.pi / temperature ** (2 * torch.div(i, 2, rounding_mode="floor") / dim),
                             persistent=False)

    def forward(self, depth):  # [B, N, 1]
        angles = depth * self.inv_freq
        return torch.stack([torch.sin(angles[..., 0::2]), torch.cos(angles[..., 1::2])], dim=-1).flatten(2)


class SpiralDecoder(nn.Module):
    def __init__(self, dim, hierarchy: MeshHierarchy):
        super().__init__()
        levels = len(hierarchy.sizes) - 1
        self.ups = nn.ModuleList(SparsePool(*hierarchy.up[l]) for l in reversed(range(levels)))
        self.convs = nn.ModuleList(SpiralConv(dim, dim, hierarchy.spirals[l]) for l in reversed(range(levels)))
        self.last = SpiralConv(dim, dim, hierarchy.spirals[0])

    def forward(self, x):
        for up, conv in zip(self.ups, self.convs):
            x = F.elu(conv(up(x)))
        return self.last(x)


class VertexBranch(nn.Module):
    def __init__(self, config: VertexBranchConfig, hierarchy: MeshHierarchy):
        super().__init__()
        hierarchy.require(config.mesh_levels, config.spiral_length)
        self.num_coarse = config.mesh_levels[-1]
        self.downs = nn.ModuleList(SparsePool(*d) for d in hierarchy.down)
        self.queries = nn.Parameter(torch.randn(1, self.num_coarse, config.emb_dim) * 0.02)
        self.depth_encoding = DepthEncoding(config.emb_dim, config.depth_temperature)
        self.xyz_embed = nn.Linear(3, config.emb_dim) if config.embed_xyz else None
        dims = config.hw_down_dims
        self.hw_down = nn.Sequential(*(Mlp(dims[i], dims[i], dims[i + 1]) for i in range(len(dims) - 1)))
        dim = config.emb_dim
        self.fusion = nn.Sequential(*(TransformerBlock(dim, config.fusion_heads, config.fusion_mlp_dim, qkv_bias=False)
                                      for _ in range(config.fusion_depth)))
        self.decoder = SpiralDecoder(dim, hierarchy)
        self.head = nn.Linear(dim, dim)

    def forward(self, vertices, face_tokens):
        coarse = vertices
        for down in self.downs:
            coarse = down(coarse)
        tokens = self.queries + self.depth_encoding(0.5 * coarse[:, :, 2:] + 0.5)
        if self.xyz_embed is not None:
            tokens = tokens + self.xyz_embed(coarse)
        x = self.fusion(torch.cat([tokens, self.hw_down(face_tokens)], dim=1))
        return self.head(self.decoder(x[:, :self.num_coarse]))

"""Building blocks shared by several parts. Written so that torch.onnx (opset 17) exports them
with plain ops: manual attention (no fused kernels), reshapes from traced sizes."""
import math

import torch
from torch import nn
from torch.nn import functional as F


def split_heads(x, heads):
    """[B, L, H*D] -> [B, H, L, D]."""
    return x.reshape(x.shape[0], x.shape[1], heads, -1).transpose(1, 2)


def merge_heads(x):
    """[B, H, L, D] -> [B, L, H*D]."""
    x = x.transpose(1, 2)
    return x.reshape(x.shape[0], x.shape[1], -1)


def attention(q, k, v):
    """Scaled dot-product attention on [B, H, L, D] tensors."""
    scale = 1.0 / math.sqrt(q.shape[-1])
    weights = torch.softmax(torch.matmul(q, k.transpose(-2, -1)) * scale, dim=-1)
    return torch.matmul(weights, v)


class SelfAttention(nn.Module):
    def __init__(self, dim, heads, head_dim, qkv_bias):
        super().__init__()
        self.heads = heads
        self.to_qkv = nn.Linear(dim, 3 * heads * head_dim, bias=qkv_bias)
        self.to_out = nn.Linear(heads * head_dim, dim)

    def forward(self, x):
        q, k, v = self.to_qkv(x).chunk(3, dim=-1)
        out = attention(split_heads(q, self.heads), split_heads(k, self.heads), split_heads(v, self.heads))
        return self.to_out(merge_heads(out))


class Mlp(nn.Module):
    """Linear -> GELU -> Linear (timm's Mlp; hidden defaults to the input width)."""

    def __init__(self, dim, hidden, out=None):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, out or dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class TransformerBlock(nn.Module):
    """Pre-LN block: x + Attn(LN(x)); x + Mlp(LN(x))."""

    def __init__(self, dim, heads, mlp_dim, qkv_bias=True):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = SelfAttention(dim, heads, dim // heads, qkv_bias)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, mlp_dim)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over the channels of an NCHW tensor (timm's LayerNorm2d)."""

    def __init__(self, channels, eps=1e-6):
        super().__init__(channels, eps=eps)

    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


def timestep_embedding(timesteps, dim, max_period=10000.0):
    """diffusers' get_timestep_embedding with flip_sin_to_cos=True, downscale_freq_shift=0:
    [cos(t * f_i), sin(t * f_i)] with f_i = max_period^(-i / (dim/2))."""
    half = dim // 2
    exponent = torch.arange(half, dtype=torch.float32, device=timesteps.device) * (-math.log(max_period) / half)
    args = timesteps.float()[:, None] * torch.exp(exponent)[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)

"""Building blocks shared by several parts. Written so that torch.onnx (opset 17) exports them
with plain ops: manual attention (no fused kernels), reshapes from traced sizes. The one exception is
`multi_head_attention`, which exports as ONNX Runtime's fused contrib op (see ATTENTION_KINDS)."""
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


# How a module's attention is exported: "plain" MatMul-Softmax-MatMul (standard ONNX, materialises the
# [B, H, Lq, Lk] scores), or "fused": one com.microsoft::MultiHeadAttention node, which ONNX Runtime runs with
# flash / memory-efficient kernels (CUDA, fp16) or its tiled CPU kernel, never holding the whole score tensor.
ATTENTION_KINDS = ("plain", "fused")


class _MultiHeadAttention(torch.autograd.Function):
    """PyTorch computes the plain math; torch.onnx writes the Function as one MultiHeadAttention node."""

    @staticmethod
    def forward(ctx, q, k, v, heads, scale):
        weights = torch.softmax(torch.matmul(split_heads(q, heads), split_heads(k, heads).transpose(-2, -1)) * scale,
                                dim=-1)
        return merge_heads(torch.matmul(weights, split_heads(v, heads)))

    @staticmethod
    def symbolic(g, q, k, v, heads, scale):
        # ORT contract (ContribOperators.md): query [B, S, N*H], key [B, L, N*H], value [B, L, N*Hv] -> [B, S, N*Hv];
        # num_heads required; scale defaults to 1/sqrt(H), written out so no reader has to know the default
        out = g.op("com.microsoft::MultiHeadAttention", q, k, v, num_heads_i=heads, scale_f=scale)
        out.setType(q.type())
        return out


def multi_head_attention(q, k, v, heads, head_dim):
    """Scaled dot-product attention on [B, L, H*D] tensors (heads packed in the last axis, D = head_dim) ->
    [B, Lq, H*D]; exported as com.microsoft::MultiHeadAttention (opset domain com.microsoft, version 1). head_dim
    comes from the module's config: read from the traced q it would be a tensor (a TracerWarning per call)."""
    return _MultiHeadAttention.apply(q, k, v, heads, 1.0 / math.sqrt(head_dim))


def set_attention(module, kind):
    """Selects the attention export of every submodule that offers both (attribute `attention_kind`)."""
    if kind not in ATTENTION_KINDS:
        raise ValueError(f"attention must be one of {ATTENTION_KINDS}, got {kind!r}")
    for m in module.modules():
        if hasattr(m, "attention_kind"):
            m.attention_kind = kind
    return module


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

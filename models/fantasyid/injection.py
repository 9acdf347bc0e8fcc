"""Ways the ID descriptor V_F enters the DiT (see InjectionConfig)."""
import torch
from torch import nn

from .layers import attention, merge_heads, multi_head_attention, split_heads


class LayerIdAttention(nn.Module):
    """FantasyID's per-layer injection (released `LayerAttention`):
    CrossAttn(q = LN(video), k, v = LN(V_F)), bias-free projections, out projection to the DiT width.
    With `to_out` zero it is an exact no-op."""

    def __init__(self, dim, id_dim, heads, head_dim):
        super().__init__()
        self.heads, self.head_dim = heads, head_dim
        self.attention_kind = "plain"  # layers.ATTENTION_KINDS
        inner = heads * head_dim
        self.norm_id = nn.LayerNorm(id_dim)
        self.norm_hidden = nn.LayerNorm(dim)
        self.to_q = nn.Linear(dim, inner, bias=False)
        self.to_kv = nn.Linear(id_dim, 2 * inner, bias=False)
        self.to_out = nn.Linear(inner, dim, bias=False)

    def forward(self, hidden, id_tokens):
        q_packed = self.to_q(self.norm_hidden(hidden))
        q = split_heads(q_packed, self.heads)
        k, v = self.to_kv(self.norm_id(id_tokens)).chunk(2, dim=-1)
        if self.attention_kind == "fused":
            return self.to_out(multi_head_attention(q_packed, k, v, self.heads, self.head_dim))
        out = attention(q, split_heads(k, self.heads), split_heads(v, self.heads))
        return self.to_out(merge_heads(out))


class LayerFeatureAdapter(nn.Module):
    """The paper's layer-aware block F_l: LN(V_F + Conv1d_k(V_F)), the conv running along the tokens."""

    def __init__(self, id_dim, kernel):
        super().__init__()
        self.conv = nn.Conv1d(id_dim, id_dim, kernel, padding=kernel // 2)
        self.norm = nn.LayerNorm(id_dim)

    def forward(self, id_tokens):
        return self.norm(id_tokens + self.conv(id_tokens.transpose(1, 2)).transpose(1, 2))


class PerceiverAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.norm_x = nn.LayerNorm(dim)
        self.norm_latents = nn.LayerNorm(dim)
        self.to_q = nn.Linear(dim, dim, bias=False)
        self.to_kv = nn.Linear(dim, 2 * dim, bias=False)
        self.to_out = nn.Linear(dim, dim, bias=False)

    def forward(self, x, latents):
        latents_n = self.norm_latents(latents)
        context = torch.cat([self.norm_x(x), latents_n], dim=1)
        k, v = self.to_kv(context).chunk(2, dim=-1)
        out = attention(split_heads(self.to_q(latents_n), self.heads), split_heads(k, self.heads),
                        split_heads(v, self.heads))
        return self.to_out(merge_heads(out))


class IdResampler(nn.Module):
    """ID-Animator's Q-Former-style resampler: learned queries read V_F through perceiver attention."""

    def __init__(self, id_dim, queries, depth, heads):
        super().__init__()
        self.queries = nn.Parameter(torch.randn(1, queries, id_dim) * id_dim ** -0.5)
        self.layers = nn.ModuleList(nn.ModuleList([
            PerceiverAttention(id_dim, heads),
            nn.Sequential(nn.LayerNorm(id_dim), nn.Linear(id_dim, 4 * id_dim, bias=False), nn.GELU(),
                          nn.Linear(4 * id_dim, id_dim, bias=False))]) for _ in range(depth))
        self.norm_out = nn.LayerNorm(id_dim)

    def forward(self, id_tokens):
        latents = self.queries.expand(id_tokens.shape[0], -1, -1)
        for attn, ff in self.layers:
            latents = latents + attn(id_tokens, latents)
            latents = latents + ff(latents)
        return self.norm_out(latents)


class DecoupledIdKeysValues(nn.Module):
    """Keys and values of the ID tokens for ID-Animator's decoupled attention inside a DiT block."""

    def __init__(self, id_dim, heads, head_dim):
        super().__init__()
        self.heads = heads
        self.to_k = nn.Linear(id_dim, heads * head_dim, bias=False)
        self.to_v = nn.Linear(id_dim, heads * head_dim, bias=False)
        self.norm_k = nn.LayerNorm(head_dim, eps=1e-6)

    def forward(self, id_tokens):
        return self.norm_k(split_heads(self.to_k(id_tokens), self.heads)), split_heads(self.to_v(id_tokens), self.heads)

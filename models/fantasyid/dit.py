"""CogVideoX-style MM-DiT denoiser with per-layer ID injection.

Inputs (layout B, F, C, H, W as diffusers' CogVideoX transformer):
  latents [B, F, 2C, H, W]  noisy latents channel-concatenated with the reference latents
                            (the reference latent in frame 0, zeros after it: CogVideoX-I2V);
  timestep [B] (float); text_hidden_states [B, L, text_dim]; id_tokens (V_F) [B, N_id, id_dim].
Output: [B, F, C, H, W], the v-prediction (or epsilon, per config) of the noisy latents.

Text and video tokens share one joint attention and one feed-forward, each stream with its own
adaptive LayerNorm (shift, scale, gate) from the timestep embedding. Video tokens get 3D RoPE on
q and k (computed in the graph from the latent shape, so any latent size runs); with
`learned_positions` (CogVideoX-5B-I2V) a learned embedding for the sample grid is added as well,
which fixes the latent size."""
import torch
from torch import nn
from torch.nn import functional as F

from .config import DiTConfig
from .injection import DecoupledIdKeysValues, IdResampler, LayerFeatureAdapter, LayerIdAttention
from .layers import attention, merge_heads, multi_head_attention, split_heads, timestep_embedding


class Rope3D(nn.Module):
    def __init__(self, config: DiTConfig):
        super().__init__()
        for name, dim in zip(("t", "h", "w"), config.rope_dims()):
            inv = 1.0 / config.rope_theta ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim)
            self.register_buffer(f"inv_{name}", inv, persistent=False)

    def forward(self, frames, height, width, device):
        """cos, sin of shape [frames*height*width, head_dim] (token order: frame, row, column)."""
        t = torch.arange(frames, dtype=torch.float32, device=device)[:, None] * self.inv_t[None]
        h = torch.arange(height, dtype=torch.float32, device=device)[:, None] * self.inv_h[None]
        w = torch.arange(width, dtype=torch.float32, device=device)[:, None] * self.inv_w[None]
        angles = torch.cat([
            t[:, None, None, :].expand(frames, height, width, t.shape[1]),
            h[None, :, None, :].expand(frames, height, width, h.shape[1]),
            w[None, None, :, :].expand(frames, height, width, w.shape[1])], dim=-1)
        angles = angles.reshape(frames * height * width, -1)
        angles = torch.stack([angles, angles], dim=-1).flatten(1)  # each angle rotates one pair
        return torch.cos(angles), torch.sin(angles)


def apply_rope(x, cos, sin):
    """Rotates consecutive pairs (x0, x1) of [B, H, L, D] by the angles behind cos/sin [L, D]."""
    pairs = x.reshape(x.shape[0], x.shape[1], x.shape[2], -1, 2)
    rotated = torch.stack([-pairs[..., 1], pairs[..., 0]], dim=-1).flatten(3)
    return x * cos + rotated * sin


class AdaNormZero(nn.Module):
    """CogVideoXLayerNormZero: one LayerNorm, separate (shift, scale, gate) for video and text."""

    def __init__(self, time_dim, dim, eps):
        super().__init__()
        self.linear = nn.Linear(time_dim, 6 * dim)
        self.norm = nn.LayerNorm(dim, eps=eps)

    def forward(self, video, text, temb):
        shift, scale, gate, t_shift, t_scale, t_gate = self.linear(F.silu(temb)).chunk(6, dim=1)
        video = self.norm(video) * (1 + scale)[:, None] + shift[:, None]
        text = self.norm(text) * (1 + t_scale)[:, None] + t_shift[:, None]
        return video, text, gate[:, None], t_gate[:, None]


class JointAttention(nn.Module):
    def __init__(self, config: DiTConfig, decoupled_id_dim=None):
        super().__init__()
        dim, self.heads, self.head_dim = config.width, config.heads, config.head_dim
        self.attention_kind = "plain"  # layers.ATTENTION_KINDS
        self.to_q = nn.Linear(dim, dim)
        self.to_k = nn.Linear(dim, dim)
        self.to_v = nn.Linear(dim, dim)
        self.norm_q = nn.LayerNorm(config.head_dim, eps=1e-6)
        self.norm_k = nn.LayerNorm(config.head_dim, eps=1e-6)
        self.to_out = nn.Linear(dim, dim)
        self.decoupled_scale = config.injection.decoupled_scale
        self.id_kv = (DecoupledIdKeysValues(decoupled_id_dim, config.heads, config.head_dim)
                      if decoupled_id_dim else None)

    def forward(self, video, text, cos, sin, id_tokens=None):
        n_text = text.shape[1]
        x = torch.cat([text, video], dim=1)
        q = self.norm_q(split_heads(self.to_q(x), self.heads))
        k = self.norm_k(split_heads(self.to_k(x), self.heads))
        v_packed = self.to_v(x)
        v = split_heads(v_packed, self.heads)
        q = torch.cat([q[:, :, :n_text], apply_rope(q[:, :, n_text:], cos, sin)], dim=2)
        k = torch.cat([k[:, :, :n_text], apply_rope(k[:, :, n_text:], cos, sin)], dim=2)
        if self.attention_kind == "fused":
            return self._fused(merge_heads(q), merge_heads(k), v_packed, n_text, id_tokens)
        out = attention(q, k, v)
        text_out, video_out = out[:, :, :n_text], out[:, :, n_text:]
        if self.id_kv is not None:  # ID-Animator: Z = Attn(Q, Kt, Vt) + scale * Attn(Q, Ki, Vi)
            k_id, v_id = self.id_kv(id_tokens)
            video_out = video_out + self.decoupled_scale * attention(q[:, :, n_text:], k_id, v_id)
        return self.to_out(merge_heads(video_out)), self.to_out(merge_heads(text_out))

    def _fused(self, q, k, v, n_text, id_tokens):
        """The same attention on [B, L, H*D] (q, k after norm and RoPE), text and video joint in one fused op."""
        out = multi_head_attention(q, k, v, self.heads, self.head_dim)
        text_out, video_out = out[:, :n_text], out[:, n_text:]
        if self.id_kv is not None:
            k_id, v_id = self.id_kv(id_tokens)
            video_out = video_out + self.decoupled_scale * multi_head_attention(
                q[:, n_text:], merge_heads(k_id), merge_heads(v_id), self.heads, self.head_dim)
        return self.to_out(video_out), self.to_out(text_out)


class FeedForward(nn.Sequential):
    def __init__(self, dim, mult):
        super().__init__(nn.Linear(dim, dim * mult), nn.GELU(approximate="tanh"), nn.Linear(dim * mult, dim))


class DiTBlock(nn.Module):
    def __init__(self, config: DiTConfig, decoupled_id_dim=None):
        super().__init__()
        self.norm1 = AdaNormZero(config.time_embed_dim, config.width, config.norm_eps)
        self.attn = JointAttention(config, decoupled_id_dim)
        self.norm2 = AdaNormZero(config.time_embed_dim, config.width, config.norm_eps)
        self.ff = FeedForward(config.width, config.ff_mult)

    def forward(self, video, text, temb, cos, sin, id_tokens=None):
        n_video, n_text, gate, t_gate = self.norm1(video, text, temb)
        a_video, a_text = self.attn(n_video, n_text, cos, sin, id_tokens)
        video = video + gate * a_video
        text = text + t_gate * a_text
        n_video, n_text, gate, t_gate = self.norm2(video, text, temb)
        ff = self.ff(torch.cat([n_text, n_video], dim=1))
        n = text.shape[1]
        return video + gate * ff[:, n:], text + t_gate * ff[:, :n]


class Denoiser(nn.Module):
    def __init__(self, config: DiTConfig, id_dim: int):
        super().__init__()
        self.config = config
        dim, p = config.width, config.patch_size
        inj = config.injection
        self.patch_embed = nn.Conv2d(config.in_channels, dim, kernel_size=p, stride=p)
        self.text_proj = nn.Linear(config.text_embed_dim, dim)
        self.pos_embed = None
        if config.learned_positions:
            grid = config.sample_latent_frames * (config.sample_latent_height // p) * (config.sample_latent_width // p)
            self.pos_embed = nn.Parameter(torch.randn(1, grid, dim) * 0.02)
        self.rope = Rope3D(config)
        self.time_embedding = nn.Sequential(nn.Linear(dim, config.time_embed_dim), nn.SiLU(),
                                            nn.Linear(config.time_embed_dim, config.time_embed_dim))
        decoupled = inj.mode == "decoupled"
        self.blocks = nn.ModuleList(DiTBlock(config, id_dim if decoupled else None) for _ in range(config.num_layers))
        self.resampler = (IdResampler(id_dim, inj.resampler_queries, inj.resampler_depth, inj.heads)
                          if decoupled else None)
        layered = inj.mode == "layer_attention"
        injected = [i for i in range(config.num_layers) if i % inj.interval == 0] if layered else []
        self.injected_layers = {layer: slot for slot, layer in enumerate(injected)}
        self.id_attention = nn.ModuleList(LayerIdAttention(dim, id_dim, inj.heads, inj.head_dim) for _ in injected)
        self.id_adapters = nn.ModuleList(LayerFeatureAdapter(id_dim, inj.fl_kernel) for _ in injected) \
            if inj.use_fl else None
        self.norm_final = nn.LayerNorm(dim, eps=config.norm_eps)
        self.norm_out_linear = nn.Linear(config.time_embed_dim, 2 * dim)
        self.norm_out = nn.LayerNorm(dim, eps=config.norm_eps)
        self.proj_out = nn.Linear(dim, p * p * config.out_channels)

    def forward(self, latents, timestep, text_hidden_states, id_tokens):
        b, frames, channels, height, width = latents.shape
        p = self.config.patch_size
        h, w = height // p, width // p
        video = self.patch_embed(latents.reshape(b * frames, channels, height, width))
        video = video.reshape(b, frames, video.shape[1], h * w).transpose(2, 3).reshape(b, frames * h * w, -1)
        if self.pos_embed is not None:
            if video.shape[1] != self.pos_embed.shape[1]:
                raise ValueError(f"learned positions fix the latent grid to {self.config.sample_latent_frames}x"
                                 f"{self.config.sample_latent_height}x{self.config.sample_latent_width}")
            video = video + self.pos_embed
        text = self.text_proj(text_hidden_states)
        temb = self.time_embedding(timestep_embedding(timestep, self.config.width))
        cos, sin = self.rope(frames, h, w, latents.device)
        resampled = self.resampler(id_tokens) if self.resampler is not None else None

        for i, block in enumerate(self.blocks):
            video, text = block(video, text, temb, cos, sin, resampled)
            slot = self.injected_layers.get(i)
            if slot is not None:
                ids = self.id_adapters[slot](id_tokens) if self.id_adapters is not None else id_tokens
                video = video + self.id_attention[slot](video, ids)

        n_text = text.shape[1]
        video = self.norm_final(torch.cat([text, video], dim=1))[:, n_text:]
        shift, scale = self.norm_out_linear(F.silu(temb)).chunk(2, dim=1)
        video = self.norm_out(video) * (1 + scale)[:, None] + shift[:, None]
        video = self.proj_out(video)
        video = video.reshape(b, frames, h, w, -1, p, p).permute(0, 1, 4, 2, 5, 3, 6)
        return video.reshape(b, frames, self.config.out_channels, height, width)

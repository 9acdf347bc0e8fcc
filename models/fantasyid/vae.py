"""Causal 3D VAE in the style of CogVideoX's (AutoencoderKLCogVideoX), simplified.

Video layout in and out is [B, F, 3, H, W] with pixels in [-1, 1]; latents are [B, F', C, h, w]
(the denoiser's layout), already multiplied by `scaling_factor`. F' = 1 + (F - 1) / 4: the first
frame is kept on its own through every temporal down/up-sampling step; h = H / 8, w = W / 8.
Every 3D convolution is causal in time: the front is padded by repeating the first frame, so
frame t never sees frames after t. The encoder returns the mean of the latent distribution
(deterministic); the log-variance half of its last convolution is computed and dropped.
Simplifications against CogVideoX: GroupNorm (per frame, so the whole VAE is strictly causal)
instead of chunk-wide GroupNorm and the decoder's spatial norm; no conv cache (the decoder sees all
latent frames at once; being causal, latent frames 0..k decode to the same first 1 + 4k frames
whatever follows them)."""
import torch
from torch import nn
from torch.nn import functional as F

from .config import VAEConfig


class CausalConv3d(nn.Module):
    def __init__(self, cin, cout, kernel=3):
        super().__init__()
        self.time_pad = kernel - 1
        self.conv = nn.Conv3d(cin, cout, kernel, padding=(0, kernel // 2, kernel // 2))

    def forward(self, x):  # [B, C, F, H, W]
        if self.time_pad:
            x = torch.cat([x[:, :, :1]] * self.time_pad + [x], dim=2)
        return self.conv(x)


class FrameGroupNorm(nn.GroupNorm):
    """GroupNorm with statistics per frame, so that normalisation does not leak later frames
    into earlier ones (CogVideoX normalises over the whole chunk of frames instead)."""

    def forward(self, x):  # [B, C, F, H, W]
        return _per_frame(x, super().forward)


class ResBlock3d(nn.Module):
    def __init__(self, cin, cout, groups):
        super().__init__()
        self.norm1 = FrameGroupNorm(groups, cin)
        self.conv1 = CausalConv3d(cin, cout)
        self.norm2 = FrameGroupNorm(groups, cout)
        self.conv2 = CausalConv3d(cout, cout)
        self.shortcut = nn.Conv3d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x):
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.conv2(F.silu(self.norm2(h)))
        return self.shortcut(x) + h


def _per_frame(x, fn):
    """Applies a 2D op to every frame of [B, C, F, H, W]."""
    b, c, f = x.shape[0], x.shape[1], x.shape[2]
    y = fn(x.transpose(1, 2).reshape(b * f, c, x.shape[3], x.shape[4]))
    return y.reshape(b, f, y.shape[1], y.shape[2], y.shape[3]).transpose(1, 2)


def _upsample2x_nearest(x):
    """Nearest 2x of [N, C, H, W] by expand + reshape (exports to ONNX for any size)."""
    n, c, h, w = x.shape
    return x[:, :, :, None, :, None].expand(n, c, h, 2, w, 2).reshape(n, c, h * 2, w * 2)


class Downsample(nn.Module):
    """Temporal: first frame kept, the rest averaged in pairs (when `compress_time`); then a stride-2 conv per frame."""

    def __init__(self, channels, compress_time):
        super().__init__()
        self.compress_time = compress_time
        self.conv = nn.Conv2d(channels, channels, 3, stride=2, padding=1)

    def forward(self, x):
        if self.compress_time:
            rest = x[:, :, 1:]
            x = torch.cat([x[:, :, :1], 0.5 * (rest[:, :, 0::2] + rest[:, :, 1::2])], dim=2)
        return _per_frame(x, self.conv)


class Upsample(nn.Module):
    """Temporal: first frame kept, each later frame doubled (when `compress_time`); spatial nearest 2x + conv."""

    def __init__(self, channels, compress_time):
        super().__init__()
        self.compress_time = compress_time
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        if self.compress_time:
            rest = x[:, :, 1:]
            b, c, f, h, w = rest.shape
            doubled = torch.stack([rest, rest], dim=3).reshape(b, c, f * 2, h, w)
            x = torch.cat([x[:, :, :1], doubled], dim=2)
        return _per_frame(x, lambda y: self.conv(_upsample2x_nearest(y)))


class VAEEncoder(nn.Module):
    def __init__(self, config: VAEConfig):
        super().__init__()
        ch = config.block_channels
        self.scaling_factor = config.scaling_factor
        self.latent_channels = config.latent_channels
        self.conv_in = CausalConv3d(3, ch[0])
        blocks = []
        cin = ch[0]
        for i, cout in enumerate(ch):
            for _ in range(config.layers_per_block):
                blocks.append(ResBlock3d(cin, cout, config.groups))
                cin = cout
            if i < len(ch) - 1:
                blocks.append(Downsample(cout, compress_time=i < config.temporal_compress_blocks))
        self.down = nn.Sequential(*blocks)
        self.mid = nn.Sequential(ResBlock3d(cin, cin, config.groups), ResBlock3d(cin, cin, config.groups))
        self.norm_out = FrameGroupNorm(config.groups, cin)
        self.conv_out = CausalConv3d(cin, 2 * config.latent_channels)

    def forward(self, video):  # [B, F, 3, H, W]
        x = self.conv_in(video.transpose(1, 2))
        x = self.mid(self.down(x))
        moments = self.conv_out(F.silu(self.norm_out(x)))
        mean = moments[:, :self.latent_channels]
        return (mean * self.scaling_factor).transpose(1, 2)


class VAEDecoder(nn.Module):
    def __init__(self, config: VAEConfig):
        super().__init__()
        ch = list(reversed(config.block_channels))
        self.scaling_factor = config.scaling_factor
        self.conv_in = CausalConv3d(config.latent_channels, ch[0])
        self.mid = nn.Sequential(ResBlock3d(ch[0], ch[0], config.groups), ResBlock3d(ch[0], ch[0], config.groups))
        blocks = []
        cin = ch[0]
        for i, cout in enumerate(ch):
            for _ in range(config.layers_per_block + 1):
                blocks.append(ResBlock3d(cin, cout, config.groups))
                cin = cout
            if i < len(ch) - 1:
                blocks.append(Upsample(cout, compress_time=i < config.temporal_compress_blocks))
        self.up = nn.Sequential(*blocks)
        self.norm_out = FrameGroupNorm(config.groups, cin)
        self.conv_out = CausalConv3d(cin, 3)

    def forward(self, latents):  # [B, F', C, h, w], scaled
        x = self.conv_in(latents.transpose(1, 2) / self.scaling_factor)
        x = self.up(self.mid(x))
        return self.conv_out(F.silu(self.norm_out(x))).transpose(1, 2)

"""Causal 3D VAE in the style of CogVideoX's (AutoencoderKLCogVideoX), simplified.

Video layout in and out is [B, F, 3, H, W] with pixels in [-1, 1]; latents are [B, F', C, h, w]
(the denoiser's layout), already multiplied by `scaling_factor`. F' = 1 + (F - 1) / 4: the first
frame is kept on its own through every temporal down/up-sampling step; h = H / 8, w = W / 8.
Every 3D convolution is causal in time: the front is padded by repeating the first frame, so
frame t never sees frames after t. The encoder returns the mean of the latent distribution
(deterministic); the log-variance half of its last convolution is computed and dropped.
Simplifications against CogVideoX: GroupNorm (per frame, so the whole VAE is strictly causal)
instead of chunk-wide GroupNorm and the decoder's spatial norm.

Chunked decoding is exact, as CogVideoX's conv cache makes it: `VAEDecoder.forward(latents, caches)`
takes, for every causal convolution (in call order), the last `time_pad` frames of its input from the
previous chunk, and returns them for the next one (`ConvCache`). A chunk that starts the video passes
empty caches ([1, C, 0, 1, 1]: no frames yet), which pad with the first frame as the plain decoder does
and keep latent frame 0 apart in the temporal upsampling; later chunks double every latent frame. The
only temporal context in the decoder is these convolutions (GroupNorm and upsampling are per frame),
so chunk after chunk gives the whole-video decode, with memory bounded by the chunk."""
import torch
from torch import nn
from torch.nn import functional as F

from .config import VAEConfig


class ConvCache:
    """The time context of every causal convolution across decode chunks, in call order: `given` are
    the caches of the previous chunk (each [B, C, time_pad, H, W], or [1, C, 0, 1, 1] when this chunk
    starts the video), `returned` collects those for the next chunk."""

    def __init__(self, given):
        self.given = list(given)
        self.returned = []

    def starts_video(self):
        """1 when the chunk starts the video (empty caches), else 0 (a traced size in ONNX export)."""
        return 1 - self.given[0].shape[2] // 2

    def pad(self, x, time_pad):
        """x [B, C, F, H, W] with its `time_pad` preceding frames in front (the first frame repeated at
        the start of the video); records the last `time_pad` frames of that stream for the next chunk."""
        if len(self.returned) == len(self.given):
            raise ValueError(f"the decoder has more causal convolutions than the {len(self.given)} caches given")
        cache = self.given[len(self.returned)]
        b, c, _, h, w = x.shape
        before = cache.shape[2]
        cache = cache.expand(b, c, before, h, w)  # an empty cache comes as [1, C, 0, 1, 1]
        padded = torch.cat([x[:, :, :1]] * time_pad + [cache, x], dim=2)[:, :, before:]
        self.returned.append(padded[:, :, padded.shape[2] - time_pad:])
        return padded


class CausalConv3d(nn.Module):
    def __init__(self, cin, cout, kernel=3):
        super().__init__()
        self.time_pad = kernel - 1
        self.conv = nn.Conv3d(cin, cout, kernel, padding=(0, kernel // 2, kernel // 2))

    def forward(self, x, cache=None):  # [B, C, F, H, W]
        if self.time_pad and cache is not None:
            x = cache.pad(x, self.time_pad)
        elif self.time_pad:
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

    def forward(self, x, cache=None):
        h = self.conv1(F.silu(self.norm1(x)), cache)
        h = self.conv2(F.silu(self.norm2(h)), cache)
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
    """Temporal: the video's first frame kept, each later frame doubled (when `compress_time`); spatial
    nearest 2x + conv."""

    def __init__(self, channels, compress_time):
        super().__init__()
        self.compress_time = compress_time
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x, cache=None):
        if self.compress_time:
            kept = 1 if cache is None else cache.starts_video()
            rest = x[:, :, kept:]
            b, c, f, h, w = rest.shape
            doubled = torch.stack([rest, rest], dim=3).reshape(b, c, f * 2, h, w)
            x = torch.cat([x[:, :, :kept], doubled], dim=2)
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

    def forward(self, latents, caches=None):  # [B, F', C, h, w], scaled
        """The video [B, F, 3, H, W]; with `caches` (a list, see ConvCache) also the caches for the next chunk."""
        cache = ConvCache(caches) if caches is not None else None
        x = self.conv_in(latents.transpose(1, 2) / self.scaling_factor, cache)
        for block in list(self.mid) + list(self.up):
            x = block(x, cache)
        video = self.conv_out(F.silu(self.norm_out(x)), cache).transpose(1, 2)
        if cache is None:
            return video
        if len(cache.returned) != len(cache.given):
            raise ValueError(f"{len(cache.given)} caches given, the decoder has {len(cache.returned)} causal convolutions")
        return video, cache.returned

    def cache_channels(self):
        """Input channels of every causal convolution with a time context, in call order."""
        return [m.conv.in_channels for m in self.modules() if isinstance(m, CausalConv3d) and m.time_pad]

    def empty_caches(self):
        """The caches of a chunk that starts the video."""
        return [torch.zeros(1, c, 0, 1, 1) for c in self.cache_channels()]


class ChunkedVAEDecoder(nn.Module):
    """The exported `vae_decoder`: (latents, cache_00, ...) -> (video, cache_out_00, ...), one decode chunk
    with every causal convolution's time context as explicit inputs and outputs (see ConvCache)."""

    def __init__(self, decoder: VAEDecoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, latents, *caches):
        video, returned = self.decoder(latents, list(caches))
        return (video, *returned)


def cache_names(count):
    return [f"cache_{i:02d}" for i in range(count)], [f"cache_out_{i:02d}" for i in range(count)]

"""Frozen configuration of the FantasyID generator, saved as JSON next to exported weights.

`full()` has the published shapes (FantasyID on CogVideoX-5B-I2V, DESIGN.md section 5);
`tiny()` has the same structure with small widths, for the embedded default bundle.
"""
import dataclasses
import json
import math
import typing
from dataclasses import dataclass, field
from typing import Tuple

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


@dataclass(frozen=True)
class ImageEncoderConfig:
    """ViT standing in for EVA02-CLIP-L-14-336. `depth` is the number of blocks run: the
    released abstractor reads the hidden states after block 20 of EVA02-L's 24."""
    image_size: int
    patch_size: int
    width: int
    depth: int
    heads: int
    mlp_dim: int
    mean: Tuple[float, float, float] = CLIP_MEAN
    std: Tuple[float, float, float] = CLIP_STD

    @property
    def grid(self) -> int:
        return self.image_size // self.patch_size

    @property
    def num_tokens(self) -> int:
        return self.grid * self.grid + 1  # patches + CLS

    def validate(self):
        _require(self.image_size % self.patch_size == 0, "image_size must be a multiple of patch_size")
        _require(self.width % self.heads == 0, "image encoder width must be divisible by heads")


@dataclass(frozen=True)
class FaceAbstractorConfig:
    """Mapping MLP (Linear, LN, LeakyReLU) -> C-Abstractor (RegStage, pool, RegStage, MLP)
    -> FeedForward -> projection to `output_dim` (the ID token width)."""
    mapping_dim: int
    dim: int
    cabs_hidden: int
    cabs_depth: int
    num_queries: int
    mlp_depth: int
    ff_mult: int
    output_dim: int
    se_ratio: float = 0.25

    @property
    def query_grid(self) -> int:
        return math.isqrt(self.num_queries)

    def validate(self, image: ImageEncoderConfig):
        _require(self.query_grid ** 2 == self.num_queries, "abstractor num_queries must be a square number")
        _require(image.grid % self.query_grid == 0,
                 f"the patch grid ({image.grid}) must be a multiple of the query grid ({self.query_grid}) "
                 "so that adaptive average pooling exports to ONNX as a plain AveragePool")


@dataclass(frozen=True)
class VertexBranchConfig:
    """3D branch: coarse vertex queries + sinusoidal depth encoding, 2D tokens mapped down by
    `hw_down_dims`, fusion transformer, SpiralNet++ decoder back to the full mesh."""
    mesh_name: str
    mesh_levels: Tuple[int, ...]
    spiral_length: int
    emb_dim: int
    fusion_depth: int
    fusion_heads: int
    fusion_mlp_dim: int
    hw_down_dims: Tuple[int, ...]
    embed_xyz: bool
    depth_temperature: float = 10000.0

    def validate(self, id_dim: int):
        _require(len(self.mesh_levels) >= 2, "the mesh hierarchy needs at least two levels")
        _require(self.hw_down_dims[0] == id_dim, "hw_down_dims must start at the ID token width")
        _require(self.hw_down_dims[-1] == self.emb_dim, "hw_down_dims must end at emb_dim")
        _require(self.emb_dim % self.fusion_heads == 0, "emb_dim must be divisible by fusion_heads")
        _require(self.emb_dim % 2 == 0, "emb_dim must be even for the sinusoidal depth encoding")


@dataclass(frozen=True)
class ResConv1DConfig:
    """Residual 1D conv blocks (Conv1d, GroupNorm, Mish) that shrink per-vertex features to M tokens."""
    channels: Tuple[int, ...]
    kernels: Tuple[int, ...]
    strides: Tuple[int, ...]
    paddings: Tuple[int, ...]
    groups: int = 8

    def output_length(self, length: int) -> int:
        for k, s, p in zip(self.kernels, self.strides, self.paddings):
            length = (length + 2 * p - k) // s + 1
        return length

    def validate(self, emb_dim: int, id_dim: int):
        n = len(self.channels) - 1
        _require(len(self.kernels) == n and len(self.strides) == n and len(self.paddings) == n,
                 "ResConv1D needs one kernel, stride and padding per block")
        _require(self.channels[0] == emb_dim and self.channels[-1] == id_dim,
                 "ResConv1D must map emb_dim to the ID token width")
        _require(all(c % self.groups == 0 for c in self.channels[1:]), "ResConv1D channels must divide into groups")


@dataclass(frozen=True)
class InjectionConfig:
    """How V_F enters the DiT.

    mode "layer_attention": after every `interval`-th block, video += CrossAttn_l(LN(video), LN(V_F))
    (the released FantasyID code); with `use_fl` a per-layer conv+norm block F_l adapts V_F first
    (the paper). mode "decoupled": ID-Animator's resampler + decoupled attention inside each block,
    Z = Attn(Q, Kt, Vt) + scale * Attn(Q, Ki, Vi). mode "none": no identity conditioning."""
    mode: str = "layer_attention"
    heads: int = 16
    head_dim: int = 128
    interval: int = 1
    use_fl: bool = False
    fl_kernel: int = 3
    decoupled_scale: float = 1.0
    resampler_queries: int = 16
    resampler_depth: int = 2

    MODES = ("layer_attention", "decoupled", "none")

    def validate(self):
        _require(self.mode in self.MODES, f"injection mode must be one of {self.MODES}, got {self.mode!r}")
        _require(self.interval >= 1, "injection interval must be >= 1")
        _require(self.fl_kernel % 2 == 1, "fl_kernel must be odd")


@dataclass(frozen=True)
class DiTConfig:
    """CogVideoX-style MM-DiT: text and video tokens in joint attention with expert adaptive
    LayerNorm on the timestep embedding; 3D RoPE on video tokens (computed in the graph from the
    latent shape), plus learned video positions when `learned_positions` (CogVideoX-5B-I2V)."""
    num_layers: int
    heads: int
    head_dim: int
    in_channels: int
    out_channels: int
    patch_size: int
    time_embed_dim: int
    text_embed_dim: int
    ff_mult: int
    learned_positions: bool
    sample_latent_frames: int
    sample_latent_height: int
    sample_latent_width: int
    rope_theta: float = 10000.0
    norm_eps: float = 1e-5
    prediction_type: str = "v_prediction"
    injection: InjectionConfig = field(default_factory=InjectionConfig)

    @property
    def width(self) -> int:
        return self.heads * self.head_dim

    def rope_dims(self):
        """Head-dim split between time, height and width, as CogVideoX: 1/4, 3/8, 3/8."""
        t = self.head_dim // 4
        h = self.head_dim // 8 * 3
        return t, h, self.head_dim - t - h

    def validate(self):
        _require(all(d % 2 == 0 for d in self.rope_dims()), "head_dim must split into even 3D RoPE parts")
        _require(self.prediction_type in ("v_prediction", "epsilon"), "prediction_type must be v_prediction or epsilon")
        self.injection.validate()


@dataclass(frozen=True)
class VAEConfig:
    """Causal 3D VAE: causal time padding (first frame repeated), spatial factor
    2^(len(block_channels)-1), temporal factor 2^temporal_compress_blocks with the first frame kept."""
    latent_channels: int
    block_channels: Tuple[int, ...]
    layers_per_block: int
    groups: int
    temporal_compress_blocks: int
    scaling_factor: float

    @property
    def spatial_factor(self) -> int:
        return 2 ** (len(self.block_channels) - 1)

    @property
    def temporal_factor(self) -> int:
        return 2 ** self.temporal_compress_blocks

    def latent_frames(self, frames: int) -> int:
        _require((frames - 1) % self.temporal_factor == 0,
                 f"frames must be 1 + a multiple of {self.temporal_factor}, got {frames}")
        return 1 + (frames - 1) // self.temporal_factor

    def validate(self):
        _require(all(c % self.groups == 0 for c in self.block_channels), "VAE channels must divide into groups")
        _require(self.temporal_compress_blocks < len(self.block_channels), "too many temporal compression blocks")


@dataclass(frozen=True)
class TokenizerConfig:
    """kind "byte": id = UTF-8 byte + byte_offset, then eos, then pad up to max_length (ByT5's
    scheme). kind "t5-sentencepiece": the T5 tokenizer of the CogVideoX checkpoint (full size)."""
    kind: str
    max_length: int
    pad_id: int = 0
    eos_id: int = 1
    unk_id: int = 2
    byte_offset: int = 3


@dataclass(frozen=True)
class TextEncoderConfig:
    """Pre-LN transformer standing in for T5: learned positions, no attention mask (CogVideoX
    encodes the padded sequence without a mask)."""
    vocab_size: int
    width: int
    depth: int
    heads: int
    mlp_dim: int
    max_length: int


@dataclass(frozen=True)
class SchedulerConfig:
    """CogVideoX-5B scheduler settings (diffusers CogVideoXDPMScheduler / CogVideoXDDIMScheduler)."""
    beta_start: float = 0.00085
    beta_end: float = 0.012
    beta_schedule: str = "scaled_linear"
    num_train_timesteps: int = 1000
    prediction_type: str = "v_prediction"
    timestep_spacing: str = "trailing"
    rescale_betas_zero_snr: bool = True
    snr_shift_scale: float = 1.0
    set_alpha_to_one: bool = True
    steps_offset: int = 0
    clip_sample: bool = False


@dataclass(frozen=True)
class RequestDefaults:
    frames: int
    height: int
    width: int
    steps: int
    guidance_scale: float
    fps: int


@dataclass(frozen=True)
class FantasyIDConfig:
    name: str
    image_encoder: ImageEncoderConfig
    abstractor: FaceAbstractorConfig
    vertex: VertexBranchConfig
    resconv: ResConv1DConfig
    dit: DiTConfig
    vae: VAEConfig
    text_encoder: TextEncoderConfig
    tokenizer: TokenizerConfig
    scheduler: SchedulerConfig
    defaults: RequestDefaults

    def __post_init__(self):
        id_dim = self.abstractor.output_dim
        self.image_encoder.validate()
        self.abstractor.validate(self.image_encoder)
        self.vertex.validate(id_dim)
        self.resconv.validate(self.vertex.emb_dim, id_dim)
        self.dit.validate()
        self.vae.validate()
        _require(self.dit.text_embed_dim == self.text_encoder.width, "DiT text_embed_dim must equal the text encoder width")
        _require(self.dit.in_channels == 2 * self.vae.latent_channels,
                 "DiT in_channels must be 2 x latent channels (noisy latents + reference latents)")
        _require(self.dit.out_channels == self.vae.latent_channels, "DiT out_channels must equal latent channels")
        _require(self.tokenizer.max_length == self.text_encoder.max_length, "tokenizer and text encoder max_length differ")
        _require(self.dit.prediction_type == self.scheduler.prediction_type, "DiT and scheduler prediction types differ")

    # Derived shapes -----------------------------------------------------------------------
    @property
    def id_dim(self) -> int:
        return self.abstractor.output_dim

    @property
    def num_vertex_tokens(self) -> int:
        return self.resconv.output_length(self.vertex.mesh_levels[0])

    @property
    def num_id_tokens(self) -> int:
        return self.abstractor.num_queries + self.num_vertex_tokens

    def latent_shape(self, frames: int, height: int, width: int):
        """[latent frames, latent channels, latent height, latent width] of a request."""
        f = self.vae.spatial_factor
        _require(height % (f * self.dit.patch_size) == 0 and width % (f * self.dit.patch_size) == 0,
                 f"height and width must be multiples of {f * self.dit.patch_size}")
        return [self.vae.latent_frames(frames), self.vae.latent_channels, height // f, width // f]

    # JSON ---------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict) -> "FantasyIDConfig":
        return _build(cls, data)

    @classmethod
    def from_json(cls, text: str) -> "FantasyIDConfig":
        return cls.from_dict(json.loads(text))

    def replace(self, **changes) -> "FantasyIDConfig":
        return dataclasses.replace(self, **changes)


def _build(cls, data):
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(data) - names
    _require(not unknown, f"unknown {cls.__name__} keys: {sorted(unknown)}")
    kwargs = {}
    for name, value in data.items():
        hint = hints[name]
        if dataclasses.is_dataclass(hint):
            value = _build(hint, value)
        elif typing.get_origin(hint) is tuple:
            value = tuple(value)
        kwargs[name] = value
    return cls(**kwargs)


def _require(condition, message):
    if not condition:
        raise ValueError(message)


def full() -> FantasyIDConfig:
    """Published shapes: FantasyID on CogVideoX-5B-I2V, 49 frames at 480x720."""
    return FantasyIDConfig(
        name="idstream-generator-full",
        image_encoder=ImageEncoderConfig(image_size=336, patch_size=14, width=1024, depth=20, heads=16, mlp_dim=2730),
        abstractor=FaceAbstractorConfig(mapping_dim=1024, dim=1024, cabs_hidden=256, cabs_depth=3, num_queries=36,
                                        mlp_depth=2, ff_mult=4, output_dim=2048),
        vertex=VertexBranchConfig(mesh_name="flame5023", mesh_levels=(5023, 1256, 314), spiral_length=9, emb_dim=128,
                                  fusion_depth=6, fusion_heads=4, fusion_mlp_dim=256,
                                  hw_down_dims=(2048, 1024, 512, 256, 128), embed_xyz=False),
        resconv=ResConv1DConfig(channels=(128, 256, 512, 1024, 2048), kernels=(5, 5, 3, 3), strides=(4, 4, 2, 2),
                                paddings=(2, 2, 1, 1)),
        dit=DiTConfig(num_layers=42, heads=48, head_dim=64, in_channels=32, out_channels=16, patch_size=2,
                      time_embed_dim=512, text_embed_dim=4096, ff_mult=4, learned_positions=True,
                      sample_latent_frames=13, sample_latent_height=60, sample_latent_width=90,
                      injection=InjectionConfig(mode="layer_attention", heads=16, head_dim=128)),
        vae=VAEConfig(latent_channels=16, block_channels=(128, 256, 256, 512), layers_per_block=3, groups=32,
                      temporal_compress_blocks=2, scaling_factor=0.7),
        text_encoder=TextEncoderConfig(vocab_size=32128, width=4096, depth=24, heads=64, mlp_dim=10240, max_length=226),
        tokenizer=TokenizerConfig(kind="t5-sentencepiece", max_length=226),
        scheduler=SchedulerConfig(),
        defaults=RequestDefaults(frames=49, height=480, width=720, steps=50, guidance_scale=6.0, fps=8),
    )


def tiny() -> FantasyIDConfig:
    """Same structure, small widths, FaceMesh-468 topology; a 9-frame 64x96 request runs in seconds on CPU."""
    return FantasyIDConfig(
        name="idstream-generator-tiny",
        image_encoder=ImageEncoderConfig(image_size=48, patch_size=4, width=64, depth=2, heads=4, mlp_dim=128),
        abstractor=FaceAbstractorConfig(mapping_dim=64, dim=64, cabs_hidden=32, cabs_depth=1, num_queries=36,
                                        mlp_depth=2, ff_mult=2, output_dim=64),
        vertex=VertexBranchConfig(mesh_name="facemesh468", mesh_levels=(468, 117, 30), spiral_length=9, emb_dim=32,
                                  fusion_depth=2, fusion_heads=2, fusion_mlp_dim=64, hw_down_dims=(64, 32),
                                  embed_xyz=True),
        resconv=ResConv1DConfig(channels=(32, 32, 64, 64, 64), kernels=(5, 5, 3, 3), strides=(4, 4, 2, 2),
                                paddings=(2, 2, 1, 1)),
        dit=DiTConfig(num_layers=4, heads=4, head_dim=16, in_channels=8, out_channels=4, patch_size=2,
                      time_embed_dim=32, text_embed_dim=64, ff_mult=4, learned_positions=False,
                      sample_latent_frames=3, sample_latent_height=8, sample_latent_width=12,
                      injection=InjectionConfig(mode="layer_attention", heads=2, head_dim=32)),
        vae=VAEConfig(latent_channels=4, block_channels=(8, 16, 32, 32), layers_per_block=1, groups=4,
                      temporal_compress_blocks=2, scaling_factor=0.7),
        text_encoder=TextEncoderConfig(vocab_size=384, width=64, depth=2, heads=4, mlp_dim=128, max_length=64),
        tokenizer=TokenizerConfig(kind="byte", max_length=64),
        scheduler=SchedulerConfig(),
        defaults=RequestDefaults(frames=9, height=64, width=96, steps=8, guidance_scale=6.0, fps=8),
    )


def medium() -> FantasyIDConfig:
    """Between tiny and full, for CPU timing comparisons (not committed: the CLI's bench `BenchBundleCache` runs
    export.py into ~/.cache/idstream/bench/generator-medium the first time a benchmark asks for it): DiT width 512 (8 heads x 64), 8 layers, 5 x 24 x 36 latents = 1080 video + 64 text tokens,
    so one CFG step is ~150 GFLOP, about a second on 2 CPU cores. The other roles are tiny's."""
    t = tiny()
    return t.replace(
        name="idstream-generator-medium",
        dit=DiTConfig(num_layers=8, heads=8, head_dim=64, in_channels=8, out_channels=4, patch_size=2,
                      time_embed_dim=256, text_embed_dim=256, ff_mult=4, learned_positions=False,
                      sample_latent_frames=5, sample_latent_height=24, sample_latent_width=36,
                      injection=InjectionConfig(mode="layer_attention", heads=4, head_dim=64)),
        text_encoder=TextEncoderConfig(vocab_size=384, width=256, depth=4, heads=4, mlp_dim=512, max_length=64),
        defaults=RequestDefaults(frames=17, height=192, width=288, steps=8, guidance_scale=6.0, fps=8),
    )


CONFIGS = {"tiny": tiny, "medium": medium, "full": full}

"""Face abstractor: ViT hidden states -> 2D face tokens [B, num_queries, output_dim].

As the released FantasyID code: a mapping MLP (Linear, LN, LeakyReLU) on the hidden states, the
CLS token dropped, a Honeybee C-Abstractor (RegStage -> adaptive average pool to a square query
grid -> RegStage -> MLP readout), a FeedForward (LN, Linear, GELU, Linear; not residual there)
and a bias-free projection to the ID token width."""
import torch
from torch import nn
from torch.nn import functional as F

from .config import FaceAbstractorConfig, ImageEncoderConfig
from .layers import LayerNorm2d


class ConvNormAct(nn.Sequential):
    def __init__(self, cin, cout, kernel, groups=1, act=True):
        super().__init__(nn.Conv2d(cin, cout, kernel, padding=kernel // 2, groups=groups, bias=False),
                         LayerNorm2d(cout), nn.SiLU() if act else nn.Identity())


class SqueezeExcite(nn.Module):
    def __init__(self, channels, reduced):
        super().__init__()
        self.fc1 = nn.Conv2d(channels, reduced, 1)
        self.fc2 = nn.Conv2d(reduced, channels, 1)

    def forward(self, x):
        scale = x.mean(dim=(2, 3), keepdim=True)
        return x * torch.sigmoid(self.fc2(F.silu(self.fc1(scale))))


class RegBottleneck(nn.Module):
    """timm RegNet Bottleneck with bottle_ratio 1, group size 1 (depthwise 3x3), SE, SiLU, LayerNorm2d."""

    def __init__(self, cin, cout, se_ratio):
        super().__init__()
        self.conv1 = ConvNormAct(cin, cout, 1)
        self.conv2 = ConvNormAct(cout, cout, 3, groups=cout)
        self.se = SqueezeExcite(cout, int(round(cin * se_ratio)))
        self.conv3 = ConvNormAct(cout, cout, 1, act=False)
        self.downsample = ConvNormAct(cin, cout, 1, act=False) if cin != cout else nn.Identity()

    def forward(self, x):
        out = self.conv3(self.se(self.conv2(self.conv1(x))))
        return F.silu(out + self.downsample(x))


class RegStage(nn.Sequential):
    def __init__(self, depth, cin, cout, se_ratio):
        super().__init__(*(RegBottleneck(cin if i == 0 else cout, cout, se_ratio) for i in range(depth)))


class CAbstractor(nn.Module):
    def __init__(self, config: FaceAbstractorConfig, grid: int):
        super().__init__()
        self.grid = grid
        self.pos_emb = nn.Parameter(nn.init.trunc_normal_(torch.zeros(1, grid * grid, config.dim), std=0.02))
        self.net = nn.Sequential(
            RegStage(config.cabs_depth, config.dim, config.cabs_hidden, config.se_ratio),
            nn.AdaptiveAvgPool2d(config.query_grid),
            RegStage(config.cabs_depth, config.cabs_hidden, config.cabs_hidden, config.se_ratio))
        readout = [nn.Linear(config.cabs_hidden, config.dim)]
        for _ in range(1, config.mlp_depth):
            readout += [nn.SiLU(), nn.Linear(config.dim, config.dim)]
        self.readout = nn.Sequential(*readout)

    def forward(self, x):
        x = x + self.pos_emb
        x = x.transpose(1, 2).reshape(x.shape[0], x.shape[2], self.grid, self.grid)
        x = self.net(x)
        return self.readout(x.flatten(2).transpose(1, 2))


class FaceAbstractor(nn.Module):
    def __init__(self, config: FaceAbstractorConfig, image: ImageEncoderConfig):
        super().__init__()
        m = config.mapping_dim
        self.mapping = nn.Sequential(
            nn.Linear(image.width, m), nn.LayerNorm(m), nn.LeakyReLU(),
            nn.Linear(m, m), nn.LayerNorm(m), nn.LeakyReLU(),
            nn.Linear(m, config.dim))
        self.abstractor = CAbstractor(config, image.grid)
        inner = config.dim * config.ff_mult
        self.ff = nn.Sequential(nn.LayerNorm(config.dim), nn.Linear(config.dim, inner, bias=False), nn.GELU(),
                                nn.Linear(inner, config.dim, bias=False))
        self.proj_out = nn.Linear(config.dim, config.output_dim, bias=False)

    def forward(self, image_hidden_states):
        x = self.mapping(image_hidden_states)[:, 1:]  # drop CLS
        return self.proj_out(self.ff(self.abstractor(x)))

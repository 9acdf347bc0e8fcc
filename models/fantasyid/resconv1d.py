"""ResConv1D: per-vertex features [B, N, C] -> M vertex tokens [B, M, D] by strided residual
1D conv blocks (Conv1d, GroupNorm, Mish), as the released Conv1DReducer4 (5023 -> 79 at full size)."""
from torch import nn

from .config import ResConv1DConfig


class ConvGroupNormMish(nn.Sequential):
    def __init__(self, cin, cout, kernel, stride, padding, groups):
        super().__init__(nn.Conv1d(cin, cout, kernel, stride=stride, padding=padding),
                         nn.GroupNorm(groups, cout), nn.Mish())


class ResidualBlock1D(nn.Module):
    def __init__(self, cin, cout, kernel, stride, padding, groups):
        super().__init__()
        self.conv_in = ConvGroupNormMish(cin, cout, kernel, stride, padding, groups)
        self.conv_out = ConvGroupNormMish(cout, cout, 3, 1, 1, groups)
        self.residual = nn.Conv1d(cin, cout, kernel, stride=stride, padding=padding)

    def forward(self, x):
        return self.conv_out(self.conv_in(x)) + self.residual(x)


class ResConv1D(nn.Module):
    def __init__(self, config: ResConv1DConfig):
        super().__init__()
        c = config.channels
        self.blocks = nn.Sequential(*(
            ResidualBlock1D(c[i], c[i + 1], config.kernels[i], config.strides[i], config.paddings[i], config.groups)
            for i in range(len(c) - 1)))

    def forward(self, features):  # [B, N, C]
        return self.blocks(features.transpose(1, 2)).transpose(1, 2)

"""Image encoder: a plain pre-LN ViT standing in for EVA02-CLIP-L-14-336.

Input: the aligned face crop, RGB, normalised with the CLIP mean/std, NCHW.
Output: hidden states after `depth` blocks, CLS first: [B, 1 + grid^2, width]
(577 x 1024 at full size, the states the released face abstractor reads)."""
import torch
from torch import nn

from .config import ImageEncoderConfig
from .layers import TransformerBlock


class ImageEncoder(nn.Module):
    def __init__(self, config: ImageEncoderConfig):
        super().__init__()
        self.patch_embed = nn.Conv2d(3, config.width, kernel_size=config.patch_size, stride=config.patch_size)
        self.cls_token = nn.Parameter(torch.randn(1, 1, config.width) * 0.02)
        self.pos_embed = nn.Parameter(torch.randn(1, config.num_tokens, config.width) * 0.02)
        self.blocks = nn.ModuleList(
            TransformerBlock(config.width, config.heads, config.mlp_dim) for _ in range(config.depth))

    def forward(self, pixel_values):
        x = self.patch_embed(pixel_values).flatten(2).transpose(1, 2)
        cls = self.cls_token.expand(x.shape[0], -1, -1)
        x = torch.cat([cls, x], dim=1) + self.pos_embed
        for block in self.blocks:
            x = block(x)
        return x

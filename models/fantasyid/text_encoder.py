"""Text encoder: a small pre-LN transformer standing in for CogVideoX's T5-XXL encoder.
Input token ids [B, L] (int64, padded to max_length, no attention mask, as CogVideoX runs T5);
output hidden states [B, L, width]."""
import torch
from torch import nn

from .config import TextEncoderConfig
from .layers import TransformerBlock


class TextEncoder(nn.Module):
    def __init__(self, config: TextEncoderConfig):
        super().__init__()
        self.embed = nn.Embedding(config.vocab_size, config.width)
        self.pos_embed = nn.Parameter(torch.randn(1, config.max_length, config.width) * 0.02)
        self.blocks = nn.Sequential(*(TransformerBlock(config.width, config.heads, config.mlp_dim)
                                      for _ in range(config.depth)))
        self.norm = nn.LayerNorm(config.width)

    def forward(self, input_ids):
        return self.norm(self.blocks(self.embed(input_ids) + self.pos_embed))

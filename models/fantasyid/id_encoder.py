"""ID encoder: V_F = concat(2D face tokens, 3D vertex tokens) = [B, num_queries + M, id_dim]
(36 + 79 = 115 x 2048 at full size). Computed once per request."""
import torch
from torch import nn

from .config import FantasyIDConfig
from .face_abstractor import FaceAbstractor
from .mesh import MeshHierarchy
from .resconv1d import ResConv1D
from .vertex_branch import VertexBranch


class IdEncoder(nn.Module):
    def __init__(self, config: FantasyIDConfig, hierarchy: MeshHierarchy):
        super().__init__()
        self.abstractor = FaceAbstractor(config.abstractor, config.image_encoder)
        self.vertex_branch = VertexBranch(config.vertex, hierarchy)
        self.reducer = ResConv1D(config.resconv)

    def forward(self, image_hidden_states, vertices):
        face = self.abstractor(image_hidden_states)
        vertex_tokens = self.reducer(self.vertex_branch(vertices, face))
        return torch.cat([face, vertex_tokens], dim=1)

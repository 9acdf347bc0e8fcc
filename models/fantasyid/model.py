"""All roles of the generator built from one config, with the role names of the bundle."""
import torch
from torch import nn

from .config import FantasyIDConfig
from .dit import Denoiser
from .id_encoder import IdEncoder
from .image_encoder import ImageEncoder
from .mesh import MeshHierarchy
from .text_encoder import TextEncoder
from .vae import VAEDecoder, VAEEncoder

ROLES = ("image_encoder", "id_encoder", "text_encoder", "denoiser", "vae_encoder", "vae_decoder")


def build_roles(config: FantasyIDConfig, hierarchy: MeshHierarchy, seed: int = 0) -> nn.ModuleDict:
    """Every role with weights drawn from torch's default initialisation after manual_seed(seed),
    in the fixed order of ROLES (so one role's weights do not depend on which others exist)."""
    factories = {
        "image_encoder": lambda: ImageEncoder(config.image_encoder),
        "id_encoder": lambda: IdEncoder(config, hierarchy),
        "text_encoder": lambda: TextEncoder(config.text_encoder),
        "denoiser": lambda: Denoiser(config.dit, config.id_dim),
        "vae_encoder": lambda: VAEEncoder(config.vae),
        "vae_decoder": lambda: VAEDecoder(config.vae),
    }
    roles = nn.ModuleDict()
    for index, role in enumerate(ROLES):
        torch.manual_seed(seed * 1000 + index)
        roles[role] = factories[role]().eval()
    return roles

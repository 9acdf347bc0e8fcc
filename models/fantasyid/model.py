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


def build_roles(config: FantasyIDConfig, hierarchy: MeshHierarchy, seed: int = 0, roles=ROLES) -> nn.ModuleDict:
    """The given roles (default: all) with weights drawn from torch's default initialisation after
    manual_seed(seed * 1000 + index in ROLES), so one role's weights do not depend on which others exist
    (a full-size denoiser can be built without the 4.7 B-parameter text encoder beside it)."""
    factories = {
        "image_encoder": lambda: ImageEncoder(config.image_encoder),
        "id_encoder": lambda: IdEncoder(config, hierarchy),
        "text_encoder": lambda: TextEncoder(config.text_encoder),
        "denoiser": lambda: Denoiser(config.dit, config.id_dim),
        "vae_encoder": lambda: VAEEncoder(config.vae),
        "vae_decoder": lambda: VAEDecoder(config.vae),
    }
    built = nn.ModuleDict()
    for index, role in enumerate(ROLES):
        if role in roles:
            torch.manual_seed(seed * 1000 + index)
            built[role] = factories[role]().eval()
    return built

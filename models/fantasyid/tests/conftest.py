import os
import sys

import pytest
import torch

MODELS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, MODELS)

from fantasyid import config as configs  # noqa: E402
from fantasyid.mesh import MeshHierarchy  # noqa: E402
from fantasyid.model import build_roles  # noqa: E402
from fantasyid.shape_check import synthetic_hierarchy  # noqa: E402

torch.set_num_threads(min(2, torch.get_num_threads()))

FACEMESH = os.path.join(MODELS, "fantasyid", "mesh", "facemesh468.safetensors")
BUNDLE = os.path.join(MODELS, "generator-tiny")
FP16_BUNDLE = os.path.join(MODELS, "generator-tiny-fp16")


@pytest.fixture(scope="session")
def tiny():
    return configs.tiny()


@pytest.fixture(scope="session")
def full():
    return configs.full()


@pytest.fixture(scope="session")
def facemesh():
    return MeshHierarchy.load(FACEMESH)


@pytest.fixture(scope="session")
def flame_sized(full):
    """Synthetic 5023 -> 1256 -> 314 hierarchy: FLAME's own mesh cannot be downloaded here."""
    return synthetic_hierarchy(full)


@pytest.fixture(scope="session")
def tiny_roles(tiny, facemesh):
    return build_roles(tiny, facemesh, seed=0)

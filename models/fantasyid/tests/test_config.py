import json

import pytest

from fantasyid import config as configs


@pytest.mark.parametrize("name", ["tiny", "medium", "full"])
def test_should_round_trip_through_json_when_saved(name):
    config = configs.CONFIGS[name]()
    restored = configs.FantasyIDConfig.from_json(config.to_json())
    assert restored == config
    assert json.loads(restored.to_json()) == json.loads(config.to_json())


def test_should_have_published_shapes_when_full(full):
    assert full.image_encoder.num_tokens == 577
    assert full.num_vertex_tokens == 79
    assert full.num_id_tokens == 115 and full.id_dim == 2048
    assert full.latent_shape(49, 480, 720) == [13, 16, 60, 90]
    assert full.dit.width == 3072 and full.dit.num_layers == 42
    assert full.dit.injection.heads * full.dit.injection.head_dim == 2048


def test_should_have_small_default_request_when_tiny(tiny):
    assert tiny.latent_shape(9, 64, 96) == [3, 4, 8, 12]
    assert tiny.num_vertex_tokens == 8
    assert tiny.num_id_tokens == 44
    assert tiny.vertex.mesh_levels == (468, 117, 30)


def test_should_reject_inconsistent_config_with_clear_message(tiny):
    with pytest.raises(ValueError, match="square number"):
        tiny.replace(abstractor=tiny.abstractor.__class__(**{**tiny.abstractor.__dict__, "num_queries": 35}))
    with pytest.raises(ValueError, match="injection mode"):
        configs.InjectionConfig(mode="adapter").validate()
    with pytest.raises(ValueError, match="1 \\+ a multiple of 4"):
        tiny.latent_shape(10, 64, 96)
    with pytest.raises(ValueError, match="unknown FantasyIDConfig keys"):
        configs.FantasyIDConfig.from_dict({**tiny.to_dict(), "colour": 1})

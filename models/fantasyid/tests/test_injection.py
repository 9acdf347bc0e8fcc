import dataclasses

import torch

from fantasyid.config import InjectionConfig
from fantasyid.dit import Denoiser
from fantasyid.injection import LayerIdAttention


def _dit(tiny, **injection):
    config = dataclasses.replace(tiny.dit, injection=dataclasses.replace(tiny.dit.injection, **injection))
    torch.manual_seed(3)
    return Denoiser(config, tiny.id_dim).eval()


def _inputs(tiny, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(2, 3, 8, 8, 12, generator=g), torch.tensor([700.0, 20.0]),
            torch.randn(2, 64, 64, generator=g), torch.randn(2, tiny.num_id_tokens, tiny.id_dim, generator=g))


def _without_identity(tiny, model):
    """The same weights with identity injection switched off."""
    plain = _dit(tiny, mode="none")
    missing, unexpected = plain.load_state_dict(model.state_dict(), strict=False)
    assert not missing
    return plain


def _zero(modules, name):
    with torch.no_grad():
        for m in modules:
            getattr(m, name).weight.zero_()


def test_should_return_exact_zeros_when_output_projection_is_zero():
    attn = LayerIdAttention(dim=64, id_dim=32, heads=2, head_dim=16)
    _zero([attn], "to_out")
    out = attn(torch.randn(2, 10, 64), torch.randn(2, 7, 32))
    assert torch.count_nonzero(out) == 0


def test_should_be_exact_no_op_when_injection_output_projections_are_zero(tiny):
    for use_fl in (False, True):
        model = _dit(tiny, use_fl=use_fl)
        latents, t, text, ids = _inputs(tiny)
        with torch.no_grad():
            injected = model(latents, t, text, ids)
            _zero(model.id_attention, "to_out")
            silenced = model(latents, t, text, ids)
            other_ids = model(latents, t, text, torch.randn_like(ids))
            plain = _without_identity(tiny, model)(latents, t, text, ids)
        assert not torch.equal(injected, silenced)  # the injection did act before
        assert torch.equal(silenced, plain)
        assert torch.equal(other_ids, plain)


def test_should_inject_after_every_layer_or_every_interval(tiny):
    assert len(_dit(tiny).id_attention) == tiny.dit.num_layers
    assert len(_dit(tiny, interval=3).id_attention) == 2  # layers 0 and 3 of 4
    assert _dit(tiny).id_adapters is None


def test_should_adapt_id_tokens_per_layer_when_fl_enabled(tiny):
    model = _dit(tiny, use_fl=True)
    assert len(model.id_adapters) == tiny.dit.num_layers
    latents, t, text, ids = _inputs(tiny)
    with torch.no_grad():
        with_fl = model(latents, t, text, ids)
        plain_fl = _dit(tiny, use_fl=False)
        plain_fl.load_state_dict(model.state_dict(), strict=False)
        without_fl = plain_fl(latents, t, text, ids)
    assert with_fl.shape == without_fl.shape == (2, 3, 4, 8, 12)
    assert (with_fl - without_fl).abs().max() > 1e-4


def test_should_add_decoupled_attention_scaled_by_lambda_when_id_animator(tiny):
    latents, t, text, ids = _inputs(tiny)
    outputs = {}
    for scale in (0.0, 1.0):
        model = _dit(tiny, mode="decoupled", decoupled_scale=scale)
        assert model.resampler is not None and len(model.id_attention) == 0
        with torch.no_grad():
            outputs[scale] = model(latents, t, text, ids)
            outputs[(scale, "other")] = model(latents, t, text, torch.randn_like(ids))
            plain = _without_identity(tiny, model)(latents, t, text, ids)
        if scale == 0.0:
            assert torch.equal(outputs[scale], plain)
    assert torch.equal(outputs[0.0], outputs[(0.0, "other")])
    assert (outputs[1.0] - outputs[(1.0, "other")]).abs().max() > 1e-4


def test_should_ignore_identity_when_mode_none(tiny):
    model = _dit(tiny, mode="none")
    latents, t, text, ids = _inputs(tiny)
    with torch.no_grad():
        assert torch.equal(model(latents, t, text, ids), model(latents, t, text, torch.zeros_like(ids)))


def test_should_list_modes_in_validation_error():
    try:
        InjectionConfig(mode="ip").validate()
    except ValueError as e:
        assert "layer_attention" in str(e) and "decoupled" in str(e)
    else:
        raise AssertionError("invalid mode accepted")

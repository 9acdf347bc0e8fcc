import torch

from fantasyid.shape_check import run_shapes


def test_should_produce_default_request_shapes_when_tiny(tiny, tiny_roles):
    r = tiny_roles
    with torch.no_grad():
        hidden = r["image_encoder"](torch.randn(1, 3, 48, 48))
        assert list(hidden.shape) == [1, 145, 64]
        ids = r["id_encoder"](hidden, torch.rand(1, 468, 3) * 2 - 1)
        assert list(ids.shape) == [1, 44, 64]
        text = r["text_encoder"](torch.zeros(2, 64, dtype=torch.int64))
        assert list(text.shape) == [2, 64, 64]
        reference = r["vae_encoder"](torch.rand(1, 1, 3, 64, 96) * 2 - 1)
        assert list(reference.shape) == [1, 1, 4, 8, 12]
        out = r["denoiser"](torch.randn(2, 3, 8, 8, 12), torch.tensor([999.0, 1.0]), text, ids.expand(2, -1, -1))
        assert list(out.shape) == [2, 3, 4, 8, 12]
        video = r["vae_decoder"](out[:1])
        assert list(video.shape) == [1, 9, 3, 64, 96]
        assert torch.isfinite(video).all()


def test_should_produce_published_shapes_when_full_on_meta_device(full, flame_sized):
    shapes = run_shapes(full, flame_sized)
    assert shapes["image_encoder"][1] == [1, 577, 1024]
    assert shapes["id_encoder"][1] == [1, 115, 2048]
    assert shapes["text_encoder"][1] == [2, 226, 4096]
    assert shapes["denoiser"][0][0] == [2, 13, 32, 60, 90]
    assert shapes["denoiser"][1] == [2, 13, 16, 60, 90]
    assert shapes["vae_encoder"][1] == [1, 13, 16, 60, 90]
    assert shapes["vae_decoder"][1] == [1, 49, 3, 480, 720]
    # CogVideoX-5B (~5.6B incl. learned positions) + 42 ID cross-attentions of ~21M each
    assert 6.3e9 < shapes["denoiser"][2] < 6.7e9


def test_should_run_vertex_branch_at_full_size_for_real(full, flame_sized):
    """The 3D branch is small even at full size: run it with real weights on the FLAME-sized mesh."""
    from fantasyid.resconv1d import ResConv1D
    from fantasyid.vertex_branch import VertexBranch
    torch.manual_seed(0)
    branch, reducer = VertexBranch(full.vertex, flame_sized), ResConv1D(full.resconv)
    with torch.no_grad():
        per_vertex = branch(torch.rand(1, 5023, 3) * 2 - 1, torch.randn(1, 36, 2048))
        assert list(per_vertex.shape) == [1, 5023, 128]
        assert list(reducer(per_vertex).shape) == [1, 79, 2048]

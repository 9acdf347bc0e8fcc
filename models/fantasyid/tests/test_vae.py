import pytest
import torch


def test_should_compress_time_by_four_keeping_first_frame(tiny_roles):
    enc, dec = tiny_roles["vae_encoder"], tiny_roles["vae_decoder"]
    with torch.no_grad():
        for frames, latent_frames in ((1, 1), (5, 2), (9, 3), (17, 5)):
            z = enc(torch.rand(1, frames, 3, 32, 48) * 2 - 1)
            assert list(z.shape) == [1, latent_frames, 4, 4, 6]
            assert list(dec(z).shape) == [1, frames, 3, 32, 48]


def test_should_not_let_later_frames_change_earlier_latents(tiny_roles):
    enc = tiny_roles["vae_encoder"]
    video = torch.rand(1, 9, 3, 32, 48) * 2 - 1
    changed = video.clone()
    changed[:, 5:] = torch.rand(1, 4, 3, 32, 48)  # frames of the last latent frame only
    with torch.no_grad():
        a, b = enc(video), enc(changed)
    torch.testing.assert_close(a[:, :2], b[:, :2], rtol=0, atol=1e-6)
    assert (a[:, 2] - b[:, 2]).abs().max() > 1e-3


def test_should_not_let_later_latents_change_earlier_frames(tiny_roles):
    dec = tiny_roles["vae_decoder"]
    z = torch.randn(1, 3, 4, 4, 6)
    changed = z.clone()
    changed[:, 2] = torch.randn(1, 4, 4, 6)
    with torch.no_grad():
        a, b = dec(z), dec(changed)
    torch.testing.assert_close(a[:, :5], b[:, :5], rtol=0, atol=1e-6)
    assert (a[:, 5:] - b[:, 5:]).abs().max() > 1e-3


def test_should_encode_reference_frame_alone_like_first_frame_of_video(tiny_roles):
    enc = tiny_roles["vae_encoder"]
    video = torch.rand(1, 9, 3, 32, 48) * 2 - 1
    with torch.no_grad():
        torch.testing.assert_close(enc(video[:, :1])[:, 0], enc(video)[:, 0], rtol=0, atol=1e-5)


def test_should_decode_in_chunks_exactly_when_carrying_the_conv_cache(tiny_roles):
    dec = tiny_roles["vae_decoder"]
    z = torch.randn(1, 13, 4, 4, 6, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        whole = dec(z)
        for chunk in (1, 2, 3, 5):
            caches, parts = dec.empty_caches(), []
            for start in range(0, 13, chunk):
                video, caches = dec(z[:, start:start + chunk], caches)
                assert all(c.shape[2] == 2 for c in caches)  # bounded: 2 frames per causal convolution
                parts.append(video)
            chunked = torch.cat(parts, dim=1)
            assert chunked.shape == whole.shape == (1, 49, 3, 32, 48)
            assert (chunked - whole).abs().max() <= 1e-5, chunk


def test_should_differ_without_the_cache_when_chunked(tiny_roles):
    """The cache matters: restarting every chunk as a new video changes the later frames."""
    dec = tiny_roles["vae_decoder"]
    z = torch.randn(1, 5, 4, 4, 6, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        whole = dec(z)
        _, caches = dec(z[:, :3], dec.empty_caches())
        carried, _ = dec(z[:, 3:], caches)
        restarted = dec(z[:, 3:])
    assert (carried - whole[:, 9:]).abs().max() <= 1e-5
    assert (restarted[:, 1:] - whole[:, 13:]).abs().max() > 1e-2  # latent frame 4 in both


def test_should_refuse_a_wrong_number_of_caches(tiny_roles):
    dec = tiny_roles["vae_decoder"]
    with pytest.raises(ValueError, match="22 caches given|more causal convolutions"):
        dec(torch.randn(1, 2, 4, 4, 6), dec.empty_caches()[:-1])

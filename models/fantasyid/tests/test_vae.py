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

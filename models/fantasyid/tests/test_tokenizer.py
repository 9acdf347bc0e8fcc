import pytest

from fantasyid.tokenizer import ByteTokenizer


def test_should_map_utf8_bytes_then_eos_then_pad(tiny):
    ids = ByteTokenizer(tiny.tokenizer).encode("Aé")
    assert ids[:4] == [ord("A") + 3, 0xC3 + 3, 0xA9 + 3, 1]
    assert ids[4:] == [0] * 60
    assert len(ids) == 64


def test_should_encode_empty_prompt_as_eos_only(tiny):
    assert ByteTokenizer(tiny.tokenizer).encode("") == [1] + [0] * 63


def test_should_cut_long_prompt_before_eos(tiny):
    ids = ByteTokenizer(tiny.tokenizer).encode("x" * 100)
    assert ids == [ord("x") + 3] * 63 + [1]


def test_should_reject_non_string_prompt(tiny):
    with pytest.raises(TypeError, match="prompt must be a string"):
        ByteTokenizer(tiny.tokenizer).encode(b"bytes")


def test_should_refuse_sentencepiece_config(full):
    with pytest.raises(ValueError, match="'byte' tokenizer"):
        ByteTokenizer(full.tokenizer)

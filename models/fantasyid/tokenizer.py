"""Byte-level tokenizer of the tiny bundle (ByT5's scheme), simple enough to reimplement anywhere:

  ids = [b + byte_offset for b in utf8(text)[:max_length - 1]] + [eos_id] + [pad_id] * rest

with pad_id 0, eos_id 1, byte_offset 3, so a byte b has id b + 3 (3..258). The text is cut at
max_length - 1 bytes (a multi-byte character may be cut; the model sees bytes). An empty text
(the usual negative prompt) is [eos_id, pad_id, ...]."""
from .config import TokenizerConfig


class ByteTokenizer:
    def __init__(self, config: TokenizerConfig):
        if config.kind != "byte":
            raise ValueError(f"ByteTokenizer needs a 'byte' tokenizer config, got {config.kind!r}")
        self.config = config

    def encode(self, text: str):
        if not isinstance(text, str):
            raise TypeError(f"prompt must be a string, got {type(text).__name__}")
        c = self.config
        ids = [b + c.byte_offset for b in text.encode("utf-8")[:c.max_length - 1]] + [c.eos_id]
        return ids + [c.pad_id] * (c.max_length - len(ids))

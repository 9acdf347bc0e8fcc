"""Cross-checks IDStream's safetensors files with an independent reader and writer built on numpy.

Usage: safetensors_check.py <file-written-by-java> <file-to-write-for-java>

Reads the Java file strictly per the safetensors spec (not with our code), checks layout, values and the F16/BF16
rounding of the F32 source values (numpy's float16 cast; torch's bfloat16 cast when torch is installed), then writes
a file of its own for the Java side to read. Prints one JSON line describing what was checked; exits non-zero on any
mismatch.
"""
import json
import struct
import sys

import numpy as np

NUMPY_DTYPES = {"F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "U8": "u1"}


def read(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    assert (8 + n) % 8 == 0, f"header of {n} bytes leaves the data unaligned"
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    metadata = header.pop("__metadata__", {})
    tensors, end = {}, 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        begin, stop = info["data_offsets"]
        assert begin == end, f"{name}: begins at {begin}, expected {end}"
        end = stop
        raw = data[begin:stop]
        if info["dtype"] == "BF16":
            bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
            values = bits.view("<f4")
        else:
            values = np.frombuffer(raw, dtype=NUMPY_DTYPES[info["dtype"]])
        tensors[name] = (info["dtype"], values.reshape(info["shape"]), raw)
    assert end == len(data), f"data has {len(data)} bytes, tensors cover {end}"
    return tensors, metadata


def mismatches(source, ours, reference, exponent_mask, mantissa_mask):
    """Bit-exact comparison, except that any NaN pattern matches any NaN (libraries pick different NaN bits)."""
    def is_nan(bits):
        return ((bits & exponent_mask) == exponent_mask) & ((bits & mantissa_mask) != 0)
    nan = np.isnan(source)
    return np.where(nan, ~(is_nan(ours) & is_nan(reference)), ours != reference)


def check_java_file(path):
    tensors, metadata = read(path)
    assert metadata == {"producer": "idstream", "note": "grüße"}, metadata
    source = tensors["source_f32"][1]
    f16_bits = np.frombuffer(tensors["as_f16"][2], dtype="<u2")
    with np.errstate(over="ignore"):  # overflow to infinity is one of the cases under test
        expected_f16 = source.astype(np.float16).view(np.uint16)
    differ = np.nonzero(mismatches(source, f16_bits, expected_f16, 0x7C00, 0x03FF))[0]
    assert differ.size == 0, f"F16 bits differ at {differ[:10]}: {source[differ[:10]]} -> ours {f16_bits[differ[:10]]} vs numpy {expected_f16[differ[:10]]}"
    checked = ["layout", "metadata", "f16_rounding_vs_numpy"]
    try:
        import torch
        expected_bf16 = torch.tensor(source).to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)
        bf16_bits = np.frombuffer(tensors["as_bf16"][2], dtype="<u2")
        differ = np.nonzero(mismatches(source, bf16_bits, expected_bf16, 0x7F80, 0x007F))[0]
        assert differ.size == 0, f"BF16 bits differ at {differ[:10]}: {source[differ[:10]]} -> ours {bf16_bits[differ[:10]]} vs torch {expected_bf16[differ[:10]]}"
        checked.append("bf16_rounding_vs_torch")
    except ImportError:
        pass
    assert tensors["matrix"][0] == "F32" and tensors["matrix"][1].shape == (2, 3)
    assert tensors["matrix"][1].tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert tensors["ids"][1].tolist() == [-(2 ** 63), 0, 2 ** 63 - 1]
    assert tensors["counts"][1].tolist() == [[-7], [2 ** 31 - 1]]
    assert tensors["pixels"][1].tolist() == [0, 128, 255]
    return checked


def write_for_java(path):
    """Tensors in header order different from name order, with gaps-free data in insertion order."""
    entries = [
        ("zeta", "F32", np.array([[0.5, -1.25], [3.0, 1e-8]], dtype="<f4")),
        ("alpha", "F16", np.array([1.0, 0.1, -65504.0, 6e-8], dtype="<f2")),
        ("mid", "I64", np.array([[[1, -2]]], dtype="<i8")),
        ("bytes", "U8", np.array([9, 250], dtype="u1")),
    ]
    header, offset, chunks = {"__metadata__": {"format": "pt"}}, 0, []
    for name, dtype, values in entries:
        raw = values.tobytes()
        header[name] = {"dtype": dtype, "shape": list(values.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        chunks.append(raw)
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


if __name__ == "__main__":
    checks = check_java_file(sys.argv[1])
    write_for_java(sys.argv[2])
    print(json.dumps({"ok": True, "checked": checks}))

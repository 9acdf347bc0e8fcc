"""Minimal safetensors reader/writer (numpy only).

Format: 8-byte little-endian header length, a JSON header mapping each tensor name to
{dtype, shape, data_offsets: [begin, end]} (offsets relative to the data section), an
optional "__metadata__" map of strings, then the raw little-endian tensor bytes.

numpy has no bfloat16: `load` widens BF16 tensors to float32 (exact), while `load_raw` /
`save_raw` keep every tensor in its stored dtype (BF16 as its uint16 bit patterns), so a
converter that only moves values around writes them back bit for bit.
"""
import json
import os
import struct
from typing import NamedTuple

import numpy as np

_DTYPES = {
    np.dtype("float32"): "F32",
    np.dtype("float64"): "F64",
    np.dtype("float16"): "F16",
    np.dtype("int64"): "I64",
    np.dtype("int32"): "I32",
    np.dtype("int8"): "I8",
    np.dtype("uint8"): "U8",
}
_NUMPY = {name: dtype for dtype, name in _DTYPES.items()}
_NUMPY["BF16"] = np.dtype("uint16")  # bit patterns: the upper half of a float32


class RawTensor(NamedTuple):
    """A tensor in its stored dtype: `array` holds the values, for BF16 their uint16 bit patterns."""
    dtype: str  # safetensors name: F32, BF16, ...
    array: np.ndarray


def bfloat16_to_float32(bits):
    """Exact: a bfloat16 is the upper 16 bits of the float32 with the same value."""
    return (np.asarray(bits, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)


def raw(array):
    """A numpy array as a RawTensor of its own dtype."""
    array = np.asarray(array)
    if array.dtype not in _DTYPES:
        raise ValueError(f"unsupported dtype {array.dtype}")
    return RawTensor(_DTYPES[array.dtype], array)


def save(path, tensors, metadata=None):
    """Writes tensors (name -> numpy array) in name order, so equal input gives equal bytes."""
    raws = {}
    for name, array in tensors.items():
        if np.asarray(array).dtype not in _DTYPES:
            raise ValueError(f"tensor {name!r} has unsupported dtype {np.asarray(array).dtype}")
        raws[name] = raw(array)
    save_raw(path, raws, metadata)


def save_raw(path, tensors, metadata=None):
    """Writes tensors (name -> RawTensor) in name order, one tensor in memory at a time."""
    header = {}
    offset = 0
    for name in sorted(tensors):
        dtype, array = tensors[name]
        if dtype not in _NUMPY or np.dtype(array.dtype) != _NUMPY[dtype]:
            raise ValueError(f"tensor {name!r}: dtype {dtype} cannot be stored from a numpy {array.dtype} array")
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + array.nbytes]}
        offset += array.nbytes
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    encoded = json.dumps(header, separators=(",", ":"), sort_keys=True).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)  # align the data section to 8 bytes
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(encoded)))
        out.write(encoded)
        for name in sorted(tensors):
            array = np.ascontiguousarray(tensors[name].array)
            out.write(array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes())


def load(path):
    """Returns (tensors, metadata); BF16 tensors are widened to float32."""
    stored, metadata = load_raw(path, mmap=False)
    tensors = {}
    for name, (dtype, array) in stored.items():
        tensors[name] = bfloat16_to_float32(array) if dtype == "BF16" else array.astype(array.dtype.newbyteorder("="))
    return tensors, metadata


def load_raw(path, mmap=True):
    """Returns ({name: RawTensor}, metadata). With mmap the arrays are read-only views of the file,
    so a checkpoint of many gigabytes is read tensor by tensor as it is used."""
    header_len, header = read_header(path)
    metadata = header.pop("__metadata__", {})
    if mmap and os.path.getsize(path) > 8 + header_len:  # numpy cannot map an empty data section
        data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + header_len)
    else:
        with open(path, "rb") as source:
            source.seek(8 + header_len)
            data = np.frombuffer(source.read(), dtype=np.uint8)
    tensors = {}
    for name, info in header.items():
        if info.get("dtype") not in _NUMPY:
            raise ValueError(f"{path}: tensor {name!r} has unsupported dtype {info.get('dtype')} "
                             f"(supported: {', '.join(sorted(_NUMPY))})")
        begin, end = info["data_offsets"]
        if end > data.size:
            raise ValueError(f"{path} is truncated: tensor {name!r} ends at byte {end} of a {data.size}-byte data section")
        dtype = _NUMPY[info["dtype"]].newbyteorder("<")
        tensors[name] = RawTensor(info["dtype"], data[begin:end].view(dtype).reshape(info["shape"]))
    return tensors, metadata


def read_header(path):
    """(header length, header dict) of a safetensors file."""
    with open(path, "rb") as source:
        prefix = source.read(8)
        if len(prefix) < 8:
            raise ValueError(f"{path} is not a safetensors file: shorter than its 8-byte header length")
        (header_len,) = struct.unpack("<Q", prefix)
        encoded = source.read(header_len)
    if len(encoded) != header_len:
        raise ValueError(f"{path} is truncated: header says {header_len} bytes, file has {len(encoded)}")
    return header_len, json.loads(encoded.decode("utf-8"))

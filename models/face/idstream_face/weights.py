"""Decodes TensorFlow.js weights (weights manifest + binary shards) into `Weight`s.

A weight keeps its stored form (uint8/uint16 affine-quantized, float16 or plain) so the ONNX
file can stay as compact as the package: the graph dequantizes it with Cast/Mul/Add nodes that
ONNX Runtime folds into constants when the session is created.
"""
import numpy as np

_STORED_DTYPES = {"float32": np.float32, "int32": np.int32, "uint8": np.uint8,
                  "uint16": np.uint16, "float16": np.float16, "bool": np.uint8}


class Weight:
    """One tensor as stored: `raw` in its storage dtype, plus `scale`/`min` when quantized."""

    def __init__(self, name, dtype, raw, scale=None, minimum=None):
        self.name = name
        self.dtype = dtype            # logical dtype: float32 or int32
        self.raw = raw                # numpy array in storage dtype, logical shape
        self.scale = scale
        self.minimum = minimum

    @property
    def quantized(self):
        return self.scale is not None

    @property
    def shape(self):
        return list(self.raw.shape)

    def values(self):
        """The logical values exactly as TensorFlow.js computes them (float64 math, stored as float32)."""
        if self.quantized:
            v = self.raw.astype(np.float64) * self.scale + self.minimum
            return np.round(v).astype(np.int32) if self.dtype == "int32" else v.astype(np.float32)
        if self.raw.dtype == np.float16:
            return self.raw.astype(np.float32)
        return self.raw

    def map(self, fn):
        """Applies a layout change (transpose/reshape) to the stored data; it commutes with
        per-tensor dequantization, so the result stays compact."""
        return Weight(self.name, self.dtype, np.ascontiguousarray(fn(self.raw)), self.scale, self.minimum)


def decode(manifest_groups, read_shard):
    """manifest_groups: the `weightsManifest` list; read_shard(path) -> bytes.
    Shards of a group are one byte stream; weights follow each other in manifest order."""
    weights = {}
    for group in manifest_groups:
        data = b"".join(read_shard(p) for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            shape = [int(d) for d in spec["shape"]]
            count = int(np.prod(shape)) if shape else 1
            q = spec.get("quantization")
            stored = q["dtype"] if q else spec["dtype"]
            if stored not in _STORED_DTYPES:
                raise ValueError(f"weight {spec['name']}: unsupported storage dtype {stored}")
            np_dtype = np.dtype(_STORED_DTYPES[stored]).newbyteorder("<")
            size = count * np_dtype.itemsize
            if offset + size > len(data):
                raise ValueError(f"weight {spec['name']}: shard data ends at {len(data)} bytes, "
                                 f"the manifest needs {offset + size}")
            raw = np.frombuffer(data, dtype=np_dtype, count=count, offset=offset).reshape(shape)
            raw = raw.astype(np_dtype.newbyteorder("="))
            offset += size
            if q and q["dtype"] in ("uint8", "uint16"):
                weights[spec["name"]] = Weight(spec["name"], spec["dtype"], raw, q["scale"], q["min"])
            else:
                weights[spec["name"]] = Weight(spec["name"], spec["dtype"], raw)
        if offset != len(data):
            raise ValueError(f"weights manifest covers {offset} bytes but the shards hold {len(data)}")
    return weights

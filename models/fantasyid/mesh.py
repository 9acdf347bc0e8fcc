"""Mesh hierarchy data and the two mesh operators of SpiralNet++.

The hierarchy is data, not code: a safetensors file with, per level l, the spiral indices
`spiral.l` [N_l, S] and, between levels, pooling transforms stored as fixed-width sparse rows:
`down.l.index/weight` [N_{l+1}, k] (fine -> coarse) and `up.l.index/weight` [N_l, k]
(coarse -> fine). Output row i = sum_j weight[i, j] * input[index[i, j]]. This is what
SpiralNet++'s sparse matrices do, in a form ONNX exports as Gather + Mul + ReduceSum."""
import numpy as np
import torch
from torch import nn

from . import safetensors_io


class MeshHierarchy:
    def __init__(self, sizes, spirals, down, up, positions=None, triangles=None, metadata=None):
        self.sizes = [int(n) for n in sizes]
        self.spirals = [np.asarray(s, dtype=np.int64) for s in spirals]
        self.down = [(np.asarray(i, dtype=np.int64), np.asarray(w, dtype=np.float32)) for i, w in down]
        self.up = [(np.asarray(i, dtype=np.int64), np.asarray(w, dtype=np.float32)) for i, w in up]
        self.positions = positions or []
        self.triangles = triangles or []
        self.metadata = dict(metadata or {})
        self._check()

    def _check(self):
        levels = len(self.sizes)
        if len(self.spirals) != levels or len(self.down) != levels - 1 or len(self.up) != levels - 1:
            raise ValueError(f"mesh hierarchy with {levels} levels needs {levels} spirals and "
                             f"{levels - 1} down/up transforms")
        for level, spiral in enumerate(self.spirals):
            _check_rows(f"spiral.{level}", spiral, self.sizes[level], self.sizes[level])
        for level, ((di, dw), (ui, uw)) in enumerate(zip(self.down, self.up)):
            _check_rows(f"down.{level}", di, self.sizes[level + 1], self.sizes[level], dw)
            _check_rows(f"up.{level}", ui, self.sizes[level], self.sizes[level + 1], uw)

    def require(self, sizes, spiral_length):
        if list(sizes) != self.sizes:
            raise ValueError(f"mesh hierarchy has levels {self.sizes}, the config expects {list(sizes)}")
        lengths = {s.shape[1] for s in self.spirals}
        if lengths != {spiral_length}:
            raise ValueError(f"mesh hierarchy has spiral length {sorted(lengths)}, the config expects {spiral_length}")

    def save(self, path):
        tensors = {"sizes": np.asarray(self.sizes, dtype=np.int64)}
        for level, spiral in enumerate(self.spirals):
            tensors[f"spiral.{level}"] = spiral
        for level, ((di, dw), (ui, uw)) in enumerate(zip(self.down, self.up)):
            tensors[f"down.{level}.index"], tensors[f"down.{level}.weight"] = di, dw
            tensors[f"up.{level}.index"], tensors[f"up.{level}.weight"] = ui, uw
        for level, p in enumerate(self.positions):
            tensors[f"positions.{level}"] = np.asarray(p, dtype=np.float32)
        for level, t in enumerate(self.triangles):
            tensors[f"triangles.{level}"] = np.asarray(t, dtype=np.int64)
        safetensors_io.save(path, tensors, self.metadata)

    @classmethod
    def load(cls, path):
        tensors, metadata = safetensors_io.load(path)
        if "sizes" not in tensors:
            raise ValueError(f"{path} is not a mesh hierarchy file: it has no 'sizes' tensor")
        sizes = tensors["sizes"].tolist()
        levels = range(len(sizes))
        pairs = range(len(sizes) - 1)
        return cls(sizes,
                   [tensors[f"spiral.{l}"] for l in levels],
                   [(tensors[f"down.{l}.index"], tensors[f"down.{l}.weight"]) for l in pairs],
                   [(tensors[f"up.{l}.index"], tensors[f"up.{l}.weight"]) for l in pairs],
                   [tensors[f"positions.{l}"] for l in levels if f"positions.{l}" in tensors],
                   [tensors[f"triangles.{l}"] for l in levels if f"triangles.{l}" in tensors],
                   metadata)


def _check_rows(name, index, rows, columns, weight=None):
    if index.ndim != 2 or index.shape[0] != rows:
        raise ValueError(f"{name} must have {rows} rows, has shape {list(index.shape)}")
    if index.size and (index.min() < 0 or index.max() >= columns):
        raise ValueError(f"{name} indexes outside 0..{columns - 1}")
    if weight is not None and weight.shape != index.shape:
        raise ValueError(f"{name} weight shape {list(weight.shape)} differs from its index shape {list(index.shape)}")


class SparsePool(nn.Module):
    """out[:, i] = sum_j weight[i, j] * x[:, index[i, j]] for x of shape [B, N_in, C]."""

    def __init__(self, index, weight):
        super().__init__()
        self.register_buffer("index", torch.as_tensor(index, dtype=torch.int64).reshape(-1), persistent=False)
        self.register_buffer("weight", torch.as_tensor(weight, dtype=torch.float32)[None, :, :, None],
                             persistent=False)
        self.rows, self.width = index.shape

    def forward(self, x):
        gathered = x[:, self.index].reshape(x.shape[0], self.rows, self.width, x.shape[2])
        return (gathered * self.weight).sum(dim=2)


class SpiralConv(nn.Module):
    """SpiralNet++ convolution: concatenate the features of each vertex's spiral, then Linear."""

    def __init__(self, cin, cout, spiral):
        super().__init__()
        self.register_buffer("spiral", torch.as_tensor(spiral, dtype=torch.int64).reshape(-1), persistent=False)
        self.vertices, self.length = spiral.shape
        self.layer = nn.Linear(cin * self.length, cout)

    def forward(self, x):
        x = x[:, self.spiral].reshape(x.shape[0], self.vertices, self.length * x.shape[2])
        return self.layer(x)

"""Deterministic mesh hierarchy: spiral indices, decimation by clustering, pooling transforms.

Given vertex positions (2D, e.g. FaceMesh UV coordinates, or 3D) and triangles:

* Spirals (SpiralNet++): the vertex itself, then its 1-ring, 2-ring, ... Each ring is ordered
  counter-clockwise by the angle around the centre vertex (in the plane for 2D positions, in the
  tangent plane of the area-weighted vertex normal for 3D), starting at the direction closest to
  +x; ties by distance, then index. Cut to the spiral length; a vertex whose connected rings hold
  too few vertices is filled with its nearest vertices by Euclidean distance (as the released
  SpiralNet++ preprocessing does with a KD-tree).
* Decimation (vertex clustering): N_{l+1} = ceil(N_l / factor) seeds by farthest point sampling
  (first seed: the vertex nearest the centroid; ties to the lowest index); every vertex joins its
  nearest seed (ties to the earliest seed). A coarse vertex sits at its cluster's centroid. Coarse
  edges join clusters linked by a fine edge; coarse triangles are fine triangles whose three
  vertices fall in three clusters (first occurrence kept, with its orientation).
* Down transform: the mean over the cluster (so down(fine positions) = coarse positions).
* Up transform: each fine vertex takes barycentric weights in the coarse triangle nearest to it
  (barycentrics clamped to the triangle and renormalised; nearest by the distance to that point,
  rounded to 1e-10 of the mesh extent so that equal distances tie and the lowest index wins),
  as COMA/SpiralNet++ do; without coarse triangles, it copies its cluster.
"""
import math

import numpy as np

from .mesh import MeshHierarchy

ALGORITHM = "idstream-cluster-v1"


def edges_of(triangles):
    t = np.asarray(triangles, dtype=np.int64)
    e = np.concatenate([t[:, [0, 1]], t[:, [1, 2]], t[:, [2, 0]]])
    e = np.sort(e, axis=1)
    e = e[e[:, 0] != e[:, 1]]
    return np.unique(e, axis=0)


def neighbours_of(count, edges):
    result = [set() for _ in range(count)]
    for a, b in edges:
        result[a].add(int(b))
        result[b].add(int(a))
    return result


def _frames(positions, triangles):
    """Per-vertex (u, w) tangent axes for 3D positions; None for 2D positions."""
    if positions.shape[1] == 2:
        return None
    normals = np.zeros_like(positions)
    t = np.asarray(triangles, dtype=np.int64)
    if len(t):
        face = np.cross(positions[t[:, 1]] - positions[t[:, 0]], positions[t[:, 2]] - positions[t[:, 0]])
        for corner in range(3):
            np.add.at(normals, t[:, corner], face)
    length = np.linalg.norm(normals, axis=1, keepdims=True)
    normals = np.where(length > 1e-12, normals / np.maximum(length, 1e-12), np.array([0.0, 0.0, 1.0]))
    reference = np.where(np.abs(normals[:, :1]) < 0.9, np.array([[1.0, 0.0, 0.0]]), np.array([[0.0, 1.0, 0.0]]))
    u = reference - (reference * normals).sum(1, keepdims=True) * normals
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    return u, np.cross(normals, u)


def _angles(positions, frames, centre, others):
    d = positions[others] - positions[centre]
    if frames is None:
        x, y = d[:, 0], d[:, 1]
    else:
        x, y = d @ frames[0][centre], d @ frames[1][centre]
    return np.mod(np.arctan2(y, x), 2 * math.pi), np.linalg.norm(d, axis=1)


def spirals(positions, triangles, edges, length):
    positions = np.asarray(positions, dtype=np.float64)
    count = len(positions)
    if count < length:
        raise ValueError(f"a mesh of {count} vertices cannot have spirals of length {length}")
    neighbours = neighbours_of(count, edges)
    frames = _frames(positions, triangles)
    result = np.zeros((count, length), dtype=np.int64)
    for v in range(count):
        spiral, visited, frontier = [v], {v}, [v]
        while len(spiral) < length:
            ring = sorted({n for f in frontier for n in neighbours[f]} - visited)
            if not ring:
                break
            angle, distance = _angles(positions, frames, v, ring)
            ring = [ring[i] for i in np.lexsort((ring, np.round(distance, 9), np.round(angle, 9)))]
            spiral += ring
            visited.update(ring)
            frontier = ring
        if len(spiral) < length:
            distance = np.linalg.norm(positions - positions[v], axis=1)
            spiral += [int(i) for i in np.lexsort((np.arange(count), distance)) if int(i) not in visited]
        result[v] = spiral[:length]
    return result


def farthest_points(positions, count):
    centroid = positions.mean(axis=0)
    first = int(np.argmin(np.linalg.norm(positions - centroid, axis=1)))
    seeds = [first]
    distance = np.linalg.norm(positions - positions[first], axis=1)
    for _ in range(count - 1):
        nxt = int(np.argmax(distance))
        seeds.append(nxt)
        distance = np.minimum(distance, np.linalg.norm(positions - positions[nxt], axis=1))
    return np.asarray(seeds, dtype=np.int64)


def _nearest_seed(positions, seeds, chunk=1024):
    labels = np.empty(len(positions), dtype=np.int64)
    for start in range(0, len(positions), chunk):
        block = positions[start:start + chunk]
        d = np.linalg.norm(block[:, None, :] - positions[seeds][None, :, :], axis=2)
        labels[start:start + chunk] = np.argmin(d, axis=1)
    labels[seeds] = np.arange(len(seeds))
    return labels


def _padded_rows(groups, weights):
    width = max(len(g) for g in groups)
    index = np.zeros((len(groups), width), dtype=np.int64)
    weight = np.zeros((len(groups), width), dtype=np.float32)
    for row, (g, w) in enumerate(zip(groups, weights)):
        index[row, :len(g)] = g
        index[row, len(g):] = g[0]
        weight[row, :len(g)] = w
    return index, weight


def _barycentric_up(fine, coarse, triangles, labels, chunk=512):
    if len(triangles) == 0:
        return _padded_rows([[int(l)] for l in labels], [[1.0]] * len(labels))
    corners = [coarse[triangles[:, i]] for i in range(3)]  # a, b, c: [T, d]
    a = corners[0]
    v0, v1 = corners[1] - a, corners[2] - a
    d00, d01, d11 = (v0 * v0).sum(1), (v0 * v1).sum(1), (v1 * v1).sum(1)
    denom = d00 * d11 - d01 * d01
    valid = np.abs(denom) > 1e-12
    safe = np.where(valid, denom, 1.0)
    a_v0, a_v1 = (a * v0).sum(1), (a * v1).sum(1)
    gram = [[(corners[i] * corners[j]).sum(1) for j in range(3)] for i in range(3)]
    scale = max(float(np.square(fine - fine.mean(0)).sum(1).max()), 1e-12)
    index = np.zeros((len(fine), 3), dtype=np.int64)
    weight = np.zeros((len(fine), 3), dtype=np.float32)
    for start in range(0, len(fine), chunk):
        p = fine[start:start + chunk]
        # (p - a).v0 and (p - a).v1 for every (point, triangle) pair, as matrix products
        d20, d21 = p @ v0.T - a_v0, p @ v1.T - a_v1
        bv = (d11 * d20 - d01 * d21) / safe
        bw = (d00 * d21 - d01 * d20) / safe
        bary = np.clip(np.stack([1.0 - bv - bw, bv, bw]), 0.0, None)
        bary /= np.maximum(bary.sum(0), 1e-12)
        # |p - q|^2 with q = sum_i bary_i corner_i, expanded into dot products
        pq = sum(bary[i] * (p @ corners[i].T) for i in range(3))
        qq = sum(bary[i] * bary[j] * gram[i][j] for i in range(3) for j in range(3))
        dist = np.where(valid, (p * p).sum(1, keepdims=True) - 2 * pq + qq, np.inf)
        best = np.argmin(np.round(dist / scale, 10), axis=1)  # rounding makes equal distances tie exactly
        rows = np.arange(len(best))
        index[start:start + chunk] = triangles[best]
        weight[start:start + chunk] = bary[:, rows, best].T
    return index, weight


def coarsen(positions, triangles, edges, count):
    """One decimation step; returns coarse (positions, triangles, edges) and (down, up) transforms."""
    seeds = farthest_points(positions, count)
    labels = _nearest_seed(positions, seeds)
    members = [np.flatnonzero(labels == k) for k in range(count)]
    if any(len(m) == 0 for m in members):
        raise ValueError("decimation produced an empty cluster (duplicate vertex positions?)")
    coarse = np.stack([positions[m].mean(axis=0) for m in members])
    down = _padded_rows([m.tolist() for m in members], [[1.0 / len(m)] * len(m) for m in members])

    e = np.sort(labels[edges], axis=1)
    coarse_edges = np.unique(e[e[:, 0] != e[:, 1]], axis=0)
    seen, coarse_triangles = set(), []
    for tri in labels[np.asarray(triangles, dtype=np.int64)]:
        key = frozenset(tri.tolist())
        if len(key) == 3 and key not in seen:
            seen.add(key)
            coarse_triangles.append(tri)
    coarse_triangles = np.asarray(coarse_triangles, dtype=np.int64).reshape(-1, 3)
    up = _barycentric_up(positions, coarse, coarse_triangles, labels)
    return coarse, coarse_triangles, coarse_edges, down, up


def build_hierarchy(positions, triangles, levels, spiral_length, metadata=None):
    """`levels` is the list of vertex counts, starting with len(positions)."""
    positions = np.asarray(positions, dtype=np.float64)
    triangles = np.asarray(triangles, dtype=np.int64)
    if levels[0] != len(positions):
        raise ValueError(f"first level must be the vertex count {len(positions)}, got {levels[0]}")
    edges = edges_of(triangles)
    all_positions, all_triangles, all_spirals, downs, ups = [positions], [triangles], [], [], []
    for count in levels[1:]:
        positions, triangles, edges_next, down, up = coarsen(positions, triangles, edges, count)
        all_spirals.append(spirals(all_positions[-1], all_triangles[-1], edges, spiral_length))
        downs.append(down)
        ups.append(up)
        all_positions.append(positions)
        all_triangles.append(triangles)
        edges = edges_next
    all_spirals.append(spirals(positions, triangles, edges, spiral_length))
    meta = {"algorithm": ALGORITHM, "spiral_length": spiral_length}
    meta.update(metadata or {})
    return MeshHierarchy(levels, all_spirals, downs, ups, all_positions, all_triangles, meta)


def quarter_levels(count, depth):
    """[count, ceil(count/4), ceil(count/16), ...] -- 5023 -> 1256 -> 314 and 468 -> 117 -> 30."""
    levels = [count]
    for _ in range(depth):
        levels.append(math.ceil(levels[-1] / 4))
    return levels


def synthetic_surface(count, columns=70):
    """A bumpy grid surface with exactly `count` vertices (row-major; the last row is partial).
    Stands in for FLAME's 5023-vertex mesh, which cannot be downloaded here, in shape tests."""
    rows = math.ceil(count / columns)
    ij = np.array([(i // columns, i % columns) for i in range(count)], dtype=np.float64)
    x, y = ij[:, 1] / (columns - 1) * 2 - 1, ij[:, 0] / (rows - 1) * 2 - 1
    positions = np.stack([x, y, 0.3 * np.exp(-2.0 * (x * x + y * y))], axis=1)
    triangles = []
    for r in range(rows - 1):
        for c in range(columns - 1):
            a, b, d, e = r * columns + c, r * columns + c + 1, (r + 1) * columns + c, (r + 1) * columns + c + 1
            for tri in ((a, b, e), (a, e, d)):
                if max(tri) < count:
                    triangles.append(tri)
    return positions, np.asarray(triangles, dtype=np.int64)

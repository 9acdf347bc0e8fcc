import numpy as np
import pytest
import torch

from fantasyid import mesh_build
from fantasyid.mesh import MeshHierarchy, SparsePool, SpiralConv


def test_should_rebuild_committed_facemesh_hierarchy_exactly(facemesh):
    rebuilt = mesh_build.build_hierarchy(facemesh.positions[0], facemesh.triangles[0], facemesh.sizes, 9)
    assert rebuilt.sizes == facemesh.sizes == [468, 117, 30]
    for a, b in zip(rebuilt.spirals, facemesh.spirals):
        np.testing.assert_array_equal(a, b)
    for (ai, aw), (bi, bw) in zip(rebuilt.down + rebuilt.up, facemesh.down + facemesh.up):
        np.testing.assert_array_equal(ai, bi)
        np.testing.assert_allclose(aw, bw, rtol=0, atol=1e-7)


def test_should_start_each_spiral_at_its_vertex_then_its_neighbours(facemesh):
    edges = mesh_build.edges_of(facemesh.triangles[0])
    neighbours = mesh_build.neighbours_of(468, edges)
    spiral = facemesh.spirals[0]
    assert spiral.shape == (468, 9)
    np.testing.assert_array_equal(spiral[:, 0], np.arange(468))
    for v, row in enumerate(spiral):
        assert len(set(row.tolist())) == 9
        ring = min(len(neighbours[v]), 8)
        assert set(row[1:1 + ring].tolist()) <= neighbours[v]


def test_should_pool_positions_to_cluster_centroids_and_interpolate_back(facemesh):
    for level, ((di, dw), (ui, uw)) in enumerate(zip(facemesh.down, facemesh.up)):
        fine, coarse = facemesh.positions[level], facemesh.positions[level + 1]
        np.testing.assert_allclose((fine[di] * dw[..., None]).sum(1), coarse, atol=1e-5)
        np.testing.assert_allclose(dw.sum(1), 1.0, atol=1e-6)
        np.testing.assert_allclose(uw.sum(1), 1.0, atol=1e-6)
        assert (uw >= 0).all()
        upsampled = (coarse[ui] * uw[..., None]).sum(1)
        assert np.abs(upsampled - fine).max() < 0.1  # UV extent is 1; clusters are small


def test_should_apply_sparse_rows_in_torch_as_in_numpy(facemesh):
    index, weight = facemesh.down[0]
    x = torch.randn(2, 468, 5)
    expected = (x.numpy()[:, index] * weight[None, :, :, None]).sum(2)
    np.testing.assert_allclose(SparsePool(index, weight)(x).numpy(), expected, atol=1e-6)


def test_should_concatenate_spiral_neighbourhoods(facemesh):
    conv = SpiralConv(3, 4, facemesh.spirals[2])
    x = torch.randn(1, 30, 3)
    expected = conv.layer(x[:, torch.as_tensor(facemesh.spirals[2])].reshape(1, 30, 27))
    torch.testing.assert_close(conv(x), expected)


def test_should_decimate_flame_sized_mesh_to_published_levels(flame_sized):
    assert mesh_build.quarter_levels(5023, 2) == [5023, 1256, 314]
    assert flame_sized.sizes == [5023, 1256, 314]
    assert [s.shape for s in flame_sized.spirals] == [(5023, 9), (1256, 9), (314, 9)]


def test_should_round_trip_hierarchy_file(facemesh, tmp_path):
    path = str(tmp_path / "mesh.safetensors")
    facemesh.save(path)
    loaded = MeshHierarchy.load(path)
    assert loaded.sizes == facemesh.sizes and loaded.metadata == facemesh.metadata
    np.testing.assert_array_equal(loaded.up[1][0], facemesh.up[1][0])


def test_should_reject_hierarchy_that_does_not_fit_config(facemesh):
    with pytest.raises(ValueError, match="levels \\[468, 117, 30\\], the config expects \\[5023, 1256, 314\\]"):
        facemesh.require((5023, 1256, 314), 9)
    with pytest.raises(ValueError, match="must have 30 rows"):
        MeshHierarchy([468, 117, 30], facemesh.spirals, [facemesh.down[0], facemesh.down[0]], facemesh.up)

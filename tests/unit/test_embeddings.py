"""Embeddings: PCA both ways, nearest neighbours, shipped maps current for every zoo model."""

import time

import numpy as np
import pytest

from core import embeddings as emb
from core import zoo
from core.cards import CLASSIFIER


def test_pca_projects_and_inverts_within_its_plane():
    rng = np.random.default_rng(0)
    mu = rng.standard_normal((500, 2)) @ np.array([[3.0, 0.0, 1.0], [0.0, 1.0, -1.0]])
    fitted = emb.pca(mu)
    xy = fitted.project(mu)
    assert xy.shape == (500, 2)
    np.testing.assert_allclose(fitted.invert(xy), mu, atol=1e-8)  # the data lie in a plane
    assert fitted.explained[:2].sum() == pytest.approx(1.0)


def test_pca_matches_scikit_learn():
    from sklearn.decomposition import PCA

    mu = (np.random.default_rng(3).standard_normal((400, 6)) * [5, 3, 2, 1, 0.5, 0.1]
          ).astype(np.float32)
    ours, theirs = emb.pca(mu), PCA(n_components=6).fit(mu)
    np.testing.assert_allclose(ours.components, theirs.components_, atol=1e-4)
    np.testing.assert_allclose(ours.explained, theirs.explained_variance_ratio_, atol=1e-6)
    np.testing.assert_allclose(ours.project(mu), theirs.transform(mu)[:, :2], atol=1e-3)


def test_nearest_finds_the_closest_rows():
    xy = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0]])
    assert emb.nearest(xy, np.array([[0.9, 0.1], [4.0, 4.0]]), k=2).tolist() == [[1, 0], [2, 1]]


def test_trustworthiness_tells_a_faithful_map_from_a_shuffled_one():
    mu = np.random.default_rng(1).standard_normal((300, 2))
    shuffled = np.random.default_rng(2).permutation(mu)
    assert emb.trustworthiness(mu, mu) == pytest.approx(1.0)
    assert emb.trustworthiness(mu, shuffled) < 0.7


def test_a_stale_shipped_map_is_not_used(tmp_path):
    mu = np.random.default_rng(0).standard_normal((emb.SUBSET, 2)).astype(np.float32)
    np.savez(tmp_path / "x.npz", sha256=np.array("old"), tsne=mu, umap=mu)
    (tmp_path / "embeddings").mkdir()
    (tmp_path / "x.npz").rename(tmp_path / "embeddings" / "x.npz")
    assert emb.load_shipped("x", "old", tmp_path) is not None
    assert emb.load_shipped("x", "new", tmp_path) is None
    assert emb.load_shipped("missing", "old", tmp_path) is None


def test_every_zoo_model_ships_current_maps():
    for card in zoo.available():
        if card.kind == CLASSIFIER:
            continue
        shipped = emb.load_shipped(card.name, card.sha256)
        assert shipped is not None, f"{card.name}: run python -m core.embeddings"
        assert shipped["tsne"].shape == shipped["umap"].shape == (emb.SUBSET, 2)
        assert (shipped["index"] == emb.subset_indices()).all()
        for method in ("pca", "tsne", "umap"):
            assert 0.5 < float(shipped[f"{method}_trust"]) <= 1.0


def test_a_recompute_runs_in_a_worker_process_and_matches_one_run_here():
    mu = np.random.default_rng(0).normal(size=(200, 5)).astype(np.float32)
    apart, trust = emb.compute_apart("t-SNE", mu, perplexity=10.0, seed=0)
    assert apart.shape == (200, 2) and apart.dtype == np.float32
    here = emb.tsne(mu, perplexity=10.0, seed=0)
    assert np.allclose(apart, here, atol=1e-3 * np.abs(here).max())
    assert trust == pytest.approx(emb.trustworthiness(mu, here), abs=1e-3)


def test_a_failing_worker_says_what_went_wrong():
    with pytest.raises(RuntimeError, match="UMAP failed in its worker process"):
        emb.compute_apart("UMAP", np.zeros((20, 3), dtype=np.float32), no_such_option=1.0)
    with pytest.raises(ValueError):
        emb.compute_apart("PCA", np.zeros((20, 3), dtype=np.float32))


def test_one_recompute_worker_per_server_and_the_others_are_told():
    """Three recomputes at once took three workers and 2.2 GB before: now a second waits, then
    is told the server is busy."""
    mu = np.zeros((20, 3), dtype=np.float32)
    assert emb._worker.acquire(blocking=False)  # a recompute is running
    try:
        with pytest.raises(emb.Busy, match="one at a time"):
            emb.compute_apart("t-SNE", mu, wait_s=0.2, perplexity=5.0)
    finally:
        emb._worker.release()


def test_a_recompute_whose_page_closed_is_stopped():
    """A worker whose tab closed ran to completion before."""
    mu = np.random.default_rng(0).normal(size=(3000, 10)).astype(np.float32)
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="page was closed"):
        emb.compute_apart("t-SNE", mu, alive=lambda: time.monotonic() - start < 1.0)
    assert time.monotonic() - start < 10  # a 3,000-code t-SNE takes tens of seconds
    assert emb._worker.acquire(blocking=False)  # and the worker's slot is free again
    emb._worker.release()

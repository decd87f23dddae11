"""2-D embeddings of a model's test codes: PCA, t-SNE and UMAP, and how well each keeps
neighbourhoods (trustworthiness).

    python -m core.embeddings      # compute and ship the t-SNE and UMAP of every zoo model

A t-SNE or UMAP asked for in the app runs in a child process (`compute_apart`): see there why.

t-SNE and UMAP take seconds to minutes, so the zoo ships them in weights/embeddings/, one
.npz per model, computed on the same seeded subset of test codes for every model and stamped
with the sha256 of the weights they came from. PCA takes milliseconds and is computed live
(numpy's SVD). scikit-learn provides t-SNE and trustworthiness, umap-learn provides UMAP; both
are imported only when needed (umap-learn's import alone takes seconds).
"""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LOGGER = logging.getLogger(__name__)

SUBSET = 3000          # test codes per embedding: enough to see clusters, small to ship
SUBSET_SEED = 0
TRUST_NEIGHBOURS = 10
METHODS = ("PCA", "t-SNE", "UMAP")


def embedding_dir(root: Path | None = None) -> Path:
    from core import zoo

    return Path(root or zoo.WEIGHTS_DIR) / "embeddings"


def subset_indices(n_total: int = 10_000) -> np.ndarray:
    """The test images every shipped embedding shows: SUBSET seeded indices, sorted."""
    return np.sort(np.random.default_rng(SUBSET_SEED).choice(n_total, SUBSET, replace=False))


@dataclass(frozen=True)
class Pca:
    """A fitted PCA of codes (N, d): project to 2-D and back."""

    mean: np.ndarray          # (d,)
    components: np.ndarray    # (k, d), rows are the principal directions
    explained: np.ndarray     # (k,), share of the variance each component explains

    def project(self, mu: np.ndarray) -> np.ndarray:
        """Codes (N, d) -> their first two principal coordinates (N, 2)."""
        return (mu - self.mean) @ self.components[:2].T

    def invert(self, xy: np.ndarray) -> np.ndarray:
        """Points (N, 2) of the PCA plane -> the codes (N, d) they stand for."""
        return self.mean + xy @ self.components[:2]


def pca(mu: np.ndarray) -> Pca:
    """Every principal component of codes mu (N, d), N > d: the SVD of the centred codes.

    numpy rather than scikit-learn's PCA, with the same result (tested), because the lesson
    opens on PCA and importing scikit-learn adds about 50 MB to the server's memory. Signs
    follow scikit-learn's convention: each component's largest loading is positive.
    """
    mean = mu.mean(axis=0, dtype=np.float64)
    _, s, vt = np.linalg.svd(mu - mean, full_matrices=False)  # vt (d, d): rows are components
    vt *= np.sign(vt[np.arange(len(vt)), np.abs(vt).argmax(axis=1)])[:, None]
    variance = s ** 2
    return Pca(mean, vt, variance / variance.sum())


def tsne(mu: np.ndarray, perplexity: float = 30.0, seed: int = 0) -> np.ndarray:
    """t-SNE of codes (N, d) -> (N, 2)."""
    from sklearn.manifold import TSNE

    if mu.shape[1] == 1:
        mu = np.hstack([mu, np.zeros_like(mu)])
    perplexity = min(perplexity, (len(mu) - 1) / 3)
    return TSNE(perplexity=perplexity, init="pca", random_state=seed).fit_transform(mu)


def umap(mu: np.ndarray, n_neighbors: int = 15, min_dist: float = 0.1, seed: int = 0) -> np.ndarray:
    """UMAP of codes (N, d) -> (N, 2). Seeded, so single-threaded (umap-learn's rule)."""
    import umap as umap_learn

    reducer = umap_learn.UMAP(n_neighbors=min(n_neighbors, len(mu) - 1), min_dist=min_dist,
                              random_state=seed)
    return reducer.fit_transform(mu)


class Busy(RuntimeError):
    """Another map is being computed in this server's one worker; the message says so."""


_worker = threading.Lock()  # one worker process per server at a time: its memory is bounded


def compute_apart(method: str, mu: np.ndarray, timeout_s: float = 900,
                  alive: Callable[[], bool] = lambda: True, wait_s: float = 0.0,
                  **params: float) -> tuple[np.ndarray, float]:
    """`tsne` or `umap` ("t-SNE" or "UMAP") of codes (N, d) -> ((N, 2) float32, its
    trustworthiness), computed in a child Python process that imports numpy, scikit-learn and
    umap-learn, never torch.

    Why a process: umap-learn compiles its functions with numba, and the compiler holds the
    GIL while it works and keeps its memory (about 400 MB) for the life of the process. In a
    child, other students' slider moves go on meanwhile, and the memory goes back to the
    system when the child exits; the trustworthiness (two N x N distance matrices) is scored
    there too. One child runs per server at a time: Busy if another is running after `wait_s`
    seconds. The child is stopped when `alive()` turns false (the student's session ended) or
    after `timeout_s`. Raises RuntimeError, saying why, if the child fails or is stopped.
    """
    if method not in ("t-SNE", "UMAP"):
        raise ValueError(f"only t-SNE and UMAP run apart, not {method!r}")
    if not _worker.acquire(timeout=wait_s if wait_s > 0 else -1, blocking=wait_s > 0):
        raise Busy(f"Another {method} or t-SNE/UMAP map is being computed on this server right "
                   "now (one at a time, to keep its memory bounded). Try again in a minute")
    try:
        return _run_child(method, mu, timeout_s, alive, params)
    finally:
        _worker.release()


def _run_child(method: str, mu: np.ndarray, timeout_s: float, alive: Callable[[], bool],
               params: dict[str, float]) -> tuple[np.ndarray, float]:
    codes = io.BytesIO()
    np.save(codes, np.ascontiguousarray(mu, dtype=np.float32))
    child = subprocess.Popen(
        [sys.executable, "-m", "core.embeddings", "--compute", method, "--params",
         json.dumps(params)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, cwd=Path(__file__).resolve().parent.parent)
    output: dict[str, tuple[bytes, bytes]] = {}
    talk = threading.Thread(target=lambda: output.update(out=child.communicate(codes.getvalue())),
                            daemon=True)
    talk.start()
    deadline = time.monotonic() + timeout_s
    while talk.is_alive():
        talk.join(0.25)
        stop = ("its page was closed" if not alive() else
                f"it took longer than {timeout_s:.0f} s" if time.monotonic() > deadline else None)
        if stop is not None and talk.is_alive():
            child.kill()
            talk.join()
            raise RuntimeError(f"{method} was stopped: {stop}")
    stdout, stderr = output["out"]
    if child.returncode != 0:
        LOGGER.warning("%s worker failed: %s", method, stderr.decode(errors="replace")[-2000:])
        raise RuntimeError(f"{method} failed in its worker process")
    result = np.load(io.BytesIO(stdout))
    return result["xy"], float(result["trust"])


def _compute_here(method: str, params: str) -> int:
    """The child's side of `compute_apart`: codes (.npy) on stdin; the embedding and its
    trustworthiness (.npz) on stdout."""
    mu = np.load(io.BytesIO(sys.stdin.buffer.read()))
    xy = np.asarray((tsne if method == "t-SNE" else umap)(mu, **json.loads(params)),
                    dtype=np.float32)
    out = io.BytesIO()
    np.savez(out, xy=xy, trust=np.array(trustworthiness(mu, xy)))
    sys.stdout.buffer.write(out.getvalue())
    return 0


def trustworthiness(mu: np.ndarray, xy: np.ndarray) -> float:
    """How well a 2-D embedding keeps each code's nearest neighbours, in [0, 1] (1: all kept)."""
    from sklearn.manifold import trustworthiness as score

    return float(score(mu, xy, n_neighbors=TRUST_NEIGHBOURS))


def nearest(xy: np.ndarray, points: np.ndarray, k: int = 1) -> np.ndarray:
    """Indices (len(points), k) of the k rows of xy (N, 2) nearest each point (M, 2)."""
    d2 = ((points[:, None, :] - xy[None, :, :]) ** 2).sum(-1)
    return np.argsort(d2, axis=1)[:, :k]


def shipped_path(name: str, root: Path | None = None) -> Path:
    return embedding_dir(root) / f"{name}.npz"


def load_shipped(name: str, sha256: str, root: Path | None = None) -> dict[str, np.ndarray] | None:
    """The shipped t-SNE / UMAP of a model, or None if missing or made from other weights."""
    path = shipped_path(name, root)
    if not path.is_file():
        return None
    with np.load(path) as data:
        if str(data["sha256"]) != sha256:
            return None
        return {key: data[key] for key in data.files}


def ship(name: str, sha256: str, mu: np.ndarray, root: Path | None = None) -> dict[str, float]:
    """Compute the t-SNE and UMAP of codes mu (SUBSET, d) and write them; returns their
    trustworthiness and the seconds each took."""
    out: dict[str, np.ndarray] = {"sha256": np.array(sha256),
                                  "index": subset_indices().astype(np.uint16)}
    report: dict[str, float] = {}
    out["pca_trust"] = np.array(trustworthiness(mu, pca(mu).project(mu)))
    report["pca_trust"] = round(float(out["pca_trust"]), 3)
    for method, fn in (("tsne", tsne), ("umap", umap)):
        start = time.perf_counter()
        xy = fn(mu).astype(np.float32)
        report[f"{method}_s"] = round(time.perf_counter() - start, 1)
        out[method] = xy.astype(np.float16)
        out[f"{method}_trust"] = np.array(trustworthiness(mu, xy))
        report[f"{method}_trust"] = round(float(out[f"{method}_trust"]), 3)
    path = shipped_path(name, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **out)
    tmp.replace(path)
    return report


def main(argv: list[str] | None = None) -> int:
    """Ship the embeddings of every zoo model whose shipped ones are missing or stale.

    `--shard i/n` takes every n-th model from the i-th, so n processes can share the work.
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m core.embeddings", description=main.__doc__)
    parser.add_argument("--shard", default="0/1", help="i/n: this process's share of the models")
    parser.add_argument("--compute", choices=["t-SNE", "UMAP"],
                        help="(used by compute_apart) embed the .npy codes on stdin instead")
    parser.add_argument("--params", default="{}", help="with --compute: keyword arguments, JSON")
    args = parser.parse_args(argv)
    if args.compute:
        return _compute_here(args.compute, args.params)
    shard, shards = (int(v) for v in args.shard.split("/"))
    import torch

    from core import zoo
    from core.cards import CLASSIFIER
    from core.data import load_mnist
    from core.latent import encode_mu

    torch.set_num_threads(1)  # UMAP and t-SNE use the cores; the encoder needs little
    x_test, _ = load_mnist("test")
    x = x_test[torch.from_numpy(subset_indices())]
    cards = [card for card in zoo.available() if card.kind != CLASSIFIER]
    for card in cards[shard::shards]:
        if load_shipped(card.name, card.sha256) is not None:
            continue
        model = zoo.load_model(card.kind, card.latent_dim, card.beta or 0.0, device="cpu")
        report = ship(card.name, card.sha256, encode_mu(model, x).numpy())
        print(card.name, report, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

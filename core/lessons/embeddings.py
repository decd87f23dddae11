"""Embeddings: which 2-D map of the codes a page shows, and what its scores support saying."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.claims import Claim, order
from core.embeddings import Pca

TRUST_KEYS = {"PCA": "pca_trust", "t-SNE": "tsne_trust", "UMAP": "umap_trust"}
ARRAY_KEYS = {"t-SNE": "tsne", "UMAP": "umap"}


@dataclass(frozen=True)
class Map:
    """A 2-D map of the codes: points xy (N, 2), its trustworthiness, and where it came from."""

    method: str
    xy: np.ndarray
    trust: float
    source: str


class NoMap(LookupError):
    """No map of this kind is ready; the message says how to get one."""


def choose(method: str, mu: np.ndarray, *, pca: Pca, shipped: dict[str, np.ndarray] | None,
           recomputed: tuple[np.ndarray, float] | None, params: tuple | None, own: bool,
           trust: Callable[[np.ndarray, np.ndarray], float]) -> Map:
    """The map to show, in this order: PCA (always live); a map recomputed with the student's
    settings; the one shipped with a zoo model. NoMap otherwise, saying what to do."""
    if method == "PCA":
        xy = pca.project(mu)
        score = float(shipped["pca_trust"]) if shipped is not None else trust(mu, xy)
        return Map(method, xy, score, "computed live")
    if recomputed is not None:
        settings = ", ".join(f"{k} = {v:g}" for k, v in params or ())
        return Map(method, recomputed[0], recomputed[1], f"recomputed with {settings}")
    if shipped is not None:
        return Map(method, shipped[ARRAY_KEYS[method]].astype(np.float32),
                   float(shipped[TRUST_KEYS[method]]), "shipped with the model")
    if own:
        raise NoMap(f"Your own model has no ready-made {method} map. Open *Recompute with other "
                    f"settings* above and press *Recompute {method}*: it takes 10–60 s, or pick "
                    "PCA, which is computed live.")
    raise NoMap(f"The {method} map of this model was not shipped with it. Use *Recompute with "
                "other settings* above to compute it now.")


def pca_claims(pca: Pca, trust: float) -> list[Claim]:
    """How much of the codes' variance the PCA plane keeps, and its trustworthiness."""
    two = float(np.sum(pca.explained[:2]))
    if len(pca.explained) <= 2:
        kept = (f"The PCA map keeps {two:.0%} of the codes' variance: with two latent "
                "dimensions it is only a rotation, and nothing is flattened away.")
    elif two > 0.995:
        kept = (f"The PCA map keeps {two:.0%} of the codes' variance: these codes vary along "
                "little more than two directions, so hardly anything is flattened away.")
    else:
        kept = (f"The PCA map keeps {two:.0%} of the codes' variance; the other {1 - two:.0%} is "
                "flattened away, so codes that differ only in those directions land on top of "
                "each other.")
    return [Claim(kept, {"kept": two}),
            Claim(f"Its trustworthiness is {trust:.3f}. Predict whether t-SNE and UMAP, which "
                  "give up global distances to keep neighbourhoods, will score higher; then "
                  "switch and check.", {"trust": trust})]


def map_claims(shown: Map, shipped: dict[str, np.ndarray] | None) -> list[Claim]:
    """This map's score against PCA's (when the shipped scores are at hand)."""
    out = [Claim(f"This {shown.method} map has trustworthiness {shown.trust:.3f}.",
                 {"trust": shown.trust})]
    if shipped is not None:
        pca = float(shipped["pca_trust"])
        verdict = order(shown.trust, pca, 0.005)
        word = {1: "keeps neighbourhoods better than", 0: "keeps neighbourhoods about as well as",
                -1: "keeps neighbourhoods less well than"}[verdict]
        out.append(Claim(f"It {word} the PCA map of the same codes ({pca:.3f}; differences "
                         "under 0.005 count as the same).", {"pca": pca, "order": verdict}))
    out.append(Claim("Cluster sizes and the gaps between clusters are not distances: a tight "
                     "island on the map can be a wide cloud in the latent space. Hover the edges "
                     "of two neighbouring clusters and look at the digits.", {}))
    return out


def map_header(method: str, xy: np.ndarray, mu: np.ndarray, digits: np.ndarray,
               index: np.ndarray, fitted: Pca) -> tuple[dict, dict[str, np.ndarray]]:
    """What the browser's map (`web/maps.js`) draws and decodes: the points xy (n, 2) with a
    margin around them, their digits and test indices; for PCA the mean and first two
    components, to decode the exact point under the pointer; otherwise the codes mu (n, d),
    to decode the nearest one."""
    low, high = xy.min(0), xy.max(0)
    margin = 0.05 * (high - low)
    header = {"d": mu.shape[1], "method": method, "indices": index.tolist(),
              "bounds": [float(low[0] - margin[0]), float(high[0] + margin[0]),
                         float(low[1] - margin[1]), float(high[1] + margin[1])]}
    arrays = {"xy": xy, "labels": digits.astype(np.float32)}
    if method == "PCA":  # exact, as JSON: the browser's inverse is the server's
        header |= {"mean": fitted.mean.tolist(), "components": fitted.components[:2].tolist()}
    else:
        arrays["codes"] = mu
    return header, arrays

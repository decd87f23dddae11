"""Interpolation: blending pixels against walking between codes, and how far each step is from
any real digit."""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from core.claims import Claim, order
from core.latent import decode, encode_mu, interpolate
from core.models import Autoencoder

FADE = "Pixels: cross-fade"


@torch.no_grad()
def nearest_distance(images: Tensor, x: Tensor, exclude: list[int], batch: int = 2000, *,
                     own: np.ndarray | None = None) -> np.ndarray:
    """Euclidean pixel distance from each image (N, 1, 28, 28) to its nearest image in x
    (M, 1, 28, 28), leaving out the rows `exclude` (the walk's own ends) and, where `own` (N,)
    is given, each image's own row of x: (N,).

    Two digits stacked on top of each other are far from every single real digit, where a
    classifier would simply read the stronger of the two.
    """
    flat = images.reshape(len(images), -1).double()
    best = torch.full((len(images),), float("inf"), dtype=torch.float64)
    pool = x.reshape(len(x), -1)
    for start in range(0, len(pool), batch):
        ref = pool[start:start + batch].double()
        d2 = (flat ** 2).sum(1)[:, None] + (ref ** 2).sum(1)[None] - 2 * flat @ ref.T
        d2[:, [i - start for i in exclude if start <= i < start + len(ref)]] = float("inf")
        if own is not None:
            rows = np.flatnonzero((own >= start) & (own < start + len(ref)))
            d2[rows, own[rows] - start] = float("inf")
        best = torch.minimum(best, d2.min(1).values)
    return best.clamp_min(0).sqrt().numpy()


def walks(models: dict[str, Autoencoder], x_ab: Tensor, steps: int) -> dict[str, Tensor]:
    """The pixel cross-fade and each model's linear and spherical walks from x_ab[0] to x_ab[1]
    (2, 1, 28, 28): title -> (steps, 1, 28, 28)."""
    rows = {FADE: interpolate(x_ab[0].flatten(), x_ab[1].flatten(), steps).reshape(-1, 1, 28, 28)}
    for name, model in models.items():
        mu = encode_mu(model, x_ab)
        for mode in ("linear", "slerp"):
            rows[f"{name}: {mode}"] = decode(model, interpolate(mu[0], mu[1], steps, mode))
    return rows


def middle_distance(rows: dict[str, Tensor], x_test: Tensor, ends: list[int]) -> dict[str, float]:
    """Each row's median distance to the nearest other test digit over its middle steps (the
    ends left out: they are the two digits themselves, or their reconstructions). Every row's
    middle goes through the test set in one pass (a pass per row took 0.6 s of a page's run)."""
    middles = [images[1:-1] for images in rows.values()]
    distances = np.split(nearest_distance(torch.cat(middles), x_test, ends),
                         np.cumsum([len(m) for m in middles])[:-1])
    return {title: float(np.median(d)) for title, d in zip(rows, distances)}


def claims(distance: dict[str, float], typical: float, norms: dict[str, float]) -> list[Claim]:
    """What the rows show: the cross-fade's middle against the latent walks', measured by the
    distance to the nearest real digit (typical: a test digit's own distance to its nearest
    other test digit), and the lengths of the VAE's codes along the chord and the arc."""
    walks_ = {k: v for k, v in distance.items() if k != FADE}
    closest = min(walks_, key=walks_.get)
    fade = distance[FADE]
    verdict = order(fade, walks_[closest], 0.2)
    reading = {1: "further from any real digit than", 0: "about as far from real digits as",
               -1: "closer to real digits than"}[verdict]
    out = [Claim(f"The cross-fade's middle steps lie {fade:.2f} from the nearest real test digit "
                 f"(median), {reading} the walk closest to real digits here, “{closest}” "
                 f"({walks_[closest]:.2f}); a real test digit lies {typical:.2f} from its "
                 "nearest neighbour. Differences under 0.2 count as the same.",
                 {"fade": fade, "closest": closest, "closest_distance": walks_[closest],
                  "order": verdict, "typical": typical})]
    if norms:
        out.append(Claim(
            f"In the VAE, the codes of A and B have lengths {norms['a']:.2f} and {norms['b']:.2f};"
            f" halfway, the straight line's code has length {norms['linear']:.2f} and slerp's "
            f"{norms['slerp']:.2f}. Predict: the larger the latent size, the more a straight "
            "line shortens in the middle.", dict(norms)))
    return out


def halfway_norms(vae: Autoencoder, x_ab: Tensor) -> dict[str, float]:
    """Lengths of the VAE's mean codes of x_ab (2, 1, 28, 28), "a" and "b", and of the
    halfway code along the straight line ("linear") and the arc ("slerp")."""
    mu = encode_mu(vae, x_ab)
    return {"a": mu[0].norm().item(), "b": mu[1].norm().item(),
            **{m: interpolate(mu[0], mu[1], 3, m)[1].norm().item() for m in ("linear", "slerp")}}


def typical_distance(x_test: Tensor, n: int = 200, seed: int = 0) -> float:
    """The median distance from a test digit to its nearest other test digit (n seeded ones)."""
    index = np.random.default_rng(seed).choice(len(x_test), n, replace=False)
    return float(np.median(nearest_distance(x_test[index], x_test, [], own=index)))

"""Digit prototypes: the mean code of each digit, and what separates the digits."""

from __future__ import annotations

import numpy as np

from core.claims import Claim
from core.latent import dim_name


def claims(mu: np.ndarray, labels: np.ndarray, protos: np.ndarray,
           read: np.ndarray) -> list[Claim]:
    """What the prototype heatmaps and the decoded prototypes show. mu (N, d) test codes,
    labels (N,), protos (10, d), read (10,) the classifier's label for each decoded prototype."""
    between = protos.std(0)                                                   # across digits
    within = np.array([mu[labels == k].std(0) for k in range(10)]).mean(0)    # inside a digit
    best = int(np.argmax(between / np.maximum(within, 1e-6)))
    spread = np.array([mu[labels == k].std(0).mean() for k in range(10)])
    tight, loose = int(np.argmin(spread)), int(np.argmax(spread))
    correct = int((read == np.arange(10)).sum())
    return [
        Claim(f"The classifier recognises {correct} of the 10 decoded prototypes as the right "
              "digit.", {"correct": correct}),
        Claim(f"Dimension {dim_name(best)} separates the digits best: its prototypes are spread "
              f"{between[best]:.2f} apart (std across digits) against {within[best]:.2f} within "
              "a digit.", {"best": best, "between": float(between[best]),
                           "within": float(within[best])}),
        Claim(f"The {tight}s are the tightest cluster and the {loose}s the widest (mean std over "
              "the dimensions): some digits are written in more ways than others.",
              {"tight": tight, "loose": loose}),
    ]


def scale_claim(mu: np.ndarray, kind: str) -> Claim:
    """How the codes' per-dimension means and spreads compare with N(0, 1)'s 0 and 1."""
    means, stds = mu.mean(0), mu.std(0)
    text = (f"Per dimension, the test codes' means run from {means.min():.2f} to {means.max():.2f} "
            f"and their standard deviations from {stds.min():.2f} to {stds.max():.2f}. ")
    text += ("A VAE's KL term pulls its codes towards N(0, 1): means near 0, spreads at most "
             "about 1 (a VAE's mean codes are a little narrower than its prior)." if kind == "vae"
             else "Nothing pulls an autoencoder's codes towards any scale: compare these with a "
             "VAE's of the same size.")
    return Claim(text, {"mean_min": float(means.min()), "mean_max": float(means.max()),
                        "std_min": float(stds.min()), "std_max": float(stds.max())})

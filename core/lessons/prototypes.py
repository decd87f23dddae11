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


NEAR_MEAN, NEAR_STD = 0.25, 1.2  # "close to N(0, 1)": means within ±0.25, spreads at most 1.2
OFF_STD = 0.5                     # a spread this far below 1: a dimension every digit shares


def scale_claim(mu: np.ndarray, kind: str, beta: float) -> Claim:
    """How the codes' per-dimension means and spreads (mu (N, d)) compare with N(0, 1)'s 0 and
    1, worded by whether they are near them."""
    means, stds = mu.mean(0), mu.std(0)
    near = bool(np.abs(means).max() <= NEAR_MEAN and stds.max() <= NEAR_STD)
    off = int((stds < OFF_STD).sum())
    text = (f"Per dimension, the test codes' means run from {means.min():.2f} to {means.max():.2f} "
            f"and their standard deviations from {stds.min():.2f} to {stds.max():.2f}. ")
    if kind != "vae":
        text += ("Nothing pulls an autoencoder's codes towards any scale: compare these with a "
                 "VAE's of the same size.")
    elif near:
        text += (f"That is close to N(0, 1)'s 0 and 1 (means within ±{NEAR_MEAN:g}, spreads at "
                 f"most {NEAR_STD:g}): the KL term pulls a VAE's codes towards its prior.")
        if off:
            text += (f" {off} dimension{'s' if off > 1 else ''} spread less than {OFF_STD:g}: "
                     "every digit gets nearly the same value there, a dimension the model "
                     "switched off.")
    else:
        text += (f"That is not N(0, 1)'s 0 and 1 (means within ±{NEAR_MEAN:g}, spreads at most "
                 f"{NEAR_STD:g}): with β = {beta:g} the KL term did not hold these codes there"
                 + (" — at β = 0 it is switched off." if beta == 0 else "."))
    return Claim(text, {"mean_min": float(means.min()), "mean_max": float(means.max()),
                        "std_min": float(stds.min()), "std_max": float(stds.max()),
                        "near": near, "off": off})

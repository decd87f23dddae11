"""Latent sliders: how far the sliders reach for a model, and what its codes tell a student."""

from __future__ import annotations

import math

import numpy as np

from core.cards import Card
from core.claims import Claim
from core.evaluate import ACTIVE_KL
from core.latent import prototypes
from core.lessons.views import SweepView

PRIOR_LIMIT = 3.0  # a VAE's sliders: 99.7 % of a standard normal lies within ±3


def slider_limit(kind: str, mu: np.ndarray | None) -> float:
    """The sliders' reach, ±limit: ±3 for a VAE (its prior's scale); for an autoencoder, whose
    codes have no set scale, the smallest half-integer ≥ 3 that holds 99 % of its test codes
    (mu (N, d)) on every dimension, or ±3 without them."""
    if kind == "vae" or mu is None:
        return PRIOR_LIMIT
    lo, hi = np.percentile(mu, [0.5, 99.5])
    return max(PRIOR_LIMIT, math.ceil(2 * max(abs(lo), abs(hi))) / 2)


def clip(z: np.ndarray, limit: float) -> tuple[np.ndarray, list[int]]:
    """z (d,) rounded to the sliders' step and clipped to ±limit, and the dimensions clipped."""
    clipped = np.flatnonzero(np.abs(z) > limit + 0.05).tolist()
    return np.clip(np.round(z, 1), -limit, limit), clipped


def claims(card: Card, mu: np.ndarray | None, limit: float) -> list[Claim]:
    """What a student can check with the sliders of this model."""
    out = []
    d = card.latent_dim
    if card.kind == "vae":
        dead = [f"z{j}" for j, k in enumerate(card.test.kl_per_dim) if k <= ACTIVE_KL]
        out.append(Claim(
            f"This VAE uses {card.test.active_dims} of its {d} dimensions"
            + (f": {', '.join(dead)} carry no information (KL ≤ {ACTIVE_KL:g} nats). Predict: "
               "moving them barely changes the digit." if dead else
               ": each carries information, so each slider should change the digit."),
            {"active": card.test.active_dims, "dead": tuple(dead)}))
    if mu is not None:
        lo, hi = np.percentile(mu, [0.5, 99.5])
        out.append(Claim(
            f"99 % of the numbers in this model's test codes lie between {lo:.1f} and {hi:.1f}; "
            f"the sliders reach ±{limit:g}"
            + (" (wider than ±3: nothing gave the autoencoder's codes N(0, I)'s scale)."
               if limit > PRIOR_LIMIT else "."),
            {"low": lo, "high": hi, "limit": limit}))
    return out


def sweep_claims(card: Card, dims: list[int], moved: np.ndarray, low: float,
                 high: float) -> list[Claim]:
    """Neuron progression: which swept dimension moves the most ink and which the least, and
    for a VAE whether the dimensions it switched off move less than the rest."""
    most, least = int(np.argmax(moved)), int(np.argmin(moved))
    out = [Claim(f"z{dims[most]} changes the digit most ({moved[most]:.0f} pixels of ink moved "
                 f"on average between the first and the other steps); z{dims[least]} least "
                 f"({moved[least]:.0f}).",
                 {"most": dims[most], "least": dims[least], "most_ink": float(moved[most]),
                  "least_ink": float(moved[least])})]
    if card.kind == "vae":
        kl = card.test.kl_per_dim
        dead = [i for i, j in enumerate(dims) if kl[j] <= ACTIVE_KL]
        alive = [i for i, j in enumerate(dims) if kl[j] > ACTIVE_KL]
        if dead:
            quieter = bool(alive) and max(moved[dead]) < min(moved[alive])
            out.append(Claim(
                ", ".join(f"z{dims[i]}" for i in dead) + f" carry no information (KL ≤ "
                f"{ACTIVE_KL:g} nats) and move at most {max(moved[dead]):.0f} pixels of ink"
                + (f", less than any active dimension ({min(moved[alive]):.0f} or more): the "
                   "decoder learned to ignore them." if quieter else
                   " from this base: compare their columns with the active ones."),
                {"dead": tuple(dims[i] for i in dead), "dead_max": float(max(moved[dead])),
                 "quieter": quieter}))
        if max(abs(low), abs(high)) > PRIOR_LIMIT:
            out.append(Claim("Beyond ±3 the VAE's decoder has rarely seen a code. Predict, "
                             "then look: do the outermost rows smear or saturate?", {}))
    return out


def sweep_header(view: SweepView, mu: np.ndarray | None, labels: np.ndarray | None,
                 sliders: np.ndarray | None) -> tuple[dict, dict[str, np.ndarray]]:
    """What the browser's sweep grid (`web/maps.js`) starts from: the settings, the digits'
    prototypes (from the test codes mu (N, d)) and the sliders' code as bases it can offer."""
    header = {"d": len(view.base), "dims": list(view.dims), "low": view.low, "high": view.high,
              "steps": view.steps, "base": view.base.tolist(), "base_choice": view.base_choice,
              "prototypes": mu is not None,
              "sliders": None if sliders is None else sliders.tolist()}
    arrays = {} if mu is None or labels is None else {"prototypes": prototypes(mu, labels)}
    return header, arrays

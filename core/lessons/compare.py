"""Autoencoder vs VAE: where the codes land, what random codes decode to, and what a larger
latent size buys each model."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import Tensor

from core import zoo
from core.cards import Card
from core.claims import Claim, binomial_noise, order, trend
from core.latent import decode, encode_mu, interpolate
from core.models import Autoencoder
from core.quality import fitted_gaussian_samples, judge, prior_samples

RADIUS_95 = 2.448  # sqrt of the 95 % quantile of chi-squared with 2 degrees of freedom


def spread_claims(mu_ae: np.ndarray, mu_vae: np.ndarray) -> list[Claim]:
    """Two 2-D code clouds (N, 2): the range of z0 of each, and the share inside the circle
    that holds 95 % of N(0, I)."""
    inside = {k: float((np.linalg.norm(m, axis=1) <= RADIUS_95).mean())
              for k, m in (("ae", mu_ae), ("vae", mu_vae))}
    ae, vae = mu_ae[:, 0], mu_vae[:, 0]
    return [
        Claim(f"Look at the axes. The autoencoder's codes span z0 from {ae.min():.1f} to "
              f"{ae.max():.1f}; the VAE's from {vae.min():.1f} to {vae.max():.1f}. Nothing told "
              "the autoencoder where to put its codes.",
              {"ae_min": ae.min(), "ae_max": ae.max(), "vae_min": vae.min(), "vae_max": vae.max()}),
        Claim(f"A sample from N(0, I) falls within radius {RADIUS_95:.2f} of the origin 95 % of "
              f"the time. {inside['vae']:.0%} of the VAE's codes lie there, and "
              f"{inside['ae']:.0%} of the autoencoder's.",
              {"vae_inside": inside["vae"], "ae_inside": inside["ae"]}),
    ]


@dataclass(frozen=True)
class Verdict:
    """The classifier's verdict on decoded random codes, and the first 40 images (40, 1, 28, 28)."""

    confident: float
    entropy_bits: float
    histogram: tuple[int, ...]
    images: np.ndarray
    n: int


def random_codes(models: list[Autoencoder], x_test: Tensor, labels: object, *, source: str,
                 n: int, seed: int) -> Verdict:
    """Decode n codes from N(0, I) (source "prior") or from a Gaussian fitted to the model's
    codes of the test digits x_test (source "fitted") and judge them with the zoo's classifier."""
    model = models[0]
    z = prior_samples(model.latent_dim, n, seed) if source == "prior" else \
        fitted_gaussian_samples(encode_mu(model, x_test), n, seed)
    images = decode(model, z)
    v = judge(zoo.load_classifier(), images)
    return Verdict(float(v["confident_fraction"]), float(v["label_entropy_bits"]),
                   tuple(v["label_histogram"]), images[:40].numpy(), n)


def walk(models: list[Autoencoder], x_test: Tensor, labels: object, *, first: int, second: int,
         steps: int) -> tuple[np.ndarray, float]:
    """Decoded steps (steps, 1, 28, 28) of the straight line from test digit `first`'s mean code
    to `second`'s, and the share the classifier recognises with >= 90 % confidence."""
    model = models[0]
    mu = encode_mu(model, x_test[[first, second]])
    images = decode(model, interpolate(mu[0], mu[1], steps))
    return images.numpy(), float(judge(zoo.load_classifier(), images)["confident_fraction"])


def sample_claims(ae_prior: Verdict, ae_fitted: Verdict, vae_prior: Verdict) -> list[Claim]:
    """Which model's random codes look like digits more often, worded by the difference
    against the noise of n draws."""
    noise = binomial_noise(vae_prior.n)
    first = order(vae_prior.confident, ae_prior.confident, noise)
    verdict = {1: "the VAE's random codes decode to digits more often",
               0: f"about the same, within the ±{noise:.0%} that a new seed could change",
               -1: "the autoencoder's random codes do better here"}[first]
    second = order(ae_fitted.confident, ae_prior.confident, noise)
    aimed = {1: "better than drawing from N(0, I)", 0: "about the same as drawing from N(0, I)",
             -1: "worse than drawing from N(0, I)"}[second]
    return [
        Claim(f"{vae_prior.confident:.0%} of the VAE's N(0, I) samples look like a digit, against "
              f"{ae_prior.confident:.0%} of the autoencoder's: {verdict}.",
              {"vae": vae_prior.confident, "ae": ae_prior.confident, "order": first}),
        Claim(f"Fitting a Gaussian to the autoencoder's codes, as an autoencoder notebook would, "
              f"gives {ae_fitted.confident:.0%}: {aimed}.",
              {"fitted": ae_fitted.confident, "ae": ae_prior.confident, "order": second}),
    ]


def size_claims(ae_cards: dict[int, Card], vae_cards: dict[int, Card]) -> list[Claim]:
    """What the latent-size chart shows: each family's reconstruction at the mean code from the
    smallest to the largest size, which gains more, and how many dimensions the VAE uses."""
    sizes = sorted(d for d in set(ae_cards) & set(vae_cards)
                   if None not in (ae_cards[d].test.recon_at_mean, vae_cards[d].test.recon_at_mean))
    if len(sizes) < 2:
        return []
    ae = [ae_cards[d].test.recon_at_mean for d in sizes]
    vae = [vae_cards[d].test.recon_at_mean for d in sizes]
    gain_ae, gain_vae = ae[0] - ae[-1], vae[0] - vae[-1]
    more = order(gain_ae, gain_vae, 1.0)
    which = {1: "the autoencoder gains more", 0: "both gain about the same",
             -1: "the VAE gains more"}[more]
    shape = {-1: "falls as the latent size grows", 0: "does not fall steadily", 1: "rises"}
    largest = vae_cards[sizes[-1]].test
    return [
        Claim(f"From latent size {sizes[0]} to {sizes[-1]}, decoding the mean code, the "
              f"autoencoder's error goes from {ae[0]:.1f} to {ae[-1]:.1f} nats and the VAE's from "
              f"{vae[0]:.1f} to {vae[-1]:.1f}: {which}.",
              {"ae_first": ae[0], "ae_last": ae[-1], "vae_first": vae[0], "vae_last": vae[-1],
               "order": more}),
        Claim(f"The autoencoder's curve {shape[trend(ae, 0.5)]}, the VAE's "
              f"{shape[trend(vae, 0.5)]} (a curve counts as falling if no step rises by more than 0.5 nats).",
              {"ae_trend": trend(ae, 0.5), "vae_trend": trend(vae, 0.5)}),
        Claim(f"At latent size {sizes[-1]} the VAE uses {largest.active_dims} of its "
              f"{sizes[-1]} dimensions: every extra nat of information in a code costs it KL, "
              "so it can leave dimensions it does not need unused.",
              {"active": largest.active_dims, "latent": sizes[-1]}),
    ]


SIZE_Y = "reconstruction at the mean code (nats)"


def size_frame(cards: dict[str, dict[int, Card]]) -> pd.DataFrame:
    """The latent-size chart's points: one row per card of cards["ae"] and cards["vae"] (latent
    size -> card), with its reconstruction at the mean code and its epochs."""
    names = {"ae": "Autoencoder", "vae": "VAE (β = 1)"}
    return pd.DataFrame([{"latent size": d, "family": names[kind], SIZE_Y: c.test.recon_at_mean,
                          "epochs": c.epochs_completed}
                         for kind in ("ae", "vae") for d, c in sorted(cards.get(kind, {}).items())])


def rows_by_size(models: list[Autoencoder], x_test: Tensor, labels: object, *,
                 n: int = 8) -> np.ndarray:
    """The first n test digits, then their reconstruction from the mean code by each model: one
    row of n images per model, ((1 + len(models)) * n, 1, 28, 28)."""
    x = x_test[:n]
    return torch.cat([x] + [decode(m, encode_mu(m, x)) for m in models]).numpy()

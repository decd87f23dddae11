"""Reconstruction (and Home's first taste): two models rebuild the same digits from their mean
codes, measured by BCE and by BCE above the floor the grey targets set."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from core.bound import bce_floor
from core.claims import Claim, a_digit, order
from core.device import all_cores
from core.latent import BATCH, reconstruct
from core.models import Autoencoder


@dataclass(frozen=True)
class Rebuilt:
    """Digits x (N, 1, 28, 28) rebuilt by each named model from the mean code mu(x).

    x_hat: name -> (N, 1, 28, 28); bce: name -> (N,) nats; floor: (N,) nats, the entropy of
    each grey target, which no reconstruction can go below.
    """

    x: Tensor
    x_hat: dict[str, Tensor]
    bce: dict[str, np.ndarray]
    floor: np.ndarray

    def above_floor(self, name: str) -> np.ndarray:
        """KL from each grey target to its reconstruction, summed over pixels: (N,) nats."""
        return self.bce[name] - self.floor


def rebuild(models: dict[str, Autoencoder], x: Tensor) -> Rebuilt:
    """Reconstruct x (N, 1, 28, 28) with each model, decoding the mean code for both kinds."""
    x_hat, bce = {}, {}
    for name, model in models.items():
        x_hat[name], b = reconstruct(model, x)
        bce[name] = b.numpy().astype(np.float64)
    return Rebuilt(x, x_hat, bce, bce_floor(x).numpy().astype(np.float64))


def paired_noise(a: np.ndarray, b: np.ndarray) -> float:
    """Two standard errors of the mean of a - b over paired digits: the size of a difference
    that a new draw of digits could undo, and never below 0.5 nats."""
    diff = np.asarray(a) - np.asarray(b)
    spread = float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else 0.0
    return max(0.5, 2.0 * spread)


def pair_claims(r: Rebuilt, labels: np.ndarray, first: str = "Autoencoder",
                second: str = "VAE") -> list[Claim]:
    """What the bars of two models' per-digit BCE show: which copies better on average (or
    about the same, within the paired noise), on how many digits, and where the floor is."""
    a, b = r.bce[first], r.bce[second]
    n, noise = len(a), paired_noise(a, b)
    verdict = order(a.mean(), b.mean(), noise)
    worse = int((a > b).sum())
    hardest = int(b.argmax())
    wording = {-1: f"the {first.lower()} copies these digits better",
               0: f"within {noise:.1f} nats, about the same: neither model copies these digits "
                  "clearly better",
               1: f"the {second} copies these digits better"}[verdict]
    return [
        Claim(f"Mean BCE over these {n} digits, decoding the mean code: {first.lower()} "
              f"{a.mean():.1f} nats, {second} {b.mean():.1f}: {wording}. The {first.lower()} "
              f"is worse on {worse} of the {n} digits.",
              {"first_mean": a.mean(), "second_mean": b.mean(), "order": verdict,
               "first_worse_count": worse, "n": n}),
        Claim(f"The hardest digit here for the {second} is #{hardest + 1} "
              f"({a_digit(int(labels[hardest]))}), at {b[hardest]:.1f} nats.",
              {"second_hardest": hardest, "second_hardest_bce": b[hardest]}),
        Claim(f"Even a perfect copy scores the floor, the entropy of the grey target pixels: "
              f"{r.floor.mean():.1f} nats on average for these digits. Above the floor the "
              f"{first.lower()} loses {r.above_floor(first).mean():.1f} nats and the {second} "
              f"{r.above_floor(second).mean():.1f}.",
              {"floor_mean": r.floor.mean(), "first_above": r.above_floor(first).mean(),
               "second_above": r.above_floor(second).mean()}),
    ]


@dataclass(frozen=True)
class TestSetPair:
    """Both models over every test digit at the mean code: mean BCE, the share of digits where
    the first model is better, and the VAE's posterior width against its codes' spread."""

    first_mean: float
    second_mean: float
    first_better_share: float
    noise: float
    sigma_median: float | None      # the VAE's median posterior sigma over digits and dims
    code_spread: float | None       # the median over dimensions of the std of its mean codes


@dataclass(frozen=True)
class OnTestSet:
    """One model over every test digit at the mean code: the BCE of each (N,) in nats, and for
    a VAE its median posterior sigma and the median spread (std) of its mean codes."""

    bce: np.ndarray
    sigma_median: float | None
    code_spread: float | None


@all_cores  # 10,000 digits: batch work, on every core even in a server's script thread
@torch.no_grad()
def on_test_set(models: list[Autoencoder], x: Tensor, labels: object = None,
                batch: int = BATCH) -> OnTestSet:
    """Rebuild all of x (N, 1, 28, 28) with models[0] from the mean code, encoding each batch
    once (labels are not needed; the signature is `experiments.measured`'s)."""
    model = models[0]
    device = next(model.parameters()).device
    bce, mus, logvars = [], [], []
    for i in range(0, len(x), batch):
        x_i = x[i:i + batch].to(device)
        mu, logvar = model.encode(x_i)
        logits = model.decode_logits(mu)
        bce.append(F.binary_cross_entropy_with_logits(logits, x_i, reduction="none")
                   .sum((1, 2, 3)).cpu())
        mus.append(mu.cpu())
        if logvar is not None:
            logvars.append(logvar.cpu())
    if not logvars:
        return OnTestSet(torch.cat(bce).numpy(), None, None)
    mu, logvar = torch.cat(mus), torch.cat(logvars)
    return OnTestSet(torch.cat(bce).numpy(), float(torch.exp(0.5 * logvar).median()),
                     float(mu.std(0).median()))


def compare_on_test_set(first: OnTestSet, second: OnTestSet) -> TestSetPair:
    """Two models' figures over the same digits (second usually the VAE), paired digit by digit."""
    a, b = first.bce.astype(np.float64), second.bce.astype(np.float64)
    return TestSetPair(float(a.mean()), float(b.mean()), float((a < b).mean()),
                       paired_noise(a, b), second.sigma_median, second.code_spread)


def test_set_pair(models: list[Autoencoder], x: Tensor, labels: object = None) -> TestSetPair:
    """Compare two models [first, second] on all of x (N, 1, 28, 28)."""
    return compare_on_test_set(*(on_test_set([m], x) for m in models))


def test_set_claims(t: TestSetPair, n: int, first: str = "autoencoder",
                    second: str = "VAE") -> list[Claim]:
    """The whole-test-set comparison, worded by its result: the student's check of the
    prediction that a VAE's reconstructions are blurrier."""
    verdict = order(t.first_mean, t.second_mean, t.noise)
    result = {-1: f"the {first} copies better, as predicted",
              0: "about the same: the prediction does not hold for this pair",
              1: f"the {second} copies better: the prediction fails for this pair"}[verdict]
    out = [Claim(f"Over all {n:,} test digits, decoding the mean code: {first} "
                 f"{t.first_mean:.1f} nats, {second} {t.second_mean:.1f} ({result}). The {first} "
                 f"is better on {t.first_better_share:.0%} of the digits.",
                 {"first_mean": t.first_mean, "second_mean": t.second_mean, "order": verdict,
                  "first_better_share": t.first_better_share})]
    if t.sigma_median is not None and t.code_spread is not None:
        ratio = t.sigma_median / max(t.code_spread, 1e-9)
        size = "much narrower than" if ratio <= 0.5 else "as wide as a good part of"
        out.append(Claim(f"The {second}'s clouds: a median posterior σ of {t.sigma_median:.3f} "
                         f"against a spread of its mean codes of {t.code_spread:.2f} per dimension"
                         f", so each digit's cloud is {size} the space the digits fill "
                         f"({ratio:.0%} of it).",
                         {"sigma_median": t.sigma_median, "code_spread": t.code_spread,
                          "narrow": ratio <= 0.5}))
    return out

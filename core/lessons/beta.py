"""The KL weight β: codes per β, rate against distortion, active dimensions and sweeps, with
the sentences each figure supports."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from core.cards import Card
from core.claims import Claim, trend
from core.evaluate import ACTIVE_KL
from core.latent import sweep_decoded
from core.models import Autoencoder

TRENDS = {1: "rises along the series", -1: "falls along the series",
          0: "follows no single trend"}


def median_norms(codes: dict[float, np.ndarray]) -> dict[float, float]:
    """β -> median length of the mean codes (N, d) of the test digits."""
    return {beta: float(np.median(np.linalg.norm(mu, axis=1))) for beta, mu in codes.items()}


def norm_claims(norms: dict[float, float]) -> list[Claim]:
    """How the codes' median distance from the origin changes along the β series."""
    betas = sorted(norms)
    values = [norms[b] for b in betas]
    direction = trend(values, 0.05)
    reading = {-1: "the codes crowd towards the origin as β grows",
               1: "the codes move away from the origin as β grows",
               0: "the codes do not move steadily towards or away from the origin as β grows"}
    pairs = ", ".join(f"β = {b:g}: {norms[b]:.2f}" for b in betas)
    return [Claim(f"Median distance of a code from the origin — {pairs}. From β = {betas[0]:g} to "
                  f"{betas[-1]:g} it {TRENDS[direction]} (no step the other way by more than 0.05): "
                  f"{reading[direction]}.",
                  {"norms": tuple(values), "trend": direction})]


def rd_claims(cards: dict[float, Card], latent: int) -> list[Claim]:
    """What the rate-distortion chart shows for one latent size's β series."""
    betas = sorted(cards)
    kl = [cards[b].test.kl for b in betas]
    recon = [cards[b].test.recon for b in betas]
    kl_trend, recon_trend = trend(kl, 1.0), trend(recon, 1.0)
    both = kl_trend == -1 and recon_trend == 1
    lo, hi = cards[betas[0]].test, cards[betas[-1]].test
    return [
        Claim(f"At latent size {latent}, β = {betas[0]:g} codes carry {lo.kl:.1f} nats and rebuild "
              f"digits at {lo.recon:.1f}; β = {betas[-1]:g} carries {hi.kl:.1f} nats and loses "
              f"{hi.recon:.1f}.",
              {"kl_first": lo.kl, "recon_first": lo.recon, "kl_last": hi.kl,
               "recon_last": hi.recon}),
        Claim(f"Along the β series the KL {TRENDS[kl_trend]} and the reconstruction error "
              f"{TRENDS[recon_trend]} (no step the other way by more than 1 nat)"
              + (": each step up in β buys less information for worse copies. The curve is the "
                 "trade-off itself." if both else ": this series is not a clean trade-off curve."),
              {"kl_trend": kl_trend, "recon_trend": recon_trend}),
    ]


def sweep_dims(models: list[Autoencoder], *, order: tuple[int, ...],
               steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Each dimension in `order` swept from -3 to 3 around zeros and decoded: the images
    (len(order) * steps, 1, 28, 28), and the ink each moves (len(order),) in pixels."""
    model = models[0]
    images, moved = sweep_decoded(model, torch.zeros(model.latent_dim), list(order),
                                  torch.linspace(-3, 3, steps))
    return images.reshape(-1, 1, 28, 28).numpy(), moved


def active_claims(cards: dict[float, Card], moved: dict[float, np.ndarray]) -> list[Claim]:
    """Active dimensions per β (KL above ACTIVE_KL), where collapse starts, and the gap in ink
    moved between the dimensions below the line and those above it. moved[β] is the ink each
    dimension moves, indexed by dimension."""
    betas = sorted(cards)
    latent = len(cards[betas[0]].test.kl_per_dim)
    active = {b: cards[b].test.active_dims for b in betas}
    first = next((b for b in betas if active[b] < latent), None)
    out = [Claim("Active dimensions out of " + str(latent) + ": " + ", ".join(
        f"β = {b:g}: {active[b]}" for b in betas) + ". " + (
        f"Collapse starts at β = {first:g}." if first is not None else "No dimension collapsed."),
        {"active": tuple(active[b] for b in betas), "first_collapse": first})]
    dead = [m for b in moved for m, k in zip(moved[b], cards[b].test.kl_per_dim) if k <= ACTIVE_KL]
    alive = [m for b in moved for m, k in zip(moved[b], cards[b].test.kl_per_dim) if k > ACTIVE_KL]
    if dead and alive:
        separated = max(dead) < min(alive)
        out.append(Claim(
            (f"Why the line is at {ACTIVE_KL:g} nats: in these sweeps the dimensions below it "
             f"move at most {max(dead):.0f} pixels of ink, those above it at least "
             f"{min(alive):.0f}." if separated else
             f"The {ACTIVE_KL:g}-nat line does not split these sweeps cleanly: a dimension below "
             f"it moves up to {max(dead):.0f} pixels of ink, one above it as little as "
             f"{min(alive):.0f}. Hover the points near the line."),
            {"dead_max": max(dead), "alive_min": min(alive), "separated": separated}))
    return out


def rd_frame(cards: dict[int, dict[float, Card]]) -> pd.DataFrame:
    """The rate-distortion chart's points: one row per model, cards[latent size][β]."""
    return pd.DataFrame([{"latent size": f"latent size {d}", "β": b, "label": f"β={b:g}",
                          "KL (nats)": c.test.kl, "reconstruction BCE (nats)": c.test.recon,
                          "active dims": c.test.active_dims, "epochs": c.epochs_completed}
                         for d in sorted(cards) for b, c in sorted(cards[d].items())])


def kl_ink_frame(cards: dict[float, Card], moved: dict[float, np.ndarray]) -> pd.DataFrame:
    """One row per dimension of each model: its KL, the ink its sweep moves (moved[β], by
    dimension), and whether it counts as active (KL above ACTIVE_KL)."""
    return pd.DataFrame([{"β": f"β = {b:g}", "dimension": j, "KL (nats)": k,
                          "ink moved (pixels)": float(moved[b][j]),
                          "state": "active" if k > ACTIVE_KL else f"collapsed (≤ {ACTIVE_KL:g})"}
                         for b, c in cards.items() for j, k in enumerate(c.test.kl_per_dim)])

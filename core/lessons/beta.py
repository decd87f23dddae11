"""The KL weight β: codes per β, rate against distortion, active dimensions and sweeps, with
the sentences each figure supports."""

from __future__ import annotations

import numpy as np
import torch

from core.cards import Card
from core.claims import Claim, trend
from core.evaluate import ACTIVE_KL
from core.latent import sweep_decoded
from core.models import Autoencoder

TRENDS = {1: "rises along the series", -1: "falls along the series",
          0: "follows no single trend"}


def protocol_claim(cards: list[Card]) -> Claim:
    """Whether the models on one chart trained alike: the same epochs and configuration except
    β. (The zoo trains them so; a chart with a student's model says where it differs.)"""
    epochs = sorted({c.epochs_completed for c in cards})
    same = len(epochs) == 1 and len({(c.config.batch_size, c.config.lr, c.config.seed)
                                     for c in cards if c.config is not None}) == 1
    text = (f"Every model here trained the same way, {epochs[0]} epochs each: only β differs."
            if same else "These models did not all train the same way (epochs: "
            + ", ".join(map(str, epochs)) + "): compare them with care.")
    return Claim(text, {"same_protocol": same, "epochs": tuple(epochs)})


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
        out.append(Claim(
            f"Why the line is at {ACTIVE_KL:g} nats: in these sweeps the dimensions below it move "
            f"at most {max(dead):.0f} pixels of ink, those above it at least {min(alive):.0f}.",
            {"dead_max": max(dead), "alive_min": min(alive), "separated": max(dead) < min(alive)}))
    return out

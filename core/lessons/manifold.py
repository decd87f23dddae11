"""Latent manifold: a slice of the latent space through a base code, decoded as a map, beside
the test codes projected onto the same two dimensions."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import torch

from core import zoo
from core.claims import Claim
from core.classifier import predict_proba
from core.latent import decode, dim_name, interpolate, prototypes
from core.lessons.views import MapView
from core.models import Autoencoder

MAX_POINTS = 20
SCATTER = 1500  # test codes the browser's scatter shows (and finds the nearest among)
_PAIR = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*")


@dataclass(frozen=True)
class Axes:
    """How the map's axes read: latent value = centre + scale * axis value, per dimension (d,)."""

    centre: np.ndarray
    scale: np.ndarray
    standard: bool

    @classmethod
    def of(cls, mu: np.ndarray | None, d: int, standard: bool) -> Axes:
        """z-scores of the test codes mu (N, d) when standard (and mu is known), else z itself."""
        if standard and mu is not None:
            return cls(mu.mean(0), mu.std(0) + 1e-8, True)
        return cls(np.zeros(d, np.float32), np.ones(d, np.float32), False)

    @property
    def unit(self) -> str:
        return "z-score" if self.standard else "z"

    def to_z(self, u: np.ndarray, j: int) -> np.ndarray:
        return (self.centre[j] + self.scale[j] * np.asarray(u)).astype(np.float32)

    def from_z(self, z: np.ndarray, j: int) -> np.ndarray:
        return (np.asarray(z) - self.centre[j]) / self.scale[j]


def parse_points(text: str) -> np.ndarray | None:
    """Typed points "x, y; x, y" -> (n, 2), or None if they do not read as up to 20 pairs."""
    pairs = [p for p in text.split(";") if p.strip()]
    found = [_PAIR.fullmatch(p) for p in pairs]
    if not pairs or len(pairs) > MAX_POINTS or not all(found):
        return None
    return np.array([[float(m[1]), float(m[2])] for m in found], dtype=np.float32)


def on_slice(base: np.ndarray, dims: tuple[int, int], axes: Axes, xy: np.ndarray) -> torch.Tensor:
    """Codes (n, d) of points xy (n, 2) on the slice: the base code with dims set from xy."""
    z = torch.as_tensor(np.asarray(base, np.float32)).repeat(len(xy), 1)
    for column, j in enumerate(dims):
        z[:, j] = torch.as_tensor(axes.to_z(xy[:, column], j))
    return z


def map_codes(view: MapView, axes: Axes) -> torch.Tensor:
    """The map's grid as codes (steps², d), row by row from the top (the largest y), left to
    right: what the browser's map decodes, for the server to draw where it cannot."""
    u = np.linspace(view.low, view.high, view.steps, dtype=np.float32)
    x, y = np.meshgrid(u, u[::-1])
    return on_slice(view.base, (view.dx, view.dy), axes, np.stack([x.ravel(), y.ravel()], 1))


def points_to_decode(typed: str, picked: np.ndarray | None, base: np.ndarray,
                     dims: tuple[int, int], axes: Axes, as_line: bool) -> torch.Tensor | None:
    """The codes to decode: typed points on the slice if any, else the full codes (n, d) of the
    test digits picked on the scatter; as a line, 10 steps from the first to the second. None
    when nothing is picked; ValueError, saying what to do, when the typed points do not read."""
    if typed.strip():
        xy = parse_points(typed)
        if xy is None:
            raise ValueError(f"Type up to {MAX_POINTS} points as numbers `x, y`, separated by "
                             "`;` — e.g. `-2, 1; 0, 0`.")
        z = on_slice(base, dims, axes, xy)
    elif picked is not None and len(picked):
        z = torch.as_tensor(np.asarray(picked, np.float32))
    else:
        return None
    return interpolate(z[0], z[1], 10) if as_line and len(z) >= 2 else z


def centre_claims(model: Autoencoder, mu: np.ndarray, labels: np.ndarray, base: np.ndarray,
                  dims: tuple[int, int], axes: Axes, extent: tuple[float, float]) -> list[Claim]:
    """How many test codes the square holds, and what the decoder draws at each digit's centre
    on the slice: the centres are where the projected codes sit, the map is the slice through
    the base code, and the two agree only as far as the decoded centres say."""
    d = mu.shape[1]
    x, y = axes.from_z(mu[:, dims[0]], dims[0]), axes.from_z(mu[:, dims[1]], dims[1])
    inside = float(((x >= extent[0]) & (x <= extent[1]) & (y >= extent[0]) & (y <= extent[1])).mean())
    centres = np.array([[x[labels == k].mean(), y[labels == k].mean()] for k in range(10)])
    drawn = predict_proba(zoo.load_classifier(), decode(model, on_slice(base, dims, axes, centres)))
    read = drawn.argmax(1).numpy()
    matches = int((read == np.arange(10)).sum())
    where = "the map" if d == 2 else "this slice (the other dimensions from the base code)"
    return [
        Claim(f"{inside:.0%} of the test codes fall inside this square"
              + ("; the rest of the map is the decoder extrapolating." if d == 2 else
                 " once projected onto these two dimensions."),
              {"inside": inside}),
        Claim("Digit centres on these axes: " + ", ".join(
            f"{k} ({cx:.1f}, {cy:.1f})" for k, (cx, cy) in enumerate(centres)) + f". Decoded on "
            f"{where}, the classifier reads them as " + ", ".join(map(str, read)) + f": {matches} "
            "of the 10 centres draw their own digit.",
            {"centres": centres.round(3).tolist(), "read": read.tolist(), "matches": matches}),
    ]


def scale_claim(axes: Axes, dims: tuple[int, int]) -> Claim:
    """What standardising does to these axes, from the codes' spread."""
    sx, sy = (float(axes.scale[j]) for j in dims)
    if axes.standard:
        return Claim(f"Standardised: one unit is {sx:.2f} in {dim_name(dims[0])} and {sy:.2f} in "
                     f"{dim_name(dims[1])}.", {"scale_x": sx, "scale_y": sy})
    return Claim("Standardising rescales each axis by its test codes' spread. Predict: for a VAE "
                 "(spread near 1) the map barely changes; for an autoencoder it moves the square "
                 "onto the codes. Turn it on to check.", {})


def map_header(view: MapView, mu: np.ndarray | None, labels: np.ndarray | None,
               d: int) -> tuple[dict, dict[str, np.ndarray]]:
    """What the browser's map (`web/maps.js`) starts from: the settings, and with the test codes
    mu (N, d) a seeded sample of them for the scatter, their labels, the digits' prototypes and
    each dimension's mean and spread (for z-score axes)."""
    header = {"d": d, "dx": view.dx, "dy": view.dy, "low": view.low, "high": view.high,
              "steps": view.steps, "standard": view.standard, "base": view.base.tolist(),
              "base_choice": view.base_choice, "picked": list(view.picked)}
    if mu is None or labels is None:
        return header, {}
    keep = np.random.default_rng(0).choice(len(mu), min(SCATTER, len(mu)), replace=False)
    axes = Axes.of(mu, d, True)
    header.update(indices=keep.tolist(), centre=axes.centre.tolist(), scale=axes.scale.tolist(),
                  prototypes=True)
    return header, {"codes": mu[keep], "labels": labels[keep].astype(np.float32),
                    "prototypes": prototypes(mu, labels)}

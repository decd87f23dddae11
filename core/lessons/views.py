"""The settings a lesson's browser view sends back (`core/app/web/maps.js`), read safely.

The browser redraws a grid itself as the student changes it, and sends the settings when a
change is made, so the server's notices read the same grid. What comes back is checked field by
field: anything missing, out of range or malformed falls back to the lesson's default, so a
stale or tampered state can never break a page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

BASES = {"zeros": "zeros", "random": "a random draw", "sliders": "the sliders' current code",
         **{f"p{k}": f"the prototype of {k}" for k in range(10)}}


@dataclass(frozen=True)
class MapView:
    """Latent manifold: dimensions across (dx) and up (dy), the range of both axes, the steps a
    side, z-scores or raw z, the base code (d,) the other dimensions come from, and the test
    digits picked on the scatter (indices into the test set)."""

    dx: int
    dy: int
    low: float = -4.0
    high: float = 4.0
    steps: int = 12
    standard: bool = False
    base: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    base_choice: str = "zeros"
    picked: tuple[int, ...] = ()

    @property
    def base_kind(self) -> str:
        return BASES[self.base_choice]


@dataclass(frozen=True)
class SweepView:
    """Neuron progression: the dimensions swept, the range and steps of each sweep, the base."""

    dims: tuple[int, ...]
    low: float = -4.5
    high: float = 4.5
    steps: int = 10
    base: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    base_choice: str = "zeros"

    @property
    def base_kind(self) -> str:
        return BASES[self.base_choice]


def _number(raw: dict, name: str, default: float, low: float, high: float) -> float:
    value = raw.get(name)
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    return float(min(high, max(low, value))) if ok else default


def _index(value: Any, n: int) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < n else None


def _base(raw: dict, d: int, default: np.ndarray, choice_: str) -> tuple[np.ndarray, str]:
    base, choice = raw.get("base"), raw.get("base_choice")
    if (choice in BASES and isinstance(base, list) and len(base) == d
            and all(isinstance(v, (int, float)) and math.isfinite(v) for v in base)):
        return np.asarray(base, np.float32).clip(-50, 50), choice
    return default, choice_


def map_view(raw: Any, d: int, default: MapView, n_codes: int) -> MapView:
    """The manifold's settings from the browser's state `raw`, or `default` field by field."""
    raw = raw if isinstance(raw, dict) else {}
    dx, dy = _index(raw.get("dx"), d), _index(raw.get("dy"), d)
    if dx is None or dy is None or dx == dy:
        dx, dy = default.dx, default.dy
    low, high = _number(raw, "low", default.low, -8, 8), _number(raw, "high", default.high, -8, 8)
    if high <= low:
        low, high = default.low, default.high
    base, choice = _base(raw, d, default.base, default.base_choice)
    picked = raw.get("picked") if isinstance(raw.get("picked"), list) else []
    picked = tuple(i for i in (_index(p, n_codes) for p in picked[:20]) if i is not None)
    return MapView(dx, dy, low, high, int(_number(raw, "steps", default.steps, 3, 20)),
                   bool(raw.get("standard", default.standard)), base, choice, picked)


def sweep_view(raw: Any, d: int, default: SweepView) -> SweepView:
    """Neuron progression's settings from the browser's state `raw`, or `default` by field."""
    raw = raw if isinstance(raw, dict) else {}
    dims = raw.get("dims") if isinstance(raw.get("dims"), list) else None
    dims = tuple(j for j in dims if _index(j, d) is not None) if dims else default.dims
    low, high = _number(raw, "low", default.low, -6, 6), _number(raw, "high", default.high, -6, 6)
    if high <= low:
        low, high = default.low, default.high
    base, choice = _base(raw, d, default.base, default.base_choice)
    return SweepView(dims or default.dims, low, high,
                     int(_number(raw, "steps", default.steps, 2, 21)), base, choice)


def picked_points(raw: Any, limit: int = 20) -> np.ndarray:
    """The points (n, 2) a student clicked on a map, from the browser's state {"picked": [[x, y],
    …]}: the first `limit` well-formed pairs, anything else dropped."""
    picked = raw.get("picked") if isinstance(raw, dict) else None
    pairs = [p for p in (picked if isinstance(picked, list) else [])
             if isinstance(p, list) and len(p) == 2 and all(
                 isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                 for v in p)]
    return np.array(pairs[:limit], np.float32).reshape(-1, 2)

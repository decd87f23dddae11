"""Search for the digits' ten colours, and measure how far apart a palette's colours stay.

    python bench/palette.py            # core.palette.DIGITS and Tableau 10, measured
    python bench/palette.py --search   # a new search (about 5 minutes on one core)

Distances are in CAM02-UCS (colorspacious), between the closest two of the ten colours, as seen
with normal vision and with deuteranomaly, protanomaly and tritanomaly simulated at full
severity (Machado et al. 2009). The search keeps colours whose contrast is at least 3:1 against
both themes' backgrounds and maximises the smallest distance under all four, by random local
search from 40 seeded starts over an sRGB grid.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np
from colorspacious import cspace_convert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from core import palette

VISION = ("normal", "deuteranomaly", "protanomaly", "tritanomaly")
TABLEAU10 = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
             "#ff9da7", "#9c755f", "#bab0ac")


def seen(rgb: np.ndarray, vision: str) -> np.ndarray:
    """Colours (N, 3) in [0, 1] as a reader with `vision` sees them, in CAM02-UCS (N, 3)."""
    if vision != "normal":
        cvd = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
        rgb = np.clip(cspace_convert(rgb, cvd, "sRGB1"), 0, 1)
    return cspace_convert(rgb, "sRGB1", "CAM02-UCS")


def closest(colours: list[str] | tuple[str, ...]) -> dict[str, float]:
    """vision -> the distance between the closest two colours, as that reader sees them."""
    rgb = np.array([palette.rgb(c) for c in colours])
    out = {}
    for vision in VISION:
        u = seen(rgb, vision)
        out[vision] = min(float(np.linalg.norm(u[i] - u[j]))
                          for i, j in itertools.combinations(range(len(u)), 2))
    return out


def search(starts: int = 40, moves: int = 3000, seed: int = 0) -> tuple[list[str], float]:
    """Ten colours of a 12-step sRGB grid, each 3:1 against both backgrounds, whose closest pair
    under any of `VISION` is as far apart as random local search finds; and that distance."""
    grid = np.linspace(0, 1, 12)
    pool = ["#" + "".join(f"{round(v * 255):02x}" for v in c)
            for c in itertools.product(grid, grid, grid)]
    pool = [c for c in pool if all(palette.contrast(c, b) >= 3 for b in palette.BACKGROUNDS)]
    rgb = np.array([palette.rgb(c) for c in pool])
    views = [seen(rgb, v) for v in VISION]

    def score(idx: list[int]) -> float:
        worst = np.inf
        for u in views:
            v = u[idx]
            d = np.linalg.norm(v[:, None] - v[None], axis=-1) + np.eye(len(idx)) * 1e9
            worst = min(worst, float(d.min()))
        return worst

    rng = np.random.default_rng(seed)
    best, best_score = [], 0.0
    for _ in range(starts):
        idx = list(rng.choice(len(pool), 10, replace=False))
        s = score(idx)
        for _ in range(moves):
            j, c = int(rng.integers(10)), int(rng.integers(len(pool)))
            if c in idx:
                continue
            trial = idx[:j] + [c] + idx[j + 1:]
            if (t := score(trial)) >= s:
                idx, s = trial, t
        if s > best_score:
            best, best_score = [pool[i] for i in idx], s
    return best, best_score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--search", action="store_true")
    args = parser.parse_args()
    for name, colours in {"core.palette.DIGITS": palette.DIGITS, "Tableau 10": TABLEAU10}.items():
        worst = min(palette.contrast(c, b) for c in colours for b in palette.BACKGROUNDS)
        print(f"{name}: closest pair " + ", ".join(f"{v} {d:.1f}" for v, d in
                                                   closest(colours).items())
              + f"; lowest contrast against a background {worst:.2f}:1")
    if args.search:
        found, score = search()
        print(f"search: {found} (closest pair under any vision {score:.2f})")


if __name__ == "__main__":
    main()

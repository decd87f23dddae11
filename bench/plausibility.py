"""How well "distance to the nearest real digit" tells a pixel cross-fade from a latent walk.

    LATENT_LAB_DATA=... python bench/plausibility.py [--pairs 200] [--latent 10]

For random pairs of test digits, the median distance of the middle steps of the cross-fade and
of each model's walks (Interpolation's measure), and the share of pairs where the cross-fade's
middle is further from every real digit than the best walk's (by more than 0.2), beside the
classifier's >= 90 % confidence score of the same steps, which the measure replaced.
"""

from __future__ import annotations

import argparse

import numpy as np
import torch

from core import zoo
from core.data import load_mnist
from core.lessons.interpolation import FADE, middle_distance, walks
from core.quality import judge


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--latent", type=int, default=10)
    parser.add_argument("--steps", type=int, default=9)
    args = parser.parse_args()
    x_test, _ = load_mnist("test")
    models = {"Autoencoder": zoo.load_model("ae", args.latent, device="cpu"),
              "VAE": zoo.load_model("vae", args.latent, 1.0, device="cpu")}
    classifier = zoo.load_classifier(device="cpu")
    rng = np.random.default_rng(0)
    pairs = [(1, 0)] + [tuple(map(int, rng.choice(len(x_test), 2, replace=False)))
                        for _ in range(args.pairs)]
    further, fade_d, walk_d, fade_c, walk_c = [], [], [], [], []
    for a, b in pairs:
        rows = walks(models, x_test[[a, b]], args.steps)
        distance = middle_distance(rows, x_test, [a, b])
        best = min(v for k, v in distance.items() if k != FADE)
        further.append(distance[FADE] > best + 0.2)
        fade_d.append(distance[FADE])
        walk_d.append(best)
        fade_c.append(judge(classifier, rows[FADE][1:-1])["confident_fraction"])
        walk_c.append(max(judge(classifier, v[1:-1])["confident_fraction"]
                          for k, v in rows.items() if k != FADE))
        if (a, b) == (1, 0):
            print(f"default pair (1, 0): cross-fade {distance[FADE]:.2f}, best walk {best:.2f}")
    n = len(pairs) - 1
    print(f"{n} random pairs, latent size {args.latent}: the cross-fade's middle is further "
          f"from real digits than the best walk's in {np.mean(further[1:]):.0%} of pairs; "
          f"median distance {np.median(fade_d[1:]):.2f} against {np.median(walk_d[1:]):.2f}")
    print(f"classifier, >= 90 % confident on the middle steps: cross-fade "
          f"{np.mean(fade_c[1:]):.0%}, best walk {np.mean(walk_c[1:]):.0%}")


if __name__ == "__main__":
    torch.set_num_threads(1)
    main()

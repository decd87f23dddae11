"""Train your own: the page's time estimate against the run it estimates, over several settings.

    python bench/training_estimate.py [--quick]

For each setting the estimate is made as the page makes it (`core.own.timings` on the test
digits with a 1,000-digit config of the same kind, latent size and batch, then
`core.own.estimate_seconds`), then the run is trained through `core.own.TrainingJob`, as the
page trains it, and timed. Prints one JSON line per setting and the largest error; the target is
every estimate within ±30 % of its run. Run it on a quiet machine: another process on the
cores slows the run but not the estimate made before it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from core import own  # noqa: E402
from core.data import load_mnist, load_mnist_subset  # noqa: E402
from core.train import shuffled_subset  # noqa: E402

# (kind, latent size, beta, epochs, training digits, batch): the page's defaults first, then the
# ends of its sliders that finish in under a minute on 2 cores.
SETTINGS = [
    ("vae", 10, 1.0, 3, 10_000, 64),
    ("ae", 2, 0.0, 3, 10_000, 64),
    ("vae", 2, 1.0, 1, 20_000, 256),
    ("vae", 32, 1.0, 2, 5_000, 32),
    ("ae", 20, 0.0, 1, 30_000, 128),
    ("vae", 10, 4.0, 10, 2_000, 128),
]


def measure(kind: str, latent: int, beta: float, epochs: int, subset: int, batch: int,
            device: torch.device, x_test: torch.Tensor) -> dict[str, float | str | int]:
    """The page's estimate for one setting, and the run's own seconds and test figure (-ELBO
    for a VAE, reconstruction for an autoencoder)."""
    config = own.make_config(kind, latent, beta, epochs, subset, batch)
    probe = own.make_config(kind, latent, 1.0, 1, 1000, batch)  # as the page's `cost`
    estimate = own.estimate_seconds(config, *own.timings(probe, device, x_test))
    x_train, _ = load_mnist_subset("train", shuffled_subset(60_000, subset, 0).numpy())
    job = own.TrainingJob(config, device)
    job.start(x_train, x_test, x_test[:8])
    job.join()
    return {"setting": f"{kind} z{latent} b{beta:g}, {epochs} x {subset:,} digits, batch {batch}",
            "estimate_s": round(estimate, 1), "run_s": round(job.seconds, 1),
            "error": round(estimate / job.seconds - 1, 3),
            "test_nats": round(job.result.card.test.neg_elbo if kind == "vae"
                               else job.result.card.test.recon, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the page's defaults only")
    args = parser.parse_args(argv)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    x_test, _ = load_mnist("test")
    errors = []
    for setting in SETTINGS[:1] if args.quick else SETTINGS:
        row = measure(*setting, device=device, x_test=x_test)
        errors.append(row["error"])
        print(json.dumps(row), flush=True)
    worst = max(errors, key=abs)
    print(json.dumps({"device": device.type, "threads": torch.get_num_threads(),
                      "worst_error": worst, "within_30_percent": abs(worst) <= 0.3}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

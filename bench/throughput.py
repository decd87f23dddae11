"""Encoding the 10,000 test images, and one training epoch, on each device there is.

    python bench/throughput.py

Also one run of the Train-your-own lesson with its defaults (VAE, latent size 10, 3 epochs of
10,000 digits, batch 64), through `core.own.TrainingJob` as the page runs it: the page's
estimate, the time it took and the model's test -ELBO.

Uses the zoo's VAE at latent size 10 for encoding and the zoo's backbone for the epoch (the
same `core.train.fit` as the CLI and the Train-your-own lesson). CUDA is timed when present.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from core import zoo  # noqa: E402
from core.config import TrainConfig  # noqa: E402
from core.data import load_mnist  # noqa: E402
from core.latent import encode_mu  # noqa: E402
from core.train import fit, new_model  # noqa: E402


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def main() -> None:
    x_train, _ = load_mnist("train")
    x_test, _ = load_mnist("test")
    devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
    out = {"cpu_threads": torch.get_num_threads()}
    for device in devices:
        model = zoo.load_model("vae", 10, device=str(device))
        encode_mu(model, x_test[:1000])  # warm up
        sync(device)
        start = time.perf_counter()
        encode_mu(model, x_test)
        sync(device)
        out[f"encode_10k_{device.type}_s"] = round(time.perf_counter() - start, 3)
        config = TrainConfig("vae", 10, epochs=1, lr=zoo.ZOO_LR, backbone=zoo.ZOO_BACKBONE)
        model = new_model(config)
        start = time.perf_counter()
        fit(model, x_train, config, device=device)
        sync(device)
        out[f"train_epoch_{device.type}_s"] = round(time.perf_counter() - start, 1)
        out[f"train_your_own_defaults_{device.type}"] = lesson_defaults(device, x_test)
    print(json.dumps(out, indent=2))


def lesson_defaults(device: torch.device, x_test: torch.Tensor) -> dict[str, float | str | int]:
    from bench.training_estimate import SETTINGS, measure

    return measure(*SETTINGS[0], device=device, x_test=x_test)


if __name__ == "__main__":
    main()

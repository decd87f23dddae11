"""Training the zoo's digit classifier, the judge of decoded samples (>= 99 % test accuracy)."""

from __future__ import annotations

import math
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor

from core.cards import CLASSIFIER, Card, Metrics
from core.checkpoint import load_weights, save_weights
from core.classifier import DigitClassifier, predict_proba
from core.device import best_device
from core.models import count_parameters


def train_classifier(out_dir: Path, device_name: str = "auto", epochs: int = 6,
                     seed: int = 0) -> Card:
    """Train the zoo's digit classifier (>= 99 % test accuracy) and write weights and card."""
    from core.data import load_mnist

    device = best_device(device_name)
    torch.manual_seed(seed)
    x_train, y_train = (t.to(device) for t in load_mnist("train"))
    x_test, y_test = load_mnist("test")
    model = DigitClassifier().to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=2e-3)
    steps = epochs * math.ceil(len(x_train) / 128)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=2e-3, total_steps=steps)
    shuffle = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    for _ in range(epochs):
        model.train()
        for index in torch.randperm(len(x_train), generator=shuffle).split(128):
            x, y = augment(x_train[index.to(device)]), y_train[index.to(device)]
            loss = F.cross_entropy(model(x), y)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            schedule.step()
    seconds = time.perf_counter() - start
    weights = Path(out_dir) / f"{CLASSIFIER}.safetensors"
    sha256 = save_weights(model, weights)
    load_weights(model.cpu(), weights, sha256).eval()
    accuracy = classifier_accuracy(model, x_test, y_test)
    card = Card(name=CLASSIFIER, kind=CLASSIFIER, test=Metrics(accuracy=accuracy),
                epochs_completed=epochs, seed=seed, train_seconds=seconds, device=str(device),
                torch=torch.__version__, parameters=count_parameters(model),
                weights_file=weights.name, sha256=sha256)
    card.write(Path(out_dir) / f"{CLASSIFIER}.json")
    return card


def augment(x: Tensor) -> Tensor:
    """Random shifts of up to 2 pixels and rotations of up to 10 degrees, per image."""
    n = len(x)
    angle = (torch.rand(n, device=x.device) - 0.5) * math.radians(20)
    shift = (torch.rand(n, 2, device=x.device) - 0.5) * (4 / 14)  # 2 px in [-1, 1] coordinates
    cos, sin = torch.cos(angle), torch.sin(angle)
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1),
                         torch.stack([sin, cos, shift[:, 1]], 1)], 1)  # (n, 2, 3)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")


@torch.no_grad()
def classifier_accuracy(model: DigitClassifier, x: Tensor, y: Tensor) -> float:
    return (predict_proba(model, x).argmax(1) == y).float().mean().item()

"""Sample quality: do decoded samples look like digits to a classifier?

Two figures per set of samples: the fraction the classifier labels with confidence >= 0.9 (a
sample from a hole in the latent space is a smudge no class claims), and the entropy of the
histogram of predicted labels in bits (log2(10) = 3.32 when all ten digits appear equally;
lower when the samples favour a few digits).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from core.classifier import DigitClassifier, predict_proba
from core.device import all_cores
from core.models import Autoencoder

CONFIDENCE = 0.9


def prior_samples(latent_dim: int, n: int, seed: int = 0) -> Tensor:
    """z ~ N(0, I), shape (n, latent_dim), drawn on the CPU so every device gets the same z."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(n, latent_dim, generator=generator)


def fitted_gaussian_samples(codes: Tensor, n: int, seed: int = 0) -> Tensor:
    """z from N(mean, diag(std^2)) fitted per dimension to `codes` (M, latent_dim); (n, latent_dim).

    What an autoencoder notebook does to sample: its codes are not N(0, I), so it fits one.
    """
    generator = torch.Generator().manual_seed(seed)
    mean, std = codes.mean(0), codes.std(0)
    return mean + std * torch.randn(n, codes.shape[1], generator=generator)


@all_cores
@torch.no_grad()
def decode_batched(model: Autoencoder, z: Tensor, batch_size: int = 500) -> Tensor:
    """Decode codes (N, latent_dim) to images (N, 1, 28, 28) in [0, 1], on the model's device."""
    device = next(model.parameters()).device
    return torch.cat([model.decode(z[i:i + batch_size].to(device)).cpu()
                      for i in range(0, len(z), batch_size)])


def judge(classifier: DigitClassifier, images: Tensor) -> dict[str, float | list[int]]:
    """The classifier's verdict on images (N, 1, 28, 28).

    Returns confident_fraction (share with max probability >= 0.9), label_entropy_bits and
    label_histogram (counts of each predicted label, length 10).
    """
    proba = predict_proba(classifier, images)
    confident = (proba.max(1).values >= CONFIDENCE).float().mean().item()
    counts = torch.bincount(proba.argmax(1), minlength=10).numpy()
    p = counts / counts.sum()
    entropy = max(0.0, float(-(p[p > 0] * np.log2(p[p > 0])).sum()))  # no "-0.0"
    return {"confident_fraction": round(confident, 4), "label_entropy_bits": round(entropy, 4),
            "label_histogram": counts.tolist()}

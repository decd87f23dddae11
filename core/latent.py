"""Latent-space analysis for the lessons: reconstructions, codes, sweeps and samples.

Every function takes a model in eval mode and tensors or arrays, and returns numbers or images
(values in [0, 1]); none of them changes the model, so they are safe on a shared cached model.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from core.models import Autoencoder


@torch.no_grad()
def reconstruct(model: Autoencoder, x: Tensor) -> tuple[Tensor, Tensor]:
    """Encode images x (N, 1, 28, 28) to their mean code and decode it.

    Returns (x_hat, bce): x_hat (N, 1, 28, 28) in [0, 1], on the CPU, and the binary
    cross-entropy of each reconstruction summed over its pixels (N,), in nats.
    """
    device = next(model.parameters()).device
    mu, _ = model.encode(x.to(device))
    logits = model.decode_logits(mu)
    bce = F.binary_cross_entropy_with_logits(logits, x.to(device), reduction="none").sum((1, 2, 3))
    return torch.sigmoid(logits).cpu(), bce.cpu()

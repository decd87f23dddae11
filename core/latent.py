"""Latent-space analysis for the lessons: reconstructions, codes, sweeps and samples.

Every function takes a model in eval mode and tensors or arrays, and returns numbers or images
(values in [0, 1]); none of them changes the model, so they are safe on a shared cached model.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from core.device import all_cores
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


# Images per batch in a pass over the test set. Small batches stay in the CPU's caches: on two
# cores, encoding the 10,000 test images with the latent-size-32 autoencoder takes 0.28 s in
# batches of 250 against 0.55 s in 500s, and encoding and decoding them 1.2 s against 2.3 s in
# 1,000s (`core.lessons.reconstruction.on_test_set`; 2026-12-04). Smaller than 200 gains nothing.
# (Batches of 500 rather than 2,000 had already cut the peak memory of encoding by 69 MB:
# `python bench/stack_memory.py`.)
BATCH = 250


@all_cores
@torch.no_grad()
def encode_mu(model: Autoencoder, x: Tensor, batch_size: int = BATCH) -> Tensor:
    """The mean codes mu (N, latent_dim) of images x (N, 1, 28, 28), on the CPU, `batch_size`
    images at a time."""
    device = next(model.parameters()).device
    return torch.cat([model.encode(x[i:i + batch_size].to(device))[0].cpu()
                      for i in range(0, len(x), batch_size)])


@torch.no_grad()
def decode(model: Autoencoder, z: Tensor | np.ndarray) -> Tensor:
    """Codes z (N, latent_dim) or (latent_dim,) -> images (N, 1, 28, 28) in [0, 1], on the CPU."""
    z = torch.as_tensor(np.asarray(z, dtype=np.float32)).reshape(-1, model.latent_dim)
    return model.decode(z.to(next(model.parameters()).device)).cpu()


def binarize(x: Tensor, threshold: float = 0.5) -> Tensor:
    """Pixels at or above `threshold` become 1, the rest 0 (the binarised MNIST of the papers)."""
    return (x >= threshold).float()


def interpolate(z0: Tensor, z1: Tensor, steps: int, mode: str = "linear") -> Tensor:
    """`steps` codes from z0 to z1 (each (latent_dim,)), both ends included: (steps, latent_dim).

    "linear": (1 - t) z0 + t z1. "slerp": along the great circle between the two directions,
    with the norm interpolated linearly; under a N(0, I) prior, typical codes lie near a shell
    of radius sqrt(latent_dim), and a straight line cuts inside it through less likely codes.
    """
    t = torch.linspace(0, 1, steps)[:, None]
    if mode == "linear":
        return (1 - t) * z0 + t * z1
    if mode != "slerp":
        raise ValueError(f"mode must be 'linear' or 'slerp', not {mode!r}")
    n0, n1 = z0.norm(), z1.norm()
    u0, u1 = z0 / n0.clamp_min(1e-8), z1 / n1.clamp_min(1e-8)
    omega = torch.arccos((u0 @ u1).clamp(-1, 1))
    if omega < 1e-4:  # (nearly) the same direction: slerp is the straight line
        return (1 - t) * z0 + t * z1
    direction = (torch.sin((1 - t) * omega) * u0 + torch.sin(t * omega) * u1) / torch.sin(omega)
    return direction * ((1 - t) * n0 + t * n1)


def sweep(base: Tensor, dims: list[int], values: Tensor) -> Tensor:
    """Codes that vary one dimension at a time: (len(dims) * len(values), latent_dim).

    Row d * len(values) + i is `base` with dimension dims[d] set to values[i].
    """
    z = base.repeat(len(dims) * len(values), 1)
    for d, dim in enumerate(dims):
        z[d * len(values):(d + 1) * len(values), dim] = values
    return z


@torch.no_grad()
def sweep_decoded(model: Autoencoder, base: Tensor, dims: list[int],
                  values: Tensor) -> tuple[Tensor, np.ndarray]:
    """Decode `sweep(base, dims, values)`: images (len(dims), len(values), 1, 28, 28), and the
    ink each dimension moves (len(dims),) in pixels: the mean over the steps of the absolute
    change from the first step, summed over the 784 pixels."""
    images = decode(model, sweep(base, dims, values)).reshape(len(dims), len(values), 1, 28, 28)
    moved = (images - images[:, :1]).abs().sum((2, 3, 4)).mean(1)
    return images, moved.numpy()


def dim_name(j: int) -> str:
    """How every lesson names latent dimension j: z0, z1, ... (the code's own index)."""
    return f"z{j}"


def prototypes(mu: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The mean code of each digit: (10, latent_dim) from codes mu (N, latent_dim), labels (N,)."""
    return np.stack([mu[labels == digit].mean(0) for digit in range(10)])


def manifold_codes(base: Tensor, dim_x: int, dim_y: int, xs: Tensor, ys: Tensor) -> Tensor:
    """Codes over a plane of the latent space, for a map with the origin bottom-left.

    Returns (len(ys) * len(xs), latent_dim): `base` with dimension dim_x set to xs (left to
    right) and dim_y to ys from the largest down, so row-major tiling puts high y at the top.
    """
    y_grid, x_grid = torch.meshgrid(ys.flip(0), xs, indexing="ij")
    z = base.repeat(x_grid.numel(), 1)
    z[:, dim_x] = x_grid.reshape(-1)
    z[:, dim_y] = y_grid.reshape(-1)
    return z


@torch.no_grad()
def posterior(model: Autoencoder, x: Tensor) -> tuple[Tensor, Tensor | None]:
    """q(z|x) of images x (N, 1, 28, 28): mean mu (N, latent_dim) and standard deviation sigma
    (N, latent_dim), on the CPU. An autoencoder's code is a point: sigma is None."""
    device = next(model.parameters()).device
    mu, logvar = model.encode(x.to(device))
    sigma = None if logvar is None else torch.exp(0.5 * logvar).cpu()
    return mu.cpu(), sigma


def posterior_samples(mu: Tensor, sigma: Tensor, n: int, seed: int = 0) -> Tensor:
    """The reparameterisation trick: z = mu + sigma * eps with eps ~ N(0, I), seeded.

    mu, sigma: (latent_dim,). Returns (n, latent_dim).
    """
    eps = torch.randn((n, len(mu)), generator=torch.Generator().manual_seed(seed))
    return mu + sigma * eps


def sigma_ellipse(mu: np.ndarray, sigma: np.ndarray, k: float, points: int = 73) -> np.ndarray:
    """The k-sigma contour of a 2-D Gaussian with diagonal covariance, as (points, 2) x, y.

    The VAE's posterior has a diagonal covariance, so its ellipses are aligned with the axes.
    The first and last points coincide, so a line through them closes the curve.
    """
    t = np.linspace(0, 2 * np.pi, points)
    return np.stack([mu[0] + k * sigma[0] * np.cos(t), mu[1] + k * sigma[1] * np.sin(t)], 1)

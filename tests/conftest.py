"""Shared fixtures. Tests run on the CPU; real-MNIST tests read $LATENT_LAB_DATA (see README)."""

from __future__ import annotations

import pytest
import torch

from core.models import VAE, Autoencoder


@pytest.fixture
def vae() -> VAE:
    torch.manual_seed(0)
    return VAE(latent_dim=4).eval()


@pytest.fixture
def ae() -> Autoencoder:
    torch.manual_seed(0)
    return Autoencoder(latent_dim=4).eval()


@pytest.fixture
def images() -> torch.Tensor:
    """Eight seeded random images (8, 1, 28, 28) in [0, 1]."""
    return torch.rand(8, 1, 28, 28, generator=torch.Generator().manual_seed(0))

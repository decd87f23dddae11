"""The importance-weighted bound and the BCE floor, against definitions computed here."""

import math

import pytest
import torch
import torch.nn.functional as F

from core.bound import bce_floor, importance_bound, log_weights


def test_the_floor_is_the_bce_of_a_perfect_copy(images):
    perfect = F.binary_cross_entropy(images, images, reduction="none").sum((1, 2, 3))
    assert bce_floor(images) == pytest.approx(perfect, abs=1e-3)
    assert bce_floor(torch.bernoulli(images)).abs().max() < 1e-3  # binarised: a floor of 0


def test_one_importance_sample_is_the_elbo_and_more_tighten_it(vae, images):
    x = images.repeat(4, 1, 1, 1)  # 32 images
    one = importance_bound(vae, x, k=1, n=32, chunk=8)
    assert one["gap"] == pytest.approx(0.0, abs=1e-6)
    many = importance_bound(vae, x, k=64, n=32, chunk=8)
    assert 0.0 < many["gap"] and many["neg_log_px"] < one["neg_log_px"] + 1.0


def test_the_log_weights_are_the_elbo_terms(vae, images):
    """log p(x|z) + log p(z) - log q(z|x), each written out here for one sample."""
    g = torch.Generator().manual_seed(3)
    w = log_weights(vae, images[:2], 1, g)[:, 0]
    g = torch.Generator().manual_seed(3)
    mu, logvar = vae.encode(images[:2])
    eps = torch.randn((1, *mu.shape), generator=g)[0]
    z = mu + torch.exp(0.5 * logvar) * eps
    log_px = -F.binary_cross_entropy_with_logits(vae.decode_logits(z), images[:2],
                                                 reduction="none").sum((1, 2, 3))
    log_pz = torch.distributions.Normal(0.0, 1.0).log_prob(z).sum(1)
    log_qz = torch.distributions.Normal(mu, torch.exp(0.5 * logvar)).log_prob(z).sum(1)
    assert w.float() == pytest.approx((log_px + log_pz - log_qz).detach(), abs=1e-3)
    assert math.isfinite(float(w.sum()))

"""How good a model is: test metrics in nats per image, and the classifier's verdict on samples."""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from core.cards import Metrics
from core.classifier import DigitClassifier
from core.latent import encode_mu
from core.models import Autoencoder, loss_terms
from core.quality import decode_batched, fitted_gaussian_samples, judge, prior_samples

# nats: a dimension whose average KL is at most this carries no information the decoder uses.
# In the zoo's 10-dimensional VAEs at beta = 4 and 8, sweeping a dimension from -3 to 3 moves
# under 6 pixels of ink for KL <= 0.0074 and 21 pixels or more from KL 0.109 upwards (125 for
# the most used one); 0.05 sits in that gap; the KL weight lesson shows both figures side by side.
ACTIVE_KL = 0.05
QUALITY_SAMPLES = 10_000


@torch.no_grad()
def evaluate(model: Autoencoder, x: Tensor, beta: float, *, batch_size: int = 1000,
             seed: int = 0) -> Metrics:
    """Test metrics of `model` on images x (N, 1, 28, 28), in nats per image, unrounded.

    The VAE's terms use one sample z ~ q(z|x) per image. The noise is drawn on the CPU from a
    seeded generator, so the figure is the same on every device up to float rounding.
    """
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    generator = torch.Generator().manual_seed(seed)
    recon_sum = kl_sum = at_mean_sum = 0.0
    kl_dims = torch.zeros(model.latent_dim, dtype=torch.float64)
    for start in range(0, len(x), batch_size):
        batch = x[start:start + batch_size].to(device)
        mu, logvar = model.encode(batch)
        z = mu
        if logvar is not None:
            eps = torch.randn(mu.shape, generator=generator).to(device)
            z = mu + torch.exp(0.5 * logvar) * eps
        terms = loss_terms(model.decode_logits(z), batch, mu, logvar, beta)
        at_mean = terms if logvar is None else loss_terms(model.decode_logits(mu), batch, mu, None)
        at_mean_sum += at_mean.recon.item() * len(batch)
        recon_sum += terms.recon.item() * len(batch)
        kl_sum += terms.kl.item() * len(batch)
        kl_dims += terms.kl_per_dim.double().cpu() * len(batch)
    model.train(was_training)
    recon, kl, at_mean = recon_sum / len(x), kl_sum / len(x), at_mean_sum / len(x)
    kl_dims /= len(x)
    if model.kind != "vae":
        return Metrics(recon=recon, recon_at_mean=recon, loss=recon)
    return Metrics(neg_elbo=recon + kl, recon=recon, recon_at_mean=at_mean, kl=kl,
                   loss=recon + beta * kl,
                   kl_per_dim=tuple(kl_dims.tolist()),
                   active_dims=int((kl_dims > ACTIVE_KL).sum()))


@torch.no_grad()
def sample_quality(model: Autoencoder, classifier: DigitClassifier, x_train: Tensor,
                   seed: int = 0) -> dict[str, Any]:
    """The classifier's verdict on 10,000 decoded prior samples z ~ N(0, I); for an autoencoder
    also on samples from a Gaussian fitted to its training codes."""
    out = {"prior": judge(classifier, decode_batched(model, prior_samples(model.latent_dim,
                                                                          QUALITY_SAMPLES, seed)))}
    if model.kind == "ae":
        z = fitted_gaussian_samples(encode_mu(model, x_train), QUALITY_SAMPLES, seed)
        out["fitted_gaussian"] = judge(classifier, decode_batched(model, z))
    return out


def format_metrics(test: Metrics | None) -> str:
    """One line of test figures, for logs and the command line."""
    if test is None:
        return "-"
    if test.accuracy is not None:  # the classifier
        return f"accuracy {test.accuracy:.2%}"
    if test.neg_elbo is None:
        return f"recon {test.recon:.2f}"
    return (f"-ELBO {test.neg_elbo:.2f} (recon {test.recon:.2f} + KL {test.kl:.2f}), "
            f"{test.active_dims} active dims")

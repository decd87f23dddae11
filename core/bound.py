"""How tight a VAE's ELBO is: an importance-weighted estimate of -log p(x) beside it.

The ELBO is a lower bound on log p(x). With K samples z_k ~ q(z|x) the importance-weighted
bound (Burda et al., 2016)

    log p(x) >= log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x)

tightens as K grows; at K = 1 it is the ELBO. The gap between the two is what the ELBO leaves
out: KL(q(z|x) || p(z|x)), how far the encoder's Gaussian is from the true posterior.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor

from core.images import seeded_indices
from core.models import VAE

BOUND_K, BOUND_N, BOUND_SEED = 200, 1000, 0


def _log_normal(z: Tensor, mu: Tensor, logvar: Tensor) -> Tensor:
    """log N(z; mu, diag(exp(logvar))) summed over the last dimension."""
    return -0.5 * (((z - mu) ** 2) / logvar.exp() + logvar + math.log(2 * math.pi)).sum(-1)


@torch.no_grad()
def log_weights(model: VAE, x: Tensor, k: int, generator: torch.Generator) -> Tensor:
    """log p(x|z_k) + log p(z_k) - log q(z_k|x) for k samples per image: (N, k).

    p(x|z) is the Bernoulli likelihood of the grey targets (minus the BCE the models train on),
    so the estimate is on the same scale as the cards' -ELBO.
    """
    device = next(model.parameters()).device
    mu, logvar = model.encode(x.to(device))
    eps = torch.randn((k, *mu.shape), generator=generator).to(device)        # (k, N, d)
    z = mu + torch.exp(0.5 * logvar) * eps
    logits = model.decode_logits(z.reshape(-1, mu.shape[1]))
    target = x.to(device).repeat(k, 1, 1, 1)
    log_px_z = -F.binary_cross_entropy_with_logits(logits, target, reduction="none").sum((1, 2, 3))
    log_pz = _log_normal(z, torch.zeros_like(z), torch.zeros_like(z))
    log_qz = _log_normal(z, mu, logvar)
    return (log_px_z.reshape(k, -1) + log_pz - log_qz).T.cpu().double()


def importance_bound(model: VAE, x_test: Tensor, k: int = BOUND_K, n: int = BOUND_N,
                     seed: int = BOUND_SEED, chunk: int = 25) -> dict[str, float | int]:
    """-log p(x) estimated with k importance samples on n seeded test digits, and the -ELBO of
    the same samples (the mean of their log weights), both in nats per image.

    Returns {"k", "n", "seed", "neg_log_px", "neg_elbo", "gap"}: gap = neg_elbo - neg_log_px >= 0.
    """
    model.eval()
    x = x_test[torch.from_numpy(seeded_indices(len(x_test), n, seed))]
    generator = torch.Generator().manual_seed(seed)
    iwae = elbo = 0.0
    for start in range(0, n, chunk):
        w = log_weights(model, x[start:start + chunk], k, generator)
        iwae += (torch.logsumexp(w, 1) - math.log(k)).sum().item()
        elbo += w.mean(1).sum().item()
    neg_log_px, neg_elbo = -iwae / n, -elbo / n
    return {"k": k, "n": n, "seed": seed, "neg_log_px": round(neg_log_px, 3),
            "neg_elbo": round(neg_elbo, 3), "gap": round(neg_elbo - neg_log_px, 3)}


def bce_floor(x: Tensor) -> Tensor:
    """The smallest BCE any reconstruction can reach on grey targets x (N, 1, 28, 28): their
    entropy, -sum[x log x + (1 - x) log(1 - x)] over the pixels, (N,) nats.

    BCE(x, x_hat) = floor(x) + KL(x || x_hat) summed over pixels, so only a reconstruction equal
    to x reaches it; on binarised digits the floor is 0.
    """
    p = x.double().clamp(1e-12, 1 - 1e-12)
    return (-(p * p.log() + (1 - p) * (1 - p).log()).sum((1, 2, 3))).float()

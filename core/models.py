"""A convolutional VAE and a plain autoencoder on one encoder/decoder backbone.

Both models share the same convolutional encoder and decoder, so every AE-vs-VAE comparison
in the lessons differs only in the bottleneck: the autoencoder maps an image to one code
`z = mu`; the VAE maps it to a Gaussian q(z|x) = N(mu, diag(exp(logvar))) and samples from it
with the reparameterisation trick (Kingma & Welling, 2014, "Auto-Encoding Variational Bayes").

Images are tensors of shape (B, 1, 28, 28) with values in [0, 1]. The decoder's pixels are the
means of independent Bernoulli distributions, so the reconstruction term is binary cross-entropy
summed over the 784 pixels, in nats per image.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

IMAGE_SHAPE = (1, 28, 28)
KINDS = ("vae", "ae")


class Backbone(NamedTuple):
    """Sizes of the shared encoder/decoder, stored in every model card.

    One strided convolution per entry of `channels`: 28 -> 14 -> 7 (-> 4) pixels a side.
    Two levels keep a 7 x 7 feature map for the decoder's strokes: after 20 epochs at latent
    size 10 the (32, 64) / 128 backbone reached a test -ELBO of 98.9 nats where three levels
    down to 4 x 4, (16, 32, 64) / 256, reached 104.5 (each epoch costs it about 1.8x the time).

    `hidden` = 0 drops the fully connected layer between the feature map and the code: mu and
    logvar then read the whole map, and the decoder maps z straight onto it. `refine` adds that
    many 3 x 3 convolutions to the decoder at each resolution before it upsamples, so it can
    shape strokes from their neighbours: the likelihood is the decoder's, and the encoder does
    not need them.
    """

    channels: tuple[int, ...] = (32, 64)
    hidden: int = 128
    refine: int = 0

    @property
    def side(self) -> int:
        """Side of the last feature map: 7 after two levels, 4 after three."""
        return (7, 4)[len(self.channels) - 2]

    @property
    def features(self) -> int:
        """Size of the encoder's output, which mu and logvar read."""
        return self.hidden or self.channels[-1] * self.side ** 2


def _kernels(backbone: Backbone) -> list[int]:
    """Kernel size of each level: 4 halves 28 and 14 exactly; 3 takes 7 to 4."""
    if len(backbone.channels) not in (2, 3):
        raise ValueError(f"a backbone has 2 or 3 levels, not {len(backbone.channels)}")
    return [4, 4, 3][: len(backbone.channels)]


def _refine(channels: int, count: int) -> list[nn.Module]:
    """`count` 3 x 3 convolutions that keep the size and channels of a feature map."""
    layers: list[nn.Module] = []
    for _ in range(count):
        layers += [nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU()]
    return layers


class Encoder(nn.Module):
    """(B, 1, 28, 28) -> (B, features): strided convolutions, then a linear layer if hidden."""

    def __init__(self, backbone: Backbone) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        c_in = 1
        for c_out, k in zip(backbone.channels, _kernels(backbone)):
            layers += [nn.Conv2d(c_in, c_out, k, stride=2, padding=1), nn.ReLU()]
            c_in = c_out
        self.convs = nn.Sequential(*layers, nn.Flatten())  # (B, c_last * side * side)
        self.fc = (nn.Sequential(nn.Linear(c_in * backbone.side ** 2, backbone.hidden), nn.ReLU())
                   if backbone.hidden else nn.Identity())

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self.convs(x))


class Decoder(nn.Module):
    """(B, latent_dim) codes -> (B, 1, 28, 28) pixel logits; the encoder run backwards."""

    def __init__(self, latent_dim: int, backbone: Backbone) -> None:
        super().__init__()
        channels, side = backbone.channels, backbone.side
        # Built only when used: a layer built and dropped would still draw its initial weights
        # from the seeded generator and change every layer initialised after it.
        to_map: list[nn.Module] = (
            [nn.Linear(latent_dim, backbone.hidden), nn.ReLU(),
             nn.Linear(backbone.hidden, channels[-1] * side * side)] if backbone.hidden
            else [nn.Linear(latent_dim, channels[-1] * side * side)])
        self.fc = nn.Sequential(*to_map, nn.ReLU(), nn.Unflatten(1, (channels[-1], side, side)),
                                *_refine(channels[-1], backbone.refine))
        layers: list[nn.Module] = []
        c_outs = [*reversed(channels[:-1]), 1]
        for i, (c_in, c_out, k) in enumerate(zip(reversed(channels), c_outs,
                                                 reversed(_kernels(backbone)))):
            layers.append(nn.ConvTranspose2d(c_in, c_out, k, stride=2, padding=1))
            if i < len(c_outs) - 1:  # no ReLU on the last layer: it gives logits
                layers.append(nn.ReLU())
                layers += _refine(c_out, backbone.refine)
        self.deconvs = nn.Sequential(*layers)

    def forward(self, z: Tensor) -> Tensor:
        return self.deconvs(self.fc(z))


class Output(NamedTuple):
    """What `forward` returns. `logits` are pre-sigmoid pixels: BCE on logits is stable."""

    logits: Tensor          # (B, 1, 28, 28)
    mu: Tensor              # (B, latent_dim)
    logvar: Tensor | None   # (B, latent_dim); None for the autoencoder
    z: Tensor               # (B, latent_dim), the code that was decoded

    @property
    def x_hat(self) -> Tensor:
        """Reconstructed images, (B, 1, 28, 28) in [0, 1]."""
        return torch.sigmoid(self.logits)


class Autoencoder(nn.Module):
    """Plain autoencoder: a deterministic bottleneck `z = mu = to_mu(encoder(x))`."""

    kind = "ae"

    def __init__(self, latent_dim: int, backbone: Backbone = Backbone()) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.backbone = backbone
        self.encoder = Encoder(backbone)
        self.to_mu = nn.Linear(backbone.features, latent_dim)
        self.decoder = Decoder(latent_dim, backbone)

    def encode(self, x: Tensor) -> tuple[Tensor, Tensor | None]:
        """(B, 1, 28, 28) images -> (mu, None), mu of shape (B, latent_dim)."""
        return self.to_mu(self.encoder(x)), None

    def reparameterize(self, mu: Tensor, logvar: Tensor | None,
                       generator: torch.Generator | None = None) -> Tensor:
        """The autoencoder's code is its mean: there is nothing to sample."""
        return mu

    def decode_logits(self, z: Tensor) -> Tensor:
        """(B, latent_dim) codes -> (B, 1, 28, 28) pixel logits."""
        return self.decoder(z)

    def decode(self, z: Tensor) -> Tensor:
        """(B, latent_dim) codes -> (B, 1, 28, 28) images in [0, 1]."""
        return torch.sigmoid(self.decoder(z))

    def forward(self, x: Tensor, generator: torch.Generator | None = None) -> Output:
        mu, logvar = self.encode(x)
        z = self.reparameterize(mu, logvar, generator)
        return Output(self.decode_logits(z), mu, logvar, z)


class VAE(Autoencoder):
    """Variational autoencoder: q(z|x) = N(mu, diag(exp(logvar))), prior p(z) = N(0, I)."""

    kind = "vae"

    def __init__(self, latent_dim: int, backbone: Backbone = Backbone()) -> None:
        super().__init__(latent_dim, backbone)
        self.to_logvar = nn.Linear(backbone.features, latent_dim)

    def encode(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """(B, 1, 28, 28) images -> (mu, logvar), each of shape (B, latent_dim)."""
        h = self.encoder(x)
        return self.to_mu(h), self.to_logvar(h)

    def reparameterize(self, mu: Tensor, logvar: Tensor | None,
                       generator: torch.Generator | None = None) -> Tensor:
        """z = mu + sigma * eps with eps ~ N(0, I), so gradients flow through mu and sigma.

        In eval mode the mean is returned: inference is deterministic, and a model shared by
        every user of a server never depends on a random state.
        """
        if not self.training or logvar is None:
            return mu
        eps = torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)
        return mu + torch.exp(0.5 * logvar) * eps


def build_model(kind: str, latent_dim: int, backbone: Backbone = Backbone()) -> Autoencoder:
    """A fresh model of `kind` ("vae" or "ae")."""
    if kind == "vae":
        return VAE(latent_dim, backbone)
    if kind == "ae":
        return Autoencoder(latent_dim, backbone)
    raise ValueError(f"unknown model kind {kind!r}: choose one of {KINDS}")


# ---------------------------------------------------------------------------------------------
# Loss


def kl_per_dim(mu: Tensor, logvar: Tensor) -> Tensor:
    """KL(N(mu, exp(logvar)) || N(0, 1)) for every latent dimension, in nats.

    Kingma & Welling (2014), appendix B: -KL = 1/2 * sum(1 + log sigma^2 - mu^2 - sigma^2).
    Returns shape (B, latent_dim).
    """
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar)


@dataclass
class LossTerms:
    """The terms of the objective, each averaged over the batch, in nats per image."""

    loss: Tensor        # () recon + beta * kl: what the optimiser minimises
    recon: Tensor       # () BCE summed over the 784 pixels
    kl: Tensor          # () KL summed over latent dimensions; 0 for the autoencoder
    kl_per_dim: Tensor  # (latent_dim,) KL of each dimension; zeros for the autoencoder

    @property
    def neg_elbo(self) -> Tensor:
        """-ELBO = recon + KL, whatever beta was used for training (an upper bound on -log p(x))."""
        return self.recon + self.kl


def loss_terms(logits: Tensor, x: Tensor, mu: Tensor, logvar: Tensor | None,
               beta: float = 1.0) -> LossTerms:
    """BCE summed over pixels + beta * KL, in nats per image, with both parts reported.

    logits: (B, 1, 28, 28) decoder output before the sigmoid; x: (B, 1, 28, 28) in [0, 1];
    mu, logvar: (B, latent_dim), logvar None for the autoencoder (no KL term).
    """
    recon = F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(1)
    if logvar is None:
        per_dim = torch.zeros(mu.shape[1], device=mu.device)
        kl = torch.zeros((), device=mu.device)
    else:
        per_dim_batch = kl_per_dim(mu, logvar)
        per_dim = per_dim_batch.mean(0)
        kl = per_dim_batch.sum(1).mean()
    recon = recon.mean()
    # beta = 0 must give the reconstruction term alone, even where a collapsed logvar makes
    # the KL overflow (0 * inf would be nan).
    loss = recon if beta == 0 else recon + beta * kl
    return LossTerms(loss, recon, kl, per_dim)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())

"""The configuration of one training run, stored in every model card."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from core.models import KINDS, Backbone


@dataclass(frozen=True)
class TrainConfig:
    kind: str = "vae"                # "vae" or "ae" (plain autoencoder)
    latent_dim: int = 10             # size of the code z
    beta: float = 1.0                # weight of the KL term; forced to 0 for the autoencoder
    epochs: int = 10
    batch_size: int = 128
    lr: float = 1e-3                 # Adam's learning rate, decayed to 0 on a cosine schedule
    seed: int = 0                    # weights, shuffling and sampling all follow from it
    train_subset: int | None = None  # train on the first N images of a seeded shuffle; None: all
    kl_warmup_steps: int = 0         # raise the KL weight from 0 to beta over this many steps
    output_bias_from_data: bool = False  # decoder's output bias starts at the data's log-odds
    backbone: Backbone = field(default_factory=Backbone)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        if self.latent_dim < 1 or self.epochs < 1 or self.batch_size < 1 or self.lr <= 0:
            raise ValueError("latent_dim, epochs, batch_size and lr must be positive")
        if self.beta < 0:
            raise ValueError("beta must be >= 0")
        if self.train_subset is not None and self.train_subset < 1:
            raise ValueError("train_subset must be positive")
        if self.kl_warmup_steps < 0:
            raise ValueError("kl_warmup_steps must be >= 0")
        if self.kind == "ae":  # no KL term: one AE per latent size, whatever beta was asked for
            object.__setattr__(self, "beta", 0.0)
            object.__setattr__(self, "kl_warmup_steps", 0)
        object.__setattr__(self, "backbone", Backbone(*self.backbone))

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["backbone"] = self.backbone._asdict()
        return out

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "TrainConfig":
        values = dict(values)
        backbone = values.pop("backbone", None)
        if backbone is not None:
            values["backbone"] = Backbone(**{**backbone, "channels": tuple(backbone["channels"])})
        return cls(**values)

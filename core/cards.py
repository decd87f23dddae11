"""Model cards: what a model is, how it was trained and how good it is, in one schema.

Every producer (the zoo's builder, the classifier's trainer, a run in the browser) makes a
`Card`; `Card.write` and `Card.read` are the only places a card meets JSON, and `summary` is
the one rendering of its figures (the sidebar, Train your own and the CLI table use it).
Figures are kept at full precision in memory and rounded only when written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from core.checkpoint import WeightsError
from core.config import TrainConfig

CLASSIFIER = "classifier"


@dataclass(frozen=True)
class Metrics:
    """Test figures, in nats per image (accuracy: a fraction). None where a kind has no such
    figure: an autoencoder has no KL, so no ELBO; only the classifier has an accuracy."""

    neg_elbo: float | None = None
    recon: float | None = None          # a VAE's: decoding one sample z ~ q(z|x), as in its loss
    recon_at_mean: float | None = None  # decoding the mean code mu(x): how AE and VAE compare
    kl: float | None = None
    loss: float | None = None
    kl_per_dim: tuple[float, ...] | None = None
    active_dims: int | None = None
    accuracy: float | None = None

    def rounded(self) -> dict[str, Any]:
        """The figures as written to a card: 3 decimals, 4 for each dimension's KL."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, float):
                value = round(value, 4 if f.name == "accuracy" else 3)
            elif isinstance(value, tuple):
                value = [round(v, 4) for v in value]
            out[f.name] = value
        return {k: v for k, v in out.items() if v is not None or k in ("neg_elbo", "kl")}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Metrics:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in values.items() if k in known}
        if values.get("kl_per_dim") is not None:
            values["kl_per_dim"] = tuple(values["kl_per_dim"])
        return cls(**values)


@dataclass(frozen=True)
class Card:
    """The card that travels with a weights file (`<name>.json` beside `<name>.safetensors`)."""

    name: str
    kind: str                          # "vae", "ae" or "classifier"
    test: Metrics
    latent_dim: int | None = None
    beta: float | None = None          # None for the autoencoder and the classifier
    config: TrainConfig | None = None  # None for the classifier
    epochs_completed: int = 0
    train_seconds: float = 0.0
    device: str = "cpu"
    torch: str = ""
    parameters: int = 0
    seed: int | None = None
    history: tuple[dict[str, Any], ...] = ()       # test figures after each epoch
    sample_quality: dict[str, Any] | None = None   # the classifier's verdict on samples
    bound: dict[str, Any] | None = None            # importance-weighted estimate of -log p(x)
    weights_file: str | None = None
    sha256: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # keys a newer version wrote

    def with_(self, **changes: Any) -> Card:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}
        out["test"] = self.test.rounded()
        out["config"] = self.config.to_dict() if self.config is not None else None
        out["history"] = list(self.history)
        out["train_seconds"] = round(self.train_seconds, 1)
        return {**out, **self.extra}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Card:
        """A card from its JSON values; ValueError (or KeyError, TypeError) if they are not one."""
        values = dict(values)
        known = {f.name for f in fields(cls)}
        extra = {k: values.pop(k) for k in list(values) if k not in known}
        if not isinstance(values.get("name"), str) or values.get("kind") not in ("vae", "ae",
                                                                                  CLASSIFIER):
            raise ValueError("a card needs a name and a kind (vae, ae or classifier)")
        values["test"] = Metrics.from_dict(values["test"])
        if values.get("config") is not None:
            values["config"] = TrainConfig.from_dict(values["config"])
        values["history"] = tuple(values.get("history") or ())
        if values["kind"] != CLASSIFIER:
            values["latent_dim"] = int(values["latent_dim"])
        return cls(**values, extra=extra)

    def write(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def read(cls, path: Path) -> Card:
        """The card in `path`; WeightsError naming the file (not its folder) if it is unreadable."""
        try:
            return cls.from_dict(json.loads(Path(path).read_text()))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise WeightsError(f"the model card {Path(path).name} cannot be read "
                               f"({type(error).__name__})") from error

    def summary(self) -> list[str]:
        """The card's figures as short Markdown lines: the one rendering every screen uses."""
        test, quality = self.test, self.sample_quality or {}
        if self.kind == CLASSIFIER:
            return [f"test accuracy **{test.accuracy:.2%}**"]
        if self.kind == "ae":  # no KL term, so no ELBO: its loss is the reconstruction alone
            rows = [f"test reconstruction **{test.recon:.1f}** nats",
                    f"{self.latent_dim} latent dimensions, no KL term"]
        else:
            rows = [f"test −ELBO **{test.neg_elbo:.1f}** nats",
                    f"reconstruction {test.recon:.1f} · KL {test.kl:.1f}",
                    f"active dimensions {test.active_dims} of {self.latent_dim}"]
        confident = quality.get("prior", {}).get("confident_fraction")
        if confident is not None:
            rows.append(f"prior samples that look like a digit: {confident:.0%}")
        n = self.epochs_completed
        rows.append(f"trained {n} epoch{'' if n == 1 else 's'}"
                    + (f" on {self.config.train_subset:,} digits" if self.config is not None
                       and self.config.train_subset else "")
                    + f", {self.train_seconds:.0f} s on {self.device}")
        return rows

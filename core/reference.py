"""Which model a lesson shows: a small typed value, the same for zoo models and a student's own.

A `ModelRef` names a model; it holds no weights. `core.zoo` loads zoo models by it, and
`core.app.selection` resolves it, including models trained in one browser session (`own`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

FAMILIES = {"vae": "VAE", "ae": "Autoencoder"}


def model_name(kind: str, latent_dim: int, beta: float = 1.0) -> str:
    """File stem of a zoo model: "vae-z10-b1", "vae-z2-b0.5", "ae-z10" (the AE has no beta)."""
    return f"ae-z{latent_dim}" if kind == "ae" else f"vae-z{latent_dim}-b{beta:g}"


@dataclass(frozen=True)
class ModelRef:
    """A model: kind ("vae" or "ae"), latent size and β, or a model trained in this session.

    `own` is the id of a model a student trained (`core.own`): such a reference only means
    something inside that student's session, and is never a key of a process-wide cache.
    """

    kind: str = "vae"
    latent: int = 10
    beta: float = 1.0       # 0.0 for the autoencoder, which has no KL term
    own: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in FAMILIES:
            raise ValueError(f"kind must be one of {tuple(FAMILIES)}, not {self.kind!r}")
        beta = 0.0 if self.kind == "ae" else float(self.beta) + 0.0  # + 0.0: no -0.0
        object.__setattr__(self, "beta", beta)
        object.__setattr__(self, "latent", int(self.latent))

    @property
    def name(self) -> str:
        """The zoo's file stem for this kind, size and β (an own model's zoo counterpart)."""
        return model_name(self.kind, self.latent, self.beta)

    @property
    def key(self) -> str:
        """A short string that tells models apart, for widget keys and session-local dicts."""
        return f"own-{self.own}" if self.own is not None else self.name

    @property
    def is_own(self) -> bool:
        return self.own is not None

    @property
    def zoo(self) -> ModelRef:
        """The zoo model of the same kind, latent size and β."""
        return replace(self, own=None)

    @property
    def family(self) -> str:
        return FAMILIES[self.kind]

    @property
    def label(self) -> str:
        if self.own is not None:
            return f"your model #{self.own}"
        if self.kind == "ae":
            return f"Autoencoder, latent size {self.latent}"
        return f"VAE, latent size {self.latent}, β = {self.beta:g}"

    def with_kind(self, kind: str) -> ModelRef:
        """The zoo model of another kind at this latent size (β = 1 for a VAE)."""
        return ModelRef(kind, self.latent, 1.0 if kind == "vae" else 0.0)


DEFAULT = ModelRef("vae", 10, 1.0)

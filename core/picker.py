"""The model picker's rules, without Streamlit: which models exist, and reading a shared link.

An instructor shares a link such as `?family=vae&latent=10&beta=1&cmap=grey&lock=1`; every
student who opens it sees the same model. Query values come from strangers, so they are only
ever compared against the known choices: never used as a path, never echoed back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping

from core.images import COLOR_MAPS

FAMILIES = {"vae": "VAE", "ae": "Autoencoder"}
DEFAULT = ("vae", 10, 1.0)


@dataclass(frozen=True)
class Choice:
    """What the sidebar picked: a zoo model and how to colour its images."""

    family: str = "vae"      # "vae" or "ae"
    latent: int = 10         # latent size
    beta: float = 1.0        # KL weight; 0.0 for the autoencoder
    cmap: str = "viridis"    # one of core.images.COLOR_MAPS
    own: int | None = None   # a model trained in this browser session (core.own), not the zoo

    @property
    def key(self) -> tuple[str, int, float]:
        """(kind, latent_dim, beta): the arguments of `core.zoo.load_model`."""
        return self.family, self.latent, self.beta

    @property
    def label(self) -> str:
        if self.own is not None:
            return f"your model #{self.own}"
        if self.family == "ae":
            return f"Autoencoder, latent size {self.latent}"
        return f"VAE, latent size {self.latent}, β = {self.beta:g}"


Options = dict[str, dict[int, list[float]]]  # family -> latent size -> betas


def options_from_cards(cards: list[dict[str, Any]]) -> Options:
    """The models the picker offers, from `core.zoo.available()`: family -> size -> betas."""
    options: Options = {}
    for card in cards:
        if card.get("kind") not in FAMILIES:
            continue  # the classifier
        beta = 0.0 if card["kind"] == "ae" else float(card["beta"])
        betas = options.setdefault(card["kind"], {}).setdefault(int(card["latent_dim"]), [])
        betas.append(beta)
    return {family: {d: sorted(set(b)) for d, b in sorted(sizes.items())}
            for family, sizes in sorted(options.items(), key=lambda kv: kv[0] != "vae")}


def snap(choice: Choice, options: Options) -> Choice:
    """The nearest valid choice: same family if it exists, same or nearest latent size, beta = 1
    (else the first beta) when the asked beta does not exist at that size."""
    if not options:
        return choice
    family = choice.family if choice.family in options else next(iter(options))
    sizes = list(options[family])
    latent = min(sizes, key=lambda d: (abs(d - choice.latent), d))
    betas = options[family][latent]
    if family == "ae":
        beta = 0.0
    elif choice.beta in betas:
        beta = choice.beta
    else:
        beta = 1.0 if 1.0 in betas else betas[0]
    cmap = choice.cmap if choice.cmap in COLOR_MAPS else COLOR_MAPS[0]
    return Choice(family, latent, beta, cmap)


def _number(text: str, kind: type) -> Any:
    try:
        value = kind(text)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if value == value and abs(value) < 1e6 else None  # no NaN, no 1e308


def parse_query(query: Mapping[str, str], options: Options,
                start: Choice = Choice()) -> tuple[Choice, bool, list[str]]:
    """Read a shared link's query values onto `start`.

    Returns (choice, locked, notices): the valid values are applied; each unknown key or invalid
    value is ignored with a notice that lists the valid choices (and never repeats the value).
    """
    choice, notices = start, []
    family = query.get("family")
    if family is not None:
        if family in options:
            choice = replace(choice, family=family, beta=0.0 if family == "ae" else choice.beta)
        else:
            notices.append("`family` in the link was ignored: use "
                           + " or ".join(f"`{f}`" for f in options) + ".")
    sizes = options.get(choice.family, {})
    latent = query.get("latent")
    if latent is not None:
        value = _number(latent, int) if latent.isdigit() else None
        if value in sizes:
            choice = replace(choice, latent=value)
        else:
            notices.append("`latent` in the link was ignored: use one of "
                           + ", ".join(str(d) for d in sizes) + ".")
    beta = query.get("beta")
    if beta is not None and choice.family == "vae":
        value = _number(beta, float)
        betas = sizes.get(choice.latent, [])
        if value in betas:
            choice = replace(choice, beta=float(value))
        else:
            notices.append(f"`beta` in the link was ignored: at latent size {choice.latent} use "
                           "one of " + ", ".join(f"{b:g}" for b in betas) + ".")
    cmap = query.get("cmap")
    if cmap is not None:
        if cmap in COLOR_MAPS:
            choice = replace(choice, cmap=cmap)
        else:
            notices.append("`cmap` in the link was ignored: use "
                           + " or ".join(f"`{c}`" for c in COLOR_MAPS) + ".")
    lock = query.get("lock")
    locked = lock == "1"
    if lock is not None and lock not in ("0", "1"):
        notices.append("`lock` in the link was ignored: use `lock=1` to fix the model.")
    unknown = sorted(set(query) - {"family", "latent", "beta", "cmap", "lock"})
    if unknown:
        notices.append(f"{len(unknown)} unknown link parameter(s) ignored: the link understands "
                       "`family`, `latent`, `beta`, `cmap` and `lock`.")
    return snap(choice, options), locked, notices


def to_query(choice: Choice, locked: bool = False) -> dict[str, str]:
    """The query values that reopen `choice`: `?family=vae&latent=10&beta=1&cmap=viridis`."""
    query = {"family": choice.family, "latent": str(choice.latent)}
    if choice.family == "vae":
        query["beta"] = f"{choice.beta:g}"
    query["cmap"] = choice.cmap
    if locked:
        query["lock"] = "1"
    return query

"""The model picker's rules, without Streamlit: which models exist, and reading a shared link.

An instructor shares a link such as `?family=vae&latent=10&beta=1&cmap=grey&lock=1`; every
student who opens it sees the same model. Query values come from strangers, so they are only
ever compared against the known choices: never used as a path, never echoed back.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from core.cards import Card
from core.images import COLOR_MAPS
from core.reference import DEFAULT, FAMILIES, ModelRef


@dataclass(frozen=True)
class Link:
    """What a shared link asks for: a model, a colour map, whether the picker is locked, and a
    notice for each value it ignored."""

    ref: ModelRef = DEFAULT
    cmap: str = COLOR_MAPS[0]
    locked: bool = False
    notices: list[str] = field(default_factory=list)


Options = dict[str, dict[int, list[float]]]  # family -> latent size -> betas


def options_from_cards(cards: list[Card]) -> Options:
    """The models the picker offers, from `core.zoo.available()`: family -> size -> betas."""
    options: Options = {}
    for card in cards:
        if card.kind not in FAMILIES or card.latent_dim is None:
            continue  # the classifier
        beta = 0.0 if card.kind == "ae" else float(card.beta or 0.0)
        options.setdefault(card.kind, {}).setdefault(card.latent_dim, []).append(beta)
    return {family: {d: sorted(set(b)) for d, b in sorted(sizes.items())}
            for family, sizes in sorted(options.items(), key=lambda kv: kv[0] != "vae")}


def snap(ref: ModelRef, options: Options) -> ModelRef:
    """The nearest zoo model: same family if it exists, same or nearest latent size, beta = 1
    (else the first beta) when the asked beta does not exist at that size."""
    if not options:
        return ref
    kind = ref.kind if ref.kind in options else next(iter(options))
    latent = min(options[kind], key=lambda d: (abs(d - ref.latent), d))
    betas = options[kind][latent]
    if kind == "ae":
        beta = 0.0
    elif ref.beta in betas:
        beta = ref.beta
    else:
        beta = 1.0 if 1.0 in betas else betas[0]
    return ModelRef(kind, latent, beta)


def _number(text: str, kind: type) -> Any:
    try:
        value = kind(text) + 0  # + 0: -0.0 reads as 0.0
    except (TypeError, ValueError, OverflowError):
        return None
    return value if value == value and abs(value) < 1e6 else None  # no NaN, no 1e309


CLASS_KEYS = ("class", "teach", "seat", "view")  # read by core.app.classroom


def parse_query(query: Mapping[str, str], options: Options, start: ModelRef = DEFAULT) -> Link:
    """Read a shared link's query values onto `start`.

    Values are normalised first (surrounding space, upper case, -0). Each unknown key or
    invalid value is ignored with a notice that lists the valid choices (and never repeats the
    value). A locked link whose model the zoo lacks opens unlocked, so the class is not stuck.
    """
    query = {str(k).strip().lower(): str(v).strip().lower() for k, v in query.items()}
    ref, cmap, notices, model_ok = snap(start, options), COLOR_MAPS[0], [], True
    family = query.get("family")
    if family is not None:
        if family in options:
            ref = ModelRef(family, ref.latent, 1.0)
        else:
            model_ok = False
            notices.append("`family` in the link was ignored: use "
                           + " or ".join(f"`{f}`" for f in options) + ".")
    sizes = options.get(ref.kind, {})
    latent = query.get("latent")
    if latent is not None:
        value = _number(latent, int) if latent.isdigit() else None
        if value in sizes:
            ref = replace(ref, latent=value)
        else:
            model_ok = False
            notices.append("`latent` in the link was ignored: use one of "
                           + ", ".join(str(d) for d in sizes) + ".")
    beta = query.get("beta")
    if beta is not None and ref.kind == "vae":
        value = _number(beta, float)
        betas = sizes.get(ref.latent, [])
        if value in betas:
            ref = replace(ref, beta=float(value))
        else:
            model_ok = False
            notices.append(f"`beta` in the link was ignored: at latent size {ref.latent} use "
                           "one of " + ", ".join(f"{b:g}" for b in betas) + ".")
    if query.get("cmap") is not None:
        if query["cmap"] in COLOR_MAPS:
            cmap = query["cmap"]
        else:
            notices.append("`cmap` in the link was ignored: use "
                           + " or ".join(f"`{c}`" for c in COLOR_MAPS) + ".")
    lock = query.get("lock")
    locked = lock == "1"
    if lock is not None and lock not in ("0", "1"):
        notices.append("`lock` in the link was ignored: use `lock=1` to fix the model.")
    if locked and not model_ok:
        locked = False
        notices.append("The link's model is not in this app's zoo, so the picker is not "
                       "locked: pick the model your instructor named.")
    unknown = sorted(set(query) - {"family", "latent", "beta", "cmap", "lock", *CLASS_KEYS})
    if unknown:
        notices.append(f"{len(unknown)} unknown link parameter(s) ignored: the link understands "
                       "`family`, `latent`, `beta`, `cmap` and `lock`.")
    return Link(snap(ref, options), cmap, locked, notices)


def to_query(ref: ModelRef, cmap: str, locked: bool = False) -> dict[str, str]:
    """The query values that reopen `ref`: `?family=vae&latent=10&beta=1&cmap=viridis`."""
    query = {"family": ref.kind, "latent": str(ref.latent)}
    if ref.kind == "vae":
        query["beta"] = f"{ref.beta:g}"
    query["cmap"] = cmap
    if locked:
        query["lock"] = "1"
    return query

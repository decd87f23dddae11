"""The pretrained zoo in weights/: which models exist, their cards, and loading them.

    python -m core.zoo        # the zoo as a table, from the cards

A model is loaded once per process and shared: it is put in eval mode with gradients off and
never changed afterwards, so one copy can serve every user of a Streamlit server.
"""

from __future__ import annotations

import sys
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import torch

from core.cards import CLASSIFIER, Card
from core.checkpoint import ClassifierError, WeightsError, load_weights, sha256_file
from core.classifier import DigitClassifier
from core.config import TrainConfig
from core.device import best_device
from core.models import Autoencoder, Backbone, build_model
from core.reference import model_name

WEIGHTS_DIR = Path(__file__).resolve().parent.parent / "weights"
LATENT_SIZES = (2, 3, 5, 10, 20, 32)
BETAS = (0.0, 0.5, 2.0, 4.0, 8.0)     # besides beta = 1 ...
BETA_LATENT_SIZES = (2, 10)           # ... at these latent sizes
# One protocol for every model, so that every comparison on screen is fair: the AE and the VAE
# of one latent size, and the beta series with its beta = 1 model, differ only in what is
# compared. Adam at ZOO_LR on a cosine schedule to 0 over ZOO_EPOCHS epochs of all 60,000
# digits, batch 128, seed 0, and (VAEs) one epoch of KL warm-up. Each card stores this config
# and its per-epoch test figures, so how far from convergence a model stopped is on the card.
ZOO_LR = 2e-3
ZOO_EPOCHS = 30
ZOO_BATCH = 128
ZOO_KL_WARMUP = 469  # one epoch of 60,000 digits at batch 128 (ceil(60000 / 128) steps)
ZOO_BACKBONE = Backbone(channels=(32, 64), hidden=128)
# At 20 dimensions and more the 128-unit layer is a bottleneck: a 20-dimensional VAE behind it
# stalled at 101.1 nats after 64 epochs with 9 of 20 dimensions in use; without it (mu, logvar
# read the whole 64 x 7 x 7 map) and with one 3 x 3 refining convolution per decoder level it
# reached 104.6 after 3 epochs with all 20 active, at about 1.7x the cost of an epoch.
WIDE_BACKBONE = Backbone(channels=(32, 64), hidden=0, refine=1)
WIDE_FROM = 20  # latent sizes from here on use WIDE_BACKBONE


PROTOCOL = (f"Every model of the zoo trained the same way: {ZOO_EPOCHS} epochs of all 60,000 "
            f"training digits, batch {ZOO_BATCH}, Adam at {ZOO_LR:g} on a cosine schedule to "
            "0, seed 0; the VAEs raise their KL weight from 0 over the first epoch. Latent sizes "
            + " and ".join(str(d) for d in LATENT_SIZES if d >= WIDE_FROM)
            + " use a wider backbone, the autoencoder and the VAEs alike.")


def moved_last(card: Card, epochs: int = 5) -> float | None:
    """How far the test figure (-ELBO, or the AE's reconstruction) moved over the last `epochs`
    epochs of training, in nats: small means the model had converged. None without a history."""
    figure = "neg_elbo" if card.kind == "vae" else "recon"
    values = [row.get(figure) for row in card.history]
    if len(values) <= epochs or None in values[-epochs - 1:]:
        return None
    return abs(values[-1] - values[-epochs - 1])


def zoo_backbone(latent_dim: int) -> Backbone:
    """The backbone of every model (AE and VAEs) of one latent size: they always share it."""
    return WIDE_BACKBONE if latent_dim >= WIDE_FROM else ZOO_BACKBONE


def zoo_config(kind: str, latent_dim: int, beta: float = 1.0) -> TrainConfig:
    """The zoo's protocol for one model; only kind, latent size and beta vary."""
    return TrainConfig(kind, latent_dim, beta, epochs=ZOO_EPOCHS, batch_size=ZOO_BATCH,
                       lr=ZOO_LR, seed=0, kl_warmup_steps=ZOO_KL_WARMUP if kind == "vae" else 0,
                       backbone=zoo_backbone(latent_dim))


_load_lock = threading.Lock()


def zoo_configs() -> list[TrainConfig]:
    """The training configuration of every model in the zoo (22 models), in training order.

    The default model and the pairs the first lessons compare come first, so that a partly
    rebuilt zoo already serves them; `python -m core.train --zoo` skips current models.
    """
    specs = [("vae", 10, 1.0), ("ae", 10, 0.0), ("vae", 2, 1.0), ("ae", 2, 0.0)]
    specs += [("vae", d, b) for d in sorted(BETA_LATENT_SIZES, reverse=True) for b in BETAS]
    specs += [(kind, d, 1.0 if kind == "vae" else 0.0) for d in (3, 5, 20, 32)
              for kind in ("vae", "ae")]
    return [zoo_config(kind, d, beta) for kind, d, beta in specs]


def available(root: Path | None = None) -> list[Card]:
    """The readable cards in `root`, generative models first, then the classifier.

    A card that cannot be read is left out (`unreadable` names it), so one damaged file
    removes one model from the picker, not the whole zoo.
    """
    cards = []
    for path in sorted(_root(root).glob("*.json")):
        try:
            cards.append(Card.read(path))
        except WeightsError:
            continue
    return sorted(cards, key=lambda c: (c.kind == CLASSIFIER, c.kind, c.latent_dim or 0,
                                        c.beta or 0))


def unreadable(root: Path | None = None) -> list[str]:
    """File names of the cards in `root` that cannot be read, and of the cards that are missing
    beside a weights file (a deleted card drops its model from the picker)."""
    bad = []
    for path in sorted(_root(root).glob("*.json")):
        try:
            Card.read(path)
        except WeightsError:
            bad.append(path.name)
    return bad + [f"{path.stem}.json" for path in sorted(_root(root).glob("*.safetensors"))
                  if not path.with_suffix(".json").exists()]


def _root(root: Path | None) -> Path:
    return Path(root or WEIGHTS_DIR)  # read at call time, so tests can point it elsewhere


def is_current(config: TrainConfig, root: Path | None = None) -> bool:
    """True if root holds this model, its card was made with `config` and the sha256 matches."""
    name = model_name(config.kind, config.latent_dim, config.beta)
    card_path, weights = _root(root) / f"{name}.json", _root(root) / f"{name}.safetensors"
    if not (card_path.is_file() and weights.is_file()):
        return False
    try:
        card = Card.read(card_path)
    except WeightsError:  # a card from another version of the config, or a damaged one
        return False
    return card.config == config and card.sha256 == sha256_file(weights)


def is_classifier_current(root: Path | None = None) -> bool:
    """True if root holds the classifier and its sha256 matches its card."""
    card_path = _root(root) / f"{CLASSIFIER}.json"
    weights = _root(root) / f"{CLASSIFIER}.safetensors"
    if not (card_path.is_file() and weights.is_file()):
        return False
    try:
        return Card.read(card_path).sha256 == sha256_file(weights)
    except WeightsError:
        return False


def card_for(kind: str, latent_dim: int, beta: float = 1.0, root: Path | None = None) -> Card:
    """The card of one zoo model; WeightsError naming the file if there is none."""
    name = model_name(kind, latent_dim, beta)
    path = _root(root) / f"{name}.json"
    if not path.is_file():
        raise WeightsError(f"the model card {name}.json is missing: the zoo has no {kind} with "
                           f"latent size {latent_dim}"
                           + (f" and beta {beta:g}" if kind == "vae" else ""))
    return Card.read(path)


def load_model(kind: str, latent_dim: int, beta: float = 1.0, *, device: str | None = None,
               root: Path | None = None) -> Autoencoder:
    """The zoo model in eval mode on the best device (or `device`), loaded once per process.

    The weights file is checked against its card's sha256 before loading. Raises WeightsError
    naming the file if it is missing, corrupt or does not match.
    """
    beta = 0.0 if kind == "ae" else float(beta) + 0.0
    return _load_model(kind, int(latent_dim), beta, str(best_device(device or "auto")),
                       str(_root(root).resolve()))


@lru_cache(maxsize=None)
def _load_model(kind: str, latent_dim: int, beta: float, device: str, root: str) -> Autoencoder:
    card = card_for(kind, latent_dim, beta, Path(root))
    if card.config is None or card.weights_file is None:
        raise WeightsError(f"the model card {card.name}.json names no config or weights file")
    with _load_lock:  # two sessions asking at once load the file once
        model = build_model(kind, latent_dim, card.config.backbone)
        load_weights(model, Path(root) / card.weights_file, card.sha256)
    return freeze(model.to(device))


def load_classifier(*, device: str | None = None, root: Path | None = None) -> DigitClassifier:
    """The zoo's digit classifier, checksum-verified, eval mode, loaded once per process."""
    return _load_classifier(str(best_device(device or "auto")), str(_root(root).resolve()))


@lru_cache(maxsize=None)
def _load_classifier(device: str, root: str) -> DigitClassifier:
    path = Path(root) / f"{CLASSIFIER}.json"
    try:
        if not path.is_file():
            raise WeightsError(f"the classifier's card {path.name} is missing")
        card = Card.read(path)
        model = load_weights(DigitClassifier(), Path(root) / (card.weights_file or ""),
                             card.sha256)
    except WeightsError as error:  # said apart from a model's: picking another will not help
        raise ClassifierError(str(error)) from error
    return freeze(model.to(device))


def find_classifier(device: torch.device, roots: list[Path]) -> DigitClassifier | None:
    """The classifier from the first of `roots` that holds a current one, else None."""
    for root in roots:
        if is_classifier_current(root):
            return load_classifier(device=str(device), root=root)
    return None


def freeze(model: torch.nn.Module) -> torch.nn.Module:
    """Eval mode and no gradients: a shared model that no caller can change by accident."""
    model.eval()
    model.requires_grad_(False)
    return model


def table(cards: list[Card]) -> str:
    """The zoo as a Markdown table, one row per model: how it was trained and what it scores."""
    rows = ["| model | epochs | moved, last 5 | test −ELBO | −log p(x), K = 200 | recon, sampled z "
            "| recon, mean code | KL | active dims | prior samples confident | params |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]

    def fmt(value: Any, spec: str = ".1f") -> str:
        return "—" if value is None else format(value, spec)

    for card in cards:
        if card.kind == CLASSIFIER:
            continue
        test, quality, bound = card.test, card.sample_quality or {}, card.bound or {}
        rows.append(
            f"| {card.name} | {card.epochs_completed} | {fmt(moved_last(card), '.2f')} | "
            f"{fmt(test.neg_elbo)} | {fmt(bound.get('neg_log_px'))} | "
            f"{fmt(test.recon if card.kind == 'vae' else None)} | {fmt(test.recon_at_mean)} | "
            f"{fmt(test.kl)} | {fmt(test.active_dims, 'd')} | "
            f"{fmt(quality.get('prior', {}).get('confident_fraction'), '.1%')} | "
            f"{card.parameters / 1000:.0f}k |")
    for card in cards:
        if card.kind == CLASSIFIER:
            rows.append(f"\nClassifier (judges samples): test accuracy "
                        f"{card.test.accuracy:.2%}, {card.parameters / 1000:.0f}k params.")
    return "\n".join(rows)


def main() -> int:
    cards = available()
    if not cards:
        print(f"no models in {WEIGHTS_DIR}: run `python -m core.train --zoo`", file=sys.stderr)
        return 1
    print(table(cards))
    return 0


if __name__ == "__main__":
    sys.exit(main())

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

from core.checkpoint import WeightsError, load_weights, read_card, sha256_file
from core.classifier import DigitClassifier
from core.config import TrainConfig
from core.device import best_device
from core.models import Autoencoder, Backbone, build_model

WEIGHTS_DIR = Path(__file__).resolve().parent.parent / "weights"
CLASSIFIER = "classifier"
LATENT_SIZES = (2, 3, 5, 10, 20, 32)
BETAS = (0.0, 0.5, 2.0, 4.0, 8.0)     # besides beta = 1 ...
BETA_LATENT_SIZES = (2, 10)           # ... at these latent sizes
# Trained on 2 CPU cores (about 55 s an epoch each), so epochs go where the targets are: the
# beta = 1 VAE at 20 dimensions has the hardest -ELBO target (<= 96) and trains longest; the
# autoencoders and the beta series, which the lessons compare rather than push, train briefly.
ZOO_LR = 2e-3
ZOO_BACKBONE = Backbone(channels=(32, 64), hidden=128)
# The 20-dimensional pair has the hardest target. With the 128-unit layer its VAE stalled at
# 101.1 nats after 64 epochs with 9 of 20 dimensions in use; without it (mu, logvar read the
# whole 64 x 7 x 7 map) and with one 3 x 3 refining convolution per decoder level it reached
# 104.6 after 3 epochs, all 20 dimensions active, at about 1.7x the cost of an epoch.
Z20_BACKBONE = Backbone(channels=(32, 64), hidden=0, refine=1)
VAE_EPOCHS = {2: 30, 3: 4, 5: 4, 10: 20, 20: 48, 32: 6}
AE_EPOCHS = {2: 10, 3: 3, 5: 3, 10: 10, 20: 10, 32: 10}


def zoo_epochs(kind: str, latent_dim: int, beta: float) -> int:
    if kind == "ae":  # the baseline every VAE is compared with: not starved of epochs
        return AE_EPOCHS[latent_dim]
    return VAE_EPOCHS[latent_dim] if beta == 1.0 else 2


def zoo_backbone(latent_dim: int) -> Backbone:
    """The backbone of both models (AE and VAE) of one latent size: they always share it."""
    return Z20_BACKBONE if latent_dim == 20 else ZOO_BACKBONE


def zoo_kl_warmup(kind: str, latent_dim: int) -> int:
    """One epoch of KL warm-up for every VAE: without it the 2- and 3-dimensional VAEs collapsed
    onto the prior (KL = 0, -ELBO 206) in their first epoch, and so did the wider backbone's
    20-dimensional one."""
    return 469 if kind == "vae" else 0

_load_lock = threading.Lock()


def model_name(kind: str, latent_dim: int, beta: float = 1.0) -> str:
    """File stem of a model: "vae-z10-b1", "vae-z2-b0.5", "ae-z10" (the AE has no beta)."""
    return f"ae-z{latent_dim}" if kind == "ae" else f"vae-z{latent_dim}-b{beta:g}"


def zoo_configs() -> list[TrainConfig]:
    """The training configuration of every model in the zoo (22 models)."""
    specs = [("vae", d, 1.0) for d in LATENT_SIZES] + [("ae", d, 0.0) for d in LATENT_SIZES]
    specs += [("vae", d, b) for d in BETA_LATENT_SIZES for b in BETAS]
    configs = [TrainConfig(kind, d, beta, epochs=zoo_epochs(kind, d, beta), lr=ZOO_LR,
                           kl_warmup_steps=zoo_kl_warmup(kind, d), backbone=zoo_backbone(d))
               for kind, d, beta in specs]
    return sorted(configs, key=lambda c: -c.epochs)  # longest first: parallel jobs end together


def available(root: Path | None = None) -> list[dict[str, Any]]:
    """The cards of every model in `root`, generative models first, then the classifier."""
    root = Path(root or WEIGHTS_DIR)  # read at call time, so tests can point it elsewhere
    cards = [read_card(path) for path in sorted(Path(root).glob("*.json"))]
    return sorted(cards, key=lambda c: (c["kind"] == CLASSIFIER, c["kind"],
                                        c.get("latent_dim") or 0, c.get("beta") or 0))


def is_current(config: TrainConfig, root: Path | None = None) -> bool:
    """True if root holds this model, its card was made with `config` and the sha256 matches."""
    root = Path(root or WEIGHTS_DIR)  # read at call time, so tests can point it elsewhere
    name = model_name(config.kind, config.latent_dim, config.beta)
    card_path, weights = Path(root) / f"{name}.json", Path(root) / f"{name}.safetensors"
    if not (card_path.is_file() and weights.is_file()):
        return False
    card = read_card(card_path)
    try:
        made_with = TrainConfig.from_dict(card.get("config") or {})
    except (TypeError, ValueError):  # a card from another version of the config
        return False
    return made_with == config and card.get("sha256") == sha256_file(weights)


def is_classifier_current(root: Path | None = None) -> bool:
    """True if root holds the classifier and its sha256 matches its card."""
    root = Path(root or WEIGHTS_DIR)  # read at call time, so tests can point it elsewhere
    card_path = Path(root) / f"{CLASSIFIER}.json"
    weights = Path(root) / f"{CLASSIFIER}.safetensors"
    return (card_path.is_file() and weights.is_file()
            and read_card(card_path).get("sha256") == sha256_file(weights))


def card_for(kind: str, latent_dim: int, beta: float = 1.0,
             root: Path | None = None) -> dict[str, Any]:
    """The card of one zoo model; WeightsError naming the file if there is none."""
    root = Path(root or WEIGHTS_DIR)  # read at call time, so tests can point it elsewhere
    path = Path(root) / f"{model_name(kind, latent_dim, beta)}.json"
    if not path.is_file():
        raise WeightsError(f"model card {path} is missing: the zoo has no {kind} with latent size "
                           f"{latent_dim}" + (f" and beta {beta:g}" if kind == "vae" else ""))
    return read_card(path)


def load_model(kind: str, latent_dim: int, beta: float = 1.0, *, device: str | None = None,
               root: Path | None = None) -> Autoencoder:
    """The zoo model in eval mode on the best device (or `device`), loaded once per process.

    The weights file is checked against its card's sha256 before loading. Raises WeightsError
    naming the file if it is missing, corrupt or does not match.
    """
    root = Path(root or WEIGHTS_DIR)  # read at call time, so tests can point it elsewhere
    beta = 0.0 if kind == "ae" else float(beta)
    return _load_model(kind, int(latent_dim), beta, str(best_device(device or "auto")),
                       str(Path(root).resolve()))


@lru_cache(maxsize=None)
def _load_model(kind: str, latent_dim: int, beta: float, device: str, root: str) -> Autoencoder:
    card = card_for(kind, latent_dim, beta, Path(root))
    config = TrainConfig.from_dict(card["config"])
    with _load_lock:  # two sessions asking at once load the file once
        model = build_model(kind, latent_dim, config.backbone)
        load_weights(model, Path(root) / card["weights_file"], card["sha256"])
    return freeze(model.to(device))


def load_classifier(*, device: str | None = None, root: Path | None = None) -> DigitClassifier:
    """The zoo's digit classifier, checksum-verified, eval mode, loaded once per process."""
    root = Path(root or WEIGHTS_DIR)  # read at call time, so tests can point it elsewhere
    return _load_classifier(str(best_device(device or "auto")), str(Path(root).resolve()))


@lru_cache(maxsize=None)
def _load_classifier(device: str, root: str) -> DigitClassifier:
    card = read_card(Path(root) / f"{CLASSIFIER}.json")
    model = load_weights(DigitClassifier(), Path(root) / card["weights_file"], card["sha256"])
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


def table(cards: list[dict[str, Any]]) -> str:
    """The zoo as a Markdown table, one row per model."""
    rows = ["| model | latent | beta | test −ELBO | recon | KL | active dims | prior samples "
            "confident | fitted-Gaussian confident | size |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for card in cards:
        if card["kind"] == CLASSIFIER:
            continue
        test, quality = card["test"], card.get("sample_quality") or {}

        def fmt(value: Any, spec: str = ".1f") -> str:
            return "—" if value is None else format(value, spec)

        fitted = quality.get("fitted_gaussian", {}).get("confident_fraction")
        rows.append(
            f"| {card['name']} | {card['latent_dim']} | {fmt(card['beta'], 'g')} | "
            f"{fmt(test['neg_elbo'])} | {fmt(test['recon'])} | {fmt(test['kl'])} | "
            f"{fmt(test['active_dims'], 'd')} | "
            f"{fmt(quality.get('prior', {}).get('confident_fraction'), '.1%')} | "
            f"{fmt(fitted, '.1%')} | {card['parameters'] / 1000:.0f}k params |")
    for card in cards:
        if card["kind"] == CLASSIFIER:
            rows.append(f"\nClassifier (judges samples): test accuracy "
                        f"{card['test']['accuracy']:.2%}, {card['parameters'] / 1000:.0f}k params.")
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

"""A model trained in the browser, taken home and brought back: safetensors weights and a card.

A session's models live only as long as the session (a reload ends them), so a student can
download each as two files and load them back later. Loading checks everything before any
tensor reaches a model: the size of the files, that the card is one of ours with a backbone the
page trains (so a crafted card cannot make the server build a huge network), that the weights
are the ones the card names (sha256), and every tensor's name and shape.
"""

from __future__ import annotations

import hashlib
import json

from safetensors import SafetensorError
from safetensors.torch import load as load_bytes
from safetensors.torch import save as save_bytes

from core.cards import Card
from core.checkpoint import WeightsError, float16_state
from core.models import Autoencoder, build_model
from core.zoo import ZOO_BACKBONE, WIDE_BACKBONE, freeze

MAX_WEIGHTS_BYTES = 8 * 1024 * 1024   # the largest model the page trains is under 2 MB
MAX_CARD_BYTES = 256 * 1024
MAX_LATENT = 64


def export(model: Autoencoder, card: Card) -> tuple[bytes, bytes]:
    """The model's weights as float16 safetensors, and its card (JSON) naming their sha256."""
    weights = save_bytes(float16_state(model))  # as the zoo's files are stored
    name = card.name or "my-model"
    card = card.with_(weights_file=f"{name}.safetensors",
                      sha256=hashlib.sha256(weights).hexdigest())
    return weights, json.dumps(card.to_dict(), indent=1).encode()


def read_card(card_json: bytes) -> Card:
    """A card from an uploaded file; WeightsError saying what is wrong with it."""
    if len(card_json) > MAX_CARD_BYTES:
        raise WeightsError("the card file is too large to be a model card")
    try:
        card = Card.from_dict(json.loads(card_json))
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise WeightsError("the card file is not a Latent Lab model card (.json)") from None
    c = card.config
    if card.kind not in ("vae", "ae") or c is None or card.sha256 is None:
        raise WeightsError("the card file is not the card of an autoencoder or a VAE")
    if not 1 <= c.latent_dim <= MAX_LATENT or c.backbone not in (ZOO_BACKBONE, WIDE_BACKBONE):
        raise WeightsError("the card describes a network this app does not train")
    return card


def import_(weights: bytes, card_json: bytes) -> tuple[Autoencoder, Card]:
    """The model the two uploaded files describe, in eval mode; WeightsError, saying what to
    do, if they are not a pair this app wrote."""
    card = read_card(card_json)
    if len(weights) > MAX_WEIGHTS_BYTES:
        raise WeightsError(f"the weights file is over {MAX_WEIGHTS_BYTES // 2**20} MB: not a "
                           "model this app trains")
    if hashlib.sha256(weights).hexdigest() != card.sha256:
        raise WeightsError("the weights file is not the one this card describes (their sha256 "
                           "differ): upload the two files downloaded together")
    try:
        state = load_bytes(weights)
    except (SafetensorError, ValueError, OSError):
        raise WeightsError("the weights file is not a readable .safetensors file") from None
    model = build_model(card.kind, card.config.latent_dim, card.config.backbone)
    reference = model.state_dict()
    wrong = sorted(set(reference) ^ set(state)) + [n for n in reference if n in state and
                                                    state[n].shape != reference[n].shape]
    if wrong:
        raise WeightsError(f"the weights do not fit the network the card describes ({wrong[0]})")
    model.load_state_dict({n: t.to(reference[n].dtype) for n, t in state.items()})
    return freeze(model), card

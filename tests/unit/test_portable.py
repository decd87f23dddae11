"""A model trained in the browser, downloaded and loaded back (`core.portable`)."""

import json

import pytest
import torch

from core import portable
from core.cards import Card, Metrics
from core.checkpoint import WeightsError
from core.models import build_model
from core.own import make_config
from core.zoo import ZOO_BACKBONE


def a_model_and_card():
    config = make_config("vae", 3, 1.0, epochs=1, subset=1000, batch_size=64)
    torch.manual_seed(0)
    model = build_model("vae", 3, ZOO_BACKBONE).eval()
    card = Card(name="own-vae-z3-b1", kind="vae", test=Metrics(recon=100.0), latent_dim=3,
                beta=1.0, config=config, epochs_completed=1)
    return model, card


def test_a_downloaded_model_loads_back_the_same():
    model, card = a_model_and_card()
    weights, card_json = portable.export(model, card)
    back, read = portable.import_(weights, card_json)
    assert read.config == card.config and read.latent_dim == 3
    z = torch.randn(4, 3, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():  # float16 on the way: the same up to its rounding
        assert torch.allclose(back.decode_logits(z), model.decode_logits(z), atol=0.05)
    assert not back.training


@pytest.mark.parametrize("break_it, words", [
    (lambda w, c: (w[:-10], c), "sha256"),                                # truncated weights
    (lambda w, c: (w, b"{not json"), "not a Latent Lab model card"),
    (lambda w, c: (b"\x80\x04pickle", c), "sha256"),                      # a pickle instead
    (lambda w, c: (w, json.dumps({**json.loads(c), "config": {
        **json.loads(c)["config"], "backbone": {"channels": [4096, 4096], "hidden": 65536}}})
        .encode()), "does not train"),                                    # a crafted network
    (lambda w, c: (w, json.dumps({**json.loads(c), "latent_dim": 4, "config": {
        **json.loads(c)["config"], "latent_dim": 4}}).encode()), "do not fit"),
    (lambda w, c: (w + b"\0" * portable.MAX_WEIGHTS_BYTES, c), "over"),
])
def test_a_bad_pair_of_files_is_refused_with_a_reason(break_it, words):
    model, card = a_model_and_card()
    weights, card_json = break_it(*portable.export(model, card))
    with pytest.raises(WeightsError, match=words):
        portable.import_(weights, card_json)

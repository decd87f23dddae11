"""The decoder as the browser gets it (`core.webspec`); `tests/browser/test_browser.py` runs it there."""

import base64

import numpy as np
import pytest
from torch import nn

from core import webspec, zoo


def test_the_spec_holds_every_decoder_layer_and_the_zoo_weights_exactly():
    model = zoo.load_model("vae", 2)
    spec = webspec.decoder_spec(model)
    ops = [layer["op"] for layer in spec["layers"]]
    assert ops == ["linear", "relu", "linear", "relu", "unflatten", "conv_transpose", "relu",
                   "conv_transpose", "sigmoid"]
    first = spec["layers"][0]
    w = np.frombuffer(base64.b64decode(first["w"]), dtype="<f2").reshape(first["out"], first["in"])
    # the zoo stores float16 weights, so sending float16 loses nothing
    np.testing.assert_array_equal(w, model.decoder.fc[0].weight.detach().numpy())


def test_each_model_has_its_own_key():
    keys = {webspec.decoder_spec(zoo.load_model(family, latent)).get("key")
            for family, latent in [("vae", 2), ("ae", 2), ("vae", 10)]}
    assert len(keys) == 3
    assert webspec.decoder_spec(zoo.load_model("vae", 2))["key"] in keys


def test_a_layer_the_browser_cannot_run_is_refused():
    for module in (nn.BatchNorm2d(4), nn.Conv2d(4, 4, 3, stride=2), nn.Conv2d(4, 4, 3, groups=2)):
        with pytest.raises(ValueError, match="cannot run"):
            webspec._layer(module)

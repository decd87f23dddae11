"""The model parts and packets the browser gets (`core.webspec`); `tests/browser` runs them there."""

import json
import struct
import zlib

import numpy as np
import pytest
from torch import nn

from core import webspec, zoo


def read(packet: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    """The packet's header and arrays, read back the way `web/nn.js` reads them."""
    (length,) = struct.unpack("<I", packet[:4])
    header = json.loads(packet[4:4 + length])
    if not header["arrays"]:
        return header, {}
    raw = np.frombuffer(zlib.decompress(packet[4 + length:]), np.uint8)
    half = len(raw) // 2
    values = (raw[:half].astype(np.uint16) | (raw[half:].astype(np.uint16) << 8)).view("<f2")
    sizes = np.cumsum([0] + [a["size"] for a in header["arrays"]])
    return header, {a["name"]: values[sizes[i]:sizes[i + 1]] for i, a in enumerate(header["arrays"])}


def test_a_packet_holds_every_layer_and_the_zoo_weights_exactly():
    model = zoo.load_model("vae", 2)
    metas, arrays = webspec.part_packet([webspec.decoder_part(model),
                                         webspec.encoder_part(model)])
    header, back = read(webspec.pack({"view": "test", "parts": metas}, arrays))
    decoder, encoder = header["parts"]
    assert [layer["op"] for layer in decoder["layers"]] == [
        "linear", "relu", "linear", "relu", "unflatten", "conv_transpose", "relu",
        "conv_transpose", "sigmoid"]
    assert [layer["op"] for layer in encoder["layers"]] == [
        "conv", "relu", "conv", "relu", "flatten", "linear", "relu"]
    assert encoder["logvar"]["out"] == 2 and header["view"] == "test"
    # the zoo stores float16 weights, so sending float16 loses nothing
    first = decoder["layers"][0]
    np.testing.assert_array_equal(back[first["w"]].reshape(first["out"], first["in"]),
                                  model.decoder.fc[0].weight.detach().numpy())
    np.testing.assert_array_equal(back[encoder["mu"]["b"]], model.to_mu.bias.detach().numpy())


def test_an_autoencoder_has_no_logvar_head_and_each_part_its_own_name():
    names = set()
    for family, latent in [("vae", 2), ("ae", 2), ("vae", 10)]:
        model = zoo.load_model(family, latent)
        decoder, encoder = webspec.decoder_part(model)[0], webspec.encoder_part(model)[0]
        names |= {decoder["name"], encoder["name"]}
        assert (encoder["logvar"] is None) == (family == "ae")
    assert len(names) == 6
    assert webspec.decoder_part(zoo.load_model("vae", 2))[0]["name"] in names  # stable


def test_the_largest_zoo_model_fits_the_payload_budget():
    """Decoder and encoder of a model with a hidden layer: 1.75 MB of float16, under 1.55 MB sent."""
    model = zoo.load_model("vae", 10)
    packet = webspec.pack({}, webspec.part_packet([webspec.decoder_part(model),
                                                   webspec.encoder_part(model)])[1])
    assert len(packet) < 1.55e6


def test_a_layer_the_browser_cannot_run_is_refused():
    for module in (nn.BatchNorm2d(4), nn.Conv2d(4, 4, 3, groups=2), nn.Conv2d(4, 4, 3, dilation=2)):
        with pytest.raises(ValueError, match="cannot run"):
            webspec._layer(module, "x", {})


def test_a_plain_packet_holds_the_same_arrays():
    """For a browser without DecompressionStream the blob goes uncompressed."""
    arrays = {"a": np.linspace(-2, 2, 7, dtype=np.float32), "b": np.ones((2, 3), np.float32)}
    plain = webspec.pack({"view": "x"}, arrays, deflate=False)
    (length,) = struct.unpack("<I", plain[:4])
    header = json.loads(plain[4:4 + length])
    raw = np.frombuffer(plain[4 + length:], np.uint8)
    values = (raw[:13].astype(np.uint16) | (raw[13:].astype(np.uint16) << 8)).view("<f2")
    assert header["deflate"] is False and len(raw) == 26
    np.testing.assert_array_equal(values[:7], arrays["a"].astype("<f2"))
    _, back = read(webspec.pack({"view": "x"}, arrays))
    np.testing.assert_array_equal(back["b"], values[7:])

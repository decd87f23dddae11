"""A model's decoder and encoder (and the zoo's classifier) as the browser runs them, and the
packets that carry them.

`core/app/web/nn.js` reads this format. A part (the decoder, or the encoder with its heads) is
a list of plain layers whose weights are named arrays; `pack` sends a JSON header and the
arrays as float16 (the zoo's weights are float16 already, so nothing is lost), low bytes then
high bytes, zlib-compressed: the high bytes (sign, exponent) repeat, which cuts a model with a
hidden layer from 1.75 MB to about 1.53 MB. Checked against PyTorch for every backbone in the
zoo (tests/browser).
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from typing import Any

import numpy as np
from torch import nn

from core.classifier import DigitClassifier
from core.models import Autoencoder

Arrays = dict[str, np.ndarray]


def _layer(module: nn.Module, name: str, arrays: Arrays) -> dict[str, Any]:
    """One layer as `web/nn.js` runs it; its weights go into `arrays` under `name`."""
    def weights() -> dict[str, str]:
        arrays[f"{name}.w"] = module.weight.detach().cpu().numpy()
        arrays[f"{name}.b"] = module.bias.detach().cpu().numpy()
        return {"w": f"{name}.w", "b": f"{name}.b"}

    if isinstance(module, nn.Linear):
        return {"op": "linear", "in": module.in_features, "out": module.out_features, **weights()}
    if isinstance(module, nn.ReLU):
        return {"op": "relu"}
    if isinstance(module, nn.Flatten):
        return {"op": "flatten"}
    if isinstance(module, nn.MaxPool2d):
        k = module.kernel_size
        if module.stride != k or module.padding != 0 or module.dilation != 1 or module.ceil_mode:
            raise ValueError(f"the browser cannot run {module}")
        return {"op": "maxpool", "k": k}
    if isinstance(module, nn.Unflatten):
        channels, side, _ = module.unflattened_size
        return {"op": "unflatten", "channels": channels, "side": side}
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        transposed = isinstance(module, nn.ConvTranspose2d)
        if (module.groups != 1 or module.dilation != (1, 1) or module.padding_mode != "zeros"
                or (transposed and module.output_padding != (0, 0))):
            raise ValueError(f"the browser cannot run {module}")
        return {"op": "conv_transpose" if transposed else "conv",
                "cin": module.in_channels, "cout": module.out_channels,
                "k": module.kernel_size[0], "stride": module.stride[0],
                "pad": module.padding[0], **weights()}
    raise ValueError(f"the browser cannot run {module}")


def _named(arrays: Arrays) -> str:
    """A part's name: the sha256 of its weights (the browser caches the part under it)."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(arrays[name], "<f2").tobytes())
    return digest.hexdigest()[:24]


def decoder_part(model: Autoencoder) -> tuple[dict[str, Any], Arrays]:
    """`model.decode` for the browser: z (latent_dim,) -> 28 x 28 in [0, 1]. Returns the part's
    meta {name, kind, latent_dim, layers} and its arrays."""
    arrays: Arrays = {}
    modules = [m for part in (model.decoder.fc, model.decoder.deconvs) for m in part]
    layers = [_layer(m, f"d{i}", arrays) for i, m in enumerate(modules)] + [{"op": "sigmoid"}]
    meta = {"kind": "decoder", "latent_dim": model.latent_dim, "layers": layers}
    return {"name": "dec-" + _named(arrays), **meta}, arrays


def classifier_part(classifier: DigitClassifier) -> tuple[dict[str, Any], Arrays]:
    """The zoo's digit classifier for the browser: 28 x 28 in [0, 1] -> (10,) probabilities,
    so a live view can say what the digit it just drew looks like. Dropout is left out (the
    classifier runs in eval mode, where it does nothing)."""
    arrays: Arrays = {}
    modules = [m for m in classifier.modules()
               if not isinstance(m, (nn.Sequential, DigitClassifier, nn.Dropout))]
    layers = [_layer(m, f"c{i}", arrays) for i, m in enumerate(modules)] + [{"op": "softmax"}]
    return {"name": "cls-" + _named(arrays), "kind": "classifier", "layers": layers}, arrays


def encoder_part(model: Autoencoder) -> tuple[dict[str, Any], Arrays]:
    """`model.encode` for the browser: 28 x 28 in [0, 1] -> mu (and logvar for a VAE), each
    (latent_dim,). Returns the part's meta {name, kind, latent_dim, layers, mu, logvar}."""
    arrays: Arrays = {}
    modules = [m for part in (model.encoder.convs, model.encoder.fc) for m in
               (part if isinstance(part, nn.Sequential) else [])]
    layers = [_layer(m, f"e{i}", arrays) for i, m in enumerate(modules)]
    mu = _layer(model.to_mu, "mu", arrays)
    to_logvar = getattr(model, "to_logvar", None)
    logvar = _layer(to_logvar, "logvar", arrays) if to_logvar is not None else None
    meta = {"kind": "encoder", "latent_dim": model.latent_dim, "layers": layers, "mu": mu,
            "logvar": logvar}
    return {"name": "enc-" + _named(arrays), **meta}, arrays


def pack(header: dict[str, Any], arrays: Arrays | None = None, *, deflate: bool = True) -> bytes:
    """One packet: u32 header length, the header as JSON (with "arrays": their names and sizes
    in blob order), then the arrays as float16, low bytes then high bytes, zlib-compressed
    unless `deflate` is false (for a browser without DecompressionStream)."""
    arrays = arrays or {}
    names = list(arrays)
    header = {**header, "deflate": deflate,
              "arrays": [{"name": n, "size": int(arrays[n].size)} for n in names]}
    text = json.dumps(header, separators=(",", ":")).encode()
    blob = b""
    if names:
        halves = np.concatenate([np.ravel(arrays[n]).astype("<f2") for n in names])
        pairs = halves.view(np.uint8).reshape(-1, 2)
        blob = pairs[:, 0].tobytes() + pairs[:, 1].tobytes()
        blob = zlib.compress(blob, 6) if deflate else blob
    return struct.pack("<I", len(text)) + text + blob


def part_packet(parts: list[tuple[dict[str, Any], Arrays]]) -> tuple[list[dict[str, Any]], Arrays]:
    """Several parts for one packet: their metas, and their arrays under names prefixed by the
    part's name (so two parts' "d0.w" stay apart)."""
    metas, arrays = [], {}
    for meta, own in parts:
        prefix = meta["name"] + ":"
        metas.append(_prefixed(meta, prefix))
        arrays.update({prefix + n: a for n, a in own.items()})
    return metas, arrays


def _prefixed(meta: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The meta with every weight reference prefixed."""
    def fix(layer: dict[str, Any] | None) -> dict[str, Any] | None:
        if layer is None or "w" not in layer:
            return layer
        return {**layer, "w": prefix + layer["w"], "b": prefix + layer["b"]}

    out = {**meta, "layers": [fix(l) for l in meta["layers"]]}
    if meta["kind"] == "encoder":
        out["mu"], out["logvar"] = fix(meta["mu"]), fix(meta["logvar"])
    return out

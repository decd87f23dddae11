"""A model's decoder as the browser runs it: plain layers, float16 weights, base64 encoded.

`core/app/web/sliders.js` reads this format; `decoder_spec` is checked against PyTorch for
every backbone in the zoo (tests/browser).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from torch import nn

from core.models import Autoencoder


def _half(tensor: Any) -> str:
    """A tensor's values as base64 little-endian float16 (half the bytes of float32; the zoo's
    weights are stored in float16 already)."""
    return base64.b64encode(tensor.detach().cpu().numpy().astype("<f2").tobytes()).decode()


def _layer(module: nn.Module) -> dict[str, Any]:
    """One decoder layer as `web/sliders.js` runs it."""
    if isinstance(module, nn.Linear):
        return {"op": "linear", "in": module.in_features, "out": module.out_features,
                "w": _half(module.weight), "b": _half(module.bias)}
    if isinstance(module, nn.ReLU):
        return {"op": "relu"}
    if isinstance(module, nn.Unflatten):
        channels, side, _ = module.unflattened_size
        return {"op": "unflatten", "channels": channels, "side": side}
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        transposed = isinstance(module, nn.ConvTranspose2d)
        if (module.groups != 1 or module.dilation != (1, 1) or module.padding_mode != "zeros"
                or (transposed and module.output_padding != (0, 0))
                or (not transposed and module.stride != (1, 1))):
            raise ValueError(f"the browser decoder cannot run {module}")
        return {"op": "conv_transpose" if transposed else "conv",
                "cin": module.in_channels, "cout": module.out_channels,
                "k": module.kernel_size[0], "stride": module.stride[0],
                "pad": module.padding[0], "w": _half(module.weight), "b": _half(module.bias)}
    raise ValueError(f"the browser decoder cannot run {module}")


def decoder_spec(model: Autoencoder) -> dict[str, Any]:
    """`model.decode` as a list of layers for the browser: z (latent_dim,) -> 28 x 28 in [0, 1].

    "key" names the weights (a digest), so the browser keeps each model's layers once.
    """
    modules = [m for part in (model.decoder.fc, model.decoder.deconvs) for m in part]
    layers = [_layer(m) for m in modules] + [{"op": "sigmoid"}]
    digest = hashlib.sha256("".join(l.get("w", "") for l in layers).encode()).hexdigest()
    return {"key": digest[:16], "latent_dim": model.latent_dim, "layers": layers}

"""Latent sliders decoded in the browser.

A Streamlit slider reruns the script on every move: the server decodes, encodes a PNG and sends
it, and the browser re-renders the page's elements. Here the decoder's layers go to the browser
once (`decoder_spec`) and `web/sliders.js` runs them in plain JavaScript, so the digit is
redrawn on every step of a drag, for any number of students, at no cost to the server. The
code comes back to the server only when a slider is released (to carry it to other lessons).
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st
from torch import nn

from core.images import _lookup_table
from core.models import Autoencoder

WEB = Path(__file__).parent / "web"
NAME = "latent_lab.sliders"


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


@functools.cache
def _component() -> Callable[..., Any]:
    """The component, registered once per server process."""
    # Not in a shadow root: the page's tests and benchmarks find the canvas and inputs with
    # plain selectors; the stylesheet's classes all start with "ll-".
    return st.components.v2.component(NAME, js=(WEB / "sliders.js").read_text(),
                                      css=(WEB / "sliders.css").read_text(),
                                      isolate_styles=False)


@functools.lru_cache(maxsize=16)
def cached_spec(model: Autoencoder) -> dict[str, Any]:
    """`decoder_spec` once per model (the zoo's models live for the server's life)."""
    return decoder_spec(model)


def sliders(spec: dict[str, Any], z: np.ndarray, *, version: int, key: str, cmap: str,
            caption: str, limit: float, on_change: Callable[[], None],
            on_missing: Callable[[], None], send_spec: bool) -> Any:
    """Show one slider per latent dimension and the decoded digit, drawn in the browser.

    z (latent_dim,) is where the sliders start; they move to it again only when `version`
    changes. `on_change` runs when a slider is released; st.session_state[key].z then holds
    the new code. The layers are sent only when `send_spec` is true (the browser keeps them);
    a browser that lacks them says so, and `on_missing` runs.
    """
    lut = _lookup_table(cmap).reshape(-1).tolist()
    data = {"key": spec["key"], "d": spec["latent_dim"], "limit": limit, "version": version,
            "z": [round(float(v), 1) for v in z], "lut": lut, "cmap": cmap, "caption": caption,
            "spec": spec if send_spec else None}
    return _component()(key=key, data=data, default={"z": [float(v) for v in z]},
                        on_z_change=on_change,
                        on_missing_change=on_missing)

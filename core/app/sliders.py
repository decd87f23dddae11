"""Latent sliders decoded in the browser.

A Streamlit slider reruns the script on every move: the server decodes, encodes a PNG and sends
it, and the browser re-renders the page's elements. Here the decoder's layers go to the browser
once (`core.webspec.decoder_spec`) and `web/sliders.js` runs them in plain JavaScript, so the digit is
redrawn on every step of a drag, for any number of students, at no cost to the server. The
code comes back to the server only when a slider is released (to carry it to other lessons).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st

from core.images import lookup_table
from core.lessons.sliders import clip

WEB = Path(__file__).parent / "web"
NAME = "latent_lab.sliders"


@functools.cache
def _component() -> Callable[..., Any]:
    """The component, registered once per server process."""
    # Not in a shadow root: the page's tests and benchmarks find the canvas and inputs with
    # plain selectors; the stylesheet's classes all start with "ll-".
    return st.components.v2.component(NAME, js=(WEB / "sliders.js").read_text(),
                                      css=(WEB / "sliders.css").read_text(),
                                      isolate_styles=False)


def keys(latent_dim: int, limit: float = 3.0) -> list[str]:
    """The session-state keys of the sliders' code, one per dimension: one set per latent size
    and reach (Neuron progression reads them too)."""
    return [f"slider_{latent_dim}_{limit:g}_{j}" for j in range(latent_dim)]


def show(spec: dict[str, Any], z: np.ndarray, *, version: int, key: str, cmap: str,
            caption: str, limit: float, on_change: Callable[[], None],
            on_missing: Callable[[], None], send_spec: bool) -> Any:
    """Show one slider per latent dimension and the decoded digit, drawn in the browser.

    z (latent_dim,) is where the sliders start; they move to it again only when `version`
    changes. `on_change` runs when a slider is released; st.session_state[key].z then holds
    the new code. The layers are sent only when `send_spec` is true (the browser keeps them);
    a browser that lacks them says so, and `on_missing` runs.
    """
    lut = lookup_table(cmap).reshape(-1).tolist()
    data = {"key": spec["key"], "d": spec["latent_dim"], "limit": limit, "version": version,
            "z": [round(float(v), 1) for v in z], "lut": lut, "cmap": cmap, "caption": caption,
            "spec": spec if send_spec else None}
    return _component()(key=key, data=data, default={"z": [float(v) for v in z]},
                        on_z_change=on_change,
                        on_missing_change=on_missing)


def set_code(keys_: list[str], z: np.ndarray, limit: float, source: str = "") -> None:
    """Move every slider (session-state keys_) to z (d,), clipped to ±limit, and leave a
    warning in st.session_state.sliders_clipped when a dimension was clipped. The browser moves
    its sliders only for a new `sliders_version`, which this bumps."""
    values, clipped = clip(np.asarray(z, dtype=np.float32), limit)
    for key, value in zip(keys_, values):
        st.session_state[key] = float(value)
    if clipped:
        st.session_state.sliders_clipped = (
            f"{source or 'The code'} reaches beyond the sliders' ±{limit:g} on "
            + ", ".join(f"z{j}" for j in clipped) + ": those sliders stop at the end of their "
            "range, so the digit differs from the code's own.")
    st.session_state.sliders_version = st.session_state.get("sliders_version", 0) + 1


def arrive(keys_: list[str], limit: float) -> None:
    """Load a code another lesson sent (`layout.send_to_sliders`) if it fits this latent size,
    and start every slider that has no value at 0."""
    incoming = st.session_state.pop("sliders_incoming", None)
    if incoming is not None and len(incoming["z"]) == len(keys_):
        set_code(keys_, np.asarray(incoming["z"]), limit, incoming["source"].capitalize())
        st.toast(f"Loaded {incoming['source']}.")
    for key in keys_:
        st.session_state.setdefault(key, 0.0)


def randomise(keys_: list[str], limit: float) -> None:
    """A fresh z ~ N(0, I) for the sliders, one seed further each click."""
    st.session_state.sliders_seed = st.session_state.get("sliders_seed", 0) + 1
    set_code(keys_, np.random.default_rng(st.session_state.sliders_seed).standard_normal(
        len(keys_)), limit)


def pick_once(value: Any, name: str, d: int) -> bool:
    """True the first time a picker (prototype digit, test index) shows `value` at latent size
    d, so a rerun does not move the sliders back to it after the student dragged them."""
    done = st.session_state.get(f"sliders_{name}_done")
    st.session_state[f"sliders_{name}_done"] = (value, d)
    return value is not None and done != (value, d)

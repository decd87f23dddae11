"""Latent sliders: the session's code, and the view (`web/sliders.js`) that decodes it in the
browser at every step of a drag; the server hears the code when a slider is released."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import streamlit as st
import torch

from core.app import charts, live, selection
from core.app.selection import Part
from core.latent import decode, dim_name
from core.lessons.sliders import clip
from core.models import Autoencoder


def keys(latent_dim: int, limit: float = 3.0) -> list[str]:
    """The session-state keys of the sliders' code, one per dimension: one set per latent size
    and reach (Neuron progression reads them too)."""
    return [f"slider_{latent_dim}_{limit:g}_{j}" for j in range(latent_dim)]


def show(parts: dict[str, Part], z: np.ndarray, *, version: int, key: str, cmap: str,
         caption: str, limit: float, on_change: Callable[[], None],
         model: Autoencoder, keys_: list[str]) -> Any:
    """Show one slider per latent dimension and the decoded digit, drawn in the browser.

    z (latent_dim,) is where the sliders start; they move to it again only when `version`
    changes. `on_change` runs when a slider is released; st.session_state[key].z then holds
    the new code. Where the browser cannot run the view, Streamlit's sliders move the code
    (session-state keys_) and `model` decodes it on the server.
    """
    header = {"d": len(z), "limit": limit, "version": version, "z": live.rounded(z, 1),
              "lut": live.colours(cmap), "cmap": cmap, "caption": caption}
    return live.show("sliders", header, {"decoder": parts["decoder"], **selection.reader_parts()},
                     key=key,
                     default={"z": [float(v) for v in z]}, on_z_change=on_change,
                     fallback=lambda: _server_sliders(model, keys_, limit, caption),
                     note="Your browser could not run the live view, so the server decodes the "
                     "digit instead: it redraws when you let go of a slider, not as you drag.")


def _moved(widget: str, key: str) -> None:
    st.session_state[key] = st.session_state[widget]


def _server_sliders(model: Autoencoder, keys_: list[str], limit: float, caption: str) -> None:
    """The sliders as Streamlit widgets, the digit decoded on the server at each release. The
    widgets have keys of their own: Streamlit forgets a widget's key on a page that does not
    show it, and other lessons read the code."""
    left, right = st.columns([1, 2])
    for j, key in enumerate(keys_):
        right.slider(dim_name(j), -limit, limit, float(st.session_state[key]), step=0.1,
                     key=f"server_{key}", on_change=_moved, args=(f"server_{key}", key))
    z = torch.tensor([[st.session_state[key] for key in keys_]], dtype=torch.float32)
    charts.image(decode(model, z), scale=8, caption=caption, where=left, read=True,
                 alt="The digit decoded from the sliders' code, " + ", ".join(
                     f"{dim_name(j)} = {v:.1f}" for j, v in enumerate(z[0].tolist())))


def set_code(keys_: list[str], z: np.ndarray, limit: float, source: str = "") -> None:
    """Move every slider (session-state keys_) to z (d,), clipped to ±limit, and leave a
    warning in st.session_state.sliders_clipped when a dimension was clipped. The browser moves
    its sliders only for a new `sliders_version`, which this bumps."""
    values, clipped = clip(np.asarray(z, dtype=np.float32), limit)
    for key, value in zip(keys_, values):
        st.session_state[key] = float(value)
        st.session_state.pop(f"server_{key}", None)  # the server's slider starts again from it
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

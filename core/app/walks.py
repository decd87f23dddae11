"""Interpolation and arithmetic in the browser (`web/walk.js`): the scrubber from A to B, and
the picker of A, B and C whose A + B − C the browser decodes at each pick."""

from __future__ import annotations

import numpy as np
import streamlit as st
from torch import Tensor

from core.app import live, selection
from core.latent import encode_mu
from core.models import Autoencoder
from core.reference import ModelRef

PICKS = ("arith_a", "arith_b", "arith_c")  # the page's boxes for A, B and C


def scrubber(ref: ModelRef, model: Autoencoder, x_ab: Tensor) -> None:
    """t from 0 to 1 between the two digits x_ab (2, 1, 28, 28): the cross-fade and the linear
    and spherical walks between their codes, drawn in the browser at every step of a drag."""
    z_ab = encode_mu(model, x_ab).numpy()
    live.show("walk", {"d": ref.latent, "lut": live.colours(selection.cmap()),
                       "cmap": selection.cmap(), "z": live.rounded(z_ab, 6)},
              {"decoder": selection.browser_parts(ref)["decoder"]}, key="interp_live",
              arrays={"x": x_ab.numpy().reshape(2, -1)},
              note="Your browser could not run the scrubber: the walks below, drawn by the "
              "server, show the same steps at fixed values of t.")


def _picked() -> None:
    """The student picked digits in the browser: the page's boxes show them."""
    picks = (st.session_state.get("arith_live") or {}).get("picks")
    if isinstance(picks, list) and len(picks) == 3 and all(
            isinstance(i, int) and not isinstance(i, bool)
            and 0 <= i < len(selection.test_set()[0]) for i in picks):
        for key, index in zip(PICKS, picks):
            st.session_state[key] = index


def arithmetic_picker(ref: ModelRef, model: Autoencoder, x_test: Tensor,
                      grid: list[int]) -> None:
    """The test digits `grid` (and the ones the boxes hold) to pick A, B and C from; the
    browser decodes A + B − C at each pick and the boxes follow."""
    picked = [int(st.session_state.get(key, v)) for key, v in zip(PICKS, grid)]
    shown = grid + [i for i in dict.fromkeys(picked) if i not in grid]
    live.show("arith", {"d": ref.latent, "lut": live.colours(selection.cmap()),
                        "cmap": selection.cmap(), "version": f"{ref.label}|{picked}",
                        "indices": shown, "picks": picked,
                        "codes": live.rounded(encode_mu(model, x_test[shown]).numpy(), 6)},
              {"decoder": selection.browser_parts(ref)["decoder"]}, key="arith_live",
              arrays={"x": np.asarray(x_test[shown]).reshape(len(shown), -1)},
              default={"picks": None}, on_picks_change=_picked,
              note="Your browser could not run the picker: type the test indices of A, B and "
              "C in the boxes below, and the server decodes A + B − C.")

"""Controls several lessons share: where a sweep or a slice starts (its base code)."""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

from core.app import sliders
from core.latent import prototypes
from core.lessons.sliders import slider_limit

ZEROS, RANDOM, PROTOTYPE, SLIDERS = ("zeros", "a random draw", "a digit's prototype",
                                     "the sliders' current code")


def base_code(kind: str, d: int, mu: np.ndarray | None, labels: np.ndarray | None, *,
              choices: tuple[str, ...], key: str, label: str, left: Any, right: Any,
              disabled: bool = False) -> tuple[np.ndarray, str]:
    """A radio for the base code in `left`, its detail (digit, seed) in `right`: the code (d,)
    and the choice. A prototype needs the test codes mu (N, d): without them it is not offered."""
    offered = [c for c in choices if c != PROTOTYPE or mu is not None]
    choice = left.radio(label, offered, horizontal=True, key=f"{key}_base",
                        persist_state="session", disabled=disabled)
    base = np.zeros(d, dtype=np.float32)
    if choice == RANDOM:
        seed = int(right.number_input("Seed", 0, 10_000, 0, key=f"{key}_seed",
                                      persist_state="session"))
        base = np.random.default_rng(seed).standard_normal(d).astype(np.float32)
    elif choice == PROTOTYPE:
        digit = right.selectbox("Digit", range(10), index=3, key=f"{key}_digit",
                                persist_state="session")
        base = prototypes(mu, labels)[digit]
    elif choice == SLIDERS:
        keys = sliders.keys(d, slider_limit(kind, mu))
        if all(k in st.session_state for k in keys):
            base = np.array([st.session_state[k] for k in keys], dtype=np.float32)
        else:
            right.info("Open Latent sliders with this model first; using zeros for now.")
    return base, choice

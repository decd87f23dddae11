"""What several lessons read from the session: the code the Latent sliders hold."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.app import sliders
from core.lessons.sliders import slider_limit


def sliders_code(kind: str, d: int, mu: np.ndarray | None) -> np.ndarray | None:
    """The code (d,) the session's Latent sliders hold for this family and size, if any."""
    keys = sliders.keys(d, slider_limit(kind, mu))
    if not all(k in st.session_state for k in keys):
        return None
    return np.array([st.session_state[k] for k in keys], dtype=np.float32)

"""The Embeddings lesson's numbers, cached: PCA fits, trustworthiness, digit thumbnails, and
maps recomputed with a student's settings (the form, and the run in a worker process).

The student's settings are kept per model and method in the session; results are cached for
the whole server by the codes' contents, so the same settings are computed once.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st
import torch

from core import embeddings as emb
from core.app import selection
from core.images import data_uri, to_pixels

CUSTOM_KEY = "emb_custom"


@st.cache_data(show_spinner=False, max_entries=16)
def _compute(codes: np.ndarray, method: str, params: tuple,
             _alive: Callable[[], bool]) -> tuple[np.ndarray, float]:
    # `_alive` is not part of the cache key (Streamlit skips arguments named with a leading _)
    return emb.compute_apart(method, codes, alive=_alive, wait_s=5.0, **dict(params))


@st.cache_data(show_spinner=False, max_entries=32)
def pca_of(codes: np.ndarray) -> emb.Pca:
    return emb.pca(codes)


@st.cache_data(show_spinner=False, max_entries=32)
def trust_of(codes: np.ndarray, xy: np.ndarray) -> float:
    return emb.trustworthiness(codes, xy)


@st.cache_data(show_spinner=False)
def thumbnails(cmap: str) -> list[str]:
    """A 28 x 28 PNG data URI of each test digit in the subset, for "Images on the map".

    Full size, not upscaled: the browser enlarges them (core.app.layout's CSS). Upscaled twice
    they had four times the pixels, all of it in the chart's data."""
    x_test = selection.test_set()[0]
    return [data_uri(to_pixels(image[0], scale=1, cmap=cmap))
            for image in x_test[torch.from_numpy(emb.subset_indices(len(x_test)))]]


def settings_form(method: str, model_key: str) -> tuple | None:
    """The "Recompute with other settings" expander for t-SNE or UMAP: the settings the student
    asked for (name, value) pairs, kept for this model and method, or None for the shipped map."""
    custom = st.session_state.setdefault(CUSTOM_KEY, {})
    key = (model_key, method)
    with st.expander("Recompute with other settings"):
        with st.form(f"emb_form_{method}"):
            seed = ("seed", int(st.number_input("Seed", 0, 10_000, 0)))
            if method == "t-SNE":
                params = (("perplexity", float(st.slider("Perplexity", 5, 100, 30))), seed)
            else:
                params = (("n_neighbors", int(st.slider("n_neighbors", 2, 100, 15))),
                          ("min_dist", float(st.slider("min_dist", 0.0, 0.99, 0.1, 0.01))), seed)
            go = st.form_submit_button(f"Recompute {method}")
            st.caption(f"{emb.SUBSET:,} codes; about 10–60 s on 2 CPU cores. It runs in a "
                       "separate worker process, so other students are not held up, and the "
                       "result is cached for everyone who asks for the same settings.")
        if go:
            custom[key] = params
        if key in custom and st.button("Back to the shipped map"):
            del custom[key]
    return custom.get(key)


def run(mu: np.ndarray, method: str, model_key: str, params: tuple) -> tuple[np.ndarray, float] | None:
    """The recomputed map and its trustworthiness, or None (and a message) if it failed: the
    settings are dropped then, so the page goes back to the shipped map."""
    with st.status(f"Computing {method} of {len(mu):,} codes…", expanded=False) as status:
        try:
            result = _compute(mu, method, params, selection.session_alive())
        except RuntimeError as error:
            status.update(label=f"{method} could not be computed", state="error")
            st.session_state[CUSTOM_KEY].pop((model_key, method), None)
            advice = "" if isinstance(error, emb.Busy) else " Try other settings;"
            st.error(f"{error}.{advice} Meanwhile the page shows the ready-made map.")
            return None
        status.update(label=f"{method} ready", state="complete")
    return result

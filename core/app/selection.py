"""Which model a page shows, and the cached numbers every page shares.

A page holds a `ModelRef`; `model`, `codes`, `card` and `decoder_spec` resolve it, for zoo
models from process-wide caches (`st.cache_resource`: loaded once, in eval mode, never
changed) and for a model the student trained from that session's state only. Nothing that
belongs to one session goes into a process-wide cache.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import streamlit as st
import torch

from core import zoo
from core.cards import Card
from core.checkpoint import ClassifierError, WeightsError
from core.classifier import DigitClassifier
from core.data import MnistError, data_dir, have_locally, load_mnist, remembered_failure
from core.images import COLOR_MAPS
from core.latent import encode_mu
from core.models import Autoencoder
from core.own import OwnModel
from core.picker import Options, options_from_cards
from core.reference import DEFAULT, ModelRef
from core.webspec import Arrays, classifier_part, decoder_part, encoder_part

REF_KEY, CMAP_KEY, OWN_KEY = "model_ref", "cmap", "own_models"


@st.cache_data(ttl=60, show_spinner=False)
def zoo_options() -> Options:
    """family -> latent size -> betas, for every readable model in weights/ (re-read each minute)."""
    return options_from_cards(zoo.available())


@st.cache_data(ttl=60, show_spinner=False)
def unreadable_cards() -> list[str]:
    """The zoo's cards that are missing or unreadable (re-read each minute, as `zoo_options`, so
    the sidebar's notice and the models it offers agree, and no page load reads every card)."""
    return zoo.unreadable()


@st.cache_resource(show_spinner="Loading the MNIST test digits…")
def test_set() -> tuple[torch.Tensor, np.ndarray]:
    """The 10,000 test images (10000, 1, 28, 28) float32 and their labels (10000,) int64."""
    x, labels = load_mnist("test")
    return x, labels.numpy()


@st.cache_resource(show_spinner="Encoding the test digits…", max_entries=32)
def _zoo_codes(kind: str, latent: int, beta: float) -> np.ndarray:
    return encode_mu(zoo.load_model(kind, latent, beta), test_set()[0]).numpy()


Part = tuple[dict[str, Any], Arrays]


def _parts(model: Autoencoder) -> dict[str, Part]:
    return {"decoder": decoder_part(model), "encoder": encoder_part(model)}


@st.cache_resource(show_spinner=False, max_entries=32)
def _zoo_parts(kind: str, latent: int, beta: float) -> dict[str, Part]:
    return _parts(zoo.load_model(kind, latent, beta))


def own_models() -> dict[int, OwnModel]:
    """Models trained in this browser session (Train your own): id -> model. Never shared."""
    return st.session_state.setdefault(OWN_KEY, {})


def next_own_id() -> int:
    """The id this session's next trained model gets: 1, 2, 3… in every session."""
    n = st.session_state.get("own_next_id", 1)
    st.session_state.own_next_id = n + 1
    return n


def own(ref: ModelRef) -> OwnModel:
    try:
        return own_models()[ref.own]
    except KeyError:
        raise WeightsError(f"your model #{ref.own} is no longer in this session (a reload "
                           "ends the models trained in it)") from None


def model(ref: ModelRef) -> Autoencoder:
    """The model `ref` names. Raises WeightsError (naming the file) if it cannot be loaded."""
    return own(ref).model if ref.is_own else zoo.load_model(ref.kind, ref.latent, ref.beta)


def codes(ref: ModelRef) -> np.ndarray:
    """mu of every test image under the model: (10000, latent_dim) float32."""
    if ref.is_own:
        return own(ref).test_codes(test_set()[0])
    return _zoo_codes(ref.kind, ref.latent, ref.beta)


def codes_if_any(ref: ModelRef, needs: str, without: str) -> tuple[np.ndarray | None,
                                                                  np.ndarray | None]:
    """(codes, labels) of the test set for a lesson that also works without the data: without
    them, a notice that says what `needs` them and what still works (`without`), and (None, None).

    Such a lesson never waits on the network: when the files are not on disk yet, they are
    fetched in the background and the lesson goes on without them.
    """
    try:
        if not have_locally():
            failed = remembered_failure(data_dir())
            if failed is None:
                _fetch_in_background()
            raise MnistError(failed or "they are being downloaded (11 MB): reload the page in a "
                             "minute")
        return codes(ref), test_set()[1]
    except MnistError as error:
        st.warning(f"{needs} needs the MNIST digits: {error} Meanwhile {without}.")
        return None, None
    except WeightsError:  # a damaged model: the part of the page that draws with it says so
        return None, None


def classifier_if_any(needs: str) -> DigitClassifier | None:
    """The zoo's digit classifier, or None with a notice of what goes without it (`needs`)."""
    try:
        return zoo.load_classifier()
    except ClassifierError as error:
        st.warning(f"The digit classifier cannot be loaded ({error}): {needs} left out.")
        return None


_fetching = threading.Lock()  # one background download of MNIST per server process


def _fetch_in_background() -> None:
    """Start downloading MNIST in a thread, unless one is already at it."""
    if not _fetching.acquire(blocking=False):
        return

    def fetch() -> None:
        try:
            load_mnist("test")
        except MnistError:
            pass  # remembered by core.data, and said by the next page that needs the digits
        finally:
            _fetching.release()

    threading.Thread(target=fetch, name="latent-lab-mnist", daemon=True).start()


def card(ref: ModelRef) -> Card:
    """The model's card: the zoo's, or the one made when the student trained it."""
    return own(ref).card if ref.is_own else zoo.card_for(ref.kind, ref.latent, ref.beta)


def browser_parts(ref: ModelRef) -> dict[str, Part]:
    """The decoder and the encoder as the browser runs them (`core.webspec`), made once per
    model: {"decoder": (meta, arrays), "encoder": (meta, arrays)}."""
    if not ref.is_own:
        return _zoo_parts(ref.kind, ref.latent, ref.beta)
    mine = own(ref)
    if mine.spec is None:  # kept on the session's own model, never in a process-wide cache
        mine.spec = _parts(mine.model)
    return mine.spec


@st.cache_resource(show_spinner=False)
def _classifier_part() -> Part:
    return classifier_part(zoo.load_classifier())


def reader_parts() -> dict[str, Part]:
    """{"classifier": the zoo's classifier as the browser runs it}, for a live view to say what
    the digit it drew looks like; {} when the classifier cannot be loaded (the view says less)."""
    try:
        return {"classifier": _classifier_part()}
    except ClassifierError:
        return {}


def cards_by_size(beta: float = 1.0) -> dict[str, dict[int, Card]]:
    """The zoo's cards by family and latent size: every autoencoder, and each VAE with this β."""
    return {kind: {d: card(ModelRef(kind, d, beta)) for d, betas in zoo_options().get(kind, {})
                   .items() if kind == "ae" or beta in betas} for kind in ("ae", "vae")}


def picked() -> ModelRef:
    """The model the sidebar picked for this session."""
    return st.session_state.get(REF_KEY, DEFAULT)


def cmap() -> str:
    """The session's colour map for digits: a display preference, not part of the model."""
    return st.session_state.get(CMAP_KEY, COLOR_MAPS[0])


def vae_for(ref: ModelRef) -> ModelRef:
    """The zoo VAE to compare with `ref`: the picked one, or β = 1 at the same latent size."""
    return ref if ref.kind == "vae" and not ref.is_own else ref.with_kind("vae")


def pair(ref: ModelRef) -> dict[str, ModelRef]:
    """The autoencoder and the VAE at the picked latent size: name -> model.

    A model the student trained takes the place of the zoo model of its own family.
    """
    out = {"Autoencoder": ref.with_kind("ae"), "VAE": vae_for(ref)}
    if ref.is_own:
        out["Autoencoder" if ref.kind == "ae" else "VAE"] = ref
    return out


def session_alive() -> Callable[[], bool]:
    """A check that this browser session is still open, usable from another thread.

    Without a Streamlit server (AppTest, scripts) there is nothing to check: always true.
    """
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return lambda: True
    server, session_id = Runtime.instance(), ctx.session_id
    return lambda: server.is_active_session(session_id)

"""The sidebar: the model picker every lesson shares, the share link and the model card.

The pick is kept in the session (`selection.REF_KEY`, the colour map apart) and mirrored in the
URL, so a link reopens it; `&lock=1` shows the picker read-only, and so does following a live
class (`core.app.classroom`), whose box is at the sidebar's foot.
"""

from __future__ import annotations

import streamlit as st

from core.app import class_bar, classroom, selection
from core.checkpoint import WeightsError
from core.images import COLOR_MAPS
from core.picker import Options, parse_query, snap, to_query
from core.reference import FAMILIES, ModelRef

REF, CMAP = selection.REF_KEY, selection.CMAP_KEY


def _first_run(options: Options) -> None:
    """First run of a session: the shared link (if any) decides the model."""
    state = st.session_state
    if "locked" in state:
        return
    link = parse_query(st.query_params.to_dict(), options)
    # A class the session follows has already set the model (`classroom.arrive`).
    state[REF] = state.get(REF, link.ref)
    state[CMAP], state.locked, state.link_notices = link.cmap, link.locked, link.notices


def _on_pick() -> None:
    """Copy the sidebar widgets into the session's pick (widget state does not survive a page
    switch; st.session_state[REF] does)."""
    state = st.session_state
    beta = float(state.get("_pick_beta", 1.0))
    if state._pick_family == "vae" and state[REF].kind == "ae":
        beta = 1.0  # the autoencoder's β is 0: coming from it, a VAE starts at β = 1, not 0
    ref = ModelRef(state._pick_family, int(state._pick_latent), beta)
    state[REF], state[CMAP] = snap(ref, selection.zoo_options()), state._pick_cmap
    state.own_pick = None  # touching the pretrained picker means: a pretrained model


def picker() -> ModelRef:
    """The sidebar's model picker; returns the session's model and mirrors it in the URL."""
    options = selection.zoo_options()
    if not options:
        st.error("No pretrained models were found. Restore the `weights/` folder from the "
                 "repository, or train the zoo with `python -m core.train --zoo`.")
        st.stop()
    _first_run(options)
    state, bar = st.session_state, st.sidebar
    ref = state[REF] = snap(state[REF], options)
    bar.header("Model")
    for notice in state.pop("link_notices", []):
        bar.warning(notice)
    for name in selection.unreadable_cards():
        bar.warning(f"The model card {name} is missing or cannot be read, so its model is not "
                    "offered. Restore it from the repository.")
    if state.locked:
        bar.info(f"**{ref.label}**\n\nFixed by your instructor's link.")
    elif classroom.following():
        bar.info(f"**{ref.label}**\n\nYour class's model: it changes when your instructor's "
                 "does. Step out of the class (top of the page) to pick another.")
    else:
        state._pick_family, state._pick_latent = ref.kind, ref.latent
        state._pick_beta, state._pick_cmap = ref.beta, selection.cmap()
        bar.radio("Family", list(options), key="_pick_family", format_func=FAMILIES.get,
                  horizontal=True, on_change=_on_pick)
        bar.selectbox("Latent size", list(options[ref.kind]), key="_pick_latent",
                      on_change=_on_pick, help="How many numbers the code z has.")
        if ref.kind == "vae":
            bar.selectbox("β (KL weight)", options["vae"][ref.latent], key="_pick_beta",
                          format_func=lambda b: f"{b:g}", on_change=_on_pick,
                          help="The zoo has several β only at some latent sizes.")
        bar.radio("Colours", COLOR_MAPS, key="_pick_cmap", horizontal=True, on_change=_on_pick)
    query = to_query(ref, selection.cmap(), state.locked) | classroom.query()
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
    own = None if classroom.following() else _own_picker()
    model_card(own or ref)
    with bar.expander("Share this model with a class", key="share_open",
                      on_change="rerun") as box:  # filled once opened: see layout.show_code
        if box.open:
            _share_link(ref, own is not None)
    # Filled once opened, as the share box: a page load outside a class skips its form.
    in_class = classroom.me() is not None
    with bar.expander("Class", expanded=in_class, key="class_open", on_change="rerun") as box:
        if box.open or in_class:
            class_bar.sidebar_box()
    return own or ref


def _share_link(ref: ModelRef, own: bool) -> None:
    """The read-only link to `ref`, with a copy button."""
    link = "?" + "&".join(f"{k}={v}" for k, v in to_query(ref, selection.cmap(), True).items())
    st.markdown("Everyone who opens this link sees the same model, read-only:")
    st.code((st.context.url or "").split("?")[0] + link, language=None)
    st.caption("Drop `&lock=1` to let students change the model."
               + (" Models you trained yourself stay in your browser session and cannot be "
                  "shared: the link opens the pretrained model above." if own else ""))


def _own_picker() -> ModelRef | None:
    """If the student has trained models, a choice between them and the pretrained one."""
    state, own = st.session_state, selection.own_models()
    if state.get("own_pick") not in own:
        state.own_pick = None
    if not own:
        return None
    state._pick_own = state.own_pick
    st.sidebar.selectbox(
        "Or a model you trained", [None, *own], key="_pick_own",
        format_func=lambda i: "— the pretrained model above —" if i is None else own[i].label,
        on_change=lambda: state.update(own_pick=state._pick_own),
        help="Trained in the lesson Train your own model. Only you see it, until you close "
             "or reload this tab.")
    if state.own_pick is None:
        return None
    config = own[state.own_pick].config
    return ModelRef(config.kind, config.latent_dim, config.beta, own=state.own_pick)


def model_card(ref: ModelRef) -> None:
    """The picked model's card in the sidebar (`Card.summary`, the one rendering of a card)."""
    try:
        card = selection.card(ref)
    except WeightsError as error:
        st.sidebar.warning(f"{error}. Pick another model.")
        return
    st.sidebar.caption("**Model card** (10,000 test digits)  \n" + "  \n".join(card.summary()))

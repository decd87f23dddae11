"""Lesson: drive the decoder by hand, one slider per latent dimension."""

import numpy as np
import streamlit as st

from core.app import layout, selection, sliders
from core.latent import decode, prototypes
from core.lessons import sliders as lesson
from core.webspec import decoder_spec

PAGE = "pages/4_Latent_sliders.py"
ref = layout.lesson("Latent sliders", "🕹️", [
    "that the decoder is a function you can drive: a code in, a digit out",
    "which directions of the latent space matter and which do nothing",
    "why a VAE's sliders stop at ±3, and an autoencoder's do not",
], terms=["prior", "latent size", "active dimension"])
st.markdown(r"""
Each slider is one number of the code $z$; the picture is $\mathrm{dec}(z)$, redrawn at every
step of a drag: your browser runs the decoder's layers itself (the server sent their weights
once), so drag slowly and watch the digit morph. A VAE's prior is $\mathcal N(0, I)$, so each
number is usually within ±3: 99.7 % of a standard normal lies there, and beyond it the decoder
has rarely been trained. An autoencoder's codes have no such scale, so its sliders reach as
far as its test codes do — compare the two in the sidebar.
""")

d = ref.latent
mu, labels = selection.codes_if_any(ref, "Starting from a digit's prototype or a test image",
                                     "zeros and random draws work without them")
LIMIT = lesson.slider_limit(ref.kind, mu)
keys = sliders.keys(d, LIMIT)


def set_z(z: np.ndarray, source: str = "") -> None:
    """Move every slider to z, clipped to the sliders' range (and say so if it was)."""
    values, clipped = lesson.clip(np.asarray(z, dtype=np.float32), LIMIT)
    for key, value in zip(keys, values):
        st.session_state[key] = float(value)
    if clipped:
        st.session_state.sliders_clipped = (f"{source or 'The code'} reaches beyond the "
                                            f"sliders' ±{LIMIT:g} on " + ", ".join(
                                                f"z{j}" for j in clipped) + ": those sliders "
                                            "stop at the end of their range, so the digit "
                                            "differs from the code's own.")
    # the browser moves its sliders only for a new version
    st.session_state.sliders_version = st.session_state.get("sliders_version", 0) + 1


incoming = st.session_state.pop("sliders_incoming", None)  # a code sent by another lesson
if incoming is not None and len(incoming["z"]) == d:
    set_z(np.asarray(incoming["z"]), incoming["source"].capitalize())
    st.toast(f"Loaded {incoming['source']}.")
for key in keys:
    st.session_state.setdefault(key, 0.0)

with st.container(border=True):
    st.markdown("**Start from**")
    c1, c2, c3, c4 = st.columns([1, 1, 1.3, 1.3])
    c1.button("Zeros (reset)", on_click=set_z, args=(np.zeros(d),), width="stretch")
    seed = st.session_state.setdefault("sliders_seed", 0)

    def randomise() -> None:
        st.session_state.sliders_seed += 1
        set_z(np.random.default_rng(st.session_state.sliders_seed).standard_normal(d))

    c2.button("🎲 Random draw", on_click=randomise, width="stretch",
              help="z ~ N(0, I), a fresh draw each click.")
    if mu is not None:
        protos = prototypes(mu, labels)
        digit = c3.selectbox("A digit's prototype", range(10), index=None,
                             placeholder="choose a digit", key="sliders_proto")
        if digit is not None and st.session_state.get("sliders_proto_done") != (digit, d):
            set_z(protos[digit], f"The prototype of {digit}")
        st.session_state.sliders_proto_done = (digit, d)
        index = c4.number_input("An encoded test image (index)", 0, len(mu) - 1, None,
                                placeholder="type an index", key="sliders_index")
        if index is not None and st.session_state.get("sliders_index_done") != (index, d):
            set_z(mu[int(index)], f"Test image {index}")
        st.session_state.sliders_index_done = (index, d)


spec = selection.decoder_spec(ref)
state = f"websliders_{d}"  # the component's own state: the code the browser last sent


def take_code() -> None:
    """A slider was released: keep the browser's code (other lessons start from it)."""
    for key, value in zip(keys, st.session_state[state]["z"]):
        st.session_state[key] = float(value)


def resend() -> None:
    """The browser lacks this model's layers (a new tab of this session): send them again."""
    st.session_state.pop("websliders_sent", None)


@layout.fragment
def slider_panel() -> None:
    """The sliders and dec(z), both in the browser: `web/sliders.js` runs the decoder's layers
    on every step of a drag; the server sees the code only when a slider is released."""
    z = np.array([st.session_state[key] for key in keys], dtype=np.float32)
    sent = st.session_state.setdefault("websliders_sent", set())
    sliders.show(spec, z, version=st.session_state.setdefault("sliders_version", 0),
                       key=state, cmap=selection.cmap(), caption=f"dec(z) — {ref.label}",
                       limit=LIMIT, on_change=take_code, on_missing=resend,
                       send_spec=spec["key"] not in sent)
    sent.add(spec["key"])


slider_panel()
if "sliders_clipped" in st.session_state:
    st.warning(st.session_state.pop("sliders_clipped"))

layout.notice([c.text for c in lesson.claims(selection.card(ref), mu, LIMIT)] + [
    "Nearby codes decode to similar digits: move one slider slowly and watch the digit morph "
    "rather than jump."])
layout.try_this([
    "Load the prototype of a 1, then move the sliders one by one until it becomes a 7. "
    "Predict which dimension you will need before you touch any.",
    "Click Random draw ten times with the VAE, then with the autoencoder of the same size: "
    "which gives more digits you can name?",
])
layout.show_code(decode, decoder_spec, prototypes)
layout.next_lesson(PAGE)

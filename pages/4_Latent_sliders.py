"""Lesson: drive the decoder by hand, one slider per latent dimension."""

import numpy as np
import streamlit as st

from core.app import classroom, layout, selection, sliders
from core.latent import decode, prototypes
from core.lessons import sliders as lesson
from core.webspec import decoder_part

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


sliders.arrive(keys, LIMIT)  # a code another lesson sent, else where the sliders were
followed = classroom.follow(f"sliders_{d}")  # in a class: the instructor's code
if followed is not None:
    sliders.set_code(keys, np.asarray(followed), LIMIT, "Your instructor's code")

with st.container(border=True):
    st.markdown("**Start from**")
    c1, c2, c3, c4 = st.columns([1, 1, 1.3, 1.3])
    c1.button("Zeros (reset)", on_click=sliders.set_code, args=(keys, np.zeros(d), LIMIT),
              width="stretch")
    c2.button("🎲 Random draw", on_click=sliders.randomise, args=(keys, LIMIT), width="stretch",
              help="z ~ N(0, I), a fresh draw each click.")
    if mu is not None:
        digit = c3.selectbox("A digit's prototype", range(10), index=None,
                             placeholder="choose a digit", key="sliders_proto")
        if sliders.pick_once(digit, "proto", d):
            sliders.set_code(keys, prototypes(mu, labels)[digit], LIMIT,
                             f"The prototype of {digit}")
        index = c4.number_input("An encoded test image (index)", 0, len(mu) - 1, None,
                                placeholder="type an index", key="sliders_index")
        if sliders.pick_once(index, "index", d):
            sliders.set_code(keys, mu[int(index)], LIMIT, f"Test image {index}")


state = f"websliders_{d}"  # the component's own state: the code the browser last sent


def take_code() -> None:
    """A slider was released: keep the browser's code (other lessons start from it)."""
    for key, value in zip(keys, st.session_state[state]["z"]):
        st.session_state[key] = float(value)


@layout.fragment
def slider_panel() -> None:
    """The sliders and dec(z), both in the browser: `web/sliders.js` runs the decoder's layers
    on every step of a drag; the server sees the code only when a slider is released."""
    with layout.part("the sliders"):  # inside: a fragment's own errors stay in the fragment
        z = np.array([st.session_state[key] for key in keys], dtype=np.float32)
        sliders.show(selection.browser_parts(ref), z,
                     version=st.session_state.setdefault("sliders_version", 0), key=state,
                     cmap=selection.cmap(), caption=f"dec(z) — {ref.label}", limit=LIMIT,
                     on_change=take_code, model=selection.model(ref), keys_=keys)
    classroom.share(f"sliders_{d}", [round(float(st.session_state[key]), 2) for key in keys])


slider_panel()
if "sliders_clipped" in st.session_state:
    st.warning(st.session_state.pop("sliders_clipped"))

with layout.part("what to notice"):
    layout.notice([c.text for c in lesson.claims(selection.card(ref), mu, LIMIT)] + [
        "Nearby codes decode to similar digits: move one slider slowly and watch the digit "
        "morph rather than jump."])
layout.try_this([
    "Load the prototype of a 1, then move the sliders one by one until it becomes a 7. "
    "Predict which dimension you will need before you touch any.",
    "Click Random draw ten times with the VAE, then with the autoencoder of the same size: "
    "which gives more digits you can name?",
])
layout.show_code(decode, decoder_part, prototypes)
layout.next_lesson(PAGE)

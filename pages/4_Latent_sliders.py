"""Lesson: drive the decoder by hand, one slider per latent dimension."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core import ui
from core.data import MnistError
from core.latent import decode, prototypes

PAGE = "pages/4_Latent_sliders.py"
LIMIT = 3.0
choice = ui.lesson("Latent sliders", "🕹️", [
    "that the decoder is a function you can drive: a code in, a digit out",
    "which directions of the latent space matter and which do nothing",
    "why the sliders stop at ±3",
])
st.markdown(r"""
Each slider is one number of the code $z$; the picture is $\mathrm{dec}(z)$, redrawn as you
move. A VAE's prior is $\mathcal N(0, I)$, so each number is usually within ±3: 99.7 % of a
standard normal lies there, and beyond it the decoder has rarely been trained. An
autoencoder's codes have no such scale — compare the two in the sidebar.
""")

model = ui.model_for(choice)
d = choice.latent
keys = [f"slider_{d}_{j}" for j in range(d)]  # one set per latent size


def set_z(z: np.ndarray) -> None:
    """Move every slider to z (clipped to the sliders' range)."""
    for key, value in zip(keys, np.clip(np.round(z, 1), -LIMIT, LIMIT)):
        st.session_state[key] = float(value)


incoming = st.session_state.pop("sliders_incoming", None)  # a code sent by another lesson
if incoming is not None and len(incoming["z"]) == d:
    set_z(np.asarray(incoming["z"]))
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
    try:
        x_test, labels = ui.test_set()
        mu = ui.codes_for(choice)
    except MnistError:  # the sliders work without the data
        mu = None
        c3.caption("Digit prototypes and test images need the MNIST digits; zeros and random "
                   "draws work without them.")
    if mu is not None:
        protos = prototypes(mu, labels)
        digit = c3.selectbox("A digit's prototype", range(10), index=None,
                             placeholder="choose a digit", key="sliders_proto")
        if digit is not None and st.session_state.get("sliders_proto_done") != (digit, d):
            set_z(protos[digit])
        st.session_state.sliders_proto_done = (digit, d)
        index = c4.number_input("An encoded test image (index)", 0, len(mu) - 1, None,
                                placeholder="type an index", key="sliders_index")
        if index is not None and st.session_state.get("sliders_index_done") != (index, d):
            set_z(mu[int(index)])
        st.session_state.sliders_index_done = (index, d)


@st.cache_data
def code_chart_spec() -> dict:
    """The bar chart of z as a Vega-Lite spec, built (and validated) by Altair once: rebuilding
    an Altair chart on every slider move costs more than decoding the digit."""
    chart = alt.Chart(pd.DataFrame({"dimension": ["z0"], "value": [0.0]})).mark_bar().encode(
        x=alt.X("dimension:N", sort=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", scale=alt.Scale(domain=[-LIMIT, LIMIT])),
        color=alt.condition("datum.value >= 0", alt.value("#4c78a8"), alt.value("#f58518")),
    ).properties(height=220, title="The current code z")
    spec = chart.to_dict()
    spec.pop("data", None)
    spec.pop("datasets", None)
    return spec


@ui.fragment
def sliders() -> None:
    """Only this part reruns when a slider moves: decode one code and redraw.

    The picture is sent before the sliders are (they already hold their new values), and the
    sliders fill a few tall columns rather than a row of columns per pair: each
    layout block is one more message between the move and the new digit on screen.
    """
    left, right = st.columns([3, 2])
    z = np.array([st.session_state[key] for key in keys], dtype=np.float32)
    with right:
        ui.image(decode(model, z), choice, scale=10, caption=f"dec(z) — {choice.label}")
        frame = pd.DataFrame({"dimension": [f"z{j}" for j in range(d)], "value": z})
        st.vega_lite_chart(frame, code_chart_spec(), width="stretch")
        st.caption(f"‖z‖ = {np.linalg.norm(z):.2f}; a draw from N(0, I) has ‖z‖ ≈ "
                   f"√{d} = {np.sqrt(d):.2f}.")
    with left:
        columns = st.columns(4 if d > 10 else 2)
        per_column = -(-d // len(columns))  # z0..z4 down the first column, z5..z9 the next
        for j, key in enumerate(keys):
            columns[j // per_column].slider(f"z{j}", -LIMIT, LIMIT, step=0.1, key=key,
                                            format="%.1f")


sliders()

facts = []
card = ui.card_of(choice)
if choice.family == "vae":
    per_dim = np.array(card["test"]["kl_per_dim"])
    dead = [f"z{j}" for j in np.flatnonzero(per_dim < 0.01)]
    facts.append(f"This VAE uses {card['test']['active_dims']} of its {d} dimensions "
                 + (f"— {', '.join(dead)} carry no information (KL < 0.01 nats): move them and "
                    "the digit does not change." if dead else "— every slider should change "
                    "the digit."))
if mu is not None:
    lo, hi = np.percentile(mu, [0.5, 99.5])
    facts.append(f"99 % of this model's test codes lie between {lo:.1f} and {hi:.1f} on any "
                 f"dimension" + (", well beyond the sliders' ±3: the autoencoder never learned "
                                 "to use N(0, I)'s scale." if choice.family == "ae" and
                                 max(abs(lo), hi) > LIMIT else "."))
facts.append("Nearby codes decode to similar digits: move one slider slowly and watch the "
             "digit morph rather than jump.")
ui.notice(facts)
ui.try_this([
    "Load the prototype of a 1, then move the sliders one by one until it becomes a 7. "
    "Predict which dimension you will need before you touch any.",
    "Click Random draw ten times with the VAE, then with the autoencoder of the same size: "
    "which gives more digits you can name?",
])
ui.show_code(decode, prototypes)
ui.next_lesson(PAGE)

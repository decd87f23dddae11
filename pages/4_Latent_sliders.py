"""Lesson: drive the decoder by hand, one slider per latent dimension."""

import numpy as np
import streamlit as st

from core import ui, websliders
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
Each slider is one number of the code $z$; the picture is $\mathrm{dec}(z)$, redrawn at every
step of a drag: your browser runs the decoder's layers itself (the server sent their weights
once), so drag slowly and watch the digit morph. A VAE's prior is $\mathcal N(0, I)$, so each
number is usually within ±3: 99.7 % of a standard normal lies there, and beyond it the decoder
has rarely been trained. An autoencoder's codes have no such scale — compare the two in the
sidebar.
""")

model = ui.model_for(choice)
d = choice.latent
keys = [f"slider_{d}_{j}" for j in range(d)]  # one set per latent size


def set_z(z: np.ndarray) -> None:
    """Move every slider to z (clipped to the sliders' range)."""
    for key, value in zip(keys, np.clip(np.round(z, 1), -LIMIT, LIMIT)):
        st.session_state[key] = float(value)
    # the browser moves its sliders only for a new version
    st.session_state.sliders_version = st.session_state.get("sliders_version", 0) + 1


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


spec = websliders.cached_spec(model)
state = f"websliders_{d}"  # the component's own state: the code the browser last sent


def take_code() -> None:
    """A slider was released: keep the browser's code (other lessons start from it)."""
    for key, value in zip(keys, st.session_state[state]["z"]):
        st.session_state[key] = float(value)


def resend() -> None:
    """The browser lacks this model's layers (a new tab of this session): send them again."""
    st.session_state.pop("websliders_sent", None)


@ui.fragment
def sliders() -> None:
    """The sliders and dec(z), both in the browser: `web/sliders.js` runs the decoder's layers
    on every step of a drag; the server sees the code only when a slider is released."""
    z = np.array([st.session_state[key] for key in keys], dtype=np.float32)
    sent = st.session_state.setdefault("websliders_sent", set())
    websliders.sliders(spec, z, version=st.session_state.setdefault("sliders_version", 0),
                       key=state, cmap=choice.cmap, caption=f"dec(z) — {choice.label}",
                       limit=LIMIT, on_change=take_code, on_missing=resend,
                       send_spec=spec["key"] not in sent)
    sent.add(spec["key"])


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
ui.show_code(decode, websliders.decoder_spec, prototypes)
ui.next_lesson(PAGE)

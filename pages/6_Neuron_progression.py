"""Lesson: sweep one latent dimension at a time and name what it controls."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
import torch

from core import ui
from core.data import MnistError
from core.images import labelled_grid
from core.latent import decode, prototypes, sweep

PAGE = "pages/6_Neuron_progression.py"
choice = ui.lesson("Neuron progression", "🎞️", [
    "how to probe a decoder one latent dimension (“neuron”) at a time",
    "that dimensions control features — thickness, slant, width, one digit morphing into another",
    "that some dimensions do nothing, and why",
])
st.markdown(r"""
Fix a **base code** $z$, then change one dimension $z_j$ over a range while every other
dimension stays put, and decode each step. A column of the grid below is one such sweep: it
shows what that dimension alone does to the digit. This is how the classic VAE notebooks
probe a model, and the step before naming a latent space's directions.
""")

model = ui.model_for(choice)
d = choice.latent
names = [f"N{j}" for j in range(d)]

with st.container(border=True):
    left, right = st.columns(2)
    bases = ["a digit's prototype", "zeros", "a random draw", "the sliders' current code"]
    base_kind = left.radio("Base code", bases, horizontal=True, key="prog_base")
    base = np.zeros(d, dtype=np.float32)
    if base_kind == bases[0]:
        try:
            x_test, labels = ui.test_set()
            digit = right.selectbox("Digit", range(10), index=3, key="prog_digit")
            base = prototypes(ui.codes_for(choice), labels)[digit]
        except MnistError:
            right.warning("Prototypes need the MNIST digits; using zeros instead.")
    elif base_kind == bases[2]:
        seed = right.number_input("Seed", 0, 10_000, 0, key="prog_seed")
        base = np.random.default_rng(int(seed)).standard_normal(d).astype(np.float32)
    elif base_kind == bases[3]:
        keys = [f"slider_{d}_{j}" for j in range(d)]
        if all(k in st.session_state for k in keys):
            base = np.array([st.session_state[k] for k in keys], dtype=np.float32)
        else:
            right.info("Open Latent sliders with this model first; using zeros for now.")
    dims = st.multiselect("Dimensions", range(d), default=list(range(d)), key=f"prog_dims_{d}",
                          format_func=lambda j: names[j])
    a, b = st.columns(2)
    low, high = a.slider("Range", -6.0, 6.0, (-4.5, 4.5), 0.5, key="prog_range")
    steps = b.number_input("Steps", 2, 21, 10, key="prog_steps")

if not dims:
    st.warning("Choose at least one dimension to sweep.")
    st.stop()
values = torch.linspace(low, high, int(steps))
z = sweep(torch.as_tensor(base), dims, values)                     # dimension-major
images = decode(model, z).reshape(len(dims), int(steps), 1, 28, 28)
grid = images.transpose(0, 1).reshape(-1, 1, 28, 28)               # one column per dimension
grid_labels = [f"{names[j]} = {v:.2f}" for v in values.tolist() for j in dims]
ui.picture(labelled_grid(grid, grid_labels, columns=len(dims), scale=2, cmap=choice.cmap),
           caption=f"One column per dimension, one row per step, "
           f"{choice.label}. The base code is {base_kind}.")

change = (images - images[:, :1]).abs().mean((1, 2, 3, 4)).numpy() * 784  # pixels changed
frame = pd.DataFrame({"dimension": [names[j] for j in dims], "change": change.astype(float)})
if choice.family == "vae":
    frame["KL (nats)"] = [ui.card_of(choice)["test"]["kl_per_dim"][j] for j in dims]
st.altair_chart(alt.Chart(frame).mark_bar().encode(
    x=alt.X("dimension:N", sort=[names[j] for j in dims], axis=alt.Axis(labelAngle=0)),
    y=alt.Y("change:Q", title="ink moved (pixels)"),
    tooltip=list(frame.columns),
).properties(height=300, title="How much each dimension changes the image"), width="stretch")
order = frame.sort_values("change", ascending=False)
facts = [f"{order.dimension.iloc[0]} changes the digit most ({order.change.iloc[0]:.0f} pixels "
         f"of ink moved on average between the first and the other steps); "
         f"{order.dimension.iloc[-1]} least ({order.change.iloc[-1]:.0f})."]
if choice.family == "vae":
    dead = frame[frame["KL (nats)"] < 0.01].dimension.tolist()
    if dead:
        facts.append(f"{', '.join(dead)} carry no information (KL < 0.01 nats): the decoder "
                     "learned to ignore them, so their columns hardly change.")
    facts.append("Beyond ±3 the VAE's decoder has rarely seen a code: look at how the extreme "
                 "rows smear or saturate.")
ui.notice(facts)

st.text_area("Name the dimensions (your notes stay in this browser session)",
             placeholder="N0: slant to the right\nN1: thick → thin\nN2: 1 morphs into 7 …",
             key=f"prog_notes_{choice.family}_{d}")
ui.try_this([
    "Before you look at the grid: with a 1 as the base, which dimension will turn it into a 7? "
    "Write your guess in the notes, then check.",
    "Change the base to another digit. Does each dimension still control the same feature, or "
    "does its meaning depend on where you start?",
])
ui.show_code(sweep, labelled_grid)
ui.next_lesson(PAGE)

"""Lesson: sweep one latent dimension at a time and name what it controls."""

import pandas as pd
import streamlit as st
import torch

from core.app import charts, controls, layout, selection
from core.images import labelled_grid
from core.latent import dim_name, sweep, sweep_decoded
from core.lessons.sliders import sweep_claims

PAGE = "pages/6_Neuron_progression.py"
ref = layout.lesson("Neuron progression", "🎞️", [
    "how to probe a decoder one latent dimension (“neuron”) at a time",
    "that dimensions control features — thickness, slant, width, one digit morphing into another",
    "that some dimensions do nothing, and why",
], terms=["active dimension", "KL", "prior"])
st.markdown(r"""
Fix a **base code** $z$, then change one dimension $z_j$ over a range while every other
dimension stays put, and decode each step. A column of the grid below is one such sweep: it
shows what that dimension alone does to the digit. This is how the classic VAE notebooks
probe a model, and the step before naming a latent space's directions.
""")

d = ref.latent
codes, labels = selection.codes_if_any(ref, "A digit's prototype as the base",
                                       "the other bases work without them")

with st.container(border=True):
    left, right = st.columns(2)
    base, base_kind = controls.base_code(ref.kind, d, codes, labels, key="prog", left=left,
                                         right=right, label="Base code",
                                         choices=(controls.PROTOTYPE, controls.ZEROS,
                                                  controls.RANDOM, controls.SLIDERS))
    dims = st.multiselect("Dimensions", range(d), default=list(range(d)), key=f"prog_dims_{d}",
                          persist_state="session",
                          format_func=dim_name)
    a, b = st.columns(2)
    low, high = a.slider("Range", -6.0, 6.0, (-4.5, 4.5), 0.5, key="prog_range",
                         persist_state="session")
    steps = int(b.number_input("Steps", 2, 21, 10, key="prog_steps", persist_state="session"))

with layout.part("the sweep"):
    if not dims:
        raise layout.Advice("Choose at least one dimension to sweep.")
    values = torch.linspace(low, high, steps)
    images, moved = sweep_decoded(selection.model(ref), torch.as_tensor(base), dims, values)
    grid = images.transpose(0, 1).reshape(-1, 1, 28, 28)       # one column per dimension
    charts.picture(labelled_grid(grid, [f"{dim_name(j)} = {v:.2f}" for v in values.tolist()
                                        for j in dims], columns=len(dims), scale=2,
                                 cmap=selection.cmap()),
                   caption=f"One column per dimension, one row per step, {ref.label}. The base "
                   f"code is {base_kind}.")
    frame = pd.DataFrame({"dimension": [dim_name(j) for j in dims], "ink moved (pixels)": moved})
    if ref.kind == "vae":
        frame["KL (nats)"] = [selection.card(ref).test.kl_per_dim[j] for j in dims]
    st.altair_chart(charts.bars(frame, "dimension", "ink moved (pixels)",
                                title="How much each dimension changes the image"),
                    width="stretch")
    layout.notice([c.text for c in sweep_claims(selection.card(ref), dims, moved, low, high)])

st.text_area("Name the dimensions (your notes stay in this browser session)",
             placeholder="z0: slant to the right\nz1: thick → thin\nz2: 1 morphs into 7 …",
             key=f"prog_notes_{ref.kind}_{d}", persist_state="session")
layout.try_this([
    "Before you look at the grid: with a 1 as the base, which dimension will turn it into a 7? "
    "Write your guess in the notes, then check.",
    "Change the base to another digit. Does each dimension still control the same feature, or "
    "does its meaning depend on where you start?",
])
layout.show_code(sweep, labelled_grid)
layout.next_lesson(PAGE)

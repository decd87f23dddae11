"""Lesson: sweep one latent dimension at a time and name what it controls."""

import numpy as np
import pandas as pd
import streamlit as st
import torch

from core import describe
from core.app import charts, layout, live, selection
from core.app.controls import sliders_code
from core.images import labelled_grid
from core.latent import dim_name, prototypes, sweep, sweep_decoded
from core.lessons import views
from core.lessons.sliders import sweep_claims, sweep_header

PAGE = "pages/6_Neuron_progression.py"
ref = layout.lesson("Neuron progression", "🎞️", [
    "how to probe a decoder one latent dimension (“neuron”) at a time",
    "that dimensions control features — thickness, slant, width, one digit morphing into another",
    "that some dimensions do nothing, and why",
], terms=["active dimension", "KL", "prior"])
st.markdown(r"""
Fix a **base code** $z$, then change one dimension $z_j$ over a range while every other
dimension stays put, and decode each step. A column of the grid below is one such sweep: it
shows what that dimension alone does to the digit. Your browser runs the decoder, so the grid
redraws as you change the dimensions, the range, the steps or the base. This is how the classic VAE notebooks
probe a model, and the step before naming a latent space's directions.
""")

d = ref.latent
codes, labels = selection.codes_if_any(ref, "A digit's prototype as the base",
                                       "the other bases work without them")

key = f"prog_live_{d}"  # the browser's grid: it redraws itself and sends its settings on a change
view = views.sweep_view(live.kept(key), d, views.SweepView(
    tuple(range(d)), base=prototypes(codes, labels)[3] if codes is not None else np.zeros(d),
    base_choice="p3" if codes is not None else "zeros"))

with layout.part("the sweep"):
    header, arrays = sweep_header(view, codes, labels, sliders_code(ref.kind, d, codes))
    header.update(lut=live.colours(selection.cmap()), cmap=selection.cmap(), version=ref.label,
                  caption=ref.label + ".")
    images, moved = sweep_decoded(selection.model(ref), torch.as_tensor(view.base),
                                  list(view.dims), torch.linspace(view.low, view.high, view.steps))
    live.show_view("sweep", header, {"decoder": selection.browser_parts(ref)["decoder"]},
                   key=key, arrays=arrays, fallback=lambda: charts.image(
                       images.transpose(0, 1).reshape(-1, 1, 28, 28), columns=len(view.dims),
                       alt=describe.grid(view.steps, len(view.dims), "digits") + ": column by "
                       "column, dimension " + describe.listing([dim_name(j) for j in view.dims])
                       + f" moved from {view.low:g} (top) to {view.high:g} (bottom) from the "
                       f"base code ({view.base_kind})",
                       caption="One column per dimension (" + ", ".join(map(dim_name, view.dims))
                       + f"), one row per step from {view.low:g} (top) to {view.high:g} "
                       f"(bottom), the others at the base code ({view.base_kind})."))
    frame = pd.DataFrame({"dimension": [dim_name(j) for j in view.dims],
                          "ink moved (pixels)": moved})
    if ref.kind == "vae":
        frame["KL (nats)"] = [selection.card(ref).test.kl_per_dim[j] for j in view.dims]
    charts.show(charts.bars(frame, "dimension", "ink moved (pixels)",
                            title=f"How much each dimension changes the image (base code: "
                            f"{view.base_kind})"), data=frame,
                alt_text="Bar chart: the ink (pixels) each swept dimension moves, one bar per "
                "dimension")
    layout.notice([c.text for c in sweep_claims(selection.card(ref), list(view.dims), moved,
                                                view.low, view.high)])

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

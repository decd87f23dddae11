"""Lesson: the decoder's output over a plane of the latent space, beside where the digits live."""

import numpy as np
import pandas as pd
import streamlit as st
import torch

from core.app import charts, controls, layout, maps, selection
from core.images import labelled_grid, tile, to_pixels
from core.latent import decode, dim_name, manifold_codes
from core.lessons import manifold as lesson

PAGE = "pages/7_Latent_manifold.py"
ref = layout.lesson("Latent manifold", "🗺️", [
    "to read a 2-D slice of the latent space as a map: what the decoder draws at each point",
    "to match the map with where the test digits actually are, and when the two can differ",
    "why an autoencoder's map needs standardised axes and a VAE's does not",
], terms=["latent size", "prior", "mean code"])
st.markdown(r"""
Pick two latent dimensions, fix the others at a **base code**, and decode a grid of codes
over a square of the plane. The grid is a map of what the decoder draws there. Beside it, the
test digits' codes for the same two dimensions, on the same axes: the map only makes sense
where there are codes, and is guesswork in between.
""")

d = ref.latent
mu, labels = selection.codes_if_any(ref, "The scatter of the test codes", "the map of the "
                                     "decoder works without them, from zeros or a random base")

# Start on the two dimensions the test codes spread most along: a collapsed one is a dull map.
widest = np.argsort(-mu.std(0))[:2].tolist() if mu is not None and d > 1 else [0, min(1, d - 1)]
with st.container(border=True):
    c1, c2, c3 = st.columns(3)
    dim_x = c1.selectbox("Horizontal dimension", range(d), widest[0], key=f"man_x_{d}",
                         persist_state="session",
                         format_func=dim_name)
    dim_y = c2.selectbox("Vertical dimension", range(d), widest[-1], key=f"man_y_{d}",
                         persist_state="session",
                         format_func=dim_name)
    c4, c5, c6 = st.columns(3)
    low, high = c4.slider("Range", -8.0, 8.0, (-4.0, 4.0), 0.5, key="man_range",
                          persist_state="session")
    steps = int(c5.slider("Steps a side", 3, 20, 12, key="man_steps", persist_state="session"))
    standard = c6.toggle("Standardised axes (z-scores)", key="man_std",
                         persist_state="session", disabled=mu is None,
                         help="Measure each axis in standard deviations of the test codes.")
    base, base_kind = controls.base_code(ref.kind, d, mu, labels, key="man", left=c3, right=c3,
                                         choices=(controls.ZEROS, controls.RANDOM,
                                                  controls.PROTOTYPE), disabled=d == 2,
                                         label="Other dimensions from")

with layout.part("the map"):
    if dim_x == dim_y or high <= low:
        raise layout.Advice("Choose two different dimensions and a range with two different ends.")
    model, dims, axes = selection.model(ref), (dim_x, dim_y), lesson.Axes.of(mu, d, standard)
    titles = (f"{dim_name(dim_x)} ({axes.unit})", f"{dim_name(dim_y)} ({axes.unit})")
    values = np.linspace(low, high, steps, dtype=np.float32)
    grid = tile(decode(model, manifold_codes(torch.as_tensor(base), dim_x, dim_y,
                                             torch.as_tensor(axes.to_z(values, dim_x)),
                                             torch.as_tensor(axes.to_z(values, dim_y)))),
                columns=steps, pad=0)
    half = (values[1] - values[0]) / 2
    extent = (float(low - half), float(high + half))
    slice_title = "What the decoder draws" + ("" if d == 2 else f" on the slice through the base "
                                              f"code ({base_kind})")
    left, right = st.columns(2)
    left.altair_chart(maps.decoded_map(to_pixels(grid, scale=1, cmap=selection.cmap()), extent,
                                       titles, title=slice_title))
    picked_codes = None
    if mu is not None:
        keep = np.random.default_rng(0).choice(len(mu), 3000, replace=False)
        points = pd.DataFrame({"x": axes.from_z(mu[keep, dim_x], dim_x),
                               "y": axes.from_z(mu[keep, dim_y], dim_y),
                               "digit": labels[keep], "index": keep})
        where = "Where the test digits are" if d == 2 else "The test codes projected onto " \
            "these two dimensions"
        with right:
            event = st.altair_chart(maps.clickable_codes(points, extent, titles,
                                                         title=f"{where} (click to pick)"),
                                    on_select="rerun", key=f"man_scatter_{ref.key}")
        chosen = [p["index"] for p in (event.selection.get("pick", []) if event else [])
                  if "index" in p]
        picked_codes = mu[chosen] if chosen else None
        with layout.part("the reading of the digit centres"):
            layout.notice([c.text for c in lesson.centre_claims(model, mu, labels, base, dims,
                                                                axes, extent)]
                          + [lesson.scale_claim(axes, dims).text])
        if d > 2:
            st.caption("With more than two dimensions the two plots differ: the map fixes every "
                       "other dimension at the base code, while each test code keeps its own. A "
                       "digit's place in the scatter is not where the map draws it.")

    st.subheader("Decode points you pick")
    st.markdown("Click test digits on the scatter (click again to drop one): each decodes from "
                "its own full code. Or type points on the map's axes as `x, y` pairs separated "
                "by `;`: they decode on the slice. Two points and *as a line* decodes the path.")
    typed = st.text_input("Points", placeholder="-2, 1; 0, 0; 2.5, -1", key="man_typed",
                          persist_state="session")
    as_line = st.toggle("As a line between the first two points", key="man_line",
                        persist_state="session")
    try:
        z = lesson.points_to_decode(typed, picked_codes, base, dims, axes, as_line)
    except ValueError as error:
        raise layout.Advice(str(error)) from None
    if z is None:
        raise layout.Nothing("No points picked yet: click the scatter or type some.")
    shown = np.stack([axes.from_z(z[:, j].numpy(), j) for j in dims], 1)
    charts.picture(labelled_grid(decode(model, z), [f"({a:.1f}, {b:.1f})" for a, b in shown],
                                 columns=min(len(z), 12), scale=3, cmap=selection.cmap()),
                   caption=f"Decoded at the codes labelled ({dim_name(dim_x)}, "
                   f"{dim_name(dim_y)}), in {axes.unit}s")

if mu is not None and d > 2:
    maps.pairs_expander(mu, labels, axes.from_z, key=f"man_pairs_{d}")

layout.try_this([
    "Before you look at the map: where on it should the 1s be? Find them in the scatter, then "
    "check what the decoder draws there.",
    "Switch to the autoencoder at latent size 2 and turn standardised axes off and on. Why "
    "does the map suddenly line up with the codes?",
])
layout.show_code(manifold_codes)
layout.next_lesson(PAGE)

"""Lesson: the decoder's output over a plane of the latent space, beside where the digits live."""

import numpy as np
import streamlit as st

from core import describe
from core.app import charts, layout, live, maps, selection
from core.images import labelled_grid
from core.latent import decode, dim_name, manifold_codes
from core.lessons import manifold as lesson
from core.lessons import views

PAGE = "pages/7_Latent_manifold.py"
ref = layout.lesson("Latent manifold", "🗺️", [
    "to read a 2-D slice of the latent space as a map: what the decoder draws at each point",
    "to match the map with where the test digits actually are, and when the two can differ",
    "why an autoencoder's map needs standardised axes and a VAE's does not",
], terms=["latent size", "prior", "mean code"])
st.markdown(r"""
Pick two latent dimensions, fix the others at a **base code**, and decode a grid of codes
over a square of the plane. The grid is a map of what the decoder draws there; your browser
runs the decoder, so the map redraws as you change it, and the digit under your pointer (or
finger, or the arrow keys on the map) is decoded large beside it. Next, the test digits' codes
for the same two dimensions, on the same axes: the map only makes sense where there are codes,
and is guesswork in between.
""")

d = ref.latent
mu, labels = selection.codes_if_any(ref, "The scatter of the test codes", "the map of the "
                                     "decoder works without them, from zeros or a random base")

# Start on the two dimensions the test codes spread most along: a collapsed one is a dull map.
widest = np.argsort(-mu.std(0))[:2].tolist() if mu is not None and d > 1 else [0, min(1, d - 1)]
key = f"man_live_{d}"  # the browser's map: it redraws itself, and sends its settings on a change
view = views.map_view(live.kept(key), d,
                      views.MapView(widest[0], widest[-1], base=np.zeros(d, np.float32)),
                      0 if mu is None else len(mu))
axes, dims = lesson.Axes.of(mu, d, view.standard), (view.dx, view.dy)

with layout.part("the map"):
    model = selection.model(ref)
    header, arrays = lesson.map_header(view, mu, labels, d)
    header.update(lut=live.colours(selection.cmap()), cmap=selection.cmap(), version=ref.label,
                  title="What the decoder draws" + ("" if d == 2 else " on the slice through "
                                                    "the base code"),
                  scatter_title="Where the test digits are" if d == 2 else "The test codes "
                  "projected onto these two dimensions")
    live.show_view("manifold", header, {"decoder": selection.browser_parts(ref)["decoder"],
                                        **selection.reader_parts()},
                   key=key, arrays=arrays, fallback=lambda: charts.image(
                       decode(model, lesson.map_codes(view, axes)), columns=view.steps, pad=0,
                       alt=describe.grid(view.steps, view.steps, "digits the decoder draws")
                       + f" on the plane of {dim_name(view.dx)} and {dim_name(view.dy)}",
                       read=True,
                       scale=2, caption=f"{header['title']}: {dim_name(view.dx)} from "
                       f"{view.low:g} to {view.high:g} left to right, {dim_name(view.dy)} "
                       f"from {view.high:g} down to {view.low:g}, in {axes.unit}s"))
    picked_codes = mu[list(view.picked)] if mu is not None and view.picked else None
    half = (view.high - view.low) / (view.steps - 1) / 2
    extent = (view.low - half, view.high + half)
    if mu is not None:
        with layout.part("the reading of the digit centres"):
            layout.notice([c.text for c in lesson.centre_claims(model, mu, labels, view.base,
                                                                dims, axes, extent)]
                          + [lesson.scale_claim(axes, dims).text])
        if d > 2:
            st.caption("With more than two dimensions the two plots differ: the map fixes every "
                       "other dimension at the base code, while each test code keeps its own. A "
                       "digit's place in the scatter is not where the map draws it.")

    st.header("Decode points you pick")
    st.markdown("Click test digits on the scatter (click again to drop one): each decodes from "
                "its own full code. Or type points on the map's axes as `x, y` pairs separated "
                "by `;`: they decode on the slice. Two points and *as a line* decodes the path.")
    typed = st.text_input("Points", placeholder="-2, 1; 0, 0; 2.5, -1", key="man_typed",
                          persist_state="session")
    as_line = st.toggle("As a line between the first two points", key="man_line",
                        persist_state="session")
    try:
        z = lesson.points_to_decode(typed, picked_codes, view.base, dims, axes, as_line)
    except ValueError as error:
        raise layout.Advice(str(error)) from None
    if z is None:
        raise layout.Nothing("No points picked yet: click the scatter or type some.")
    shown = np.stack([axes.from_z(z[:, j].numpy(), j) for j in dims], 1)
    x_hat = decode(model, z)
    where = [f"({a:.1f}, {b:.1f})" for a, b in shown]
    charts.picture(labelled_grid(x_hat, where, columns=min(len(z), 12), scale=3,
                                 cmap=selection.cmap()),
                   alt=charts.read_digits(f"{len(z)} digit{'s' * (len(z) > 1)} decoded at ({dim_name(view.dx)}, "
                                          f"{dim_name(view.dy)}) = " + describe.listing(where),
                                          x_hat),
                   caption=f"Decoded at the codes labelled ({dim_name(view.dx)}, "
                   f"{dim_name(view.dy)}), in {axes.unit}s")

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

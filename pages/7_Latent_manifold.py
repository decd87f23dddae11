"""Lesson: the decoder's output over a plane of the latent space, beside where the digits live."""

import re

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
import torch

from core import ui
from core.data import MnistError
from core.images import data_uri, labelled_grid, tile, to_pixels
from core.latent import decode, interpolate, manifold_codes, prototypes

PAGE = "pages/7_Latent_manifold.py"
choice = ui.lesson("Latent manifold", "🗺️", [
    "to read a 2-D slice of the latent space as a map: what the decoder draws at each point",
    "to match the map with where the test digits actually are",
    "why an autoencoder's map needs standardised axes and a VAE's does not",
])
st.markdown(r"""
Pick two latent dimensions, fix the others at a **base code**, and decode a grid of codes
over a square of the plane. The grid is a map of what the decoder draws there. Beside it, the
test digits' codes for the same two dimensions, on the same axes: the map only makes sense
where there are codes, and is guesswork in between.
""")

model = ui.model_for(choice)
d = choice.latent
try:
    x_test, labels = ui.test_set()
    mu = ui.codes_for(choice)
except MnistError as error:
    x_test = labels = mu = None
    st.warning(f"The scatter of the test codes needs the MNIST digits ({error}); the map of "
               "the decoder below works without them, from zeros or a random base.")

# Start on the two dimensions the test codes spread most along: a collapsed one is a dull map.
widest = np.argsort(-mu.std(0))[:2].tolist() if mu is not None and d > 1 else [0, min(1, d - 1)]
with st.container(border=True):
    c1, c2, c3 = st.columns(3)
    dim_x = c1.selectbox("Horizontal dimension", range(d), widest[0], key=f"man_x_{d}",
                         format_func=lambda j: f"z{j}")
    dim_y = c2.selectbox("Vertical dimension", range(d), widest[-1], key=f"man_y_{d}",
                         format_func=lambda j: f"z{j}")
    bases = ["zeros", "a random draw"] + (["a digit's prototype"] if mu is not None else [])
    base_kind = c3.radio("Other dimensions from", bases, horizontal=True, key="man_base")
    c4, c5, c6 = st.columns(3)
    low, high = c4.slider("Range", -8.0, 8.0, (-4.0, 4.0), 0.5, key="man_range")
    steps = int(c5.slider("Steps a side", 3, 20, 12, key="man_steps"))
    standard = c6.toggle("Standardised axes (z-scores)", key="man_std", disabled=mu is None,
                         help="Measure each axis in standard deviations of the test codes.")
    base = np.zeros(d, dtype=np.float32)
    if base_kind == "a random draw":
        base = np.random.default_rng(int(c3.number_input("Seed", 0, 10_000, 0, key="man_seed"))
                                     ).standard_normal(d).astype(np.float32)
    elif base_kind == "a digit's prototype":
        digit = c3.selectbox("Digit", range(10), 3, key="man_digit")
        base = prototypes(mu, labels)[digit]

if dim_x == dim_y:
    st.warning("Choose two different dimensions.")
    st.stop()
if high <= low:
    st.warning("The range needs two different ends.")
    st.stop()
if standard and mu is not None:
    centre, scale = mu.mean(0), mu.std(0) + 1e-8
else:
    centre, scale = np.zeros(d, dtype=np.float32), np.ones(d, dtype=np.float32)
unit = "z-score" if standard else "z"


def to_z(u: np.ndarray, j: int) -> np.ndarray:
    """Axis values (z-scores when standardised) -> latent values of dimension j."""
    return centre[j] + scale[j] * u


values = np.linspace(low, high, steps, dtype=np.float32)
codes = manifold_codes(torch.as_tensor(base), dim_x, dim_y, torch.as_tensor(to_z(values, dim_x)),
                       torch.as_tensor(to_z(values, dim_y)))
grid = tile(decode(model, codes), columns=steps, pad=0)
half = (values[1] - values[0]) / 2
extent = [float(low - half), float(high + half)]


axis_x = alt.X("x:Q", title=f"z{dim_x} ({unit})", scale=alt.Scale(domain=extent, nice=False))
axis_y = alt.Y("y:Q", title=f"z{dim_y} ({unit})", scale=alt.Scale(domain=extent, nice=False))
picture = pd.DataFrame({"x": [extent[0]], "x2": [extent[1]], "y": [extent[0]], "y2": [extent[1]],
                        "url": [data_uri(to_pixels(grid, scale=1, cmap=choice.cmap))]})
map_chart = alt.Chart(picture).mark_image(aspect=False, smooth=False).encode(
    x=axis_x, x2="x2", y=axis_y, y2="y2", url="url",
).properties(width=420, height=420, title="What the decoder draws")

left, right = st.columns(2)
left.altair_chart(map_chart)
picked = pd.DataFrame(columns=["x", "y"])
if mu is not None:
    keep = np.random.default_rng(0).choice(len(mu), 3000, replace=False)
    points = pd.DataFrame({"x": (mu[keep, dim_x] - centre[dim_x]) / scale[dim_x],
                           "y": (mu[keep, dim_y] - centre[dim_y]) / scale[dim_y],
                           "digit": labels[keep], "index": keep})
    click = alt.selection_point(name="pick", fields=["x", "y", "index"], nearest=True,
                                on="click", toggle="true")
    scatter = alt.Chart(points).mark_circle(size=14, clip=True).encode(
        x=axis_x, y=axis_y, **ui.digit_colors(),
        opacity=alt.condition(click, alt.value(0.9), alt.value(0.35)),
        tooltip=["digit:N", "index:Q", alt.Tooltip("x:Q", format=".2f"),
                 alt.Tooltip("y:Q", format=".2f")],
    ).add_params(click).properties(width=420, height=420,
                                   title="Where the test digits are (click to pick)")
    with right:
        event = st.altair_chart(scatter, on_select="rerun", key=f"man_scatter_{ui.model_key(choice)}")
    chosen = event.selection.get("pick", []) if event else []
    picked = pd.DataFrame([{"x": p["x"], "y": p["y"]} for p in chosen if "x" in p])
    inside = ((points.x.between(*extent)) & (points.y.between(*extent))).mean()
    by_digit = points.groupby("digit")[["x", "y"]].mean()
    ui.notice([
        f"{inside:.0%} of the test codes fall inside this square; the rest of the map is the "
        "decoder extrapolating.",
        "Digit centres on these axes: " + ", ".join(
            f"{digit} ({row.x:.1f}, {row.y:.1f})" for digit, row in by_digit.iterrows()) + ". "
        "Find each in the map on the left.",
        "Standardising rescales each axis by its test codes' spread: for a VAE (std ≈ 1) the "
        "map barely changes; for an autoencoder it moves the square onto the codes."
        if not standard else f"Standardised: one unit is {scale[dim_x]:.2f} in z{dim_x} and "
        f"{scale[dim_y]:.2f} in z{dim_y}.",
    ])

st.subheader("Decode points you pick")
st.markdown("Click points on the scatter (click again to drop one), or type coordinates on "
            "the axes above as `x, y` pairs separated by `;`. Two points and *as a line* "
            "decodes the path between them.")
typed = st.text_input("Points", placeholder="-2, 1; 0, 0; 2.5, -1", key="man_typed")
if typed.strip():
    pairs = [p for p in typed.split(";") if p.strip()]
    parsed = [re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*", p) for p in pairs]
    if len(pairs) > 20 or not all(parsed):
        st.warning("Type up to 20 points as numbers `x, y`, separated by `;` — e.g. "
                   "`-2, 1; 0, 0`.")
    else:
        picked = pd.DataFrame([{"x": float(m[1]), "y": float(m[2])} for m in parsed])
as_line = st.toggle("As a line between the first two points", key="man_line",
                    disabled=len(picked) < 2)
if len(picked):
    xy = torch.tensor(picked[["x", "y"]].to_numpy(), dtype=torch.float32)
    if as_line and len(xy) >= 2:
        xy = interpolate(xy[0], xy[1], 10)
    z = torch.as_tensor(base).repeat(len(xy), 1)
    z[:, dim_x] = torch.as_tensor(to_z(xy[:, 0].numpy(), dim_x))
    z[:, dim_y] = torch.as_tensor(to_z(xy[:, 1].numpy(), dim_y))
    ui.picture(labelled_grid(decode(model, z), [f"({a:.1f}, {b:.1f})" for a, b in xy.tolist()],
                             columns=min(len(xy), 12), scale=3, cmap=choice.cmap),
               caption=f"Decoded at (z{dim_x}, z{dim_y}), in {unit}s")
else:
    st.caption("No points picked yet.")


def scatter_matrix() -> None:
    """The test codes for every pair of chosen dimensions, densities on the diagonal."""
    dims = st.multiselect("Dimensions (up to 10)", range(d), default=list(range(min(d, 5))),
                          max_selections=10, format_func=lambda j: f"z{j}", key=f"man_pairs_{d}")
    if len(dims) >= 2:
        sub = np.random.default_rng(1).choice(len(mu), 600, replace=False)
        table = pd.DataFrame((mu[sub][:, dims] - centre[dims]) / scale[dims],
                             columns=[f"z{j}" for j in dims]).assign(digit=labels[sub])
        rows = []
        for a in table.columns[:-1]:
            cells = []
            for b in table.columns[:-1]:
                base_chart = alt.Chart(table).properties(width=110, height=110)
                if a == b:
                    cells.append(base_chart.transform_density(b, as_=[b, "density"]).mark_area(
                        opacity=0.6).encode(x=alt.X(f"{b}:Q", title=b),
                                            y=alt.Y("density:Q", title=None, axis=None)))
                else:
                    cells.append(base_chart.mark_circle(size=5, opacity=0.5).encode(
                        x=alt.X(f"{b}:Q", title=b), y=alt.Y(f"{a}:Q", title=a),
                        **ui.digit_colors()))
            rows.append(alt.hconcat(*cells))
        st.altair_chart(alt.vconcat(*rows))
        st.caption(f"600 test codes{' (z-scores)' if standard else ''}; the diagonal shows "
                   "each dimension's density. Round, overlapping blobs centred on 0 are what "
                   "the VAE's prior asks for.")


if mu is not None:
    # Filled once opened (a rerun): up to 100 small charts, the slowest thing on the page to draw.
    with st.expander("Every pair of dimensions: the scatter matrix", key="man_matrix_open",
                     on_change="rerun") as box:
        if box.open:
            scatter_matrix()

ui.try_this([
    "Before you look at the map: where on it should the 1s be? Find them in the scatter, then "
    "check what the decoder draws there.",
    "Switch to the autoencoder at latent size 2 and turn standardised axes off and on. Why "
    "does the map suddenly line up with the codes?",
])
ui.show_code(manifold_codes)
ui.next_lesson(PAGE)

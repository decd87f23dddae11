"""Altair maps of the latent space: every pair of dimensions at once, digits drawn at their
places on an embedding, and a posterior's ellipses among the test codes. (The maps a student
moves over are drawn in the browser: `core/app/web/maps.js`.)"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core import describe
from core.app import charts
from core.app.charts import digit_colors, digit_names
from core.latent import dim_name


def scatter_matrix(table: pd.DataFrame, cell: int = 110) -> alt.VConcatChart:
    """Every pair of the numeric columns of table (plus "digit"): scatters off the diagonal,
    each column's density on it."""
    names = [c for c in table.columns if c != "digit"]
    rows = []
    for a in names:
        cells = []
        for b in names:
            base = alt.Chart(table).properties(width=cell, height=cell)
            if a == b:
                cells.append(base.transform_density(b, as_=[b, "density"]).mark_area(opacity=0.6)
                             .encode(x=alt.X(f"{b}:Q", title=b),
                                     y=alt.Y("density:Q", title=None, axis=None)))
            else:
                points = alt.Chart().mark_circle(size=5, opacity=0.5).encode(
                    x=alt.X(f"{b}:Q", title=b), y=alt.Y(f"{a}:Q", title=a), **digit_colors())
                cells.append(alt.layer(points, digit_names(b, a), data=table)
                             .properties(width=cell, height=cell))
        rows.append(alt.hconcat(*cells))
    return alt.vconcat(*rows)


def pairs_expander(mu: np.ndarray, labels: np.ndarray, scaled: Callable[[np.ndarray, int], np.ndarray],
                   *, key: str, n: int = 600) -> None:
    """An expander with the scatter matrix of chosen dimensions of the codes mu (N, d), each
    column shown as scaled(values, j) (the map's axis units)."""
    d = mu.shape[1]
    # Filled once opened (a rerun): up to 100 small charts, the slowest thing on a page to draw.
    with st.expander("Every pair of dimensions: the scatter matrix", key=f"{key}_open",
                     on_change="rerun") as box:
        if not box.open:
            return
        chosen = st.multiselect("Dimensions (up to 10)", range(d), default=list(range(min(d, 5))),
                                max_selections=10, format_func=dim_name, key=key)
        if len(chosen) < 2:
            st.caption("Choose at least two dimensions.")
            return
        sub = np.random.default_rng(1).choice(len(mu), n, replace=False)
        table = pd.DataFrame(np.stack([scaled(mu[sub, j], j) for j in chosen], 1),
                             columns=[dim_name(j) for j in chosen]).assign(digit=labels[sub])
        charts.show(scatter_matrix(table), width=None,
                    alt_text=f"Scatter matrix of {n} test codes: for each pair of the dimensions "
                    f"{describe.listing(table.columns[:-1].tolist())}, a scatter plot with each "
                    "digit written at the median of its points; on the diagonal, each "
                    "dimension's density",
                    data=table.describe().T.reset_index(names="dimension")[
                        ["dimension", "mean", "std", "min", "50%", "max"]],
                    data_title="Each dimension in numbers: mean, spread, range")
        st.caption(f"{n} test codes, on the map's axes; the diagonal shows each dimension's "
                   "density. Round, overlapping blobs centred on 0 are what a VAE's prior asks for.")


def digit_images(points: pd.DataFrame, method: str, *, n: int, seed: int = 3,
                 height: int = 520) -> alt.Chart:
    """n of the map's digits drawn as their pictures at their places."""
    few = np.random.default_rng(seed).choice(len(points), min(n, len(points)), replace=False)
    return alt.Chart(points.iloc[few]).mark_image(width=22, height=22).encode(
        x=alt.X("x:Q", title=f"{method} 1", scale=alt.Scale(zero=False)),
        y=alt.Y("y:Q", title=f"{method} 2", scale=alt.Scale(zero=False)), url="image:N",
    ).properties(height=height)


def posterior_map(codes: pd.DataFrame, mu: np.ndarray, rings: list[np.ndarray],
                  cloud: np.ndarray, *, title: str, domain: tuple[tuple[float, float],
                                                                 tuple[float, float]] | None = None,
                  height: int = 420) -> alt.Chart:
    """Test codes (columns z0, z1, digit), a posterior's mean mu (2,), its sigma ellipses
    (each (P, 2)) and samples cloud (n, 2) on one plane; `domain` zooms to ((x0, x1), (y0, y1))."""
    scale = [alt.Scale(domain=list(r), nice=False) for r in domain] if domain else \
        [alt.Scale(), alt.Scale()]

    def xy() -> dict:
        return {"x": alt.X("z0:Q", scale=scale[0]), "y": alt.Y("z1:Q", scale=scale[1])}

    layers = [alt.Chart(codes).mark_circle(size=12, opacity=0.5, clip=True).encode(
                  **xy(), **digit_colors()),
              alt.layer(digit_names("z0", "z1", clip=True), data=codes),
              alt.Chart(pd.DataFrame(cloud, columns=["z0", "z1"])).mark_circle(
                  size=10, color="black", opacity=0.5, clip=True).encode(**xy())]
    for ring, dash in zip(rings, ([], [4, 3])):
        frame = pd.DataFrame(ring, columns=["z0", "z1"]).reset_index()
        layers.append(alt.Chart(frame).mark_line(color="black", strokeDash=dash, clip=True)
                      .encode(**xy(), order="index:Q"))
    layers.append(alt.Chart(pd.DataFrame({"z0": [mu[0]], "z1": [mu[1]]})).mark_point(
        shape="cross", size=400, color="black", filled=True, stroke="white", strokeWidth=1)
        .encode(**xy()))
    return alt.layer(*layers).properties(height=height, title=title)

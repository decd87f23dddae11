"""Pictures of digits and the charts several lessons share, in the session's colour map."""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
import torch

from core import describe, palette, zoo
from core.app import selection
from core.checkpoint import ClassifierError
from core.classifier import predict_proba
from core.images import png, tile, to_pixels
from core.lessons.compare import Verdict


def picture(rgb: np.ndarray, *, alt: str, scale: int = 1, caption: str | None = None,
            width: int | None = None, where: Any = st) -> None:
    """Show an RGB uint8 array (H, W, 3) `scale` times larger, or `width` pixels wide, with the
    text alternative `alt` (what it shows, for a screen reader; `core.describe` words it).

    The PNG holds the array's own pixels; the browser enlarges it (pixelated, see layout's CSS).
    """
    where.image(png(rgb), caption=caption, width=width or rgb.shape[1] * scale, alt=alt)


def image(images: torch.Tensor | np.ndarray, *, alt: str, read: bool = False,
          columns: int | None = None, scale: int = 3, caption: str | None = None, pad: int = 2,
          width: int | None = None, where: Any = st) -> None:
    """Show images (N, 1, 28, 28) as one crisp grid in the session's colour map, described by
    `alt`; with `read`, the description adds what the digit classifier reads in them (for
    digits a model drew: the words then say what the picture shows, not what it should)."""
    grid = tile(images, columns=columns or len(images), pad=pad)
    if read:
        alt = read_digits(alt, images)
    picture(to_pixels(grid, scale=1, cmap=selection.cmap()), alt=alt, scale=scale,
            caption=caption, width=width, where=where)


def read_digits(alt: str, images: torch.Tensor | np.ndarray) -> str:
    """`alt` and what the zoo's classifier reads in images (N, 1, 28, 28), in words
    (`describe.readings`); `alt` alone when the classifier cannot be loaded: the picture is
    still shown, described less."""
    try:
        classifier = zoo.load_classifier()
    except ClassifierError:
        return alt
    proba = predict_proba(classifier, torch.as_tensor(images)).numpy()
    return f"{alt}; {describe.readings(proba)}"


def digit_colors() -> dict[str, Any]:
    """Altair's colour encoding for digits 0-9: `core.palette.DIGITS`, ten colours that stay
    apart with the common colour deficiencies."""
    return {"color": alt.Color("digit:N", scale=alt.Scale(domain=list(range(10)),
                                                          range=list(palette.DIGITS)),
                               legend=alt.Legend(title="digit", orient="right"))}


def digit_names(x: str, y: str, *, clip: bool = False) -> alt.LayerChart:
    """Each digit written at the median of its points, to layer over a scatter of the data
    (columns x, y, "digit"; within a facet, per panel): the colour is never the only way to tell
    the digits apart. The medians keep the columns' names, so the axes keep theirs."""
    base = alt.Chart().transform_aggregate(
        **{x: f"median({x})", y: f"median({y})"}, groupby=["digit"]).encode(
        x=f"{x}:Q", y=f"{y}:Q", text="digit:N")
    halo = base.mark_text(fontSize=15, fontWeight="bold", stroke="white", strokeWidth=4,
                          strokeOpacity=0.9, clip=clip)
    return alt.layer(halo, base.mark_text(fontSize=15, fontWeight="bold", color="black",
                                          clip=clip))


def show(chart: alt.TopLevelMixin, *, alt_text: str, data: pd.DataFrame | None = None,
         where: Any = st, width: str | None = "stretch", digits: int = 2,
         data_title: str | None = None) -> None:
    """A chart, its description `alt_text` (what it plots, read by a screen reader) and, with
    `data`, the numbers it plots as a table in an expander beneath: a reader who cannot see the
    chart gets the figures, and anyone can check a claim against them."""
    where.altair_chart(chart, width=width, alt=alt_text)
    if data is not None:
        with where.expander(data_title or f"The chart's numbers ({len(data)} rows)"):
            st.table(data.round(digits), hide_index=True)


def bce_table(bce: dict[str, np.ndarray], digits: list[str]) -> pd.DataFrame:
    """What `bce_bars` plots, a row per digit and a column per model (nats)."""
    return pd.DataFrame({"digit": digits, **{f"{name} (nats)": values
                                             for name, values in bce.items()}})


def digit_centres(frame: pd.DataFrame, x: str, y: str, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """A scatter of digits in numbers: for each digit (and each value of the columns `by`),
    how many points, their median x and y and their spread (standard deviations)."""
    grouped = frame.groupby([*by, "digit"], observed=True)
    return pd.DataFrame({"points": grouped.size(), f"median {x}": grouped[x].median(),
                         f"median {y}": grouped[y].median(), f"spread {x}": grouped[x].std(),
                         f"spread {y}": grouped[y].std()}).reset_index()


def on_canvas(chart: alt.Chart) -> alt.Chart:
    """A chart drawn on a canvas rather than in SVG: a scatter of a thousand codes draws faster
    with no DOM node per point (Streamlit itself switches above 2,000 points)."""
    return chart.properties(usermeta={"embedOptions": {"renderer": "canvas"}})


def code_frame(mu: np.ndarray, labels: np.ndarray, n: int, seed: int = 0) -> pd.DataFrame:
    """A seeded subset of n codes (N, d >= 2) as columns z0, z1 (the first two dimensions, named
    as every lesson names them), digit and index (in the test set)."""
    keep = np.random.default_rng(seed).choice(len(mu), min(n, len(mu)), replace=False)
    return pd.DataFrame({"z0": mu[keep, 0], "z1": mu[keep, 1], "digit": labels[keep],
                         "index": keep})


def lines(frame: pd.DataFrame, x: str, y: str, color: str, *, log_x: bool = False,
          height: int = 260) -> alt.Chart:
    """One line with points per value of `color`; every column of frame in the tooltip."""
    axis = alt.Axis(values=sorted(frame[x].unique().tolist()))
    scale = alt.Scale(type="log", base=2) if log_x else alt.Scale()
    return alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X(f"{x}:Q", scale=scale, axis=axis), y=alt.Y(f"{y}:Q", scale=alt.Scale(zero=False)),
        color=f"{color}:N", shape=f"{color}:N", strokeDash=f"{color}:N",  # not colour alone
        tooltip=[alt.Tooltip(c, format=".1f") if frame[c].dtype.kind == "f"
                                     else c for c in frame.columns],
    ).properties(height=height)


def bars(frame: pd.DataFrame, x: str, y: str, *, title: str = "", height: int = 300) -> alt.Chart:
    """One bar per row, in the frame's order; every column in the tooltip."""
    return alt.Chart(frame, title=title).mark_bar().encode(
        x=alt.X(f"{x}:N", sort=None, axis=alt.Axis(labelAngle=0)), y=alt.Y(f"{y}:Q"),
        tooltip=[alt.Tooltip(c, format=".2f") if frame[c].dtype.kind == "f" else c
                 for c in frame.columns],
    ).properties(height=height)


def digit_scatter(frame: pd.DataFrame, x: str, y: str, *, title: str | None = None,
                  height: int = 330, size: int = 12, x_title: str | None = None,
                  y_title: str | None = None, tooltip: list[Any] | None = None) -> alt.Chart:
    """Codes as points coloured by their digit: frame has columns x, y and "digit"."""
    points = (alt.Chart().mark_circle(size=size, opacity=0.6)
              .encode(x=alt.X(f"{x}:Q", title=x_title or x), y=alt.Y(f"{y}:Q", title=y_title or y),
                      tooltip=tooltip or ["digit:N", *(["index:Q"] if "index" in frame else [])],
                      **digit_colors()))
    return on_canvas(alt.layer(points, digit_names(x, y), data=frame)
                     .properties(title=title or "", height=height))


def bce_bars(bce: dict[str, np.ndarray], digits: list[str], *, title: str,
             height: int = 220) -> alt.Chart:
    """Per-digit reconstruction error, one bar per model for each digit: bce is name -> (N,)
    nats, digits the N labels along the axis."""
    frame = pd.DataFrame([{"digit": digit, "model": name, "BCE (nats)": float(value)}
                          for name, values in bce.items() for digit, value in zip(digits, values)])
    return alt.Chart(frame, title=title).mark_bar().encode(
        x=alt.X("digit:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("model:N", sort=list(bce)), y=alt.Y("BCE (nats):Q"),
        # the legend says the bars' order, so no model is told apart by its colour alone
        color=alt.Color("model:N", sort=list(bce), legend=alt.Legend(
            orient="top", title="bars, left to right:")),
        tooltip=["model", "digit", alt.Tooltip("BCE (nats):Q", format=".1f")],
    ).properties(height=height)


# A heat map with at most this many cells writes each cell's value in it.
WRITTEN_CELLS = 120


def heatmap(frame: pd.DataFrame, x: str, y: str, value: str, *, title: str = "",
            height: int = 260, scheme: str = "viridis",
            domain: tuple[float, float] | None = None, sort_x: list[str] | None = None) -> alt.Chart:
    """A grid of `value` over the categories x and y (x in frame order unless sort_x), with the
    value in a tooltip; a diverging scheme ("redblue") centres on domain."""
    scale = alt.Scale(scheme=scheme, **({"domain": list(domain)} if domain else {}),
                      **({"reverse": True} if scheme == "redblue" else {}))
    base = alt.Chart(frame, title=title).encode(
        x=alt.X(f"{x}:N", sort=sort_x or None, axis=alt.Axis(labelAngle=0)), y=alt.Y(f"{y}:N"))
    cells = base.mark_rect().encode(color=alt.Color(f"{value}:Q", scale=scale),
                                    tooltip=[x, y, alt.Tooltip(f"{value}:Q", format=".2f")])
    if len(frame) > WRITTEN_CELLS:
        return cells.properties(height=height)
    # few enough cells to write each value in it: the colour is not the only way to read it.
    # White on the scale's dark end (far from 0 on a diverging scale, high on a sequential one).
    if scheme == "redblue":
        dark = f"abs(datum['{value}']) > {0.55 * max(abs(v) for v in domain or (1.0,)):.6g}"
    else:
        low, high = domain or (float(frame[value].min()), float(frame[value].max()))
        dark = f"datum['{value}'] > {low + 0.6 * (high - low):.6g}"
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text(f"{value}:Q", format=".1f"),
        color=alt.condition(dark, alt.value("white"), alt.value("black")))
    return (cells + text).properties(height=height)


def faceted_codes(frame: pd.DataFrame, facet: str, order: list[str], columns: int = 3) -> alt.Chart:
    """Small multiples of 2-D codes (columns z0, z1, digit), one panel per value of `facet`,
    each with its own axes."""
    points = alt.Chart().mark_circle(size=8, opacity=0.6).encode(
        x=alt.X("z0:Q"), y=alt.Y("z1:Q"), **digit_colors())
    chart = alt.layer(points, digit_names("z0", "z1"), data=frame).properties(
        width=220, height=190).facet(
        facet=alt.Facet(f"{facet}:N", sort=order, title=None), columns=columns,
    ).resolve_scale(x="independent", y="independent")
    return on_canvas(chart)


def rate_distortion(frame: pd.DataFrame) -> alt.Chart:
    """KL (log scale) against reconstruction, one labelled line per "latent size"."""
    base = alt.Chart(frame).encode(
        x=alt.X("KL (nats):Q", scale=alt.Scale(type="log"), title="KL, the rate (nats, log scale)"),
        y=alt.Y("reconstruction BCE (nats):Q", scale=alt.Scale(zero=False)),
        color=alt.Color("latent size:N"),
        tooltip=["latent size", "β", alt.Tooltip("KL (nats):Q", format=".1f"),
                 alt.Tooltip("reconstruction BCE (nats):Q", format=".1f"), "active dims", "epochs"])
    return base.mark_line(point=True) + base.mark_text(dx=12, dy=-8).encode(text="label:N")


def kl_against_ink(frame: pd.DataFrame, threshold: float) -> alt.Chart:
    """One point per latent dimension: its KL (symlog axis) against the ink its sweep moves,
    coloured by "state", with the activity threshold as a dashed rule."""
    points = alt.Chart(frame).mark_point(filled=True, size=60).encode(
        x=alt.X("KL (nats):Q", scale=alt.Scale(type="symlog", constant=0.01)),
        y=alt.Y("ink moved (pixels):Q"),
        color=alt.Color("state:N", scale=alt.Scale(range=["#1f77b4", "#d62728"]),
                        legend=alt.Legend(title=None, orient="top")),
        shape=alt.Shape("state:N", legend=None),
        tooltip=["β", "dimension", alt.Tooltip("KL (nats):Q", format=".3f"),
                 alt.Tooltip("ink moved (pixels):Q", format=".0f")])
    rule = alt.Chart(pd.DataFrame({"KL (nats)": [threshold]})).mark_rule(strokeDash=[4, 4]).encode(
        x="KL (nats):Q")
    return (points + rule).properties(height=300)


def posterior_bars(mu: np.ndarray, sigma: np.ndarray, height: int = 280) -> alt.Chart:
    """mu ± sigma (d,) of a posterior per latent dimension, over the prior's ±1 band."""
    frame = pd.DataFrame({"dimension": [f"z{j}" for j in range(len(mu))], "mu": mu,
                          "low": mu - sigma, "high": mu + sigma, "sigma": sigma})
    band = alt.Chart(pd.DataFrame({"low": [-1.0], "high": [1.0]})).mark_rect(
        color="#eeeeee").encode(y="low:Q", y2="high:Q")
    bars = alt.Chart(frame).mark_rule(strokeWidth=3, color="#4c78a8").encode(
        x=alt.X("dimension:N", sort=None, title="latent dimension"),
        y=alt.Y("low:Q", title="μ ± σ"), y2="high:Q",
        tooltip=["dimension", alt.Tooltip("mu:Q", format=".2f", title="μ"),
                 alt.Tooltip("sigma:Q", format=".3f", title="σ")])
    dots = alt.Chart(frame).mark_point(filled=True, size=60, color="#e45756").encode(
        x=alt.X("dimension:N", sort=None), y="mu:Q")
    return (band + bars + dots).properties(height=height)


def verdict(v: Verdict, title: str) -> None:
    """The classifier's verdict on decoded random codes: the
    share that looks like a digit, the first 40 samples, the labels' histogram and entropy."""
    st.markdown(f"**{title}**")
    st.metric("look like a digit", f"{v.confident:.0%}")
    image(v.images, columns=8, scale=2, pad=1, read=True,
          alt=f"The first {len(v.images)} of the {v.n:,} decoded random codes")
    histogram = pd.DataFrame({"digit": range(10), "samples": v.histogram})
    show(bars(histogram, "digit", "samples", height=170), data=histogram,
         alt_text=f"Bar chart: how many of the {v.n:,} samples the classifier reads as each "
         "digit, 0 to 9")
    st.caption(f"Entropy of the labels: {v.entropy_bits:.2f} bits (3.32 if all ten digits "
               "came out equally often).")

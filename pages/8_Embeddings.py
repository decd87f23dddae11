"""Lesson: PCA, t-SNE and UMAP maps of the latent space, and what each one keeps."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
import torch

from core import embeddings as emb
from core import ui
from core.images import data_uri, labelled_grid, to_pixels
from core.latent import decode

PAGE = "pages/8_Embeddings.py"
choice = ui.lesson("Embeddings", "🌌", [
    "three ways to draw a many-dimensional latent space on a flat map: PCA, t-SNE and UMAP",
    "what each map keeps (distances, neighbourhoods, clusters) and what it distorts",
    "to measure that with trustworthiness, instead of trusting the prettiest picture",
])
st.markdown(r"""
A code with 10 or 32 numbers cannot be plotted directly. **PCA** rotates the space and keeps
the two directions of largest variance: a linear projection, so distances along the map mean
something and it can be inverted. **t-SNE** and **UMAP** move points around until each one's
nearest neighbours in the latent space are its neighbours on the map too: clusters come out
clearly, but the distances *between* clusters and their sizes mean little.
""")

x_test, labels = ui.data_or_stop()
model = ui.model_for(choice)
card = ui.card_of(choice)
index = emb.subset_indices(len(x_test))
mu = ui.codes_for(choice)[index]
digits = labels[index]


@st.cache_data(show_spinner=False, max_entries=32)
def pca_of(codes: np.ndarray) -> emb.Pca:
    return emb.pca(codes)


@st.cache_data(show_spinner=False, max_entries=32)
def trust_of(codes: np.ndarray, xy: np.ndarray) -> float:
    return emb.trustworthiness(codes, xy)


@st.cache_data(show_spinner=False, max_entries=16)
def recompute(codes: np.ndarray, method: str, params: tuple) -> tuple[np.ndarray, float]:
    """A t-SNE or UMAP with other settings and its trustworthiness, in a worker process;
    cached (by the codes' contents), so each is computed once per server for the zoo's models."""
    return emb.compute_apart(method, codes, **dict(params))


@st.cache_data(show_spinner=False)
def thumbnails(cmap: str) -> list[str]:
    """A 28 x 28 PNG data URI of each test digit in the subset, for the hover tooltips.

    Full size, not upscaled: the browser enlarges them (core.ui's CSS). Upscaled twice they
    had four times the pixels, all of it in the chart's data."""
    return [data_uri(to_pixels(image[0], scale=1, cmap=cmap))
            for image in x_test[torch.from_numpy(emb.subset_indices())]]


method = st.radio("Map", emb.METHODS, horizontal=True, key="emb_method")
# A model trained in this session has no shipped maps: PCA is live, the others on request.
shipped = None if choice.own is not None else emb.load_shipped(card["name"], card["sha256"])
custom = st.session_state.setdefault("emb_custom", {})
key = ui.model_key(choice)
if method != "PCA":
    with st.expander("Recompute with other settings"):
        with st.form(f"emb_form_{method}"):
            if method == "t-SNE":
                params = (("perplexity", float(st.slider("Perplexity", 5, 100, 30))),
                          ("seed", int(st.number_input("Seed", 0, 10_000, 0))))
            else:
                params = (("n_neighbors", int(st.slider("n_neighbors", 2, 100, 15))),
                          ("min_dist", float(st.slider("min_dist", 0.0, 0.99, 0.1, 0.01))),
                          ("seed", int(st.number_input("Seed", 0, 10_000, 0))))
            go = st.form_submit_button(f"Recompute {method}")
            st.caption(f"{emb.SUBSET:,} codes; about 10–60 s on 2 CPU cores. It runs in a "
                       "separate worker process, so other students are not held up, and the "
                       "result is cached for everyone who asks for the same settings.")
        if go:
            custom[(key, method)] = params
        if (key, method) in custom and st.button("Back to the shipped map"):
            del custom[(key, method)]

recomputed, failure = None, None
if method != "PCA" and (key, method) in custom:
    with st.status(f"Computing {method} of {emb.SUBSET:,} codes…", expanded=False) as status:
        try:
            recomputed = recompute(mu, method, custom[(key, method)])
            status.update(label=f"{method} ready", state="complete")
        except RuntimeError as error:
            failure = error
            status.update(label=f"{method} could not be computed", state="error")
    if failure is not None:
        st.error(f"{failure}. Try other settings; meanwhile the page shows the ready-made map.")
        del custom[(key, method)]

if method == "PCA":
    fitted = pca_of(mu)
    xy = fitted.project(mu)
    source = "computed live"
elif recomputed is not None:
    xy, trust = recomputed  # scored by the worker that made it
    source = "recomputed with " + ", ".join(f"{k} = {v:g}" for k, v in custom[(key, method)])
elif shipped is not None:
    xy = shipped["tsne" if method == "t-SNE" else "umap"].astype(np.float32)
    source = "shipped with the model"
elif choice.own is not None:
    st.info(f"Your own model has no ready-made {method} map. Open *Recompute with other "
            f"settings* above and press *Recompute {method}*: it takes 10–60 s, or pick PCA, "
            "which is computed live.")
    ui.next_lesson(PAGE)
    st.stop()
else:
    st.warning(f"The {method} map of this model was not shipped with it (run `python -m "
               "core.embeddings`). Use *Recompute* above to compute it now.")
    st.stop()
if recomputed is None:  # shipped maps were scored when they were shipped
    trust = (trust_of(mu, xy) if shipped is None else
             float(shipped[{"PCA": "pca_trust", "t-SNE": "tsne_trust", "UMAP": "umap_trust"}[method]]))

points = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "digit": digits, "index": index,
                       "image": thumbnails(choice.cmap)})
pick = alt.selection_point(name="pick", fields=["x", "y", "index"], nearest=True, on="click",
                           toggle="true")
chart = alt.Chart(points).mark_circle(size=16).encode(
    x=alt.X("x:Q", title=f"{method} 1", scale=alt.Scale(zero=False)),
    y=alt.Y("y:Q", title=f"{method} 2", scale=alt.Scale(zero=False)),
    opacity=alt.condition(pick, alt.value(0.95), alt.value(0.4)),
    tooltip=["image:N", "digit:N", "index:Q"], **ui.digit_colors(),
).add_params(pick).properties(height=520, title=f"{method} of {emb.SUBSET:,} test codes "
                              f"({source}) — hover for the digit, click to decode")
event = st.altair_chart(chart, on_select="rerun", key=f"emb_chart_{key}_{method}",
                        width="stretch")
st.metric(f"Trustworthiness of this {method} map", f"{trust:.3f}",
          help=f"scikit-learn's trustworthiness with {emb.TRUST_NEIGHBOURS} neighbours: 1 means "
               "every point's neighbours on the map are also its neighbours in the latent space.")

picked = [p for p in (event.selection.get("pick", []) if event else []) if "x" in p]
as_line = st.toggle("Walk the line between the first two points I click", key="emb_line",
                    disabled=len(picked) < 2)
if picked:
    clicked = np.array([[p["x"], p["y"]] for p in picked], dtype=np.float32)
    if as_line and len(clicked) >= 2:
        path = np.linspace(clicked[0], clicked[1], 10)
        rows = emb.nearest(xy, path, k=1)[:, 0]
        caption = "The nearest test code to 10 points along the line, decoded"
    else:
        rows = emb.nearest(xy, clicked[-1:], k=8)[0]
        caption = "The 8 test codes nearest the last point you clicked (on the map), decoded"
    images = decode(model, mu[rows])
    ui.picture(labelled_grid(images, [f"#{index[r]} ({digits[r]})" for r in rows],
                             columns=len(rows), scale=3, cmap=choice.cmap),
               caption=caption)
    with st.expander("Their latent vectors"):
        st.dataframe(pd.DataFrame(mu[rows], index=[f"#{index[r]}" for r in rows],
                                  columns=[f"z{j}" for j in range(mu.shape[1])]).style.format(
            "{:.2f}"), width="stretch")
    if st.button("Use the first of them in Latent sliders 🕹️"):
        ui.send_to_sliders(mu[rows[0]], f"test digit #{index[rows[0]]} from the {method} map")
    if method == "PCA":
        exact = fitted.invert(clicked[-1:])
        ui.image(decode(model, exact), choice, scale=4, where=st.columns([1, 3])[0],
                 caption=f"PCA can be inverted: the code at exactly "
                 f"({clicked[-1, 0]:.2f}, {clicked[-1, 1]:.2f}) on the plane, decoded")
else:
    st.caption("Click a point on the map to decode its neighbourhood; click a second point and "
               "turn on the line to walk between them.")


def what_the_map_keeps() -> None:
    if method == "PCA":
        left, right = st.columns(2)
        variance = pd.DataFrame({"components": np.arange(1, len(fitted.explained) + 1),
                                 "variance explained": np.cumsum(fitted.explained)})
        left.altair_chart(alt.Chart(variance).mark_line(point=True).encode(
            x=alt.X("components:O", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("variance explained:Q", axis=alt.Axis(format="%"),
                    scale=alt.Scale(domain=[0, 1])),
        ).properties(height=260, title="Cumulative variance explained"), width="stretch")
        loadings = pd.DataFrame([{"component": f"PC{c + 1}", "dimension": f"z{j}",
                                  "loading": float(fitted.components[c, j])}
                                 for c in range(min(2, len(fitted.components)))
                                 for j in range(mu.shape[1])])
        right.altair_chart(alt.Chart(loadings).mark_rect().encode(
            x=alt.X("dimension:N", sort=[f"z{j}" for j in range(mu.shape[1])],
                    axis=alt.Axis(labelAngle=0)),
            y="component:N",
            color=alt.Color("loading:Q", scale=alt.Scale(scheme="redblue", domain=[-1, 1],
                                                         reverse=True)),
            tooltip=["component", "dimension", alt.Tooltip("loading:Q", format=".2f")],
        ).properties(height=260, title="Loadings of the first two components"),
            width="stretch")
        two = float(np.sum(fitted.explained[:2]))
        ui.notice([f"The PCA map keeps {two:.0%} of the codes' variance; the other "
                   f"{1 - two:.0%} is flattened away, which is why clusters overlap on it.",
                   f"Its trustworthiness is {trust:.3f}. Switch to t-SNE and UMAP and compare: "
                   "they give up global distances to keep neighbourhoods."])
    else:
        others = []
        if shipped is not None:
            others = [f"PCA {float(shipped['pca_trust']):.3f}",
                      f"shipped t-SNE {float(shipped['tsne_trust']):.3f}",
                      f"shipped UMAP {float(shipped['umap_trust']):.3f}"]
        ui.notice([f"This {method} map has trustworthiness {trust:.3f}"
                   + (f" ({', '.join(others)})." if others else "."),
                   "Cluster sizes and the gaps between clusters are not distances: a tight "
                   "island on the map can be a wide cloud in the latent space. Hover the edges "
                   "of two neighbouring clusters and look at the digits."])


def images_on_the_map() -> None:
    few = np.random.default_rng(3).choice(len(points), 250, replace=False)
    st.altair_chart(alt.Chart(points.iloc[few]).mark_image(width=22, height=22).encode(
        x=alt.X("x:Q", title=f"{method} 1", scale=alt.Scale(zero=False)),
        y=alt.Y("y:Q", title=f"{method} 2", scale=alt.Scale(zero=False)), url="image:N",
    ).properties(height=520), width="stretch")
    st.caption("250 of the digits drawn at their place on the map: watch styles, not just "
               "labels, change smoothly across it.")


ui.sections({"What this map keeps": what_the_map_keeps,
             "Images on the map": images_on_the_map}, key="emb_section")

ui.try_this([
    "Predict which map keeps neighbourhoods best for the VAE at latent size 2, then check the "
    "three trustworthiness scores. Why is PCA perfect there?",
    "Recompute t-SNE with perplexity 5 and 100. Which clusters split or merge?",
])
ui.show_code(emb.pca, emb.tsne, emb.umap, emb.trustworthiness)
ui.next_lesson(PAGE)

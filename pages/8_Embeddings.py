"""Lesson: PCA, t-SNE and UMAP maps of the latent space, and what each one keeps."""

import numpy as np
import pandas as pd
import streamlit as st

from core import describe
from core import embeddings as emb
from core.app import charts, layout, live, maps, selection
from core.app import embedding_maps as cache
from core.images import labelled_grid
from core.latent import decode, dim_name
from core.lessons import embeddings as lesson
from core.lessons import views

# The expander under a map of digit pictures: the numbers are every point's, not only those drawn.
ALL_POINTS = "Each digit's points (all of the map's) in numbers: count, median and spread"
PAGE = "pages/8_Embeddings.py"
ref = layout.lesson("Embeddings", "🌌", [
    "three ways to draw a many-dimensional latent space on a flat map: PCA, t-SNE and UMAP",
    "what each map keeps (distances, neighbourhoods, clusters) and what it distorts",
    "to measure that with trustworthiness, instead of trusting the prettiest picture",
], terms=["mean code", "latent size"])
st.markdown(r"""
A code with 10 or 32 numbers cannot be plotted directly. **PCA** rotates the space and keeps
the two directions of largest variance: a linear projection, so distances along the map mean
something and it can be inverted. **t-SNE** and **UMAP** move points around until each one's
nearest neighbours in the latent space are its neighbours on the map too: clusters come out
clearly, but the distances *between* clusters and their sizes mean little.
""")

method = st.radio("Map", emb.METHODS, horizontal=True, key="emb_method", persist_state="session")
shown = None
with layout.part(f"the {method} map"):
    x_test, labels = selection.test_set()
    model, card = selection.model(ref), selection.card(ref)
    index = emb.subset_indices(len(x_test))
    mu, digits = selection.codes(ref)[index], labels[index]
    # A model trained in this session has no shipped maps: PCA is live, the others on request.
    shipped = None if ref.is_own else emb.load_shipped(card.name, card.sha256)
    params = cache.settings_form(method, ref.key) if method != "PCA" else None
    fitted = cache.pca_of(mu)
    try:
        shown = lesson.choose(method, mu, pca=fitted, shipped=shipped, params=params,
                              recomputed=params and cache.run(mu, method, ref.key, params),
                              own=ref.is_own, trust=cache.trust_of)
    except lesson.NoMap as missing:
        raise layout.Advice(str(missing)) from None
    points = pd.DataFrame({"x": shown.xy[:, 0], "y": shown.xy[:, 1], "digit": digits,
                           "index": index, "image": cache.thumbnails(selection.cmap())})
    key = f"emb_live_{ref.key}_{method}"  # the browser's map: hover decodes, a click is sent
    header, arrays = lesson.map_header(method, shown.xy, mu, digits, index, fitted)
    header.update(lut=live.colours(selection.cmap()), cmap=selection.cmap(),
                  version=f"{ref.label}|{shown.source}", title=f"{method} of {len(mu):,} test "
                  f"codes ({shown.source}): point to decode, click to pick")
    live.show_view("embedding", header, {"decoder": selection.browser_parts(ref)["decoder"],
                                         **selection.reader_parts()},
                   key=key, arrays=arrays, fallback=lambda: (
                       charts.show(maps.digit_images(points, method, n=400),
                                   alt_text=f"{min(400, len(points))} of the {len(points):,} "
                                   f"test digits drawn as pictures at their place on the "
                                   f"{method} map", data=charts.digit_centres(points, "x", "y"),
                                   data_title=ALL_POINTS),
                       st.caption(f"{min(400, len(points))} of the {len(points):,} digits drawn "
                                  "at their place on the map, by the server: pointing does not "
                                  "decode here.")))
    st.metric(f"Trustworthiness of this {method} map", f"{shown.trust:.3f}",
              help=f"scikit-learn's trustworthiness with {emb.TRUST_NEIGHBOURS} neighbours: 1 "
                   "means every point's neighbours on the map are also its neighbours in the "
                   "latent space.")

    clicked = views.picked_points(live.kept(key))
    as_line = st.toggle("Walk the line between the first two points I click", key="emb_line",
                        persist_state="session", disabled=len(clicked) < 2)
    if not len(clicked):
        raise layout.Nothing("Click a point on the map to decode its neighbourhood; click a "
                             "second point and turn on the line to walk between them.")
    if as_line and len(clicked) >= 2:
        rows = emb.nearest(shown.xy, np.linspace(clicked[0], clicked[1], 10), k=1)[:, 0]
        caption = "The nearest test code to 10 points along the line, decoded"
    else:
        rows = emb.nearest(shown.xy, clicked[-1:], k=8)[0]
        caption = "The 8 test codes nearest the last point you clicked (on the map), decoded"
    x_hat, names = decode(model, mu[rows]), [f"#{index[r]} ({digits[r]})" for r in rows]
    charts.picture(labelled_grid(x_hat, names, columns=len(rows), scale=3, cmap=selection.cmap()),
                   caption=caption, alt=charts.read_digits(
                       f"{caption}: test digits " + describe.listing(names)
                       + " (index, then label), rebuilt from their codes", x_hat))
    with st.expander("Their latent vectors"):
        st.dataframe(pd.DataFrame(mu[rows], index=pd.Index([f"#{index[r]}" for r in rows],
                                                           name="test digit"),
                                  columns=[dim_name(j) for j in range(mu.shape[1])])
                     .style.format("{:.2f}"), width="stretch")
    if st.button("Use the first of them in Latent sliders 🕹️"):
        layout.send_to_sliders(mu[rows[0]], f"test digit #{index[rows[0]]} from the {method} map")
    if method == "PCA":
        charts.image(decode(model, fitted.invert(clicked[-1:])), scale=4, read=True,
                     alt=f"The code at ({clicked[-1, 0]:.2f}, {clicked[-1, 1]:.2f}) on the PCA "
                         "plane, decoded",
                     where=st.columns([1, 3])[0], caption="PCA can be inverted: the code at "
                     f"exactly ({clicked[-1, 0]:.2f}, {clicked[-1, 1]:.2f}) on the plane, decoded")


def what_the_map_keeps() -> None:
    if method != "PCA":
        layout.notice([c.text for c in lesson.map_claims(shown, shipped)])
        return
    left, right = st.columns(2)
    explained = pd.DataFrame({"components": np.arange(1, len(fitted.explained) + 1),
                              "variance explained": np.cumsum(fitted.explained), "map": "PCA"})
    charts.show(charts.lines(explained, "components", "variance explained", "map"),
                where=left, data=explained.drop(columns="map"), digits=3,
                alt_text="Line chart: the share of the codes' variance the first k principal "
                "components explain, against k")
    loadings = pd.DataFrame([{"component": f"PC{c + 1}", "dimension": dim_name(j),
                              "loading": float(fitted.components[c, j])}
                             for c in range(min(2, len(fitted.components)))
                             for j in range(mu.shape[1])])
    charts.show(charts.heatmap(loadings, "dimension", "component", "loading",
                               title="Loadings of the first two components",
                               scheme="redblue", domain=(-1, 1)), where=right, digits=3,
                data=loadings.pivot(index="component", columns="dimension", values="loading")
                .reindex(columns=[dim_name(j) for j in range(mu.shape[1])]).reset_index(),
                alt_text="Heat map: the loading of each latent dimension (across) on the first "
                "two principal components (down), from −1 (blue) to 1 (red)")
    layout.notice([c.text for c in lesson.pca_claims(fitted, shown.trust)])


def images_on_the_map() -> None:
    shown_n = min(250, len(points))  # digit_images takes at most as many as the map has
    charts.show(maps.digit_images(points, method, n=250),
                alt_text=f"{shown_n} of the {len(points):,} test digits drawn as pictures at "
                f"their place on the {method} map", data=charts.digit_centres(points, "x", "y"),
                data_title=ALL_POINTS)
    st.caption(f"{shown_n} of the digits drawn at their place on the map: watch styles, not "
               "just labels, change smoothly across it.")


if shown is not None:
    layout.sections({"What this map keeps": what_the_map_keeps,
                     "Images on the map": images_on_the_map}, key="emb_section",
                    lesson_parts=False)

layout.try_this([
    "Predict which map keeps neighbourhoods best for the VAE at latent size 2, then check the "
    "three trustworthiness scores. Why is PCA perfect there?",
    "Recompute t-SNE with perplexity 5 and 100. Which clusters split or merge?",
])
layout.show_code(emb.pca, emb.tsne, emb.umap, emb.trustworthiness)
layout.next_lesson(PAGE)

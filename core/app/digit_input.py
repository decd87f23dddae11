"""Where a student's digit comes from: the drawing canvas, an uploaded photo, or a test digit."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.app import live, selection
from core.data import have_locally
from core.digitize import MAX_UPLOAD_BYTES, DigitError, read_image
from core.lessons.draw import N_SAMPLES, draw_header, read_drawing
from core.reference import ModelRef

SOURCES = ("Draw it", "Upload a photo", "Take a test digit")


def your_digit(source: str, ref: ModelRef) -> tuple[np.ndarray | None, list[str], bool | None]:
    """The grey picture (H, W) in [0, 1] the student chose, notes on how it was read, and
    whether its ink is light (True for the canvas, None where `digitize` must tell from the
    paper), or (None, [], None) with a prompt saying what to do."""
    if source == SOURCES[0]:
        return _drawing(ref)
    if source == SOURCES[1]:
        return _photo()
    x_test, labels = selection.test_set()
    index = int(st.number_input("Test digit (index)", 0, len(x_test) - 1, 0, key="draw_index",
                                persist_state="session",
                                help="An MNIST digit through the same steps: they should "
                                     "change it very little."))
    return 1.0 - x_test[index, 0].numpy(), [  # as if written in black ink on white paper
        f"Test digit #{index}, a {labels[index]}, inverted to dark ink on light paper."], False


def _drawn(key: str) -> None:
    """The pen lifted: keep the strokes (to draw them again after a visit to another lesson)
    and the picture, or the reason it cannot be read."""
    try:
        strokes, grey, notes = read_drawing((st.session_state.get(key) or {}).get("drawing"))
    except DigitError as error:
        st.session_state.draw_error = str(error)
        return
    st.session_state.pop("draw_error", None)
    st.session_state.draw_strokes = strokes
    if grey is None:
        st.session_state.pop("draw_grey", None)
    else:
        st.session_state.draw_grey = (grey, notes)


def _drawing(ref: ModelRef) -> tuple[np.ndarray | None, list[str], bool | None]:
    """The canvas, run in the browser (`web/draw.js`): the VAE's encoder reads the drawing as
    the pen moves; the picture comes here when the pen lifts."""
    vae = selection.pair(ref)["VAE"]
    parts = selection.browser_parts(vae)
    needs = {"decoder": parts["decoder"], "encoder": parts["encoder"], **selection.reader_parts()}
    map_ref = vae if vae.latent == 2 else ModelRef("vae", 2, 1.0)
    if map_ref != vae:  # the posterior's ellipses are drawn on the 2-D VAE's plane
        needs["mapEncoder"] = selection.browser_parts(map_ref)["encoder"]
    # the plane's test codes only when the digits are here: drawing itself needs no data
    codes, labels = ((selection.codes(map_ref), selection.test_set()[1]) if have_locally()
                     else (None, None))
    header, arrays = draw_header(vae.latent, codes, labels, N_SAMPLES)
    header.update(lut=live.colours(selection.cmap()), cmap=selection.cmap(),
                  version=vae.label, strokes=st.session_state.get("draw_strokes", []),
                  map_title=f"q(z|x) on the plane of {map_ref.label}: μ (cross), 1σ and 2σ")
    st.markdown(f"Draw one digit, 0 to 9, with the mouse, a finger or a pen, as large as the "
                f"box. As you draw, your browser makes it an MNIST digit and runs the encoder "
                f"of {vae.label}; the steps and the models' readings below follow when you lift "
                "the pen.")
    live.show("draw", header, needs, key="draw_live", arrays=arrays,
              default={"drawing": None}, on_drawing_change=lambda: _drawn("draw_live"),
              note=f"Your browser could not run the drawing canvas: “{SOURCES[1]}” or "
              f"“{SOURCES[2]}” above give the lesson a digit without it.")
    if "draw_error" in st.session_state:
        st.warning(st.session_state.draw_error)
    if "draw_grey" in st.session_state:  # this drawing, or the one kept from before
        return *st.session_state.draw_grey, True
    st.info("The canvas is empty: draw a digit to begin.")
    return None, [], None


def _photo() -> tuple[np.ndarray | None, list[str], bool | None]:
    """An uploaded photo, read at once into a grey picture of at most 512 pixels a side and
    kept in the session; the uploader is then replaced by a fresh one, so Streamlit lets go of
    the file's bytes (up to 10 MB a student otherwise, until the session ends)."""
    n = st.session_state.get("draw_upload_n", 0)
    upload = st.file_uploader(
        "A PNG or JPEG of one digit (dark on light paper or light on dark)",
        type=["png", "jpg", "jpeg"], key=f"draw_upload_{n}",
        help=f"Up to {MAX_UPLOAD_BYTES // 1024 // 1024} MB. Crop the photo close to the digit.")
    if upload is not None:
        try:
            st.session_state.draw_photo = read_image(upload.getvalue())
        except DigitError as error:
            st.error(str(error))
            return None, [], None
        st.session_state.draw_upload_n = n + 1
        st.rerun()
    if "draw_photo" not in st.session_state:
        st.info("Upload a photo of a handwritten digit to begin.")
        return None, [], None
    grey, notes = st.session_state.draw_photo
    st.caption("Your last photo, kept while you move between lessons: upload another to "
               "replace it.")
    return grey, list(notes), None

"""Where a student's digit comes from: the drawing canvas, an uploaded photo, or a test digit."""

from __future__ import annotations

import numpy as np
import streamlit as st
from streamlit_drawable_canvas import st_canvas

from core.app import selection
from core.digitize import MAX_UPLOAD_BYTES, DigitError, read_image, to_grey

CANVAS = 280  # pixels a side: ten canvas pixels per MNIST pixel
SOURCES = ("Draw it", "Upload a photo", "Take a test digit")


def your_digit(source: str) -> tuple[np.ndarray | None, list[str], bool | None]:
    """The grey picture (H, W) in [0, 1] the student chose, notes on how it was read, and
    whether its ink is light (True for the canvas, None where `digitize` must tell from the
    paper), or (None, [], None) with a prompt saying what to do."""
    if source == SOURCES[0]:
        return _drawing()
    if source == SOURCES[1]:
        return _photo()
    x_test, labels = selection.test_set()
    index = int(st.number_input("Test digit (index)", 0, len(x_test) - 1, 0, key="draw_index",
                                persist_state="session",
                                help="An MNIST digit through the same steps: they should "
                                     "change it very little."))
    return 1.0 - x_test[index, 0].numpy(), [  # as if written in black ink on white paper
        f"Test digit #{index}, a {labels[index]}, inverted to dark ink on light paper."], False


def _drawing() -> tuple[np.ndarray | None, list[str], bool | None]:
    """The canvas. Its strokes are kept in the session, so the drawing is still there after a
    visit to another lesson (the canvas itself forgets it when it is not on the page)."""
    if "draw_canvas" not in st.session_state:  # arriving: redraw what was drawn before
        st.session_state.draw_initial = st.session_state.get("draw_strokes")
    left, right = st.columns([1, 2])
    with left:
        drawn = st_canvas(stroke_width=20, stroke_color="#FFFFFF", background_color="#000000",
                          height=CANVAS, width=CANVAS, drawing_mode="freedraw",
                          initial_drawing=st.session_state.get("draw_initial"),
                          return_image_data=True, key="draw_canvas")
    right.markdown("Draw one digit, 0 to 9, with the mouse (or a finger), as large as the "
                   "box. The picture updates when you lift the pen; the canvas's own "
                   "toolbar undoes a stroke or clears it.")
    image = drawn.image_data if drawn is not None else None
    if image is not None:
        if image[..., :3].max() == 0:  # cleared
            st.session_state.pop("draw_strokes", None)
            st.session_state.pop("draw_grey", None)
        else:
            st.session_state.draw_strokes = drawn.json_data
            st.session_state.draw_grey = to_grey(np.asarray(image))
    if "draw_grey" in st.session_state:  # this drawing, or the one kept from before
        return *st.session_state.draw_grey, True
    right.info("The canvas is empty: draw a digit to begin.")
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

"""The floor for slider moves: Latent sliders' layout with nothing to compute.

Ten sliders and one picture in a fragment, as on Latent sliders, but the picture is a 28 x 28
pattern made from the first slider's value (no model, no torch): what a move costs is then
Streamlit's own round trip, in the server and in the browser.
"""

import numpy as np
import streamlit as st

st.title("A trivial slider page")


@st.fragment
def sliders() -> None:
    value = st.session_state.get("z0", 0.0)
    rows = np.arange(28)[:, None]
    pattern = ((rows + np.arange(28) + round(10 * value)) % 28 * 9).astype(np.uint8)
    st.image(pattern, width=280, caption=f"z0 = {value:.1f}")
    for j in range(10):
        st.slider(f"z{j}", -3.0, 3.0, 0.0, step=0.1, key=f"z{j}", format="%.1f")


sliders()

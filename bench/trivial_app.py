"""The floor for page open times: a Streamlit page with a title and one line of text."""

import streamlit as st

st.title("A trivial page")
st.write("Nothing to compute: what is left is Streamlit and the browser.")

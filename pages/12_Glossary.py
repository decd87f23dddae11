"""The glossary: every term the lessons use, defined once."""

import streamlit as st

from core.app import course, layout
from core.glossary import TERMS, anchor

layout.page("Glossary · Latent Lab", course.GLOSSARY.icon)
st.title(f"{course.GLOSSARY.icon} Glossary")
st.markdown("The terms the lessons use, in the order a course meets them. Each lesson lists "
            "its own under *Terms in this lesson*.")
for term, meaning in TERMS.items():
    st.header(term, anchor=anchor(term))
    st.markdown(meaning)
st.page_link(course.HOME, label="Back to the lesson map", icon="🏠")

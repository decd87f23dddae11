"""Class mode without Streamlit: the store a class lives in, join codes and secrets, the
"predict first" questions with what each experiment measured, and a class's summary.

`core.app.classroom` is the Streamlit side (the sidebar's class box, following, the question
box); it is the only place these meet a page.
"""

"""Each lesson's experiments as numbers, images and the sentences the numbers support.

A page calls one function per experiment and lays out what it returns; the sentences ("what to
notice") are `core.claims.Claim`s built here from the same figures, so the audit test can
recompute every one of them for every model. Nothing here imports Streamlit.
"""

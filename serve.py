"""Latent Lab with a warm start: `streamlit run serve.py` (instead of `streamlit run Home.py`).

The same app, but before the server accepts its first connection it runs every page once with
the default model (`core.app.warmup`), so a student's first visit finds torch imported, the models
loaded and the test set encoded. Use it wherever the app is hosted; `streamlit run Home.py`
starts faster and warms each page on its first visit instead.
"""

import logging
import time
from contextlib import asynccontextmanager

import streamlit as st

from core.app.serving import freeze_heap
from core.app.warmup import warm_pages


@asynccontextmanager
async def warm_start(_app: st.App):
    start = time.perf_counter()
    seconds = await warm_pages()
    freeze_heap()  # every page's modules are imported now: later collections skip them
    logging.getLogger("latent_lab").warning(
        "warm-up: %d pages in %.1f s (%s)", len(seconds), time.perf_counter() - start,
        ", ".join(f"{name} {s:.1f}" for name, s in seconds.items()))
    yield


app = st.App("Home.py", lifespan=warm_start)

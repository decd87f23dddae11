"""Latent Lab with a warm start: `streamlit run serve.py` (instead of `streamlit run Home.py`).

The same app, but before the server accepts its first connection it runs every page once with
the default model (`core.app.warmup`), so a student's first visit finds torch imported, the models
loaded and the test set encoded. Use it wherever the app is hosted; `streamlit run Home.py`
starts faster and warms each page on its first visit instead, and has no class mode (its
followers poll the route `serve.py` adds).
"""

import logging
import os
import time
from contextlib import asynccontextmanager

import streamlit as st

from core.app.serving import freeze_heap
from core.app.warmup import warm_pages
from core.classroom.status import routes


@asynccontextmanager
async def warm_start(_app: st.App):
    if os.environ.get("LATENT_LAB_WARM_UP") == "0":  # the class tests: a fast start is enough
        yield
        return
    start = time.perf_counter()
    seconds = await warm_pages()
    freeze_heap()  # every page's modules are imported now: later collections skip them
    logging.getLogger("latent_lab").warning(
        "warm-up: %d pages in %.1f s (%s)", len(seconds), time.perf_counter() - start,
        ", ".join(f"{name} {s:.1f}" for name, s in seconds.items()))
    yield


# The class's status route (core.classroom.status): followers poll it, not the script.
app = st.App("Home.py", lifespan=warm_start, routes=routes())

"""Warm a fresh server before its first student: run every page once, in-process, with no browser.

A fresh `streamlit run` imports torch, loads models and MNIST and encodes the test set on the
first visit to each page, which makes that visit take 4–12 s on two cores. `serve.py` calls
`warm_pages` from its startup hook, before the server accepts a connection: each page runs in a
session of its own whose messages go nowhere, so every process-wide cache (models, test codes,
the pages' own `st.cache_data`) holds the default model's results when the first student
arrives. The sessions are closed afterwards; nothing of theirs is kept but the caches.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime import Runtime

LOGGER = logging.getLogger(__name__)


class _Sink:
    """A session client that drops every message and reports when the script run finished."""

    def __init__(self) -> None:
        self.finished = asyncio.Event()
        self.failed = False

    def write_forward_msg(self, msg: ForwardMsg) -> None:
        if msg.WhichOneof("type") == "script_finished":
            self.finished.set()
        elif msg.WhichOneof("type") == "delta" and msg.delta.new_element.WhichOneof("type") == "exception":
            self.failed = True


async def run_page(runtime: Runtime, name: str, query: str, timeout: float,
                   state: dict[str, Any] | None = None) -> tuple[float, bool]:
    """Run one page in a throwaway session whose session state starts as `state` (a section to
    open, say); returns (seconds, finished without an exception)."""
    sink = _Sink()
    session_id = runtime.connect_session(client=sink, user_info={})
    start = time.perf_counter()
    try:
        session = runtime._session_mgr.get_session_info(session_id).session  # noqa: SLF001
        for key, value in (state or {}).items():
            session.session_state[key] = value
        session.request_rerun(ClientState(page_name=name, query_string=query))
        await asyncio.wait_for(sink.finished.wait(), timeout)
        return time.perf_counter() - start, not sink.failed
    finally:
        runtime.close_session(session_id)


async def _warm(runtime: Runtime, name: str, query: str, timeout: float,
                state: dict[str, Any] | None = None) -> float:
    """`run_page`, logging rather than raising: warming must never stop the server starting."""
    label = (name or "Home") + "".join(f" ({value})" for value in (state or {}).values())
    try:
        took, ok = await run_page(runtime, name, query, timeout, state)
        if not ok:
            LOGGER.warning("warm-up: page %r showed an exception", label)
        return took
    except Exception:  # noqa: BLE001 - logged; the server starts anyway
        LOGGER.exception("warm-up: page %r failed", label)
        return 0.0


async def warm_pages(query: str = "", timeout: float = 120.0) -> dict[str, float]:
    """Run every page, and each of its sections (`layout.sections`), with the model `query` picks
    (the default one when empty). Returns the seconds each page took, its sections included.
    """
    runtime = Runtime.instance()
    seconds: dict[str, float] = {}
    from core.app import course, layout  # imports torch and the models' code: the point

    for name in course.page_urls():
        known = set(layout.SECTIONS)
        seconds[name or "Home"] = await _warm(runtime, name, query, timeout)
        for key in set(layout.SECTIONS) - known:  # the sections this page registered: open each
            for title in layout.SECTIONS[key][1:]:
                seconds[name or "Home"] += await _warm(runtime, name, query, timeout,
                                                       {key: title})
    return seconds

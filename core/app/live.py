"""The browser component: a model's decoder and encoder run on the student's device.

A Streamlit widget reruns the script on every move: the server decodes, encodes a PNG and sends
it, and the browser re-renders the page. Here the model's layers go to the browser once
(`core.webspec`), and `web/nn.js` runs them in plain JavaScript, so a digit is redrawn on every
step of a drag, a hover or a stroke, for any number of students, at no cost to the server. Each
lesson's view (`web/sliders.js`, `maps.js`, `sweep.js`, `walk.js`, `draw.js`) sends its state
back only when a move ends, so notices, links and other lessons follow it.

The browser keeps each part under the sha256 of its weights (in IndexedDB): the server sends a
part only when the browser asks for it. Where a view cannot run (the browser says so: a blocked
canvas, an error), `show` draws the page's server-side `fallback` instead, for this session.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st

from core import palette
from core.app.selection import Part
from core.images import lookup_table
from core.webspec import Arrays, pack, part_packet

WEB = Path(__file__).parent / "web"
NAME = "latent_lab.live"
SCRIPTS = ("nn.js", "grid.js", "sliders.js", "maps.js", "sweep.js", "walk.js", "draw.js",
           "main.js")
REQUESTED = "live_requested"  # the parts this session's browser asked for and has not been sent
PLAIN = "live_plain"  # this session's browser cannot inflate: its packets go uncompressed
FAILED = "live_failed"  # this session's browser could not run a view: the server draws instead
NOTE = ("Your browser could not run the live view, so the server draws this part instead, as the "
        "view last stood: pointing at it and the view's own controls need the live view.")


@functools.cache
def _component() -> Callable[..., Any]:
    """The component, registered once per server process: one module made of the runtime
    (`nn.js`), the lessons' views and the entry point that picks one."""
    # Not in a shadow root: the page's tests and benchmarks find the canvas and inputs with
    # plain selectors; the stylesheet's classes all start with "ll-".
    js = "\n".join([f"const DIGIT_COLOURS = {json.dumps(list(palette.DIGITS))};"]
                   + [(WEB / name).read_text() for name in SCRIPTS])
    return st.components.v2.component(NAME, js=js, css=(WEB / "live.css").read_text(),
                                      isolate_styles=False)


def _asked(key: str) -> None:
    """The browser lacks some parts (a first visit, or its cache was cleared): send them."""
    asked = (st.session_state.get(key) or {}).get("missing")
    names = asked.get("names") if isinstance(asked, dict) else None
    if isinstance(names, list):
        st.session_state.setdefault(REQUESTED, set()).update(
            n for n in names if isinstance(n, str))


def packet(view: str, header: dict[str, Any], parts: dict[str, Part],
           arrays: Arrays | None = None) -> bytes:
    """The packet for one view: its header, the names of the parts it needs, the parts the
    browser asked for (then forgotten: it keeps them) and the view's own arrays."""
    requested = st.session_state.setdefault(REQUESTED, set())
    attach = [part for part in parts.values() if part[0]["name"] in requested]
    requested.difference_update(part[0]["name"] for part in attach)
    metas, part_arrays = part_packet(attach)
    needs = {role: part[0]["name"] for role, part in parts.items()}
    return pack({"view": view, "needs": needs, "parts": metas, **header},
                {**part_arrays, **(arrays or {})}, deflate=not st.session_state.get(PLAIN))


def _plain() -> None:
    st.session_state[PLAIN] = True


def _failed(key: str) -> None:
    st.session_state[FAILED] = True


def _retry() -> None:
    st.session_state.pop(FAILED, None)


def show(view: str, header: dict[str, Any], parts: dict[str, Part], *, key: str,
         arrays: Arrays | None = None, default: dict[str, Any] | None = None,
         fallback: Callable[[], None] | None = None, note: str = NOTE,
         **callbacks: Callable[[], None]) -> Any:
    """Mount `view` with its header (JSON) and arrays, running the model parts it needs.

    `callbacks` are the view's `on_<state>_change` handlers; st.session_state[key] holds the
    state the browser last sent. Once the browser has said it cannot run a view, `fallback`
    draws the server's version of it instead, under `note` (with a way back), and this
    returns None.
    """
    if st.session_state.get(FAILED):
        st.info(note, icon="🖥️")
        st.button("Try the live view again", key=f"{key}_retry", on_click=_retry)
        if fallback is not None:
            fallback()
        return None
    return _component()(key=key, data=packet(view, header, parts, arrays), default=default,
                        on_missing_change=functools.partial(_asked, key),
                        on_plain_change=_plain, on_failed_change=functools.partial(_failed, key),
                        **callbacks)


def _keep(key: str) -> None:
    st.session_state[f"kept_{key}"] = (st.session_state.get(key) or {}).get("view")


def show_view(view: str, header: dict[str, Any], parts: dict[str, Part], *, key: str,
              arrays: Arrays | None = None, fallback: Callable[[], None] | None = None) -> None:
    """`show` for a view that sends its settings ("view") on every change: they are kept for
    the session (a component's own state is dropped when the student visits another page), and
    `kept(key)` reads them."""
    show(view, header, parts, key=key, arrays=arrays, default={"view": None}, fallback=fallback,
         on_view_change=functools.partial(_keep, key))


def kept(key: str) -> Any:
    """The settings the view under `key` last sent in this session, or None."""
    return st.session_state.get(f"kept_{key}")


def colours(cmap: str) -> list[int]:
    """The colour map as 256 RGB triples, flat, for the browser to paint digits with."""
    return lookup_table(cmap).reshape(-1).tolist()


def rounded(values: np.ndarray, places: int = 3) -> list[float]:
    """A short list of floats for a view's header."""
    return [round(float(v), places) for v in np.ravel(values)]

"""The class's status route (`core.classroom.status.routes`), called as the ASGI app serve.py
mounts: a long poll answers as soon as the class changes, or after its hold with the same key;
unknown codes count against the asking address."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import threading
import time
from dataclasses import replace

import pytest
from starlette.applications import Starlette

from core.classroom import status


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("LATENT_LAB_CLASS_DB", str(tmp_path / "classes.sqlite3"))
    monkeypatch.delenv("LATENT_LAB_REDIS_URL", raising=False)
    status._store.cache_clear()
    yield status._store()
    status._store.cache_clear()


def ask(app: Starlette, code: str, query: str = "", client: str = "10.0.0.1") -> tuple[int, str]:
    """GET the route as a browser would: (HTTP status, the key in its JSON)."""
    sent: list[dict] = []
    scope = {"type": "http", "method": "GET", "path": f"{status.PATH}/{code}",
             "raw_path": f"{status.PATH}/{code}".encode(), "query_string": query.encode(),
             "headers": [], "client": (client, 1234), "server": ("testserver", 80),
             "scheme": "http", "http_version": "1.1", "root_path": ""}
    asked = False

    async def receive() -> dict:
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)  # the browser stays connected
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    # In a thread of its own: another test's event loop may still run in this one (Playwright's)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], json.loads(body)["key"]


def test_a_long_poll_answers_when_the_class_changes(store, monkeypatch):
    monkeypatch.setattr(status, "HOLD_S", 10.0)
    app = Starlette(routes=status.routes())
    code, secret = store.create()
    assert ask(app, code) == (200, "open:0")  # without `drawn`: at once
    change = threading.Timer(0.5, store.steer, (code, secret,
                                                lambda doc: replace(doc, page="pages/4_x.py")))
    change.start()
    start = time.monotonic()
    assert ask(app, code, "drawn=open:0") == (200, "open:1")
    waited = time.monotonic() - start
    change.join()
    assert 0.45 < waited < 0.5 + 1.0, waited  # held until the change, answered within a check


def test_a_long_poll_without_a_change_answers_the_same_key_after_its_hold(store, monkeypatch):
    monkeypatch.setattr(status, "HOLD_S", 0.4)
    app = Starlette(routes=status.routes())
    code, _ = store.create()
    counted = "open:0:0:" + ",".join("0" for _ in status.QUESTIONS)  # no one joined yet
    start = time.monotonic()
    assert ask(app, code, f"drawn={counted}&counts=1") == (200, counted)
    assert ask(app, code, "drawn=open:0") == (200, "open:0")
    assert 0.8 <= time.monotonic() - start < 3.0


def test_the_counts_follow_joins_and_answers(store):
    app = Starlette(routes=status.routes())
    code, _ = store.create()
    store.join(code, "seat1", "Ann")
    time.sleep(status.CHECK_S)  # the route reads a class's key at most once per CHECK_S
    store.answer(code, "seat1", status.QUESTIONS[0].id, status.QUESTIONS[0].choices[0])
    time.sleep(status.CHECK_S)
    assert ask(app, code, "counts=1")[1] == "open:0:1:1," + ",".join(
        "0" for _ in status.QUESTIONS[1:])


def test_unknown_codes_are_limited_per_address(store):
    app = Starlette(routes=status.routes())
    events, _ = status.MISSES
    for _ in range(events):
        assert ask(app, "ZZZZZZ", "drawn=open:3") == (200, "gone")
    assert ask(app, "ZZZZZZ") == (429, "limited")
    code, _ = store.create()
    assert ask(app, code) == (429, "limited")  # this address, whatever it asks next
    assert ask(app, code, client="10.0.0.2") == (200, "open:0")  # another is not blocked


@pytest.mark.parametrize("url, base", [
    ("http://host:8501/Latent_sliders?class=X&seat=Y", ""),
    ("https://example.org/lab/Class", "/lab"),
    ("https://example.org/lab/", "/lab"),
    ("http://host:8501", ""),
])
def test_the_join_link_opens_the_apps_home_whatever_page_made_it(monkeypatch, url, base):
    from types import SimpleNamespace

    import streamlit as st

    from core.app import class_bar

    monkeypatch.setattr(st, "context", SimpleNamespace(url=url))
    origin = "/".join(url.split("/")[:3])
    assert class_bar.join_link("K7Q3PX") == f"{origin}{base}/?class=K7Q3PX"
    assert class_bar._base_path() == base  # where the page finds the class's route

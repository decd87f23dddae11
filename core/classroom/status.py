"""A class's status in one short key, and the HTTP route that serves it to the browser.

A follower's browser asks `GET /_latentlab/class/<code>?drawn=<key>` (`core.app.class_bar`'s
timer), where `drawn` is the key its page was drawn with. The route answers as soon as the
class's key differs from it, or after `HOLD_S` with the same key (a long poll): a change reaches
the browser within about `CHECK_S`, and waiting costs the server a store read per class every
`CHECK_S`, shared by every browser waiting on that class, and no script run. The page reruns
only when the key changed. The key says whether the class is open (with its version), paused
(the store cannot be reached) or gone, and, with `?counts=1` (the instructor's and the
projector's pages), how many joined and answered each question.

The route is mounted by `serve.py` (`st.App(..., routes=routes())`); `mounted()` tells the pages
whether it is there (`streamlit run Home.py` has no routes: class mode then says how to start).
"""

from __future__ import annotations

import asyncio
import functools
import os
import time
from collections import defaultdict, deque

from core.classroom.questions import QUESTIONS
from core.classroom.store import Store, Unavailable, UnknownClass, normalise_code, open_store

PATH = "/_latentlab/class"
MOUNTED_ENV = "LATENT_LAB_CLASS_ROUTE"  # set by `routes()`: an environment variable survives
                                        # Streamlit's reloading of changed modules
MISSES = (20, 60.0)            # unknown codes answered per client address per minute
HOLD_S = 15.0                  # a long poll's longest wait (nginx's proxy_read_timeout is 60 s)
CHECK_S = 0.1                  # how often a waiting class's key is read again


def mounted() -> bool:
    return os.environ.get(MOUNTED_ENV) == PATH


def key(store: Store, code: str, counts: bool = False) -> str:
    """"open:<version>[:<members>:<answers per question>]", "paused" or "gone"."""
    try:
        state = store.get(code)
        out = f"open:{state.version}"
        if counts:
            out += f":{len(store.members(code))}:" + ",".join(
                str(len(store.answers(code, q.id))) for q in QUESTIONS)
        return out
    except Unavailable:
        return "paused"
    except UnknownClass:
        return "gone"


class _Misses:
    """Unknown codes asked per client address: a limit on guessing codes through the route."""

    def __init__(self, events: int, seconds: float) -> None:
        self.events, self.seconds = events, seconds
        self.times: dict[str, deque[float]] = defaultdict(deque)

    def blocked(self, client: str, now: float) -> bool:
        times = self.times[client]
        while times and now - times[0] >= self.seconds:
            times.popleft()
        return len(times) >= self.events

    def add(self, client: str, now: float) -> None:
        self.times[client].append(now)
        if len(self.times) > 10_000:  # forget the oldest clients rather than grow without end
            self.times.pop(next(iter(self.times)))


class _Keys:
    """Class keys read at most once per `fresh` seconds for all the requests waiting on one
    class: thirty waiting students cost the store what one does."""

    def __init__(self, fresh: float) -> None:
        self.fresh = fresh
        self.read_at: dict[tuple[str, bool], tuple[float, str]] = {}

    async def read(self, store: Store, code: str, counts: bool) -> str:
        from starlette.concurrency import run_in_threadpool

        now = time.monotonic()
        at, found = self.read_at.get((code, counts), (-1.0, ""))
        if now - at < self.fresh:
            return found
        found = await run_in_threadpool(key, store, code, counts)  # SQLite and Redis block
        self.read_at[(code, counts)] = (time.monotonic(), found)
        if len(self.read_at) > 10_000:  # forget the oldest classes rather than grow without end
            self.read_at.pop(next(iter(self.read_at)))
        return found


@functools.cache
def _store() -> Store:
    return open_store()


def routes() -> list:
    """The Starlette route `GET /_latentlab/class/{code}` for `st.App(routes=...)`."""
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    misses = _Misses(*MISSES)
    keys = _Keys(CHECK_S)

    async def status(request: Request) -> JSONResponse:
        forwarded = request.headers.get("x-forwarded-for", "")
        client = forwarded.split(",")[0].strip() or (request.client.host if request.client else "")
        now = time.monotonic()
        if misses.blocked(client, now):
            return JSONResponse({"key": "limited"}, status_code=429)
        code = normalise_code(request.path_params["code"])
        counts = request.query_params.get("counts") == "1"
        try:
            store = _store()
        except Unavailable:
            return JSONResponse({"key": "paused"}, status_code=503)
        drawn = request.query_params.get("drawn")
        found = await keys.read(store, code, counts)
        deadline = now + HOLD_S
        while found == drawn and time.monotonic() < deadline:
            if await request.is_disconnected():  # the student left the page
                break
            await asyncio.sleep(CHECK_S)
            found = await keys.read(store, code, counts)
        if found == "gone":
            misses.add(client, now)
        return JSONResponse({"key": found}, headers={"Cache-Control": "no-store"})

    os.environ[MOUNTED_ENV] = PATH
    return [Route(PATH + "/{code}", status, methods=["GET"])]

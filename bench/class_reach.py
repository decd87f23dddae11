"""How fast an instructor's change reaches each student's session: the server's part of
following, for a class larger than this machine can draw in Chromium.

    python bench/class_reach.py [--students 30] [--changes 10] [--store sqlite|redis] [--split]

`bench/class_follow.py` measures to each student's screen, but here every student's page is
drawn on the same two cores, so with 30 students it mostly measures the browsers waiting for
each other. This benchmark keeps the instructor in Chromium and makes each student a light
client: a Streamlit session spoken to over its websocket with Streamlit's own messages (the
`streamlit.proto` classes), doing what the student's page does (`core.app.class_bar`'s timer):
it holds the class's long poll with the key its page was drawn with, and when the key changes
asks for a rerun with the timer's trigger. The delay is from the instructor's click to the
moment the run that shows the change has finished arriving (its `script_finished` message),
on this machine's clock. What a real student's screen adds is the browser's redraw of what
arrived, on the student's own device. With `--split` the server runs on CPU core 0 and the
rest on core 1.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import sys
import threading
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import quote

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.class_follow import arguments, instructor, lead, report  # noqa: E402
from bench.common import cpu_seconds  # noqa: E402

TIMER = "latent_lab_class_timer"  # the component `core.app.class_bar._poll` draws
POOL = concurrent.futures.ThreadPoolExecutor(64)  # one long poll per student at a time


def _get(url: str) -> dict:
    try:
        with urllib.request.urlopen(url, timeout=60) as answer:
            return json.loads(answer.read())
    except OSError:
        return {"key": "paused"}  # as the page's timer: the server cannot be reached


async def http_get(base: str, path: str) -> dict:
    """GET `path` from the server at `base`: its JSON body (the status route's answer)."""
    return await asyncio.get_running_loop().run_in_executor(POOL, _get, base + path)


class Student:
    """One student's session on the server, without a browser."""

    def __init__(self, base: str, code: str) -> None:
        self.base, self.code = base, code
        self.query, self.page_hash = f"class={code}", ""
        self.pages: dict[str, str] = {}         # page hash -> its URL path ("Glossary")
        self.timer: tuple[str, dict] | None = None  # the timer's widget id and its data
        self.running = False
        self.run_text = b""                     # this run's elements, serialised
        self.target: str | None = None          # what the next change must show
        self.seen: float | None = None          # when a finished run first showed it
        self.done = False

    async def start(self) -> None:
        ws_url = self.base.replace("http", "ws", 1) + "/_stcore/stream"
        self.ws = await websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None,
                                           origin=self.base)
        asyncio.create_task(self.read())
        await self.rerun()
        asyncio.create_task(self.follow())

    async def rerun(self, trigger: tuple[str, str] | None = None) -> None:
        message = BackMsg()
        state = message.rerun_script
        state.query_string, state.page_script_hash = self.query, self.page_hash
        if trigger is not None:
            widget = state.widget_states.widgets.add()
            widget.id = f"{trigger[0]}__events"  # Streamlit's trigger aggregator for a component
            widget.json_trigger_value = json.dumps([{"event": "changed", "value": trigger[1]}])
        self.running = True
        await self.ws.send(message.SerializeToString())

    async def read(self) -> None:
        async for raw in self.ws:
            if self.done:
                return
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = msg.new_session.page_script_hash
                self.run_text, self.running = b"", True
                self.pages = {p.page_script_hash: p.url_pathname for p in msg.new_session.app_pages}
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "delta":
                element = msg.delta.new_element
                if element.WhichOneof("type") == "bidi_component" and \
                        element.bidi_component.component_name.endswith(TIMER):
                    self.timer = (element.bidi_component.id,
                                  json.loads(element.bidi_component.json))
                self.run_text += raw
            elif kind == "script_finished":
                self.running = False
                shown = self.target is not None and (
                    self.target.encode() in self.run_text
                    or "/" + self.pages.get(self.page_hash, "") == self.target)
                if shown and self.seen is None:
                    self.seen = time.time() * 1000

    async def follow(self) -> None:
        """The page's timer: ask the class with the key drawn; rerun when it changed."""
        while not self.done:
            if self.running or self.timer is None:
                await asyncio.sleep(0.05)
                continue
            widget, data = self.timer
            path = data["url"] + ("&" if "?" in data["url"] else "?") + \
                f"drawn={quote(data['drawn'])}"
            asked = time.monotonic()
            key = (await http_get(self.base, path))["key"]
            if self.done:
                return
            if key not in (data["drawn"], "limited") and not self.running:
                await self.rerun((widget, f"{key} {time.time()}"))
            await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - asked)))


def reach(students: int, changes: int, kind: str, split: bool) -> None:
    with ExitStack() as stack:
        base, pid, _, teacher, code = instructor(stack, kind, split)
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, daemon=True).start()
        light = [Student(base, code) for _ in range(students)]

        def on_loop(coroutine):
            return asyncio.run_coroutine_threadsafe(coroutine, loop).result(120)

        async def start_all() -> None:
            await asyncio.gather(*(s.start() for s in light))

        async def close_all() -> None:
            await asyncio.gather(*(s.ws.close() for s in light))

        on_loop(start_all())
        deadline = time.monotonic() + 120
        while any(s.pages.get(s.page_hash) != "Glossary" for s in light):
            if time.monotonic() > deadline:
                raise TimeoutError("the students never reached the Glossary")
            time.sleep(0.2)
        time.sleep(2)

        def measure(target: str, act) -> list[float]:
            for s in light:
                s.target, s.seen = target, None
            sent = time.time() * 1000
            act()
            end = time.monotonic() + 60
            while any(s.seen is None for s in light) and time.monotonic() < end:
                time.sleep(0.05)
            missing = sum(s.seen is None for s in light)
            if missing:
                raise TimeoutError(f"{missing} students never showed {target}")
            return [s.seen - sent for s in light]

        cpu0 = cpu_seconds(pid)
        delays = lead(teacher, changes, measure)
        report(delays, cpu_seconds(pid) - cpu0, f"store: {kind}; {students} light students; " + (
            "server on core 0, the rest on core 1" if split else "all on both cores"))
        for s in light:  # before the server stops: no reader sees a closed socket
            s.done = True
        on_loop(close_all())


def main() -> None:
    args = arguments(__doc__)
    reach(args.students, args.changes, args.store, args.split)


if __name__ == "__main__":
    main()

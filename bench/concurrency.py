"""Many students at once: N browser sessions moving sliders on one server.

    python bench/concurrency.py [--sessions 10] [--seconds 60] [--pause 1.0] [--floor]

Each session (its own browser context, all in one headless Chromium) opens Latent sliders; once
all have loaded, each moves a slider for `seconds`, timing each move until the new picture is on
screen, then waits `pause` seconds (uniformly 0.5x to 1.5x, so sessions do not move in step)
before the next move. Prints errors, p50/p95 of all moves, the same for one session alone at
the same pace, the server's CPU time per move while they moved (what a 2-CPU server can serve,
with the browsers' share of the cores taken out), and its memory before, at peak and after.

The pace: Latent sliders decodes in the browser while a slider is dragged and sends the code to
the server when it is released (`tests/test_browser.py` checks it: a drag over twenty positions
sends one message), and so does a Streamlit slider; so a student sends one move per drag and
then looks at the picture. Each key press here is such a move: a redraw and a script rerun. One move a second per student is a
busy class; `--pause 0.15` is a stress test, every session moving as fast as it can see.

`--floor` runs the same on `bench/trivial_slider_app.py` (the same ten sliders and a picture,
nothing computed): the ratio Streamlit itself reaches with the browsers on the server's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import time
from pathlib import Path

from common import CHROMIUM, CHROMIUM_ARGS, IDLE_JS, cpu_seconds, memory_mb, percentile, server
from slider_latency import DONE, MARK, SLIDER

URL = "/Latent_sliders?family=vae&latent=10&beta=1"
FLOOR = "bench/trivial_slider_app.py"


def browser_cpu_seconds() -> float:
    """CPU time used so far by every Chromium process on the machine (the sessions' tabs;
    Debian's /usr/bin/chromium starts /usr/lib/chromium/chromium, hence the plain name)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and "chromium" in (entry / "cmdline").read_text():
                total += cpu_seconds(int(entry.name))
        except OSError:  # the process ended while we looked
            pass
    return total


class Start:
    """Every session opens its page first; the moves begin together once all have loaded, so
    the moves are timed against each other, not against ten page loads (timed elsewhere)."""

    def __init__(self, sessions: int, pid: int) -> None:
        self.waiting, self.pid = sessions, pid
        self.go = asyncio.Event()
        self.cpu_s = self.browser_cpu_s = 0.0  # CPU times when the moves began
        self.used: tuple[float, float] | None = None  # (server, browser) CPU seconds while moving
        self.ended = float("inf")  # when the first session stopped moving

    def arrive(self) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            self.cpu_s, self.browser_cpu_s = cpu_seconds(self.pid), browser_cpu_seconds()
            self.go.set()

    def stop(self) -> None:
        """The first session to finish ends the window, before any tab closes (a closed tab's
        processes exit and take their CPU time with them)."""
        if self.used is None:
            self.ended = time.monotonic()
            self.used = (cpu_seconds(self.pid) - self.cpu_s,
                         browser_cpu_seconds() - self.browser_cpu_s)


async def session(browser, base: str, url: str, seconds: float, pause: float, seed: int, start: Start,
                  out: list[tuple[float, float]], errors: list[str]) -> None:
    """One student: a browser context of its own, moving the first slider for `seconds`,
    `pause` seconds apart on average."""
    rng = random.Random(seed)
    context = await browser.new_context()
    arrived = False
    try:
        page = await context.new_page()
        await page.goto(base + url)
        await page.wait_for_function(IDLE_JS, timeout=300_000, polling=100)
        await page.locator(SLIDER).first.focus()
        start.arrive()
        arrived = True
        await start.go.wait()
        await asyncio.sleep(pause * rng.uniform(0, 1))  # students do not move in step
        end, i = time.monotonic() + seconds, 0
        while time.monotonic() < end:
            await page.evaluate(MARK)
            await page.keyboard.press("ArrowRight" if (i // 10) % 2 == 0 else "ArrowLeft")
            # Poll every 10 ms, not every frame: ten tabs polling at 60 Hz would take CPU
            # from the server on the same two cores.
            await page.wait_for_function(DONE, polling=10, timeout=60_000)
            if i >= 3:  # the first moves warm up caches on both sides
                out.append((time.monotonic(), await page.evaluate("window.__dt")))
            i += 1
            await asyncio.sleep(pause * rng.uniform(0.5, 1.5))
        start.stop()
        if await page.locator("[data-testid=stException]").count():
            errors.append("exception element on the page")
    except Exception as error:  # noqa: BLE001 - counted and reported
        errors.append(f"{type(error).__name__}: {error}"[:200])
        if not arrived:
            start.arrive()
    finally:
        await context.close()


async def run(base: str, url: str, pid: int, sessions: int, seconds: float,
              pause: float) -> tuple[list[float], list[str], float, float, int]:
    """Times of every move, errors, the CPU seconds of the server and of the browser while all
    the sessions moved, and how many moves ended in that window."""
    from playwright.async_api import async_playwright

    moves: list[tuple[float, float]] = []  # (when it ended, milliseconds it took)
    errors: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                          args=CHROMIUM_ARGS)
        try:
            start = Start(sessions, pid)
            await asyncio.gather(*(session(browser, base, url, seconds, pause, seed, start, moves,
                                           errors) for seed in range(sessions)))
        finally:
            await browser.close()
    cpu_used, browser_cpu = start.used or (0.0, 0.0)
    in_window = sum(1 for ended, _ in moves if ended <= start.ended)
    return [ms for _, ms in moves], errors, cpu_used, browser_cpu, in_window


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--pause", type=float, default=1.0,
                        help="mean seconds between a move's new image and the next move")
    parser.add_argument("--floor", action="store_true",
                        help=f"time {FLOOR} instead of Latent sliders")
    args = parser.parse_args()
    script, url = (FLOOR, "/") if args.floor else ("Home.py", URL)
    with server(script) as (base, pid):
        single, single_errors, *_ = asyncio.run(run(base, url, pid, 1, max(20.0, 45 * args.pause),
                                                   args.pause))
        start_mb = memory_mb(pid)[0]
        many, errors, cpu_used, browser_cpu, in_window = asyncio.run(
            run(base, url, pid, args.sessions, args.seconds, args.pause))
        time.sleep(5)
        end_mb, peak_mb = memory_mb(pid)
    p95_single, p95_many = percentile(single, 95), percentile(many, 95)
    # What the server did while the sessions moved, per move.
    cpu_ms_per_move = 1000 * cpu_used / max(1, in_window)
    print(json.dumps({
        "app": script, "sessions": args.sessions, "seconds": args.seconds, "pause_s": args.pause, "moves": len(many),
        "single_session_moves": len(single),
        "errors": single_errors + errors,
        "single_session": {"p50_ms": round(percentile(single, 50), 1), "p95_ms": round(p95_single, 1)},
        "concurrent": {"p50_ms": round(percentile(many, 50), 1), "p95_ms": round(p95_many, 1)},
        "p95_ratio": round(p95_many / p95_single, 2),
        "server_cpu_s": round(cpu_used, 1),
        # On a real class each tab is on its student's own computer; here all share two cores.
        "browser_cpu_ms_per_move": round(1000 * browser_cpu / max(1, in_window), 1),
        "server_cpu_ms_per_move": round(cpu_ms_per_move, 1),
        "moves_per_s_two_cores_could_serve": round(2000 / cpu_ms_per_move, 1),
        "server_mb": {"before": round(start_mb), "peak": round(peak_mb), "after": round(end_mb)},
    }, indent=2))


if __name__ == "__main__":
    main()

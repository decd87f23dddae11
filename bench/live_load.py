"""Ten students moving on the live lessons at once: what their moves cost the server.

    python bench/live_load.py [--sessions 10] [--seconds 40] [--every 5] [--script serve.py]
                              [--no-watcher]

Opens `sessions` browser contexts in one headless Chromium, spread over the six lessons whose
model runs in the browser (sliders, manifold, embeddings, interpolation, progression, draw),
and measures the server's CPU (its process tree) in three phases of `seconds` each:

- idle: every page open, nobody moving (the floor: websockets, the file watcher);
- moving: every session moves all the time, about ten moves a second (the pointer over a map, a
  slider or the scrubber dragged, the pen drawing, the steps of a grid pressed faster than the
  0.4 s after which a view sends its settings): what the browser does alone;
- releasing: every session makes one release every `--every` seconds (a slider let go, a
  click on the embedding, a pick for A + B - C, a pen lifted, a grid's steps changed): what
  the server hears; then the same for each lesson's sessions alone, the others idle.

Prints the server's CPU per phase (ms of CPU per second), per move (moving minus idle, over the
moves) and per release (releasing minus idle, over the releases), and how many students a
2-core server holds from that: 2 CPU-seconds a second over (a release's CPU / `--every`).
--no-watcher runs the server with `--server.fileWatcherType none` (docs/performance.md says
what Streamlit's file watcher costs a release, and why the app keeps it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from playwright.async_api import async_playwright

from bench.common import CHROMIUM, CHROMIUM_ARGS, IDLE_JS, cpu_seconds, server

# page, how a move is made (and on what), how a release is made (and on what)
LESSONS = [
    ("Latent_sliders?family=vae&latent=10", "drag", ".ll-slider input", "key", ".ll-slider input"),
    ("Latent_manifold?family=vae&latent=10", "pointer", "[data-testid=ll-map]", "key",
     ".ll-steps input"),
    ("Embeddings?family=vae&latent=10", "pointer", "[data-testid=ll-embedding]", "click",
     "[data-testid=ll-embedding]"),
    ("Interpolation_and_arithmetic?family=vae&latent=10", "drag", ".ll-scrub input", "click",
     ".ll-pick"),
    ("Neuron_progression?family=vae&latent=10", "keys", ".ll-steps input", "key",
     ".ll-steps input"),
    ("Draw_your_digit?family=vae&latent=10", "pen", "[data-testid=ll-canvas]", "pen",
     "[data-testid=ll-canvas]"),
]


async def open_lesson(browser, base: str, path: str):
    page = await (await browser.new_context(viewport={"width": 1400, "height": 1000})).new_page()
    await page.goto(f"{base}/{path}", timeout=180_000)
    await page.wait_for_selector(".ll-root[data-drawn]", timeout=180_000)
    await page.wait_for_function(IDLE_JS, timeout=180_000)
    return page


async def box_of(page, selector: str) -> dict:
    target = page.locator(selector).first
    await target.scroll_into_view_if_needed()
    return await target.bounding_box()


async def move(page, how: str, selector: str, until: float, rng: random.Random) -> int:
    """Move on the lesson until `until` (time.monotonic), about ten moves a second; returns
    the number of moves."""
    box, moves = await box_of(page, selector), 0
    at = lambda u, v: (box["x"] + box["width"] * u, box["y"] + box["height"] * v)
    if how in ("drag", "pen"):  # the button stays down: the server hears only the lift
        await page.mouse.move(*at(0.5, 0.5))
        await page.mouse.down()
    else:
        await page.locator(selector).first.focus()
    while time.monotonic() < until:
        if how == "keys":
            await page.keyboard.press("ArrowRight" if moves % 2 == 0 else "ArrowLeft")
        else:
            spread = 0.6 if how == "pen" else 0.9
            await page.mouse.move(*at(0.5 + spread * (rng.random() - 0.5),
                                      0.5 + (spread * (rng.random() - 0.5) if how != "drag" else 0)))
        moves += 1
        await asyncio.sleep(0.1)
    if how in ("drag", "pen"):
        await page.mouse.up()
    return moves


async def release(page, how: str, selector: str, until: float, every: float,
                  rng: random.Random) -> int:
    """One release every `every` seconds until `until`; returns the number of releases."""
    releases = 0
    await asyncio.sleep(rng.random() * every)  # the class does not move in step
    while time.monotonic() < until:
        box = await box_of(page, selector)
        u, v = 0.3 + 0.4 * rng.random(), 0.3 + 0.4 * rng.random()
        x, y = box["x"] + box["width"] * u, box["y"] + box["height"] * v
        if how == "key":
            await page.locator(selector).first.focus()
            await page.keyboard.press("ArrowRight" if releases % 2 == 0 else "ArrowLeft")
        elif how == "click" and selector == ".ll-pick":
            await page.locator(selector).nth(releases % 12).click()
        elif how == "click":
            await page.mouse.click(x, y)
        else:  # a short stroke, then the pen lifts
            await page.mouse.move(x, y)
            await page.mouse.down()
            await page.mouse.move(x + 30, y + 40, steps=5)
            await page.mouse.up()
        releases += 1
        await asyncio.sleep(every)
    return releases


async def run(sessions: int, seconds: float, every: float, script: str,
              flags: tuple[str, ...]) -> dict:
    results: dict[str, object] = {"script": script, "flags": " ".join(flags), "sessions": sessions,
                                  "seconds per phase": seconds, "a release every (s)": every}
    with server(script, timeout=300, flags=flags) as (base, pid):
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            lessons = [LESSONS[i % len(LESSONS)] for i in range(sessions)]
            pages = []
            for path, *_ in lessons:  # one by one: a first visit loads the model on the server
                pages.append(await open_lesson(browser, base, path))
            rngs = [random.Random(i) for i in range(sessions)]

            async def phase(name: str, work) -> tuple[float, int]:
                await asyncio.sleep(3)  # what the last phase left running settles
                cpu, started = cpu_seconds(pid), time.monotonic()
                until = started + seconds
                counts = await asyncio.gather(*(work(page, lesson, until, rng) for page, lesson, rng
                                                in zip(pages, lessons, rngs)))
                await asyncio.sleep(max(0.0, until + 2 - time.monotonic()))  # the last reruns end
                spent = (cpu_seconds(pid) - cpu) / (time.monotonic() - started)
                results[f"{name}: server CPU (ms a second)"] = round(1000 * spent, 1)
                results[f"{name}: events"] = sum(counts)
                return spent, sum(counts)

            async def idle(page, lesson, until, rng) -> int:
                await asyncio.sleep(until - time.monotonic())
                return 0

            floor, _ = await phase("idle", idle)
            moving, moves = await phase("moving", lambda page, lesson, until, rng: move(
                page, lesson[1], lesson[2], until, rng))
            releasing, releases = await phase("releasing", lambda page, lesson, until, rng: release(
                page, lesson[3], lesson[4], until, every, rng))
            for path, *_ in LESSONS:  # then each lesson's releases alone, the others idle
                name = path.split("?")[0]
                spent, count = await phase(f"releasing on {name} alone", lambda page, lesson, until,
                                           rng, path=path: release(page, lesson[3], lesson[4],
                                                                   until, every, rng)
                                           if lesson[0] == path else idle(page, lesson, until, rng))
                results[f"server CPU per release on {name} (ms)"] = round(
                    1000 * max(0.0, spent - floor) * (seconds + 2) / max(count, 1), 1)
            await browser.close()
    window = seconds + 2  # each phase's CPU is measured over its moves and the 2 s after
    per_move = max(0.0, moving - floor) * window / max(moves, 1)
    per_release = max(0.0, releasing - floor) * window / max(releases, 1)
    results["server CPU per move (ms)"] = round(1000 * per_move, 2)
    results["server CPU per release (ms)"] = round(1000 * per_release, 1)
    if per_release > 0:
        results[f"students a 2-core server holds at a release every {every:g} s"] = int(
            2 * every / per_release)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--every", type=float, default=5.0)
    parser.add_argument("--script", default="serve.py", help="serve.py, as hosts run it, or Home.py")
    parser.add_argument("--no-watcher", action="store_true")
    args = parser.parse_args()
    flags = ("--server.fileWatcherType", "none") if args.no_watcher else ()
    print(json.dumps(asyncio.run(run(args.sessions, args.seconds, args.every, args.script, flags)),
                     indent=2))


if __name__ == "__main__":
    main()

"""Live lessons in a real browser: each interaction from input event to redrawn picture.

    python bench/live_latency.py [--moves 40] [--phone] [--only TEXT] [--script serve.py]

For each lesson that runs the model in the browser (`core/app/web`), moves its control `moves`
times (a key press on a slider, the pointer over the map) and times each move from the input
until the canvas it redraws has been drawn again (its data-draws changed; for a grid, when its
last row is painted), and the server's CPU time per move (a key press on a slider is also a
release, which the server hears; a pointer's move is not). Prints p50 / p95 in ms per interaction, the packet sizes of every zoo
model's decoder and encoder, and the time from opening Latent sliders until it first draws,
with an empty browser cache and with the model in IndexedDB. --phone runs the same on a
390 x 844 touch viewport with the CPU slowed 4x (Chromium's Emulation.setCPUThrottlingRate).
The server is `serve.py`, as hosts run it (its frozen heap makes a rerun cheaper than
`streamlit run Home.py`'s, and a rerun shares the two cores with the grid's workers).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import browser, cpu_seconds, percentile, server, wait_idle

# (name, page, what is moved, canvas that is redrawn). What is moved: a control to focus and
# press arrow keys on, or "pointer:<surface>" to move the pointer over, or "pen:<surface>" to
# draw on with the button held.
INTERACTIONS = [
    ("sliders: a slider step", "Latent_sliders?family=vae&latent=10", ".ll-slider input",
     "[data-testid=ll-digit]"),
    ("manifold: the pointer over the map", "Latent_manifold?family=vae&latent=10",
     "pointer:[data-testid=ll-map]", "[data-testid=ll-probe]"),
    ("manifold: steps a side 12 <-> 13, whole grid (VAE z10)",
     "Latent_manifold?family=vae&latent=10", ".ll-steps input", "[data-testid=ll-map]"),
    ("manifold: steps a side 12 <-> 13, whole grid (VAE z20)",
     "Latent_manifold?family=vae&latent=20", ".ll-steps input", "[data-testid=ll-map]"),
    ("progression: steps 10 <-> 11, 10 dimensions", "Neuron_progression?family=vae&latent=10",
     ".ll-steps input", "[data-testid=ll-sweep]"),
    ("embeddings: the pointer over the PCA map", "Embeddings?family=vae&latent=10",
     "pointer:[data-testid=ll-embedding]", "[data-testid=ll-probe]"),
    ("interpolation: the scrubber", "Interpolation_and_arithmetic?family=vae&latent=10",
     ".ll-scrub input", ".ll-scrub input"),
    ("draw: the pen moving (digitize, encode, decode; the 8 samples follow in a worker)",
     "Draw_your_digit?family=vae&latent=10", "pen:[data-testid=ll-canvas]",
     "[data-testid=ll-x]"),
]
MARK = """(s) => { window.__before = document.querySelector(s).dataset.draws;
                   window.__t0 = performance.now(); }"""
DONE = """(s) => { const done = document.querySelector(s).dataset.draws !== window.__before;
                   if (done) window.__dt = performance.now() - window.__t0; return done; }"""


def open_page(context, url: str, throttle: float):
    page = context.new_page()
    if throttle > 1:
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    page.goto(url)
    wait_idle(page)
    page.wait_for_selector(".ll-root[data-drawn]", timeout=120_000)
    wait_idle(page)
    return page


def time_moves(page, control: str, canvas: str, moves: int) -> list[float]:
    times, rng = [], random.Random(0)
    kind, _, surface = control.partition(":")
    if surface:
        page.locator(surface).scroll_into_view_if_needed()
        box = page.locator(surface).bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 4)
        if kind == "pen":
            page.mouse.down()
    else:
        page.locator(control).first.focus()
    for i in range(moves + 3):
        page.evaluate(MARK, canvas)
        if surface:  # a pen stays in the middle of the pad, as a digit's strokes do
            spread = 0.6 if kind == "pen" else 1.0
            page.mouse.move(box["x"] + box["width"] * (0.5 + spread * (rng.random() - 0.5)),
                            box["y"] + box["height"] * (0.5 + spread * (rng.random() - 0.5)))
        else:
            page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        page.wait_for_function(DONE, arg=canvas, polling="raf", timeout=60_000)
        if i >= 3:  # the first moves warm up the JIT and the workers
            times.append(page.evaluate("window.__dt"))
        time.sleep(0.15)  # a student's hand, not a stress test
        if not surface:
            wait_idle(page)  # a key press is also a release: let its rerun finish
    if kind == "pen":
        page.mouse.up()
    return times


def payloads() -> dict[str, float]:
    """Packet sizes in MB (10^6 bytes) over the zoo: decoder, encoder, both."""
    from core import webspec, zoo
    from core.picker import options_from_cards

    sizes: dict[str, list[float]] = {"decoder": [], "encoder": [], "both": []}
    for kind, latents in options_from_cards(zoo.available()).items():
        for latent, betas in latents.items():
            for beta in betas:
                model = zoo.load_model(kind, latent, beta)
                parts = [webspec.decoder_part(model), webspec.encoder_part(model)]
                for name, chosen in (("decoder", parts[:1]), ("encoder", parts[1:]), ("both", parts)):
                    sizes[name].append(len(webspec.pack({}, webspec.part_packet(chosen)[1])) / 1e6)
    return {f"{name} MB (min-max over {len(v)} models)": f"{min(v):.2f}-{max(v):.2f}"
            for name, v in sizes.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=40)
    parser.add_argument("--phone", action="store_true")
    parser.add_argument("--only", default="", help="run the interactions whose name has this")
    parser.add_argument("--script", default="serve.py", help="serve.py, as hosts run it, or Home.py")
    args = parser.parse_args()
    viewport = {"width": 390, "height": 844} if args.phone else {"width": 1400, "height": 1000}
    extra = {"has_touch": True, "is_mobile": True} if args.phone else {}
    throttle = 4.0 if args.phone else 1.0
    results: dict[str, object] = {}
    with server(args.script, timeout=300) as (base, pid), browser() as b:
        context = b.new_context(viewport=viewport, **extra)
        for first in (True, False):  # an empty cache, then the model in IndexedDB
            page = context.new_page()
            if throttle > 1:
                context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate",
                                                   {"rate": throttle})
            started = time.perf_counter()
            page.goto(f"{base}/Latent_sliders?family=vae&latent=10")
            page.wait_for_selector(".ll-root[data-drawn]", timeout=120_000)
            name = "open to first drawn digit, " + ("empty cache" if first else "cached model")
            results[name + " (s)"] = round(time.perf_counter() - started, 2)
            page.close()
        for name, path, control, canvas in INTERACTIONS:
            if args.only not in name:
                continue
            page = open_page(context, f"{base}/{path}", throttle)
            cpu = cpu_seconds(pid)
            times = time_moves(page, control, canvas, args.moves)
            # the server's CPU per move: nothing while the pointer moves, the rerun of a release
            results[name] = {"p50_ms": round(percentile(times, 50), 1),
                             "p95_ms": round(percentile(times, 95), 1), "moves": len(times),
                             "server_cpu_ms_per_move": round(1000 * (cpu_seconds(pid) - cpu)
                                                             / (len(times) + 3), 1)}
            print(name, results[name], flush=True)
            page.close()
    if not args.phone:
        results.update(payloads())
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

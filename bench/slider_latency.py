"""Slider latency in a real browser: Latent sliders against the notebook-style baseline.

    python bench/slider_latency.py [--moves 50] [--while-training]

Moves the first slider with the keyboard `moves` times on each app and times each move from
the key press until the new picture is on screen: Latent sliders decodes in the browser and
redraws its canvas; the baseline's new image (its src changed) has loaded.
Prints p50 / p95 in ms for both and the baseline's p95 over ours. With --while-training it
also times the sliders while another browser session trains a model with the Train-your-own
lesson's defaults on the same server (does one student's run freeze the app for the others?).
"""

from __future__ import annotations

import argparse
import json
import time

from common import browser, percentile, server, wait_idle

IMG = "[data-testid=stImage] img"
CANVAS = "[data-testid=ll-digit]"  # Latent sliders draws dec(z) in the browser (core/web)
SLIDER = "[data-testid=stSlider] input[type=range], .ll-slider input[type=range]"
# A move is done when the picture has changed: the canvas drawn again, or (the baseline, and
# any page whose picture comes from the server) a new image src that has loaded.
MARK = """() => { const c = document.querySelector('%s');
  window.__before = c ? c.dataset.draws : document.querySelector('%s').src;
  window.__t0 = performance.now(); }""" % (CANVAS, IMG)
DONE = """() => { const c = document.querySelector('%s');
  let done;
  if (c) done = c.dataset.draws !== window.__before;
  else { const i = document.querySelector('%s');
         done = i && i.src !== window.__before && i.complete && i.naturalWidth > 0; }
  if (done) window.__dt = performance.now() - window.__t0;
  return done; }""" % (CANVAS, IMG)


def time_moves(b, url: str, moves: int) -> list[float]:
    page = b.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    wait_idle(page)
    thumb = page.locator(SLIDER).first
    thumb.focus()
    times = []
    for i in range(moves + 3):
        page.evaluate(MARK)
        page.keyboard.press("ArrowRight" if (i // 10) % 2 == 0 else "ArrowLeft")
        page.wait_for_function(DONE, polling="raf", timeout=30_000)
        if i >= 3:  # the first moves warm up caches on both sides
            times.append(page.evaluate("window.__dt"))
        time.sleep(0.15)  # a student's hand, not a stress test
    page.close()
    return times


def start_training(b, base: str):
    """Another student: a new browser context starts a run with the lesson's defaults."""
    page = b.new_context().new_page()
    page.goto(f"{base}/Train_your_own")
    wait_idle(page)
    page.get_by_role("button", name="Start training").click()
    page.wait_for_function("() => document.body.innerText.includes('training · step')",
                           timeout=60_000)
    return page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=50)
    parser.add_argument("--while-training", action="store_true")
    args = parser.parse_args()
    results = {}
    with browser() as b:
        with server("Home.py") as (base, _):
            url = f"{base}/Latent_sliders?family=vae&latent=10&beta=1"
            results["latent_sliders"] = time_moves(b, url, args.moves)
            if args.while_training:
                trainer = start_training(b, base)
                results["latent_sliders_while_training"] = time_moves(b, url, args.moves)
                still = "training · step" in trainer.inner_text("body")
                print(f"the run was still going after the last move: {still}", flush=True)
        with server("bench/baseline_app.py") as (base, _):
            results["baseline"] = time_moves(b, base, args.moves)
    summary = {name: {"p50_ms": round(percentile(t, 50), 1), "p95_ms": round(percentile(t, 95), 1)}
               for name, t in results.items()}
    summary["speedup_at_p95"] = round(summary["baseline"]["p95_ms"]
                                      / summary["latent_sliders"]["p95_ms"], 2)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()

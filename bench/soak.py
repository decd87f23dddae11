"""A soak: many students for many minutes, with the inputs a public class server must survive.

    python bench/soak.py [--sessions 10] [--minutes 10] [--script serve.py]

Each session (its own browser context, all in one headless Chromium) loops until the time is
up: it opens a random lesson and waits for it to finish drawing; on Draw your digit it uploads a
photo, one of a good digit, a 39-megapixel PNG (refused from its header), an 11 MB file
(refused by the server) and a file that is no image; session 1 starts one small training run
(1 epoch of 1,000 digits) and session 2 asks Embeddings for a UMAP recompute, each once. An error is a page showing a
Python exception or "Something went wrong", or a page that never finishes drawing.

The server's memory and its worker processes' (the recompute) are sampled every 0.25 s. Prints
errors, actions per kind, the server's memory at the start (after one visit of every page),
its peak and the workers' peak, the peak of both together, and the server's memory after every
session has closed and the server has been idle for `--settle` seconds. Targets (docs/serving.md): no errors,
the peaks within the worst case documented there, memory after within 10 % of the start.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import threading
import time
from pathlib import Path

from common import CHROMIUM, CHROMIUM_ARGS, IDLE_JS, server, tree_rss_mb

LESSONS = ["", "Reconstruction", "Autoencoder_vs_VAE", "KL_weight", "Latent_sliders",
           "Digit_prototypes", "Neuron_progression", "Latent_manifold", "Embeddings",
           "Interpolation_and_arithmetic", "Draw_your_digit", "Train_your_own", "Glossary"]
FAILED = "() => !!document.querySelector('[data-testid=stException]') || " \
         "document.body.innerText.includes('Something went wrong')"


def uploads(folder: Path) -> dict[str, Path]:
    """The photos a session uploads: name -> file."""
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    good = Image.new("L", (300, 400), 255)
    ImageDraw.Draw(good).rectangle((130, 40, 170, 360), fill=0)
    files = {"good": good, "huge": Image.new("L", (7200, 5400), 255)}
    out = {}
    for name, image in files.items():
        out[name] = folder / f"{name}.png"
        image.save(out[name])
    out["oversized"] = folder / "oversized.png"
    out["oversized"].write_bytes(b"\x89PNG" + random.randbytes(11 * 1024 * 1024))
    out["not an image"] = folder / "text.png"
    out["not an image"].write_text("this is not a picture")
    return out


class Memory:
    """Peaks of a server's and its children's resident memory, sampled in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid, self.server_peak, self.workers_peak, self.both_peak = pid, 0.0, 0.0, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.25):
            own, children = tree_rss_mb(self.pid)
            self.server_peak = max(self.server_peak, own)
            self.workers_peak = max(self.workers_peak, children)
            self.both_peak = max(self.both_peak, own + children)

    def __enter__(self) -> Memory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def idle(page, timeout_ms: float = 180_000) -> None:
    await page.wait_for_function(IDLE_JS, timeout=timeout_ms, polling=100)


async def session(n: int, browser, base: str, deadline: float, files: dict[str, Path],
                  counts: dict[str, int], errors: list[str]) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    rng = random.Random(n)
    chores = {1: "train", 2: "recompute"}.get(n)
    try:
        while time.monotonic() < deadline:
            lesson = ("Train_your_own" if chores == "train" else
                      "Embeddings" if chores == "recompute" else rng.choice(LESSONS))
            action = f"open {lesson or 'Home'}"
            try:
                await page.goto(f"{base}/{lesson}")
                await idle(page)
                if chores == "train":
                    action = "a training run"
                    for label in ("Epochs", "Training digits"):  # 1 epoch of 1,000 digits
                        slider = page.locator("[data-testid=stSlider]").filter(has_text=label)
                        await slider.locator("input[type=range]").first.press("Home")
                        await idle(page)
                    await page.get_by_role("button", name="Start training").click()
                    await page.wait_for_function(
                        "() => /your VAE, latent size 10|Training failed|Try again in a minute/"
                        ".test(document.body.innerText)", timeout=600_000)
                elif chores == "recompute":
                    action = "a UMAP recompute"
                    await page.locator("[data-testid=stRadio] label").filter(has_text="UMAP").click()
                    await idle(page)
                    await page.locator("summary").filter(has_text="Recompute with").click()
                    await page.get_by_role("button", name="Recompute UMAP").click()
                    await page.wait_for_function("() => /UMAP ready|could not be computed/"
                                                 ".test(document.body.innerText)", timeout=300_000)
                elif lesson == "Draw_your_digit":
                    name = rng.choice(list(files))
                    action = f"upload {name}"
                    await page.locator("[data-testid=stRadio] label").filter(
                        has_text="Upload a photo").click()
                    await idle(page)
                    await page.locator("input[type=file]").first.set_input_files(str(files[name]))
                    await page.wait_for_timeout(1500)
                    await idle(page)
                chores = None
                if await page.evaluate(FAILED):
                    errors.append(f"session {n}: {action} showed an error")
                counts[action.split(" ")[0] if action.startswith("open") else action] = \
                    counts.get(action.split(" ")[0] if action.startswith("open") else action, 0) + 1
            except Exception as error:  # noqa: BLE001 - a soak counts failures, it does not stop
                errors.append(f"session {n}: {action}: {type(error).__name__}")
                chores = None
            await asyncio.sleep(rng.uniform(0.5, 2.0))
    finally:
        await context.close()


async def soak(base: str, pid: int, sessions: int, minutes: float, files: dict[str, Path],
               settle_s: float) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                          args=CHROMIUM_ARGS)
        warm = await browser.new_page()
        for lesson in LESSONS:  # every page once: the start figure includes what they load
            await warm.goto(f"{base}/{lesson}")
            await idle(warm)
        await warm.close()
        start = tree_rss_mb(pid)[0]
        counts: dict[str, int] = {}
        errors: list[str] = []
        with Memory(pid) as memory:
            deadline = time.monotonic() + 60 * minutes
            await asyncio.gather(*(session(n, browser, base, deadline, files, counts, errors)
                                   for n in range(sessions)))
        await browser.close()
    await asyncio.sleep(settle_s)  # every session closed: Streamlit drops their state
    return {"sessions": sessions, "minutes": minutes, "errors": len(errors),
            "error_list": errors[:20], "actions": counts,
            "server_start_mb": round(start), "server_peak_mb": round(memory.server_peak),
            "workers_peak_mb": round(memory.workers_peak),
            "server_and_workers_peak_mb": round(memory.both_peak),
            "server_after_mb": round(tree_rss_mb(pid)[0])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--script", default="serve.py")
    parser.add_argument("--settle", type=float, default=150.0,
                        help="seconds to wait after the sessions close before the last figure "
                             "(Streamlit keeps a closed session's state for a while)")
    args = parser.parse_args()
    files = uploads(Path(__file__).parent / "out" / "soak")
    with server(args.script, timeout=300) as (base, pid):
        result = asyncio.run(soak(base, pid, args.sessions, args.minutes, files, args.settle))
    result["after_vs_start"] = round(result["server_after_mb"] / result["server_start_mb"] - 1, 3)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

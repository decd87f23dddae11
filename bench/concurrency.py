"""Many students at once: N browser sessions moving sliders on one server.

    python bench/concurrency.py [--sessions 10] [--seconds 60]

Each session (its own browser context) opens Latent sliders and moves a slider for `seconds`,
timing each move until the new image is on screen. Prints errors, p50/p95 of all moves, the
same for one session alone, and the server's memory before, at peak and after.
"""

from __future__ import annotations

import argparse
import json
import threading
import time

from common import CHROMIUM, CHROMIUM_ARGS, memory_mb, percentile, server, wait_idle
from slider_latency import DONE, MARK

URL = "/Latent_sliders?family=vae&latent=10&beta=1"


def session(base: str, seconds: float, out: list[float], errors: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = b.new_context().new_page()
            page.goto(base + URL)
            wait_idle(page, timeout_ms=300_000)
            page.locator("[data-testid=stSlider] input[type=range]").first.focus()
            end, i = time.monotonic() + seconds, 0
            while time.monotonic() < end:
                page.evaluate(MARK)
                page.keyboard.press("ArrowRight" if (i // 10) % 2 == 0 else "ArrowLeft")
                page.wait_for_function(DONE, polling="raf", timeout=60_000)
                if i >= 3:
                    out.append(page.evaluate("window.__dt"))
                i += 1
                time.sleep(0.15)
            if page.locator("[data-testid=stException]").count():
                errors.append("exception element on the page")
        except Exception as error:  # noqa: BLE001 - counted and reported
            errors.append(f"{type(error).__name__}: {error}"[:200])
        finally:
            b.close()


def run(base: str, sessions: int, seconds: float) -> tuple[list[float], list[str]]:
    times: list[float] = []
    errors: list[str] = []
    threads = [threading.Thread(target=session, args=(base, seconds, times, errors))
               for _ in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    with server() as (base, pid):
        single, single_errors = run(base, 1, 20)
        start_mb = memory_mb(pid)[0]
        many, errors = run(base, args.sessions, args.seconds)
        time.sleep(5)
        end_mb, peak_mb = memory_mb(pid)
    p95_single, p95_many = percentile(single, 95), percentile(many, 95)
    print(json.dumps({
        "sessions": args.sessions, "seconds": args.seconds, "moves": len(many),
        "errors": single_errors + errors,
        "single_session": {"p50_ms": round(percentile(single, 50), 1), "p95_ms": round(p95_single, 1)},
        "concurrent": {"p50_ms": round(percentile(many, 50), 1), "p95_ms": round(p95_many, 1)},
        "p95_ratio": round(p95_many / p95_single, 2),
        "server_mb": {"before": round(start_mb), "peak": round(peak_mb), "after": round(end_mb)},
    }, indent=2))


if __name__ == "__main__":
    main()

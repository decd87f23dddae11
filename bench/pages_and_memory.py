"""Page open times (fresh server and warm) and the server's peak memory over a tour.

    python bench/pages_and_memory.py [--only times|memory] [--script Home.py|serve.py]

Fresh: a new `streamlit run` process per page, timed from navigation until the script run has
finished and every image has loaded (models load on first use, so this includes loading them).
With `--script serve.py` the server warms every page before it accepts a connection; how long
it takes to get ready (start to `/_stcore/health`) is printed for both scripts.
Warm: the same page opened again in a new browser tab of the same server (the browser loads
the app's JavaScript again), and reached from the page before it in the course by its sidebar
link (how a student moves on: only the page's script run and drawing remain). Every time is
taken until the server has reported the script run finished (its websocket message), every
image has loaded and every chart is drawn.
Memory: one server, every page with the default model, then every page with every model
family (VAE and autoencoder at each latent size), then a UMAP recomputed on the Embeddings
page; peak resident memory from /proc (VmHWM) after each. The UMAP runs in a worker process:
its own peak, and that of server and worker together, are sampled while it runs.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from common import Runs, browser, memory_mb, server, tree_rss_mb, wait_idle

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from core.app import course  # noqa: E402

PAGES = course.page_urls()


def open_time(b, url: str) -> float:
    page = b.new_page(viewport={"width": 1400, "height": 1000})
    runs = Runs(page)
    start = time.perf_counter()
    page.goto(url)
    runs.wait(page, after=0)
    elapsed = time.perf_counter() - start - 0.3  # wait_idle's settle time
    page.close()
    print(f"{elapsed:6.2f} s  {url}", file=sys.stderr, flush=True)
    return round(elapsed, 2)


def switch_time(b, base: str, name: str) -> float:
    """A student moving on: from the page before in the course (Home before the first lesson,
    the last lesson before Home), click this page's link in the sidebar. The tab has loaded
    the app and drawn the page before, so only this page's own script run and drawing remain.
    """
    page = b.new_page(viewport={"width": 1400, "height": 1000})
    runs = Runs(page)
    page.goto(f"{base}/{PAGES[PAGES.index(name) - 1]}")
    runs.wait(page, after=0)
    title = next((t for path, t, *_ in course.LESSONS if name and Path(path).stem.endswith(name)),
                 "Latent Lab")
    link = page.locator("[data-testid=stSidebarNav] a").filter(
        has_text=name.replace("_", " ") if name else "Home")
    before = runs.finished
    start = time.perf_counter()
    link.first.click()
    runs.wait(page, after=before)
    page.wait_for_function(f"() => document.title.startsWith({title!r})", timeout=60_000)
    elapsed = time.perf_counter() - start - 0.3
    page.close()
    print(f"{elapsed:6.2f} s  -> {name or 'Home'} (sidebar link)", file=sys.stderr, flush=True)
    return round(elapsed, 2)


def recompute_umap(b, base: str, pid: int) -> tuple[float, float, float]:
    """Ask the Embeddings lesson for a fresh UMAP (the heaviest thing a student can start).

    Returns its time in s, and the peaks in MB of the worker process it runs in and of server
    and worker together (resident memory sampled every 0.1 s while it runs).
    """
    import threading

    peaks = {"worker": 0.0, "together": 0.0}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            server_mb, worker_mb = tree_rss_mb(pid)
            peaks["worker"] = max(peaks["worker"], worker_mb)
            peaks["together"] = max(peaks["together"], server_mb + worker_mb)

    sampler = threading.Thread(target=sample, daemon=True)
    page = b.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/Embeddings?family=vae&latent=10&beta=1")
    wait_idle(page)
    page.locator("[data-testid=stRadio] label").filter(has_text="UMAP").click()
    wait_idle(page)
    page.get_by_text("Recompute with other settings").click()
    sampler.start()
    start = time.perf_counter()
    page.get_by_role("button", name="Recompute UMAP").click()
    # Done when the status box says so (not merely idle: the rerun may not have begun yet).
    page.wait_for_function("() => document.body.innerText.includes('UMAP ready')",
                           timeout=600_000, polling=200)
    wait_idle(page, timeout_ms=600_000)
    elapsed = time.perf_counter() - start - 0.3
    done.set()
    page.close()
    return round(elapsed, 1), round(peaks["worker"]), round(peaks["together"])


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["times", "memory"], default=None)
    parser.add_argument("--script", default="Home.py", choices=["Home.py", "serve.py"])
    parser.add_argument("--pages", nargs="+", choices=[p or "Home" for p in PAGES],
                        help="time only these pages (default: every page)")
    args = parser.parse_args()
    only, script = args.only, args.script
    timed = [p for p in PAGES if (p or "Home") in args.pages] if args.pages else PAGES
    out: dict[str, object] = {"script": script, "server_ready_s": {}, "fresh_s": {}, "warm_s": {},
                              "warm_switch_s": {}}
    with browser() as b:
        for name in timed if only != "memory" else []:
            start = time.perf_counter()
            with server(script, timeout=300) as (base, _):
                out["server_ready_s"][name or "Home"] = round(time.perf_counter() - start, 1)
                out["fresh_s"][name or "Home"] = open_time(b, f"{base}/{name}")
                out["warm_s"][name or "Home"] = min(open_time(b, f"{base}/{name}")
                                                     for _ in range(3))
                out["warm_switch_s"][name or "Home"] = min(switch_time(b, base, name)
                                                           for _ in range(3))
        if only != "memory":  # the floor: a page with nothing to compute
            with server("bench/trivial_app.py") as (base, _):
                out["trivial_page_s"] = [open_time(b, base) for _ in range(4)]
        if only == "times":
            print(json.dumps(out, indent=2))
            return
        with server(script, timeout=300) as (base, pid):
            start_mb = memory_mb(pid)[0]
            for name in PAGES:
                open_time(b, f"{base}/{name}")
            out["peak_mb_default_model_tour"] = round(memory_mb(pid)[1])
            for family in ("vae", "ae"):
                for latent in (2, 3, 5, 10, 20, 32):
                    for name in PAGES:
                        open_time(b, f"{base}/{name}?family={family}&latent={latent}")
            out["peak_mb_all_families_tour"] = round(memory_mb(pid)[1])
            (out["umap_recompute_s"], out["umap_worker_peak_mb"],
             out["peak_mb_server_and_worker_together"]) = recompute_umap(b, base, pid)
            out["peak_mb_with_umap_recompute"] = round(memory_mb(pid)[1])
            out["server_start_mb"] = round(start_mb)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

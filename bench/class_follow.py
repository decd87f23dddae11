"""How fast a class follows its instructor: the delay from the instructor's change to each
student's screen, with N students in Chromium following one instructor.

    python bench/class_follow.py [--students 30] [--changes 10] [--store sqlite|redis]
                                 [--split]

Starts `serve.py` as a host runs it (its warm-up, then the class route) with the SQLite store
or a Redis on loopback, one instructor and N students, each in a Chromium context of its own.
The instructor alternates the model family on the Glossary page (`--changes` times), then
alternates the page between the Glossary and the Class page. Each student's page records (with
a 20 ms check in the page) when its sidebar first names the new model, or its address the new
page; the delay is that moment minus the moment the instructor's click was sent, both on this
machine's clock.
Prints p50, p95 and the maximum, per kind of change, and the server's CPU time. With `--split`
the server runs on CPU core 0 and the browsers on core 1 (`sched_setaffinity`): in a class each
student's browser runs on a device of its own, and here they would otherwise take the server's
cores.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import RedisServer, browser, cpu_seconds, percentile, server, wait_idle  # noqa: E402

# textContent, not innerText: reading innerText lays the page out, fifty times a second in each
# of thirty pages on the browsers' core.
WATCH = """(targets) => {
  window.__seen = {};
  clearInterval(window.__watch);
  window.__watch = setInterval(() => {
    const bar = document.querySelector('[data-testid=stSidebar]')?.textContent || '';
    for (const t of targets) {
      if (window.__seen[t] === undefined && (bar.includes(t) || location.pathname.endsWith(t)))
        window.__seen[t] = Date.now();
    }
  }, 20);
}"""
LABELS = {"ae": "Autoencoder, latent size 10", "vae": "VAE, latent size 10, β = 1"}
PAGES = {"Glossary": "/Glossary", "Class": "/Class"}  # two light pages: the browsers share
                                                     # this machine's two cores with the server


def instructor(stack: ExitStack, kind: str, split: bool) -> tuple[str, int, Any, Any, str]:
    """`serve.py` as a host runs it (with the SQLite store, or a Redis on loopback), and an
    instructor in Chromium who started a class and opened the Glossary: (base URL, server pid,
    browser, instructor's page, join code). With `split` the server runs on core 0 and this
    process, Playwright's driver and Chromium on core 1."""
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
    env = {"LATENT_LAB_CLASS_DB": str(folder / "c.sqlite3")}
    if kind == "redis":
        redis = RedisServer(folder / "redis")
        redis.start()
        stack.callback(redis.stop)
        env["LATENT_LAB_REDIS_URL"] = redis.url
    base, pid = stack.enter_context(server("serve.py", env=env, timeout=600,
                                           flags=("--server.fileWatcherType", "none"),
                                           cpus={0} if split else None))
    if split:
        os.sched_setaffinity(0, {1})
    b = stack.enter_context(browser())
    teacher = b.new_context(viewport={"width": 1200, "height": 900}).new_page()
    teacher.goto(f"{base}/Class")
    wait_idle(teacher)
    teacher.get_by_role("button", name="Start a class").last.click()
    teacher.locator(".ll-code").wait_for(timeout=120_000)
    code = teacher.locator(".ll-code").inner_text()
    go(teacher, "Glossary")
    teacher.wait_for_url("**/Glossary**")
    wait_idle(teacher)
    return base, pid, b, teacher, code


def lead(teacher, changes: int,
         measure: Callable[[str, Callable[[], None]], list[float]]) -> dict[str, list[float]]:
    """The instructor alternates the model family `changes` times, then the page (Glossary ↔
    Class); `measure(target, act)` does `act` and returns each student's delay (ms) until they
    showed `target`. Returns the delays by kind of change."""
    delays: dict[str, list[float]] = {"model": [], "page": []}
    family = "vae"
    for _ in range(changes):
        family = "ae" if family == "vae" else "vae"
        name = "Autoencoder" if family == "ae" else "VAE"
        delays["model"] += measure(LABELS[family], lambda n=name: teacher.locator(
            "[data-testid=stSidebar]").get_by_text(n, exact=True).click())
        time.sleep(1.0)
    here = "Glossary"
    for _ in range(max(2, changes // 2)):
        here = "Class" if here == "Glossary" else "Glossary"
        delays["page"] += measure(PAGES[here], lambda h=here: go(teacher, h))
        time.sleep(1.0)
    return delays


def report(delays: dict[str, list[float]], cpu: float, who: str) -> None:
    """The server's CPU per student per change, and the delays' p50, p95 and maximum."""
    follows = sum(len(v) for v in delays.values())  # one per student per change
    print(f"{who}; server CPU {cpu:.0f} s over the changes, {cpu / follows:.3f} s per student "
          "per change")
    print(f"{'change':8} {'n':>5} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    for name, values in delays.items():
        print(f"{name:8} {len(values):5d} {percentile(values, 50) / 1000:7.2f} "
              f"{percentile(values, 95) / 1000:7.2f} {max(values) / 1000:7.2f}")


def arguments(doc: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--store", choices=("sqlite", "redis"), default="sqlite")
    parser.add_argument("--split", action="store_true",
                        help="the server on CPU core 0, everything else on core 1")
    return parser.parse_args()


def follow(students: int, changes: int, kind: str, split: bool = False) -> None:
    with ExitStack() as stack:
        base, pid, b, teacher, code = instructor(stack, kind, split)
        pages = []
        started = time.monotonic()
        for _ in range(students):
            page = b.new_context(viewport={"width": 1000, "height": 700}).new_page()
            page.goto(f"{base}/?class={code}")
            pages.append(page)
        for page in pages:
            page.wait_for_url("**/Glossary**", timeout=300_000)
            page.get_by_text("you follow your instructor").wait_for(timeout=300_000)
        print(f"{students} students joined and followed to the Glossary in "
              f"{time.monotonic() - started:.0f} s")

        def measure(target: str, act: Callable[[], None]) -> list[float]:
            for page in pages:
                page.evaluate(WATCH, [target])
            sent = time.time() * 1000
            act()
            return wait_all(pages, target, sent)

        cpu0 = cpu_seconds(pid)
        delays = lead(teacher, changes, measure)
        report(delays, cpu_seconds(pid) - cpu0, f"store: {kind}; {students} students; " + (
            "server on core 0, browsers on core 1" if split else "all on both cores"))


def go(page, name: str) -> None:
    """Click the sidebar's link to page `name` (unfolding the list's "View more" if need be)."""
    nav = page.locator("[data-testid=stSidebarNav]")
    link = nav.get_by_role("link", name=name)
    if not link.is_visible():
        nav.get_by_text("View ").first.click()
    link.click()


def wait_all(pages, target: str, sent: float, timeout_s: float = 60) -> list[float]:
    """Each page's delay (ms) from `sent` until it showed `target`."""
    deadline = time.monotonic() + timeout_s
    seen: dict[int, float] = {}
    while len(seen) < len(pages) and time.monotonic() < deadline:
        for i, page in enumerate(pages):
            if i not in seen:
                at = page.evaluate(f"window.__seen[{target!r}]")
                if at is not None:
                    seen[i] = at - sent
        time.sleep(0.05)
    if len(seen) < len(pages):
        raise TimeoutError(f"{len(pages) - len(seen)} students never showed {target}")
    return list(seen.values())


def main() -> None:
    args = arguments(__doc__)
    follow(args.students, args.changes, args.store, args.split)


if __name__ == "__main__":
    main()

"""axe-core's violations on every page and in each lesson's tabs, at 1400 and 390 px.

    python bench/accessibility.py [--widths 1400 390] [--pages Home KL_weight ...]

Opens each page (the sidebar's default model, VAE latent size 10) in headless Chromium, waits
for it to finish drawing, injects axe-core (`tests/browser/vendor/axe.min.js`, axe-core 4.14.1,
MPL-2.0, `npm pack axe-core@4.14.1`) and runs its WCAG 2.0/2.1/2.2 A and AA rules on the
whole document; then opens each of the lesson's tabs in turn and runs it again. Prints, per
width, the count of violating elements by rule (with axe's impact) and by page, and a JSON
summary. A measurement (the counts before and after a change), not a test.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import browser, server, wait_idle
from core.app import course

AXE = Path(__file__).resolve().parent.parent / "tests" / "browser" / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
RUN = r"""async (only) => (await axe.run(document, {runOnly: only}))
    .violations.map((v) => ({rule: v.id, impact: v.impact, nodes: v.nodes.length,
                             seen: v.nodes.slice(0, 3).map((n) => n.html.slice(0, 90)
                               + (n.any[0] && n.any[0].data && n.any[0].data.contrastRatio
                                  ? ` ${n.any[0].data.fgColor} on ${n.any[0].data.bgColor}: `
                                    + n.any[0].data.contrastRatio
                                  : ' ' + (n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 160)))}))"""


def violations(page, rules: list[str] | None = None) -> list[dict]:
    """axe's violations on the page as it stands: WCAG 2.0-2.2 A and AA and best practices, or
    only `rules`. Each: rule, impact, nodes (how many elements) and what three of them are."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": TAGS}
    return page.evaluate(RUN, only)


# A way of seeing a page: (width in px, colour scheme, axe rules or None for all of them).
Look = tuple[int, str, "list[str] | None"]


def see(page, look: Look) -> None:
    """Resize the page and set the system's colour scheme (Streamlit's theme follows it)."""
    width, scheme, _ = look
    if page.viewport_size["width"] != width:
        page.set_viewport_size({"width": width, "height": 844 if width < 500 else 1000})
    page.emulate_media(color_scheme=scheme)
    # Two frames for the new layout, then the theme's colours through their transitions
    # (mid-way, text and background mix).
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.wait_for_function("""() => !document.getAnimations().some(
        (a) => a instanceof CSSTransition && a.playState === 'running')""")


def audit(page, looks: dict[str, Look] | None = None) -> dict[str, list[dict]]:
    """The open tab, then each other tab of the page, each seen every way in `looks` (label ->
    look; by default as it stands, every rule), and back to the first tab: "label, where" ->
    violations. Each tab is opened once, however many looks: opening one is a rerun."""
    looks = looks or {"": (page.viewport_size["width"], "light", None)}
    found: dict[str, list[dict]] = {}
    tabs = page.locator("[data-testid=stMain] [role=tab]")
    count = tabs.count()
    for i in [None, *range(1, count), 0][:count + 1]:
        where = "page"
        if i is not None:
            where = f"tab {tabs.nth(i).inner_text().strip()}"
            tabs.nth(i).focus()  # by keyboard: on a phone a chart's toolbar can cover the tab
            page.keyboard.press("Enter")
            wait_idle(page)
            if i == 0:  # back where the page opened
                break
        for label, look in looks.items():
            see(page, look)
            found[f"{label}, {where}".lstrip(", ")] = violations(page, look[2])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", type=int, nargs="+", default=[1400, 390])
    parser.add_argument("--scheme", choices=["light", "dark"], default="light",
                        help="the system colour scheme Streamlit's theme follows")
    parser.add_argument("--pages", nargs="+", default=[u or "Home" for u in course.page_urls()])
    args = parser.parse_args()
    summary: dict[str, dict] = {}
    with server("Home.py") as (base, _), browser() as b:
        for width in args.widths:
            phone = width < 500
            context = b.new_context(viewport={"width": width, "height": 900 if phone else 1000},
                                    has_touch=phone, is_mobile=phone,
                                    color_scheme=args.scheme)
            rules: collections.Counter = collections.Counter()
            impacts: dict[str, str] = {}
            pages: dict[str, int] = {}
            for name in args.pages:
                page = context.new_page()
                page.goto(f"{base}/{'' if name == 'Home' else name}?family=vae&latent=10")
                wait_idle(page, 180_000)
                total = 0
                for where, found in audit(page, {"": (width, args.scheme, None)}).items():
                    for v in found:
                        rules[v["rule"]] += v["nodes"]
                        impacts[v["rule"]] = v["impact"]
                        total += v["nodes"]
                        print(f"{width} {name} {where}: {v['rule']} ({v['impact']}) x{v['nodes']} "
                              f"{v['seen']}", flush=True)
                pages[name] = total
                page.close()
            context.close()
            summary[f"{width} px, {args.scheme}"] = {
                "by rule": {f"{r} ({impacts[r]})": n for r, n in rules.most_common()},
                "by page": pages,
                "serious or critical": sum(n for r, n in rules.items()
                                           if impacts[r] in ("serious", "critical"))}
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()

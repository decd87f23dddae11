"""A whole lesson by keyboard alone: Tab, arrows, Enter, Space and typing, no mouse; and the
focus landing on what an action produced.

Latent manifold, start to end: move over the decoded map with the arrow keys (the digit under
the point is redrawn and said in a live region), pick a test digit on the scatter with Enter
(the server decodes it), type points on the map's axes, turn on the line with Space, then follow
the link to the next lesson and open one of its tabs.
"""

from __future__ import annotations

from bench.common import wait_idle

FOCUSED = "(s) => !!document.activeElement && document.activeElement.matches(s)"
PICTURES = "[data-testid=stMain] [data-testid=stImage] img"


def tab_to(page, selector: str, most: int = 150) -> int:
    """Press Tab until the focus is on an element matching selector; the presses it took."""
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED, selector):
            return presses
    raise AssertionError(f"{selector} cannot be reached with Tab ({most} presses)")


def alts(page) -> list[str]:
    return page.locator(PICTURES).evaluate_all("(images) => images.map((i) => i.alt)")


def test_a_lesson_can_be_followed_from_start_to_end_by_keyboard(site):
    base, b = site
    page = b.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/Latent_manifold?family=vae&latent=2")
    wait_idle(page)
    page.locator("[data-testid=ll-probe]").wait_for()

    # The decoded map: arrow keys move the point, the digit under it is redrawn and said.
    tab_to(page, "[data-testid=ll-map]")
    probe = page.locator("[data-testid=ll-probe]")
    before = int(probe.get_attribute("data-draws") or 0)
    said = page.locator(".ll-where").inner_text()
    for key in ("ArrowRight", "ArrowRight", "ArrowUp"):
        page.keyboard.press(key)
    assert int(probe.get_attribute("data-draws")) == before + 3
    assert page.locator(".ll-where").get_attribute("aria-live") == "polite"
    assert page.locator(".ll-where").inner_text() != said

    # The scatter: Enter picks the test digit nearest the point; the server decodes it.
    tab_to(page, "[data-testid=ll-scatter]")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    assert page.locator(".ll-status").inner_text().startswith("Picked test digit #")
    page.locator(PICTURES).first.wait_for()
    wait_idle(page)
    assert any(a.startswith("1 digit decoded at") for a in alts(page))

    # Typed points on the map's axes, then the line between them with Space.
    tab_to(page, "[data-testid=stMain] input[aria-label=Points]")
    page.keyboard.type("-1, 1; 1, -1")
    page.keyboard.press("Enter")
    wait_idle(page)
    assert any(a.startswith("2 digits decoded at") and "(-1.0, 1.0)" in a for a in alts(page))
    tab_to(page, "[data-testid=stMain] [role=switch], [data-testid=stMain] input[type=checkbox]")
    page.keyboard.press("Space")
    wait_idle(page)
    assert any(a.startswith("10 digits decoded at") for a in alts(page))

    # The next lesson, by its link; then its second tab, by the arrow keys and Enter.
    tab_to(page, "[data-testid=stMain] a[href*=Embeddings]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/Embeddings**")
    wait_idle(page)
    tab_to(page, "[data-testid=stMain] [role=tab][aria-selected=true]")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    wait_idle(page)
    selected = page.locator("[data-testid=stMain] [role=tab][aria-selected=true]")
    assert "Images on the map" in selected.inner_text()
    page.close()


def test_after_a_new_sample_the_focus_lands_on_the_reconstructions(site):
    """A screen reader reads the new digits next, not the button again."""
    base, b = site
    page = b.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/Reconstruction")
    wait_idle(page)
    tab_to(page, ".st-key-recon_new button")
    before = alts(page)
    page.keyboard.press("Enter")
    wait_idle(page)
    page.wait_for_function(FOCUSED, arg=".st-key-recon_result")
    focused = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert focused == "The reconstructions"
    assert alts(page) != before  # other digits, described anew
    page.close()

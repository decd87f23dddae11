"""The lessons that run a model in the browser (`core/app/web`): hover, drag, scrub, tick, touch.

Each test checks what the browser drew against PyTorch, and that the move itself sent nothing to
the server (only its end does).
"""

from __future__ import annotations

import itertools

import numpy as np
import torch

from bench.common import wait_idle
from core import zoo
from core.data import load_mnist
from core.images import to_pixels
from core.latent import decode, encode_mu

EXCEPTION = "[data-testid=stException]"
MAP, PROBE, SCATTER = ("[data-testid=ll-map]", "[data-testid=ll-probe]",
                       "[data-testid=ll-scatter]")


def open_live(site, path: str, **context):
    """A page whose browser component has drawn, and a list that counts websocket frames sent."""
    base, b = site
    page = b.new_page(viewport=context.pop("viewport", {"width": 1400, "height": 1000}), **context)
    sent: list[int] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(1)))
    page.goto(f"{base}/{path}")
    wait_idle(page)
    page.wait_for_selector(".ll-root:not([data-loading])", timeout=60_000)
    page.wait_for_timeout(500)  # a lazy part's own frame after the first run, if any
    wait_idle(page)
    return page, sent


def canvas_rgb(page, selector: str, n: int = 0) -> np.ndarray:
    """The pixels (H, W, 3) of the n-th canvas matching `selector`."""
    h, w, data = page.evaluate("""([s, n]) => { const c = document.querySelectorAll(s)[n];
        return [c.height, c.width, Array.from(c.getContext('2d').getImageData(0, 0, c.width,
        c.height).data)]; }""", [selector, n])
    return np.array(data, np.int16).reshape(h, w, 4)[..., :3]


def assert_drawn_like_pytorch(rgb: np.ndarray, x: np.ndarray) -> None:
    """float32 in the browser and in PyTorch round a few pixels to neighbouring colours."""
    difference = np.abs(rgb - to_pixels(x, scale=1, cmap="viridis"))
    assert difference.max() <= 8 and (difference > 0).mean() < 0.05


def draws(page, selector: str) -> int:
    return int(page.locator(selector).get_attribute("data-draws") or 0)


def test_hovering_the_manifold_decodes_the_code_under_the_pointer(site):
    page, sent = open_live(site, "Latent_manifold?family=vae&latent=2")
    box = page.locator(MAP).bounding_box()
    before, frames = draws(page, PROBE), len(sent)
    for step in range(10):  # a pointer crossing the map
        page.mouse.move(box["x"] + box["width"] * (0.1 + step / 12), box["y"] + box["height"] * 0.3)
    page.wait_for_function(f"() => Number(document.querySelector('{PROBE}').dataset.draws) >= {before + 10}")
    z = np.array(page.locator(PROBE).get_attribute("data-code").split(","), np.float32)
    assert_drawn_like_pytorch(canvas_rgb(page, PROBE), decode(zoo.load_model("vae", 2), z)[0, 0])
    assert z[0] > 0.5 and len(sent) == frames  # right of centre; the server heard nothing
    assert "Nearest test codes here" in page.inner_text("body")
    page.close()


def test_the_map_redraws_in_the_browser_and_the_server_reads_the_new_range(site):
    page, _ = open_live(site, "Latent_manifold?family=ae&latent=2")
    notice = page.locator("[data-testid=stMain]").inner_text()
    drawn = draws(page, MAP)
    page.locator(".ll-steps input").focus()
    for _ in range(3):  # 12 -> 9 steps a side, redrawn at each
        page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => document.querySelector('{MAP}').width === 9 * 28")
    page.locator(".ll-high input").fill("1")
    page.locator(".ll-high input").press("Tab")  # a change: redrawn, and sent to the server
    # a newer grid drops an older one's rows: at least the last one completes
    page.wait_for_function(f"() => Number(document.querySelector('{MAP}').dataset.draws) > {drawn}"
                           f" && document.querySelector('.ll-axes').textContent.includes('to 1.')")
    wait_idle(page)
    after = page.locator("[data-testid=stMain]").inner_text()
    assert "of the test codes fall inside this square" in after and after != notice
    assert page.locator(EXCEPTION).count() == 0
    page.close()


def test_scrubbing_walks_from_a_to_b_in_the_browser(site):
    page, sent = open_live(site, "Interpolation_and_arithmetic?family=vae&latent=10")
    frames, before = len(sent), int(page.locator(".ll-scrub input").get_attribute("data-draws"))
    page.locator(".ll-scrub input").focus()
    page.keyboard.press("End")  # t = 1: the walk has reached B's code
    page.wait_for_function(f"() => Number(document.querySelector('.ll-scrub input').dataset.draws) > {before}")
    x, _ = load_mnist("test")
    model = zoo.load_model("vae", 10)
    z_b = encode_mu(model, x[[0]])  # the page's defaults: A is test digit 1, B test digit 0
    assert_drawn_like_pytorch(canvas_rgb(page, "[data-testid=ll-linearwalk]"), decode(model, z_b)[0, 0])
    assert_drawn_like_pytorch(canvas_rgb(page, "[data-testid=ll-slerpwalk]"), decode(model, z_b)[0, 0])
    assert "t = 1.00" in page.inner_text(".ll-walk") and len(sent) == frames
    # arithmetic: picking A, B and C from the grid decodes A + B − C at each pick
    result = ".ll-sum canvas >> nth=3"
    picks = page.locator(".ll-pick")
    for i in (5, 7, 9):
        before = int(page.locator(result).get_attribute("data-draws"))
        picks.nth(i).click()
        page.wait_for_function(f"() => Number(document.querySelectorAll('.ll-sum canvas')[3]"
                               f".dataset.draws) > {before}")
    z = np.array(page.locator(result).get_attribute("data-code").split(","), np.float32)
    indices = [int(picks.nth(i).get_attribute("aria-label").split("#")[1]) for i in (5, 7, 9)]
    codes = encode_mu(model, x[indices])
    np.testing.assert_allclose(z, (codes[0] + codes[1] - codes[2]).numpy(), atol=1e-4)
    assert_drawn_like_pytorch(canvas_rgb(page, ".ll-sum canvas", 3), decode(model, z)[0, 0])
    wait_idle(page)  # the picks reached the server: its boxes show them
    assert [page.get_by_label(f"{name} (test index)", exact=True).input_value()
            for name in "ABC"] == [str(i) for i in indices]
    page.close()


def test_unticking_a_dimension_redraws_the_sweep(site):
    page, _ = open_live(site, "Neuron_progression?family=vae&latent=10")
    assert page.locator("[data-testid=ll-sweep]").evaluate("c => c.width") == 10 * 28
    page.locator(".ll-dims label").filter(has_text="z0").click()
    page.wait_for_function("() => document.querySelector('[data-testid=ll-sweep]').width === 9 * 28")
    wait_idle(page)
    assert page.locator(EXCEPTION).count() == 0
    page.close()


def test_a_second_tab_takes_the_model_from_the_browsers_cache(site):
    """The first visit receives the model's parts; a new session in the same browser finds them
    in IndexedDB under their sha256 and is sent none."""
    base, b = site
    context = b.new_context(viewport={"width": 1400, "height": 1000})
    received = []
    for _ in range(2):
        page = context.new_page()
        size = [0]
        page.on("websocket", lambda ws, size=size: ws.on(
            "framereceived", lambda payload, size=size: size.__setitem__(0, size[0] + len(payload))))
        page.goto(f"{base}/Latent_sliders?family=vae&latent=10")
        page.wait_for_selector(".ll-root[data-drawn]", timeout=60_000)
        wait_idle(page)
        received.append(size[0])
        page.close()
    context.close()
    assert received[0] > 700_000  # the decoder of a model with a hidden layer, 0.77 MB
    assert received[1] < 300_000  # the page alone


def test_on_a_phone_the_live_lessons_fit_and_take_a_finger(site):
    phone = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
    page, _ = open_live(site, "Latent_sliders?family=vae&latent=10", **phone)
    tracks = page.locator(".ll-slider input[type=range]")
    assert all(tracks.nth(j).bounding_box()["width"] > 150 for j in range(10))
    assert page.evaluate("() => document.querySelector('[data-testid=ll-digit]')"
                         ".getBoundingClientRect().right") <= 390
    page.close()
    page, _ = open_live(site, "Latent_manifold?family=vae&latent=2", **phone)
    page.locator(MAP).scroll_into_view_if_needed()
    box = page.locator(MAP).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    before = draws(page, PROBE)
    page.touchscreen.tap(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.8)
    page.wait_for_function(f"() => Number(document.querySelector('{PROBE}').dataset.draws) > {before}")
    assert page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollWidth") <= 390
    page.close()


def test_hovering_the_pca_map_decodes_the_exact_inverse_point(site):
    from core import embeddings as emb

    page, sent = open_live(site, "Embeddings?family=vae&latent=10")
    box = page.locator("[data-testid=ll-embedding]").bounding_box()
    frames, before = len(sent), draws(page, PROBE)
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.6)
    page.wait_for_function(f"() => Number(document.querySelector('{PROBE}').dataset.draws) > {before}")
    z = np.array(page.locator(PROBE).get_attribute("data-code").split(","), np.float32)
    uv = np.array(page.locator(PROBE).get_attribute("data-at").split(","), np.float32)
    x, _ = load_mnist("test")
    model = zoo.load_model("vae", 10)
    fitted = emb.pca(encode_mu(model, x[emb.subset_indices(len(x))]).numpy())
    np.testing.assert_allclose(z, fitted.invert(uv[None])[0], atol=1e-4)
    assert_drawn_like_pytorch(canvas_rgb(page, PROBE), decode(model, z)[0, 0])
    assert len(sent) == frames
    page.close()


STROKES = {  # as fractions of the canvas: a "1", a "7", a small "0" in a corner
    "one": [[(0.42, 0.2), (0.5, 0.14), (0.5, 0.5), (0.5, 0.86)]],
    "seven": [[(0.25, 0.2), (0.75, 0.2), (0.55, 0.5), (0.4, 0.85)]],
    "small zero": [[(0.15, 0.1), (0.25, 0.08), (0.3, 0.2), (0.25, 0.33), (0.15, 0.33),
                    (0.1, 0.2), (0.15, 0.1)]],
}


def draw(page, box, strokes, steps: int = 6) -> None:
    """Drag the mouse along each stroke's corners, `steps` moves per segment."""
    at = lambda fx, fy: (box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    for stroke in strokes:
        page.mouse.move(*at(*stroke[0]))
        page.mouse.down()
        for (ax, ay), (bx, by) in itertools.pairwise(stroke):
            for i in range(1, steps + 1):
                page.mouse.move(*at(ax + (bx - ax) * i / steps, ay + (by - ay) * i / steps))
        page.mouse.up()


def test_the_pen_is_digitized_as_core_does_and_encoded_as_it_moves(site):
    """The browser's preprocessing gives `core.digitize`'s pixels (within 1/255) for the same
    canvas, its encoder PyTorch's μ; μ follows the pen before it lifts; the server gets the
    picture on release and draws the lesson's steps from it."""
    from core.digitize import digitize, to_grey

    page, sent = open_live(site, "Draw_your_digit?family=vae&latent=10")
    pad = page.locator("[data-testid=ll-canvas]")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    model = zoo.load_model("vae", 10)
    for name, strokes in STROKES.items():
        page.locator(".ll-clear").click()
        wait_idle(page)
        frames, before = len(sent), draws(page, "[data-testid=ll-x]")
        at = lambda fx, fy: (box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
        page.mouse.move(*at(*strokes[0][0]))
        page.mouse.down()
        for i in range(1, 7):  # half of the first segment, the pen still down
            (ax, ay), (bx, by) = strokes[0][0], strokes[0][1]
            page.mouse.move(*at(ax + (bx - ax) * i / 12, ay + (by - ay) * i / 12))
            page.wait_for_timeout(20)
        assert draws(page, "[data-testid=ll-x]") > before and len(sent) == frames, name
        page.mouse.up()
        draw(page, box, strokes)
        wait_idle(page)
        rgba, x_js = page.evaluate("""() => {
            const c = document.querySelector('[data-testid=ll-canvas]');
            return [Array.from(c.getContext('2d').getImageData(0, 0, 280, 280).data),
                    Array.from(document.querySelector('.ll-draw').closest('.ll-root').x)]; }""")
        grey, _ = to_grey(np.array(rgba, np.uint8).reshape(280, 280, 4))
        x_py = digitize(grey, light_ink=True).x[0, 0]
        assert np.abs(np.array(x_js).reshape(28, 28) - x_py).max() <= 1 / 255, name
        mu = np.array(page.locator("[data-testid=ll-x]").get_attribute("data-mu").split(","),
                      np.float32)
        with torch.no_grad():
            expected = model.encode(torch.tensor(x_js, dtype=torch.float32).reshape(1, 1, 28, 28))[0]
        np.testing.assert_allclose(mu, expected[0].numpy(), atol=1e-4, err_msg=name)
    assert "28 × 28, centred by mass" in page.inner_text("body")  # the server read the last one
    assert page.locator(EXCEPTION).count() == 0
    page.close()


def test_a_browser_that_cannot_draw_gets_the_servers_map_and_can_try_again(site):
    """A browser that refuses canvases (some privacy settings do): the view fails, tells the
    server, and the server draws the map; with canvases back, "Try again" brings the view."""
    base, b = site
    page = b.new_page(viewport={"width": 1400, "height": 1000})
    page.add_init_script("window.__noCanvas = true; const get = HTMLCanvasElement.prototype"
                         ".getContext; HTMLCanvasElement.prototype.getContext = function (...a) {"
                         " return window.__noCanvas ? null : get.apply(this, a); };")
    page.goto(f"{base}/Latent_manifold?family=vae&latent=2")
    retry = page.get_by_role("button", name="Try the live view again")
    retry.wait_for(timeout=60_000)
    wait_idle(page)
    assert page.locator("[data-testid=stImage]").count() >= 1  # the map, drawn by the server
    assert page.locator(".ll-root").count() == 0 and page.locator(EXCEPTION).count() == 0
    page.evaluate("window.__noCanvas = false")
    retry.click()
    page.wait_for_selector(".ll-root[data-drawn]", timeout=60_000)
    wait_idle(page)
    assert page.get_by_role("button", name="Try the live view again").count() == 0

"""End to end in a real browser: Debian's Chromium, driven by Playwright, against `streamlit run`.

`.ci/run` installs Chromium; without it (or without Playwright) these tests are skipped with
the reason, so the rest of the suite still runs on a laptop.
"""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import pytest
import torch

from bench.accessibility import audit
from bench.common import server, wait_idle
from core import webspec, zoo
from core.app import course
from core.classifier import predict_proba
from core.data import load_mnist
from core.images import to_pixels
from core.latent import decode

ROOT = Path(__file__).resolve().parents[2]
PAGES = course.page_urls()
EXCEPTION = "[data-testid=stException]"
IMAGE = "[data-testid=stImage] img"
CHART = "[data-testid=stVegaLiteChart]"


def open_page(site, path: str):
    base, b = site
    page = b.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/{path}")
    wait_idle(page)
    return page


def open_expander(page, area: str, label: str) -> None:
    """Click the expander whose label contains `label` in "Main" or "Sidebar"; wait for the rerun
    that fills it (the lazy ones are filled only once opened)."""
    page.locator(f"[data-testid=st{area}] summary").filter(has_text=label).click()
    wait_idle(page)


CANVAS = "[data-testid=stMain] canvas"
NO_PICTURES_UNTIL_USED = {"Train_your_own",  # test_a_tiny_training_run_shows_its_progress
                          "Glossary", "Teaching_kit",  # words and formulas only
                          "Class"}  # the QR code once a class starts: tests/browser/test_class.py


# What fails the accessibility check: axe-core's serious and critical violations of WCAG 2.0-2.2
# A/AA and its best practices, and headings out of order (a screen reader's outline of the page).
# No rule is excluded: every violation found in Streamlit's own chrome (its captions' faded text,
# the chart toolbar's target size, a slider's red value in dark mode) is fixed by the theme or
# the app's CSS (.streamlit/config.toml, core/app/layout.py).
FAILING_IMPACTS = {"serious", "critical"}
ALSO_FAILING = {"heading-order"}


def inaccessible(found: dict[str, list[dict]]) -> list[str]:
    """The violations that fail the check, as "where: rule (impact) xN [elements]"."""
    return [f"{where}: {v['rule']} ({v['impact']}) x{v['nodes']} {v['seen']}"
            for where, vs in found.items() for v in vs
            if v["impact"] in FAILING_IMPACTS or v["rule"] in ALSO_FAILING]


@pytest.mark.parametrize("name", PAGES, ids=lambda n: n or "Home")
def test_every_page_loads_without_an_exception_and_shows_its_pictures(site, name):
    """And passes axe-core in each of its tabs at 1400 px (light and dark) and 390 px."""
    page = open_page(site, name)
    assert page.locator(EXCEPTION).count() == 0
    if name not in NO_PICTURES_UNTIL_USED:
        pictures = page.locator(IMAGE).count() + page.locator(CHART).count()
        assert pictures + page.locator(CANVAS).count() > 0
    # Pictures are sent small and enlarged by the browser: none may spill out of its column.
    overflowing = page.evaluate("""() => [...document.querySelectorAll('[data-testid=stImage]')]
        .filter(e => e.querySelector('img').getBoundingClientRect().width
                     > e.getBoundingClientRect().width + 1).length""")
    assert overflowing == 0
    # On a phone nothing runs past the screen's edge unless a box scrolls it by design (a wide
    # formula, a table, a chart's facets); MathML is the screen reader's copy, hidden.
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(1000)
    assert page.evaluate(PAST_THE_EDGE) == []
    assert inaccessible(audit(page, LOOKS)) == []
    page.close()


# Each tab of every page is checked at both widths with every rule, and in the dark theme for
# contrast alone (the other rules do not depend on colours) at 390 px, where it found a picked
# tab's red label; `python bench/accessibility.py --scheme dark` checks 1400 px as well.
LOOKS = {"1400 px": (1400, "light", None), "390 px": (390, "light", None),
         "390 px dark": (390, "dark", ["color-contrast"])}


PAST_THE_EDGE = """() => [...document.querySelectorAll('[data-testid=stMain] *')].filter((e) => {
  if (e.closest('.katex-mathml') || e.ownerSVGElement) return false;
  const r = e.getBoundingClientRect();
  if (r.width === 0 || r.right <= innerWidth + 1) return false;
  for (let a = e.parentElement; a.dataset.testid !== 'stMain'; a = a.parentElement) {
    if (/(auto|scroll)/.test(getComputedStyle(a).overflowX)) return false;
  }
  return true;
}).map((e) => e.tagName + ' ' + (e.dataset.testid || e.className)).slice(0, 5)"""


DIGIT = "[data-testid=ll-digit]"  # the canvas `core/web/sliders.js` draws dec(z) on
SLIDER = ".ll-slider input[type=range]"


def draws(page) -> int:
    """How many times the sliders' canvas has been drawn."""
    return int(page.locator(DIGIT).get_attribute("data-draws") or 0)


def test_a_slider_decodes_in_the_browser_what_pytorch_decodes(site):
    page = open_page(site, "Latent_sliders?family=vae&latent=2")
    before = draws(page)
    page.locator(SLIDER).first.focus()
    for _ in range(5):  # z0: 0.0 -> 0.5
        page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => Number(document.querySelector('{DIGIT}').dataset.draws)"
                           f" >= {before + 5}")
    rgb = np.array(page.evaluate(f"""() => Array.from(document.querySelector('{DIGIT}')
        .getContext('2d').getImageData(0, 0, 28, 28).data)"""), dtype=np.int16)
    expected = to_pixels(decode(zoo.load_model("vae", 2), [0.5, 0.0])[0, 0], scale=1,
                         cmap="viridis")
    # float32 in the browser and in PyTorch round a few pixels to neighbouring colours
    difference = np.abs(rgb.reshape(28, 28, 4)[..., :3] - expected)
    assert difference.max() <= 8 and (difference > 0).mean() < 0.05
    # the code reached the server: leave the lesson and come back, the slider is still there
    wait_idle(page)
    page.locator("[data-testid=stSidebarNav] a").filter(has_text="Neuron progression").click()
    wait_idle(page)
    page.locator("[data-testid=stSidebarNav] a").filter(has_text="Latent sliders").click()
    wait_idle(page)
    assert page.locator(SLIDER).first.input_value() == "0.5"
    # another colour map redraws the same code
    page.locator("[data-testid=stSidebar] label").filter(has_text="grey").click()
    page.wait_for_function(f"""() => {{
        const d = document.querySelector('{DIGIT}').getContext('2d')
            .getImageData(0, 0, 28, 28).data;
        return d.every((v, i) => i % 4 === 3 || v === d[i - i % 4]); }}""")
    assert page.locator(EXCEPTION).count() == 0
    page.close()


@pytest.mark.parametrize("name", ["vae-z2-b1", "vae-z10-b1", "vae-z20-b1", "ae-z20"])
def test_the_browser_runs_the_decoder_and_encoder_as_pytorch_does(site, name):
    """`web/nn.js` runs `webspec`'s packets: for each backbone of the zoo (a hidden layer or
    none, 2 or 3 levels, refining convolutions; a VAE's two heads or an autoencoder's one), the
    decoder gives what `model.decode` gives and the encoder what `model.encode` gives."""
    family, latent, *rest = name.split("-")
    beta = float(rest[0][1:]) if rest else 1.0
    model = zoo.load_model(family, int(latent[1:]), beta)
    z = np.random.default_rng(0).standard_normal((3, model.latent_dim)).astype(np.float32)
    x = load_mnist("test")[0][:3].numpy()
    metas, arrays = webspec.part_packet([webspec.decoder_part(model), webspec.encoder_part(model)])
    packet = webspec.pack({"parts": metas}, arrays)
    page = site[1].new_page()
    out = page.evaluate("""async ([source, packet, codes, images]) => {
        const m = await import("data:text/javascript;charset=utf-8," + encodeURIComponent(source));
        const bytes = Uint8Array.from(atob(packet), (c) => c.charCodeAt(0));
        const { header, arrays } = await m.readPacket(bytes);
        const [decoder, encoder] = header.parts.map((meta) => m.partFrom(meta, arrays));
        const encoded = images.map((x) => m.encode(encoder, x));
        return { x: codes.map((z) => Array.from(m.decode(decoder, z))),
                 mu: encoded.map((e) => Array.from(e.mu)),
                 logvar: encoded.map((e) => e.logvar && Array.from(e.logvar)) };
    }""", [(ROOT / "core" / "app" / "web" / "nn.js").read_text(),
           base64.b64encode(packet).decode(), z.tolist(), x.reshape(3, -1).tolist()])
    page.close()
    np.testing.assert_allclose(np.array(out["x"]).reshape(3, 28, 28),
                               decode(model, z)[:, 0].numpy(), atol=1e-4)
    with torch.no_grad():
        mu, logvar = model.encode(torch.as_tensor(x))
    np.testing.assert_allclose(np.array(out["mu"]), mu.numpy(), atol=1e-4)
    if logvar is None:
        assert out["logvar"] == [None] * 3
    else:
        np.testing.assert_allclose(np.array(out["logvar"]), logvar.numpy(), atol=1e-4)


def test_the_browser_reads_a_digit_as_the_classifier_does(site):
    """The zoo's classifier in `web/nn.js` (convolutions, max pooling, softmax) gives PyTorch's
    probabilities, within float16's rounding of its weights: a live view's "looks like a 3"."""
    classifier = zoo.load_classifier()
    x = load_mnist("test")[0][:4]
    metas, arrays = webspec.part_packet([webspec.classifier_part(classifier)])
    page = site[1].new_page()
    out = page.evaluate("""async ([source, packet, images]) => {
        const m = await import("data:text/javascript;charset=utf-8," + encodeURIComponent(source));
        const bytes = Uint8Array.from(atob(packet), (c) => c.charCodeAt(0));
        const { header, arrays } = await m.readPacket(bytes);
        const classifier = m.partFrom(header.parts[0], arrays);
        return { p: images.map((x) => Array.from(m.classify(classifier, x))),
                 said: m.reading(classifier, images[0]) };
    }""", [(ROOT / "core" / "app" / "web" / "nn.js").read_text(),
           base64.b64encode(webspec.pack({"parts": metas}, arrays)).decode(),
           x.reshape(4, -1).tolist()])
    page.close()
    expected = predict_proba(classifier, x).numpy()
    np.testing.assert_allclose(np.array(out["p"]), expected, atol=2e-3)
    best = int(expected[0].argmax())
    assert out["said"] == f"looks like {'an' if best == 8 else 'a'} {best} " \
        f"({round(100 * float(expected[0, best]))} %)"


def test_the_picked_model_survives_a_page_switch(site):
    page = open_page(site, "Reconstruction")
    page.locator("[data-testid=stSidebar] label").filter(has_text="Autoencoder").click()
    wait_idle(page)
    assert "family=ae" in page.url
    page.locator("[data-testid=stSidebarNav] a").filter(has_text="Latent sliders").click()
    page.wait_for_url("**/Latent_sliders**")
    wait_idle(page)
    assert "family=ae" in page.url
    checked = page.locator("[data-testid=stSidebar] input[type=radio]:checked").first
    assert checked.evaluate("e => e.closest('label').innerText").strip() == "Autoencoder"
    page.close()


def test_a_shared_link_opens_that_model_read_only(site):
    page = open_page(site, "KL_weight?family=ae&latent=2&lock=1")
    sidebar = page.locator("[data-testid=stSidebar]")
    assert "Autoencoder, latent size 2" in sidebar.inner_text()
    assert "Fixed by your instructor" in sidebar.inner_text()
    assert sidebar.locator("input[type=radio]").count() == 0
    page.close()


def test_a_lesson_part_is_sent_only_when_its_tab_is_picked(site):
    page = open_page(site, "Autoencoder_vs_VAE?family=vae&latent=2")
    main = "[data-testid=stMain]"
    assert "look like a digit" not in page.inner_text(main)  # part 2 not sent yet
    page.get_by_role("tab", name="2 · Random codes, decoded").click()
    page.wait_for_function("() => document.querySelector('[data-testid=stMain]').innerText"
                           ".includes('look like a digit')", timeout=30_000)
    wait_idle(page)
    assert page.locator(f"{main} {IMAGE}").count() >= 3  # one grid of samples per model
    assert page.locator(EXCEPTION).count() == 0
    page.close()


def test_the_share_link_and_the_code_appear_when_their_expanders_open(site):
    page = open_page(site, "Latent_sliders?family=vae&latent=5")
    code = "[data-testid=stCode]"
    assert page.locator(code).count() == 0  # not sent until asked for: they load slowly
    open_expander(page, "Sidebar", "Share this model")
    link = page.locator(f"[data-testid=stSidebar] {code}")
    assert "family=vae&latent=5&beta=1" in link.inner_text() and "lock=1" in link.inner_text()
    open_expander(page, "Main", "Show the code")
    assert "def decode" in page.locator(f"[data-testid=stMain] {code}").first.inner_text()
    assert page.locator(EXCEPTION).count() == 0
    page.close()


def click_chart(page, chart, x: float, y: float) -> None:
    """Click a chart at (x, y), given as fractions of its box."""
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    page.mouse.click(box["x"] + box["width"] * x, box["y"] + box["height"] * y)


def test_clicking_the_manifold_scatter_decodes_the_picked_code(site):
    page = open_page(site, "Latent_manifold?family=vae&latent=2")
    assert page.locator(IMAGE).count() == 0 and "No points picked yet" in page.inner_text("body")
    click_chart(page, page.locator("[data-testid=ll-scatter]"), 0.45, 0.5)
    page.wait_for_selector(IMAGE, timeout=20_000)
    wait_idle(page)
    assert "Decoded at" in page.inner_text("body")
    assert page.locator(EXCEPTION).count() == 0
    page.close()


@pytest.mark.parametrize("method", ["PCA", "UMAP"])
def test_clicking_the_embedding_decodes_the_nearest_codes(site, method):
    page = open_page(site, "Embeddings?family=vae&latent=10&beta=1")
    if method != "PCA":
        page.locator("[data-testid=stRadio] label").filter(has_text=method).click()
        page.wait_for_function("() => document.body.innerText.includes('Recompute with other')",
                               timeout=20_000)  # the expander only t-SNE and UMAP have
        wait_idle(page)
    assert page.locator(IMAGE).count() == 0 and "Click a point on the map" in page.inner_text("body")
    page.wait_for_selector(f".ll-root[data-shape$='{method}'][data-drawn]", timeout=60_000)
    click_chart(page, page.locator("[data-testid=ll-embedding]"), 0.5, 0.5)
    page.wait_for_function("() => document.body.innerText.includes('nearest the last point')",
                           timeout=20_000)
    wait_idle(page)
    # the strip of the eight nearest codes, and for PCA the exact clicked point decoded too
    assert page.locator(IMAGE).count() == (2 if method == "PCA" else 1)
    assert ("PCA can be inverted" in page.inner_text("body")) == (method == "PCA")
    assert page.get_by_role("button", name="Use the first of them in Latent sliders").count() == 1
    assert page.locator(EXCEPTION).count() == 0
    page.close()


def test_the_scatter_matrix_is_drawn_when_its_expander_opens(site):
    page = open_page(site, "Latent_manifold?family=vae&latent=5")
    charts = page.locator(CHART).count()
    open_expander(page, "Main", "scatter matrix")
    page.wait_for_function(f"() => document.querySelectorAll('{CHART}').length > {charts}",
                           timeout=30_000)
    assert "the diagonal shows each dimension's density" in page.inner_text("body")
    assert page.locator(EXCEPTION).count() == 0
    page.close()


def test_a_drawn_stroke_is_reconstructed(site):
    page = open_page(site, "Draw_your_digit?family=vae&latent=2")
    assert page.locator(IMAGE).count() == 0 and "The canvas is empty" in page.inner_text("body")
    canvas = page.locator("[data-testid=ll-canvas]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, top, bottom = box["x"] + box["width"] * 0.5, box["y"] + 40, box["y"] + box["height"] - 40
    page.mouse.move(x - 30, top)
    page.mouse.down()
    for i in range(21):  # a "1": a short flag, then straight down
        page.mouse.move(x + min(i, 3) * 10 - 30 * (i == 0), top + (bottom - top) * i / 20)
    page.mouse.up()
    page.wait_for_selector(IMAGE, timeout=30_000)
    wait_idle(page)
    text = page.inner_text("body")
    assert "28 × 28, centred by mass" in text and "classifier:" in text
    assert page.locator(IMAGE).count() >= 8  # five steps, the digit, two reconstructions, …
    assert page.locator(EXCEPTION).count() == 0
    # the drawing survives a visit to another lesson (it was lost before)
    page.locator("[data-testid=stSidebarNav] a").filter(has_text="Home").click()
    wait_idle(page)  # Home's lesson map links every lesson (the sidebar folds the last ones)
    page.locator("[data-testid=stMain] a").filter(has_text="Draw your own digit").click()
    page.wait_for_url("**/Draw_your_digit**")
    page.wait_for_selector(IMAGE, timeout=30_000)
    wait_idle(page)
    assert "28 × 28, centred by mass" in page.inner_text("body")
    assert "The canvas is empty" not in page.inner_text("body")
    assert page.locator(EXCEPTION).count() == 0
    page.close()


def test_a_tiny_training_run_shows_its_progress(site):
    page = open_page(site, "Train_your_own")
    for label in ("Epochs", "Training digits"):  # the smallest run: 1 epoch of 1,000 digits
        slider = page.locator("[data-testid=stSlider]").filter(has_text=label)
        slider.locator("input[type=range]").first.press("Home")
        wait_idle(page)
    page.get_by_role("button", name="Start training").click()
    page.wait_for_function("() => document.body.innerText.includes('your VAE, latent size 10')",
                           timeout=120_000)
    wait_idle(page)
    text = page.inner_text("body")
    assert "finished · step 16 of 16" in text  # 1,000 digits in batches of 64
    assert "Loss of every batch" in text
    assert page.locator(CHART).count() >= 2 and page.locator(IMAGE).count() >= 1
    sidebar = page.locator("[data-testid=stSidebar]").inner_text()
    assert "Or a model you trained" in sidebar and "trained 1 epoch on 1,000 digits" in sidebar
    assert page.locator(EXCEPTION).count() == 0
    page.close()



def test_a_drag_redraws_the_digit_at_every_step_and_sends_one_move_on_release(site):
    """The sliders decode in the browser while dragged; the server hears of the code once, on
    release (what the concurrency bench's pace rests on)."""
    base, b = site
    page = b.new_page(viewport={"width": 1400, "height": 1000})
    sent: list[int] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(1)))
    page.goto(f"{base}/Latent_sliders?family=vae&latent=2")
    wait_idle(page)
    box = page.locator(SLIDER).first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    before, drawn = len(sent), draws(page)
    for step in range(1, 21):
        page.mouse.move(x + 4 * step, y)
        page.wait_for_timeout(30)
    assert len(sent) == before  # twenty positions passed, nothing sent yet
    assert draws(page) >= drawn + 10  # but the digit followed the drag
    page.mouse.up()
    page.wait_for_timeout(1000)
    assert len(sent) == before + 1
    page.close()


def test_the_warm_start_runs_every_page_before_it_serves(site, tmp_path):
    """`streamlit run serve.py`: every page ran once, without an exception, before the server
    answered its health check; then a lesson opens and its slider still drives the digit."""
    log, b = tmp_path / "serve.log", site[1]  # one Playwright per thread: the module's browser
    with server("serve.py", timeout=180, log=log) as (base, _):
        text = log.read_text()
        assert f"warm-up: {len(PAGES)} pages" in text, text
        assert "warm-up: page" not in text, text  # what core.warmup logs for a failed page
        page = b.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{base}/Latent_sliders?family=vae&latent=2")
        wait_idle(page)
        before = draws(page)
        page.locator(SLIDER).first.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => Number(document.querySelector('{DIGIT}').dataset.draws)"
                               f" > {before}", timeout=20_000)
        assert page.locator(EXCEPTION).count() == 0
        page.close()

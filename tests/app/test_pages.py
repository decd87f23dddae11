"""Every page renders for every model (Streamlit's AppTest, no browser), and the shared picker.

AppTest runs the app as a multipage app from Home.py and switches pages, as the sidebar does.
The timeout is raised: the default 3 s is too short once torch loads.
"""

import json
import struct
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core import zoo
from core.app import course, layout, live, selection, sliders
from core.latent import prototypes
from core.picker import options_from_cards
from core.reference import ModelRef

ROOT = Path(__file__).resolve().parents[2]
HOME = str(ROOT / "Home.py")
LESSON_PAGES = [lesson.path for lesson in course.LESSONS]
TIMEOUT = 180


def app(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(HOME, default_timeout=TIMEOUT)
    at.query_params.update(query or {})
    return at


def zoo_refs() -> list[ModelRef]:
    options = options_from_cards(zoo.available())
    return [ModelRef(family, d, beta) for family, sizes in options.items()
            for d, betas in sizes.items() for beta in betas]


def test_every_lesson_file_is_in_the_course_map():
    files = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))
    assert files == sorted(LESSON_PAGES + [page.path for page in course.EXTRA])


# Pages whose pictures wait for the student: what to do first so that they show some.
SETUP = {
    # a canvas cannot be drawn on without a browser (tests/test_browser.py does): use a test digit
    "pages/10_Draw_your_digit.py": lambda at: at.radio(key="draw_source").set_value(
        "Take a test digit"),
}
NO_PICTURES_UNTIL_USED = {"pages/11_Train_your_own.py"}  # tests/test_own.py trains through it

# What does not depend on the sidebar's zoo model: run with the first model only. Home shows
# the zoo's latent-size-10 pair and table; KL weight shows the zoo's β series at latent sizes
# 2 and 10 whatever is picked (a student's own model joins it: tests/app/test_own.py); part 4
# of Autoencoder vs VAE shows every latent size of the family its own radio picks. Every other
# page and part uses the picked model (part 1 of Autoencoder vs VAE at latent size 2).
SAME_FOR_EVERY_MODEL = {"Home.py": "every part", "pages/3_KL_weight.py": "every part",
                        "pages/2_Autoencoder_vs_VAE.py": "4 · What a larger latent size buys"}


def depends_on_the_model(page: str, title: str | None) -> bool:
    independent = SAME_FOR_EVERY_MODEL.get(page)
    return independent is None or (independent != "every part" and title != independent)


@pytest.mark.parametrize("page", ["Home.py", *LESSON_PAGES], ids=lambda p: Path(p).stem)
def test_page_renders_for_every_model_in_the_zoo(page):
    at = app().run()
    if page != "Home.py":
        at.switch_page(page).run()
    if page in SETUP:
        SETUP[page](at).run()
    refs = zoo_refs()
    assert ModelRef() in refs and len(refs) == len(zoo.zoo_configs())
    if SAME_FOR_EVERY_MODEL.get(page) == "every part":
        refs = [ModelRef()]
    for n, ref in enumerate(refs):
        at.session_state["model_ref"] = ref
        at.run()
        sections = [(key, title) for key, title in page_sections(at)
                    if n == 0 or depends_on_the_model(page, title)]
        for key, title in [(None, None), *sections]:  # each part of a lesson in tabs
            if key is not None:
                at.session_state[key] = title
                at.run()
            where = f"{page} with {ref}" + (f", section {title!r}" if title else "")
            assert not at.exception, (where, [e.value for e in at.exception])
            assert not at.error, (where, [e.value for e in at.error])
            assert at.title, where
            if page not in NO_PICTURES_UNTIL_USED:  # a section may show a table instead
                assert (at.image or at.get("vega_lite_chart") or at.get("bidi_component")
                        or (key and at.dataframe)), where
        for key in {key for key, _ in sections}:  # the next model starts on the first part
            at.session_state[key] = layout.SECTIONS[key][0]


def page_sections(at: AppTest) -> list[tuple[str, str]]:
    """(key, title) of every section but the first of the page's `layout.sections` tabs."""
    labels = [tab.label for tab in at.tabs]
    keys = [key for key, titles in layout.SECTIONS.items() if titles == labels]
    return [(key, title) for key in keys for title in labels[1:]]


def test_home_shows_reconstructions_the_lesson_map_and_the_zoo():
    at = app().run()
    assert len(at.image) == 3  # originals, autoencoder, VAE
    assert not at.warning, [w.value for w in at.warning]
    assert len(at.get("page_link")) == len(LESSON_PAGES) + 1  # and the glossary
    assert any("vae-z10-b1" in m.value for m in at.markdown)


def test_a_shared_link_opens_its_model_read_only_and_it_survives_a_page_switch():
    at = app({"family": "ae", "latent": "2", "cmap": "grey", "lock": "1"}).run()
    assert at.session_state["model_ref"] == ModelRef("ae", 2, 0.0)
    assert at.session_state["cmap"] == "grey"
    assert not at.sidebar.radio and not at.sidebar.selectbox  # read-only
    assert any("Fixed by your instructor" in i.value for i in at.sidebar.info)
    at.switch_page("pages/4_Latent_sliders.py").run()
    assert at.session_state["model_ref"] == ModelRef("ae", 2, 0.0)
    assert at.session_state["cmap"] == "grey"
    assert sliders_data(at)["d"] == 2 and not at.exception


def test_the_picker_changes_the_model_for_every_page():
    at = app().run()
    at.sidebar.radio(key="_pick_family").set_value("ae").run()
    at.sidebar.selectbox(key="_pick_latent").set_value(3).run()
    assert at.session_state["model_ref"] == ModelRef("ae", 3, 0.0)
    at.switch_page("pages/4_Latent_sliders.py").run()
    assert sliders_data(at)["d"] == 3
    at.sidebar.radio(key="_pick_family").set_value("vae").run()
    at.sidebar.selectbox(key="_pick_latent").set_value(2).run()
    at.sidebar.selectbox(key="_pick_beta").set_value(4.0).run()
    assert at.session_state["model_ref"] == ModelRef("vae", 2, 4.0)
    assert sliders_data(at)["d"] == 2 and not at.exception


@pytest.mark.parametrize("query", [{"family": "gan", "latent": "999", "beta": "<b>x</b>"},
                                   {"latent": "../../etc/passwd", "evil": "<script>"}])
def test_bad_links_are_ignored_with_a_notice(query):
    at = app(query).run()
    assert at.session_state["model_ref"] == ModelRef()
    notices = [w.value for w in at.sidebar.warning]
    assert notices and not any("<" in n or "passwd" in n for n in notices)
    assert not at.exception


def sliders_data(at: AppTest, index: int = 0) -> dict:
    """The header of what a page sends its browser component (`core.app.live.packet`)."""
    packet = at.get("bidi_component")[index].proto.bytes
    (length,) = struct.unpack("<I", packet[:4])
    return json.loads(packet[4:4 + length])


def test_the_sliders_get_the_decoder_once_and_move_only_when_told():
    at = app({"family": "vae", "latent": "2"}).run()
    at.switch_page("pages/4_Latent_sliders.py").run()
    first = sliders_data(at)
    assert first["z"] == [0.0, 0.0] and first["d"] == 2 and len(first["lut"]) == 256 * 3
    # the decoder goes only when the browser asks (tests/browser: it asks once, then caches it)
    assert first["needs"]["decoder"].startswith("dec-") and first["parts"] == []
    at.button[1].click().run()  # "Random draw": the browser must move its sliders
    drawn = sliders_data(at)
    assert drawn["version"] > first["version"] and drawn["z"] != [0.0, 0.0]
    at.button[0].click().run()  # "Zeros (reset)"
    assert sliders_data(at)["z"] == [0.0, 0.0]
    assert at.session_state[sliders.keys(2, 3.0)[0]] == 0.0


def test_an_autoencoders_sliders_reach_its_codes_and_a_clipped_code_is_said_so():
    """The AE at latent size 2 codes its digits far beyond ±3 (the 1s near (10, -10)): its
    sliders reach as far as 99 % of its test codes, and a code beyond even that is named."""
    at = app({"family": "ae", "latent": "2"}).run()
    at.switch_page("pages/4_Latent_sliders.py").run()
    limit = sliders_data(at)["limit"]
    mu = selection.codes(ModelRef("ae", 2, 0.0))
    assert limit > 3.0 and (np.abs(mu) <= limit).mean() >= 0.99
    proto = prototypes(mu, selection.test_set()[1])
    at.selectbox(key="sliders_proto").select(1).run()
    assert sliders_data(at)["z"] == pytest.approx(np.clip(np.round(proto[1], 1), -limit, limit))
    clipped = np.abs(mu).max() > limit  # a test image beyond the reach, then, is named
    index = int(np.abs(mu).max(1).argmax())
    at.number_input(key="sliders_index").set_value(index).run()
    warnings = [w.value for w in at.warning]
    assert clipped and any(f"Test image {index}" in w and "±" in w for w in warnings)


def test_lessons_without_mnist_say_what_to_do_and_the_sliders_still_work(monkeypatch, tmp_path):
    import urllib.error

    from core import data

    monkeypatch.setenv(data.DATA_ENV, str(tmp_path))
    monkeypatch.setattr(data.urllib.request, "urlopen",
                        lambda *a, **k: (_ for _ in ()).throw(urllib.error.URLError("offline")))
    data._load_arrays.cache_clear()
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = app().run()
        assert any(data.DATA_ENV in w.value for w in at.warning)
        at.switch_page("pages/1_Reconstruction.py").run()
        assert any(data.DATA_ENV in w.value for w in at.warning) and not at.exception
        at.switch_page("pages/4_Latent_sliders.py").run()
        assert not at.exception and sliders_data(at)["d"] == 10
        at.switch_page("pages/10_Draw_your_digit.py").run()  # drawing needs no data
        assert not at.exception and not at.warning and at.title
        at.radio(key="draw_source").set_value("Take a test digit").run()
        assert any(data.DATA_ENV in w.value for w in at.warning) and not at.exception
        at.switch_page("pages/11_Train_your_own.py").run()
        at.button[0].click().run()  # Start training
        assert any(data.DATA_ENV in w.value for w in at.warning) and not at.exception
        assert "train_job" not in at.session_state
    finally:
        data._load_arrays.cache_clear()
        st.cache_data.clear()
        st.cache_resource.clear()


def test_a_prototype_travels_to_the_sliders():
    at = app({"family": "vae", "latent": "2"}).run()
    at.switch_page("pages/5_Digit_prototypes.py").run()
    at.session_state["proto_section"] = layout.SECTIONS["proto_section"][2]  # the values, to take away
    at.run()
    at.selectbox(key="proto_digit").set_value(7).run()
    next(b for b in at.button if "Latent sliders" in b.label).click().run()
    assert not at.exception
    assert any(v != 0.0 for v in sliders_data(at)["z"])  # the 7's prototype, not the zeros
    assert any("prototype of 7" in t.value for t in at.toast)


def test_the_progression_grid_starts_from_every_dimension_and_the_prototype_of_3():
    """The browser draws the grid (tests/browser); the server starts it and reads its bars."""
    at = app({"family": "ae", "latent": "5"}).run()
    at.switch_page("pages/6_Neuron_progression.py").run()
    header = sliders_data(at)
    assert header["view"] == "sweep" and header["dims"] == [0, 1, 2, 3, 4]
    assert header["base_choice"] == "p3" and len(header["base"]) == 5
    assert not at.exception and at.get("vega_lite_chart")


def test_the_manifold_decodes_typed_points_and_rejects_garbage():
    at = app({"family": "vae", "latent": "2"}).run()
    at.switch_page("pages/7_Latent_manifold.py").run()
    at.text_input(key="man_typed").input("-2, 1; 0, 0; 2.5, -1").run()
    assert not at.exception and len(at.image) == 1
    at.toggle(key="man_line").set_value(True).run()
    assert not at.exception and len(at.image) == 1
    at.text_input(key="man_typed").input("<b>1</b>, ../etc").run()
    assert any("Type up to 20 points" in w.value for w in at.warning) and not at.exception


def test_embeddings_recompute_on_request(monkeypatch):
    from core import embeddings

    calls = []

    def fake_compute_apart(method, codes, **params):  # the worker process is tested apart
        calls.append((method, params["perplexity"]))
        return codes[:, :2] * 2, 0.5

    monkeypatch.setattr(embeddings, "compute_apart", fake_compute_apart)
    at = app({"family": "vae", "latent": "3"}).run()
    at.switch_page("pages/8_Embeddings.py").run()
    at.radio(key="emb_method").set_value("t-SNE").run()
    at.slider[0].set_value(50)
    at.button[0].click().run()  # the form's "Recompute t-SNE"
    assert not at.exception and calls == [("t-SNE", 50.0)]
    assert any("Trustworthiness" in m.label for m in at.metric)


def test_a_failed_recompute_says_so_and_falls_back_to_the_shipped_map(monkeypatch):
    from core import embeddings

    def failing_compute_apart(method, codes, **params):
        raise RuntimeError(f"{method} failed in its worker process: MemoryError")

    monkeypatch.setattr(embeddings, "compute_apart", failing_compute_apart)
    at = app({"family": "vae", "latent": "3"}).run()
    at.switch_page("pages/8_Embeddings.py").run()
    at.radio(key="emb_method").set_value("t-SNE").run()
    at.button[0].click().run()  # the form's "Recompute t-SNE"
    assert not at.exception
    assert any("failed in its worker process" in e.value for e in at.error)
    assert any("Trustworthiness" in m.label for m in at.metric)  # the shipped map is shown


# What the server draws once the browser has said it cannot run the live view (main.js sends
# "failed"; tests/browser/test_live.py drives that in Chromium): per page, a count of what the
# fallback adds, which must drop when the live view is back.
def _captions(at: AppTest, text: str) -> int:
    return sum(text in c.value for c in at.caption)


def _notes(at: AppTest, text: str) -> int:
    return sum(text in n.value for n in at.info)


FALLBACK = {
    "pages/4_Latent_sliders.py": lambda at: len(at.slider) + len(at.image),
    "pages/6_Neuron_progression.py": lambda at: len(at.image),
    "pages/7_Latent_manifold.py": lambda at: len(at.image),
    "pages/8_Embeddings.py": lambda at: _captions(at, "by the server"),
    "pages/9_Interpolation_and_arithmetic.py": lambda at: _notes(at, "boxes below"),
    "pages/10_Draw_your_digit.py": lambda at: _notes(at, "Upload a photo"),
}


@pytest.mark.parametrize("page", FALLBACK)
def test_a_browser_that_cannot_run_the_live_view_gets_the_servers_pictures(page):
    at = app({"family": "vae", "latent": "10"}).run()
    at.session_state[live.FAILED] = True
    at.switch_page(page).run()
    assert not at.exception and not at.get("bidi_component")
    served = FALLBACK[page](at)
    retry = next(b for b in at.button if b.label == "Try the live view again")
    retry.click().run()
    assert at.get("bidi_component") and live.FAILED not in at.session_state
    assert served > FALLBACK[page](at)


def test_the_server_sliders_move_the_code_other_lessons_read():
    at = app({"family": "vae", "latent": "2"}).run()
    at.session_state[live.FAILED] = True
    at.switch_page("pages/4_Latent_sliders.py").run()
    at.slider[1].set_value(1.5).run()
    assert at.session_state[sliders.keys(2, 3.0)[1]] == 1.5
    at.button[0].click().run()  # "Zeros (reset)" moves the server's sliders too
    assert at.slider[1].value == 0.0 and at.session_state[sliders.keys(2, 3.0)[1]] == 0.0

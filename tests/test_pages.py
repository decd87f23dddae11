"""Every page renders without an exception (Streamlit's AppTest, no browser)."""

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "Home.py", *sorted((ROOT / "pages").glob("*.py"))]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_renders_without_exception(page):
    app = AppTest.from_file(str(page), default_timeout=120).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title and app.title[0].value


def test_home_shows_reconstructions_and_the_zoo():
    app = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=120).run()
    images = app.get("image")
    assert len(images) == 3  # originals, autoencoder, VAE
    assert not app.warning, [w.value for w in app.warning]
    assert any("vae-z10-b1" in m.value for m in app.markdown)


def test_home_without_mnist_explains_what_to_do(monkeypatch, tmp_path):
    import urllib.error

    from core import data

    monkeypatch.setenv(data.DATA_ENV, str(tmp_path))
    monkeypatch.setattr(data.urllib.request, "urlopen",
                        lambda *a, **k: (_ for _ in ()).throw(urllib.error.URLError("offline")))
    data._load_arrays.cache_clear()
    st.cache_data.clear()  # the preview may be cached from a test that had the data
    app = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=120).run()
    data._load_arrays.cache_clear()
    assert not app.exception
    assert any(data.DATA_ENV in w.value for w in app.warning)

"""The browser tests' one server: `streamlit run Home.py` on loopback, and headless Chromium.

The launcher is `bench.common`'s, shared with the benchmarks. Without Chromium (or Playwright)
these tests are skipped with the reason, so the rest of the suite still runs on a laptop.
"""

from pathlib import Path

import pytest

from bench.common import CHROMIUM, browser, server



@pytest.fixture(scope="session")
def site():
    """(base URL, browser) of one app server for every browser test."""
    pytest.importorskip("playwright")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with server() as (base, _), browser() as b:
        yield base, b

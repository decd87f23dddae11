"""The Streamlit boundary: `core` outside `core.app` never imports Streamlit, and no module
grows past what one reader can hold (300 lines)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "core"
OUTSIDE_APP = sorted(p for p in CORE.rglob("*.py") if "app" not in p.relative_to(CORE).parts)


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def test_no_module_outside_core_app_imports_streamlit():
    names = [module_name(p) for p in OUTSIDE_APP]
    assert "core.models" in names and "core.zoo" in names and len(names) >= 15
    probe = ("import importlib, sys\n"
             f"for name in {names!r}: importlib.import_module(name)\n"
             "print(sorted(m for m in sys.modules if m == 'streamlit' or m.startswith('streamlit.')))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]", f"imported Streamlit: {out[:300]}"


def test_the_check_would_see_streamlit(tmp_path):
    """The probe above is not vacuous: importing an app module does pull Streamlit in."""
    probe = ("import sys, core.app.layout\n"
             "print('streamlit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "True"


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: module_name(p))
def test_every_core_module_is_at_most_300_lines(path):
    assert len(path.read_text().splitlines()) <= 300

"""Faults: damaged weights, a shared model under many threads, error details hidden."""

from __future__ import annotations

import shutil
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import streamlit as st
import torch
from streamlit.testing.v1 import AppTest

from core import zoo
from core.latent import decode, encode_mu

ROOT = Path(__file__).resolve().parents[2]


def test_a_damaged_weights_file_is_named_and_the_other_models_still_work(monkeypatch, tmp_path):
    shutil.copytree(zoo.WEIGHTS_DIR, tmp_path / "weights")
    damaged = tmp_path / "weights" / "vae-z10-b1.safetensors"
    damaged.write_bytes(damaged.read_bytes()[:1000])  # truncated
    monkeypatch.setattr(zoo, "WEIGHTS_DIR", tmp_path / "weights")
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=180).run()
        assert not at.exception
        at.switch_page("pages/1_Reconstruction.py").run()
        assert not at.exception
        assert any("vae-z10-b1.safetensors" in w.value for w in at.warning)
        assert not any(str(tmp_path) in w.value for w in at.warning)  # no server path
        assert at.sidebar.radio(key="_pick_family").options  # the picker is still there
        at.sidebar.radio(key="_pick_family").set_value("ae").run()
        assert not at.exception and at.image  # the autoencoder is unharmed
        assert damaged.stat().st_size == 1000  # nothing was replaced behind our back
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()


def test_a_shared_model_gives_the_same_answers_from_eight_threads():
    model = zoo.load_model("vae", 10)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    x = torch.rand(64, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    z = torch.randn(64, 10, generator=torch.Generator().manual_seed(1))
    expected = encode_mu(model, x), decode(model, z)

    def work(_: int) -> tuple[torch.Tensor, torch.Tensor]:
        return encode_mu(model, x), decode(model, z)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(32)))
    for mu, images in results:
        assert torch.equal(mu, expected[0]) and torch.equal(images, expected[1])
    assert not model.training
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_students_never_see_stack_traces():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] in ("type", "none")

"""Models trained in the browser: the same loop as the CLI, caps, stop, and never shared."""

import time
from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

from core import own, zoo
from core.data import load_mnist_subset
from core.images import seeded_indices

ROOT = Path(__file__).resolve().parents[2]
HOME = str(ROOT / "Home.py")
TRAIN = "pages/11_Train_your_own.py"
CPU = torch.device("cpu")


def small_data(n: int = 600) -> tuple[torch.Tensor, torch.Tensor]:
    x_train, _ = load_mnist_subset("train", seeded_indices(60_000, n, 0))
    x_test, _ = load_mnist_subset("test", seeded_indices(10_000, 500, 0))
    return x_train, x_test


def run_job(config, alive=lambda: True, stop_after: int | None = None) -> own.TrainingJob:
    x_train, x_test = small_data(config.train_subset)
    job = own.TrainingJob(config, CPU)
    job.start(x_train, x_test, x_test[:8], alive)
    if stop_after is not None:
        while job.step < stop_after and job.active:
            time.sleep(0.01)
        job.stop()
    job.join(timeout=120)
    return job


def test_a_run_trains_with_the_cli_loop_and_reports_like_a_card():
    config = own.make_config("vae", 2, 1.0, epochs=2, subset=600, batch_size=100)
    job = run_job(config)
    assert job.state == "done", job.error
    assert len(job.epochs) == 2 and len(job.rows) == 2 and job.rows[0].shape == (8, 1, 28, 28)
    assert job.step == job.total_steps == 12
    assert config.kl_warmup_steps == 3  # a quarter of the run
    card = job.result.card
    assert card.epochs_completed == 2 and card.test.neg_elbo > 0
    assert not job.result.model.training
    assert not any(p.requires_grad for p in job.result.model.parameters())
    # the loss came down over the run
    assert job.batches[-1][1] < job.batches[0][1]


def test_the_same_settings_train_the_same_model():
    config = own.make_config("ae", 3, 0.0, epochs=1, subset=300, batch_size=100, seed=4)
    a, b = run_job(config).result, run_job(config).result
    for (name, p), q in zip(a.model.state_dict().items(), b.model.state_dict().values()):
        assert torch.equal(p, q), name


def test_stop_keeps_what_was_learned():
    config = own.make_config("vae", 2, 1.0, epochs=5, subset=2000, batch_size=50)
    job = run_job(config, stop_after=3)
    assert job.state == "stopped"
    assert job.result is not None and job.step < job.total_steps
    assert job.result.card.epochs_completed <= 1


def test_a_closed_session_stops_its_run():
    config = own.make_config("vae", 2, 1.0, epochs=5, subset=2000, batch_size=50)
    job = run_job(config, alive=lambda: False)
    assert job.state == "stopped" and job.step <= 1


def test_runs_queue_for_the_server_slot():
    config = own.make_config("ae", 2, 0.0, epochs=1, subset=200, batch_size=100)
    x_train, x_test = small_data(200)
    own._slots.acquire()  # another session is training
    try:
        job = own.TrainingJob(config, CPU)
        job.start(x_train, x_test, x_test[:8])
        time.sleep(1.0)
        assert job.state == "queued" and job.step == 0
    finally:
        own._slots.release()
    job.join(timeout=60)
    assert job.state == "done"


def test_the_queue_is_bounded_and_a_waiting_run_holds_no_data():
    """One running and two queued 60,000-digit runs held their data from the start before, and
    the queue had no end."""
    config = own.make_config("ae", 2, 0.0, epochs=1, subset=200, batch_size=100)
    x_train, x_test = small_data(200)
    loaded: list[int] = []

    def loader() -> torch.Tensor:
        loaded.append(1)
        return x_train

    own._slots.acquire()  # another session is training
    jobs = []
    try:
        for _ in range(own.MAX_WAITING):
            jobs.append(own.TrainingJob(config, CPU))
            jobs[-1].start(loader, x_test, x_test[:8])
        time.sleep(0.5)
        assert all(j.state == "queued" for j in jobs) and not loaded  # waiting: no data held
        with pytest.raises(own.QueueFull, match="Try again"):
            own.TrainingJob(config, CPU).start(loader, x_test, x_test[:8])
    finally:
        own._slots.release()
    for job in jobs:
        job.join(timeout=60)
        assert job.state == "done"
    assert len(loaded) == own.MAX_WAITING


def test_a_failed_run_says_so_without_its_exception(monkeypatch):
    config = own.make_config("ae", 2, 0.0, epochs=1, subset=200, batch_size=100)
    monkeypatch.setattr(own, "new_model", lambda c: (_ for _ in ()).throw(
        RuntimeError("/srv/secret/path exploded")))
    job = run_job(config)
    assert job.state == "failed" and "/srv" not in job.error and "exploded" not in job.error


def test_model_ids_count_per_session():
    """A new session's first model was "#3" when another session had trained two before."""
    for expected in (1, 1):  # two sessions, each with its own first model
        at = AppTest.from_file(HOME, default_timeout=180).run()
        at.switch_page(TRAIN).run()
        at.radio(key="train_kind").set_value("ae").run()
        at.select_slider(key="train_subset").set_value(1000).run()
        at.slider(key="train_epochs").set_value(1).run()
        at.button[0].click().run()
        job = at.session_state["train_job"]
        job.join(timeout=120)
        assert job.state == "done" and job.result.id == expected


def test_a_session_model_never_enters_the_zoo_or_another_session():
    weights_before = sorted(p.name for p in zoo.WEIGHTS_DIR.iterdir())
    shared = zoo.load_model("vae", 2, 1.0)
    shared_state = {k: v.clone() for k, v in shared.state_dict().items()}

    mine = AppTest.from_file(HOME, default_timeout=180).run()
    mine.switch_page(TRAIN).run()
    mine.select_slider(key="train_subset").set_value(1000).run()
    mine.slider(key="train_epochs").set_value(1).run()
    mine.button[0].click().run()
    assert not mine.exception, [e.value for e in mine.exception]
    mine.session_state["train_job"].join(timeout=120)
    mine.run()
    assert not mine.exception, [e.value for e in mine.exception]
    assert list(mine.session_state["own_models"]) and mine.session_state["own_pick"] is not None
    trained = next(iter(mine.session_state["own_models"].values())).model
    assert any("your VAE" in m.value for m in mine.markdown)
    # the sidebar offers it, and the lessons use it
    assert any(s.label == "Or a model you trained" for s in mine.sidebar.selectbox)
    mine.switch_page("pages/4_Latent_sliders.py").run()
    assert not mine.exception, [e.value for e in mine.exception]
    assert any("on 1,000 digits" in c.value for c in mine.sidebar.caption)  # its own card

    other = AppTest.from_file(HOME, default_timeout=180).run()
    other.switch_page("pages/4_Latent_sliders.py").run()
    assert not any(s.label == "Or a model you trained" for s in other.sidebar.selectbox)
    assert "own_models" not in other.session_state or not other.session_state["own_models"]

    assert sorted(p.name for p in zoo.WEIGHTS_DIR.iterdir()) == weights_before
    assert zoo.load_model("vae", 2, 1.0) is shared and shared is not trained
    for name, value in shared.state_dict().items():
        assert torch.equal(value, shared_state[name]), name


def test_the_page_refuses_runs_over_the_cap():
    at = AppTest.from_file(HOME, default_timeout=180).run()
    at.switch_page(TRAIN).run()
    at.select_slider(key="train_subset").set_value(60_000).run()
    at.slider(key="train_epochs").set_value(10).run()
    assert any("at most" in w.value for w in at.warning)
    assert at.button[0].disabled
    assert "train_job" not in at.session_state


def test_the_server_holds_a_bounded_number_of_trained_models(monkeypatch):
    config = own.make_config("ae", 2, 0.0, epochs=1, subset=200, batch_size=100)
    assert not own.problems(config, 0, 0)
    monkeypatch.setattr(own, "SERVER_MODELS", own.server_models())  # the server is full
    assert any("its limit" in p for p in own.problems(config, 0, 0))


def test_a_downloaded_model_loads_back_on_the_page():
    """Train your own's uploaders take a model's two files back into the session's models."""
    from core import portable
    from core.cards import Card, Metrics
    from core.models import build_model

    config = own.make_config("vae", 3, 1.0, epochs=1, subset=1000, batch_size=64)
    card = Card(name="own-vae-z3-b1", kind="vae", test=Metrics(neg_elbo=150.0, recon=140.0,
                kl=10.0, active_dims=3), latent_dim=3, beta=1.0, config=config,
                epochs_completed=1)
    weights, card_json = portable.export(build_model("vae", 3, config.backbone).eval(), card)
    at = AppTest.from_file(HOME, default_timeout=180).run()
    at.switch_page(TRAIN).run()
    uploaders = {u.label.split(" (")[0]: u for u in at.file_uploader}
    uploaders["Its weights"].set_value(("m.safetensors", weights, "application/octet-stream"))
    uploaders["Its card"].set_value(("m.json", card_json, "application/json")).run()
    assert not at.exception
    models = at.session_state["own_models"]
    assert [m.config.latent_dim for m in models.values()] == [3]
    assert at.session_state["own_pick"] == next(iter(models))  # offered in the sidebar

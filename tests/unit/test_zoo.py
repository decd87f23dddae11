"""The committed zoo: every model loads, matches its card, and its card's figures hold."""

import shutil
import subprocess
import sys

import pytest

from core import zoo
from core.checkpoint import WeightsError
from core.data import load_mnist
from core.classifier_train import classifier_accuracy
from core.evaluate import evaluate

CONFIGS = zoo.zoo_configs()


def config_id(config) -> str:
    return zoo.model_name(config.kind, config.latent_dim, config.beta)


def test_the_zoo_is_complete_and_current():
    stale = {config_id(c) for c in CONFIGS if not zoo.is_current(c)}
    assert not stale, "rebuild with `python -m core.train --zoo`"
    assert zoo.is_classifier_current()
    assert len(zoo.available()) == len(CONFIGS) + 1


@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_every_model_reproduces_its_card(config):
    card = zoo.card_for(config.kind, config.latent_dim, config.beta)
    model = zoo.load_model(config.kind, config.latent_dim, config.beta, device="cpu")
    assert not model.training and model.latent_dim == config.latent_dim
    x_test, _ = load_mnist("test")
    measured = evaluate(model, x_test, config.beta)
    assert measured.recon == pytest.approx(card.test.recon, abs=0.05)
    assert measured.recon_at_mean == pytest.approx(card.test.recon_at_mean, abs=0.05)
    assert card.epochs_completed == config.epochs and len(card.history) == config.epochs
    if config.kind == "vae":
        assert measured.neg_elbo == pytest.approx(card.test.neg_elbo, abs=0.05)
        assert measured.active_dims == card.test.active_dims
        assert card.bound["k"] >= 200 and card.bound["gap"] > 0


def test_the_classifier_is_accurate():
    x_test, y_test = load_mnist("test")
    accuracy = classifier_accuracy(zoo.load_classifier(device="cpu"), x_test, y_test)
    assert accuracy >= 0.99
    assert accuracy == pytest.approx(zoo.available()[-1].test.accuracy, abs=1e-4)


def test_models_are_loaded_once_and_shared():
    first = zoo.load_model("vae", 2, device="cpu")
    assert zoo.load_model("vae", 2.0, 1, device="cpu") is first
    assert zoo.load_model("ae", 2, beta=4.0, device="cpu") is zoo.load_model("ae", 2, device="cpu")
    assert not any(p.requires_grad for p in first.parameters())


def copy_model(tmp_path, name):
    for suffix in (".json", ".safetensors"):
        shutil.copy(zoo.WEIGHTS_DIR / f"{name}{suffix}", tmp_path / f"{name}{suffix}")
    return tmp_path / f"{name}.safetensors"


@pytest.mark.parametrize("damage", ["missing", "truncated", "replaced"])
def test_a_damaged_weights_file_is_named(tmp_path, damage):
    weights = copy_model(tmp_path, "vae-z3-b1")
    if damage == "missing":
        weights.unlink()
    elif damage == "truncated":
        weights.write_bytes(weights.read_bytes()[:1000])
    else:
        shutil.copy(zoo.WEIGHTS_DIR / "vae-z5-b1.safetensors", weights)
    with pytest.raises(WeightsError, match=weights.name):
        zoo.load_model("vae", 3, root=tmp_path, device="cpu")


def test_weights_of_the_wrong_shape_are_named(tmp_path):
    from core.checkpoint import load_weights
    from core.models import VAE

    weights = copy_model(tmp_path, "vae-z3-b1")
    with pytest.raises(WeightsError, match="does not fit the model") as error:
        load_weights(VAE(latent_dim=5), weights)
    assert weights.name in str(error.value)
    assert str(weights.parent) not in str(error.value)  # no server path reaches a student


def test_a_model_the_zoo_lacks_is_named():
    with pytest.raises(WeightsError, match="no vae with latent size 7"):
        zoo.load_model("vae", 7, device="cpu")


def test_zoo_table_cli():
    result = subprocess.run([sys.executable, "-m", "core.zoo"], capture_output=True, text=True,
                            cwd=zoo.WEIGHTS_DIR.parent, timeout=60)
    assert result.returncode == 0
    assert result.stdout.count("| vae-z") == 16 and result.stdout.count("| ae-z") == 6
    assert "Classifier" in result.stdout

"""Model cards: one schema, written and read in one place, for every kind of model."""

import json

import pytest

from core import zoo
from core.cards import Card, Metrics
from core.checkpoint import WeightsError
from core.config import TrainConfig


def test_every_shipped_card_reads_and_writes_back_the_same_json(tmp_path):
    for path in sorted(zoo.WEIGHTS_DIR.glob("*.json")):
        card = Card.read(path)
        card.write(tmp_path / path.name)
        assert Card.read(tmp_path / path.name) == card, path.name


def test_figures_are_kept_exact_and_rounded_only_when_written(tmp_path):
    card = Card(name="vae-z2-b1", kind="vae", latent_dim=2, beta=1.0, config=TrainConfig(latent_dim=2),
                test=Metrics(neg_elbo=100.123456, recon=80.0, kl=20.123456, loss=100.123456,
                             kl_per_dim=(10.0612345, 10.0622215), active_dims=2))
    assert card.test.kl == 20.123456
    card.write(tmp_path / "c.json")
    written = json.loads((tmp_path / "c.json").read_text())
    assert written["test"]["kl"] == 20.123 and written["test"]["kl_per_dim"] == [10.0612, 10.0622]
    assert Card.read(tmp_path / "c.json").config == TrainConfig(latent_dim=2)


@pytest.mark.parametrize("text", ["{not json", "{}", '{"name": "x", "kind": "vae"}', "[]", ""])
def test_a_broken_card_is_named_without_its_folder(tmp_path, text):
    (tmp_path / "vae-z32-b1.json").write_text(text)
    with pytest.raises(WeightsError, match="vae-z32-b1.json") as error:
        Card.read(tmp_path / "vae-z32-b1.json")
    assert str(tmp_path) not in str(error.value)


def test_the_summary_reads_the_figures_of_each_kind():
    vae = Card(name="v", kind="vae", latent_dim=10, beta=1.0,
               test=Metrics(neg_elbo=98.9, recon=79.5, kl=19.4, active_dims=10),
               epochs_completed=30, train_seconds=600, device="cpu")
    assert vae.summary()[0] == "test −ELBO **98.9** nats"
    assert "active dimensions 10 of 10" in vae.summary()
    ae = Card(name="a", kind="ae", latent_dim=2, test=Metrics(recon=140.0), epochs_completed=1)
    assert ae.summary()[0] == "test reconstruction **140.0** nats" and "1 epoch," in ae.summary()[-1]

"""The audit: every sentence a lesson states about the figures, recomputed here with this
file's own code, for every zoo model it can be shown with (and the cards' own properties).

Each lesson builds its "what to notice" from `core.claims.Claim`s that carry the facts they
state. Here the facts are recomputed from the models and the data with plain torch and numpy,
not with the lesson's helpers, and the sentence must state them.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from core import zoo
from core.data import load_mnist
from core.evaluate import ACTIVE_KL
from core.images import seeded_indices
from core.lessons import beta, compare, reconstruction
from core.lessons.protocol import protocol_claim

SIZES = sorted({c.latent_dim for c in zoo.zoo_configs()})
VAES = [(c.latent_dim, c.beta) for c in zoo.zoo_configs() if c.kind == "vae"]


@pytest.fixture(scope="module")
def test_set():
    x, labels = load_mnist("test")
    return x, labels.numpy()


@torch.no_grad()
def bce_at_mean(model, x, batch: int = 500):
    """Per-image BCE of decoding the mean code, written out here: (N,) float64."""
    out = []
    for x_i in x.split(batch):
        x_hat = torch.sigmoid(model.decode_logits(model.encode(x_i)[0])).double()
        out.append(F.binary_cross_entropy(x_hat.clamp(1e-7, 1 - 1e-7), x_i.double(),
                                          reduction="none").sum((1, 2, 3)))
    return torch.cat(out).numpy()


def expected_order(a, b, noise):
    return 0 if abs(a - b) <= noise else (-1 if a < b else 1)


@pytest.mark.parametrize("latent,b", VAES, ids=[f"z{d}-b{b:g}" for d, b in VAES])
def test_reconstructions_notice_states_the_bars(test_set, latent, b):
    """Reconstruction: the AE against each VAE of its latent size, on the lesson's first digits."""
    x_test, labels = test_set
    index = seeded_indices(len(x_test), 8, 0)
    ae, vae = zoo.load_model("ae", latent, device="cpu"), zoo.load_model("vae", latent, b, device="cpu")
    r = reconstruction.rebuild({"Autoencoder": ae, "VAE": vae}, x_test[index])
    claims = reconstruction.pair_claims(r, labels[index])
    a, v = bce_at_mean(ae, x_test[index]), bce_at_mean(vae, x_test[index])
    facts = claims[0].facts
    assert facts["first_mean"] == pytest.approx(a.mean(), abs=0.05)
    assert facts["second_mean"] == pytest.approx(v.mean(), abs=0.05)
    assert facts["first_worse_count"] == int((a > v).sum())  # the count was inverted once
    noise = max(0.5, 2 * np.std(a - v, ddof=1) / np.sqrt(len(a)))
    assert facts["order"] == expected_order(a.mean(), v.mean(), noise)
    assert f"worse on {int((a > v).sum())} of the 8" in claims[0].text
    floor = -(x_test[index].double() * torch.log(x_test[index].double().clamp_min(1e-12))
              + (1 - x_test[index].double()) * torch.log((1 - x_test[index].double()).clamp_min(1e-12)))
    assert claims[2].facts["floor_mean"] == pytest.approx(floor.sum((1, 2, 3)).mean().item(), abs=0.05)
    assert claims[1].facts["second_hardest"] == int(v.argmax())


@pytest.mark.parametrize("latent", [2, 10, 32])
def test_the_whole_test_set_check_is_worded_by_its_result(test_set, latent):
    x_test, _ = test_set
    ae, vae = zoo.load_model("ae", latent, device="cpu"), zoo.load_model("vae", latent, device="cpu")
    t = reconstruction.test_set_pair([ae, vae], x_test)
    claim = reconstruction.test_set_claims(t, len(x_test))[0]
    a, v = bce_at_mean(ae, x_test), bce_at_mean(vae, x_test)
    assert claim.facts["first_mean"] == pytest.approx(a.mean(), abs=0.05)
    assert claim.facts["second_mean"] == pytest.approx(v.mean(), abs=0.05)
    assert claim.facts["first_better_share"] == pytest.approx((a < v).mean(), abs=1e-3)
    word = {-1: "as predicted", 0: "does not hold", 1: "fails"}[claim.facts["order"]]
    assert claim.facts["order"] == expected_order(a.mean(), v.mean(), t.noise) and word in claim.text
    assert f"{zoo.card_for('ae', latent).test.recon_at_mean:.1f}" in claim.text


def test_the_latent_size_chart_and_its_notice_read_the_cards():
    ae = {d: zoo.card_for("ae", d) for d in SIZES}
    vae = {d: zoo.card_for("vae", d) for d in SIZES}
    claims = compare.size_claims(ae, vae)
    f = claims[0].facts
    assert (f["ae_first"], f["ae_last"]) == (ae[2].test.recon_at_mean, ae[32].test.recon_at_mean)
    gains = (ae[2].test.recon_at_mean - ae[32].test.recon_at_mean,
             vae[2].test.recon_at_mean - vae[32].test.recon_at_mean)
    assert f["order"] == expected_order(gains[0], gains[1], 1.0)
    for family, cards in (("ae_trend", ae), ("vae_trend", vae)):
        values = [cards[d].test.recon_at_mean for d in SIZES]
        falls = all(b - a < 0.5 for a, b in zip(values, values[1:])) and values[0] - values[-1] > 0.5
        assert (claims[1].facts[family] == -1) == falls
    assert claims[2].facts["active"] == sum(k > ACTIVE_KL for k in vae[32].test.kl_per_dim)


@pytest.mark.parametrize("latent", [2, 10])
def test_the_beta_series_is_a_trade_off_and_its_notice_says_so(latent):
    """Property of the shipped cards: along the beta series KL falls and reconstruction rises
    (each step within 1 nat), and every model shares its beta = 1 model's protocol."""
    cards = {b: zoo.card_for("vae", latent, b) for d, b in VAES if d == latent}
    betas = sorted(cards)
    kl = [cards[b].test.kl for b in betas]
    recon = [cards[b].test.recon for b in betas]
    assert all(b2 < b1 + 1.0 for b1, b2 in zip(kl, kl[1:]))
    assert all(b2 > b1 - 1.0 for b1, b2 in zip(recon, recon[1:]))
    claims = beta.rd_claims(cards, latent)
    assert (claims[1].facts["kl_trend"], claims[1].facts["recon_trend"]) == (-1, 1)
    assert "trade-off itself" in claims[1].text
    said = protocol_claim({f"β = {b:g}": c for b, c in cards.items()}, "β")
    assert said.facts["same_protocol"] and "only β differs" in said.text


def test_every_compared_pair_shares_its_protocol():
    for d in SIZES:
        ae, vae = zoo.card_for("ae", d).config, zoo.card_for("vae", d).config
        for field in ("epochs", "batch_size", "lr", "seed", "backbone", "train_subset"):
            assert getattr(ae, field) == getattr(vae, field), (d, field)


def test_the_codes_notice_for_each_beta_states_their_norms(test_set):
    x_test, _ = test_set
    codes = {}
    with torch.no_grad():
        for d, b in VAES:
            if d == 2:
                codes[b] = zoo.load_model("vae", 2, b, device="cpu").encode(x_test)[0].numpy()
    claim = beta.norm_claims(beta.median_norms(codes))[0]
    norms = [float(np.median(np.sqrt((codes[b] ** 2).sum(1)))) for b in sorted(codes)]
    assert claim.facts["norms"] == pytest.approx(norms, abs=1e-3)
    steps = np.diff(norms)
    falls = (steps < 0.05).all() and norms[0] - norms[-1] > 0.05
    assert (claim.facts["trend"] == -1) == falls
    assert ("crowd towards the origin" in claim.text) == falls


def test_random_codes_notice_states_the_verdicts():
    """Autoencoder vs VAE part 2 on the default latent size, seed 0, recomputed here."""
    x_test, labels = load_mnist("test")
    classifier = zoo.load_classifier(device="cpu")
    verdicts = {}
    for name, kind, source in (("ae_prior", "ae", "prior"), ("ae_fitted", "ae", "fitted"),
                               ("vae_prior", "vae", "prior")):
        model = zoo.load_model(kind, 10, device="cpu")
        verdicts[name] = compare.random_codes([model], x_test, labels, source=source, n=1000, seed=0)
        with torch.no_grad():
            if source == "prior":
                z = torch.randn(1000, 10, generator=torch.Generator().manual_seed(0))
            else:
                mu = model.encode(x_test)[0]
                z = mu.mean(0) + mu.std(0) * torch.randn(1000, 10, generator=torch.Generator().manual_seed(0))
            p = torch.softmax(classifier(model.decode(z)), 1)
        assert verdicts[name].confident == pytest.approx((p.max(1).values >= 0.9).float().mean().item(), abs=2e-3)
    claims = compare.sample_claims(**verdicts)
    noise = 2 * (0.25 / 1000) ** 0.5
    assert claims[0].facts["order"] == expected_order(verdicts["vae_prior"].confident,
                                                      verdicts["ae_prior"].confident, noise)

"""The audit, continued: the notices of Digit prototypes, Neuron progression, Latent manifold,
Embeddings, Interpolation, Draw your digit and Train your own, recomputed here with this file's
own torch and numpy for every zoo model each can be shown with, and for a small model trained
in the test (a student's model: the lessons must read its figures too).

The lessons' helpers are called with the arguments their page passes by default; every fact
they state is then recomputed from the models and the data without them.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from core import zoo
from core.cards import Card
from core.data import load_mnist
from core.digitize import digitize
from core.embeddings import load_shipped, pca, subset_indices
from core.evaluate import ACTIVE_KL
from core.images import seeded_indices
from core.latent import decode, posterior, posterior_samples
from core.lessons import draw, embeddings, interpolation, manifold, prototypes, training
from core.lessons import sliders
from core.lessons.sliders import sweep_claims
from core.own import OwnModel, TrainingJob, make_config

CONFIGS = zoo.zoo_configs()
IDS = [zoo.model_name(c.kind, c.latent_dim, c.beta) for c in CONFIGS]
SIZES = sorted({c.latent_dim for c in CONFIGS})


@functools.cache
def mnist_test() -> tuple[torch.Tensor, np.ndarray]:
    x, labels = load_mnist("test")
    return x, labels.numpy()


@functools.cache
def model_of(kind: str, latent: int, beta: float) -> torch.nn.Module:
    return zoo.load_model(kind, latent, beta, device="cpu")


@functools.cache
def codes(kind: str, latent: int, beta: float) -> np.ndarray:
    """The mean codes of the 10,000 test digits (N, d), encoded here in one batch."""
    with torch.no_grad():
        return model_of(kind, latent, beta).encode(mnist_test()[0])[0].numpy()


@torch.no_grad()
def read(images: torch.Tensor) -> np.ndarray:
    """The zoo classifier's label for each image (N, 1, 28, 28)."""
    return zoo.load_classifier(device="cpu")(images).argmax(1).numpy()


@torch.no_grad()
def ink_moved(model, base: np.ndarray, dims: list[int], values: np.ndarray) -> np.ndarray:
    """For each dimension, the mean over the steps of the summed absolute pixel change from the
    first step, sweeping that dimension of `base` over `values`: (len(dims),)."""
    out = []
    for j in dims:
        z = np.repeat(base[None].astype(np.float32), len(values), 0)
        z[:, j] = values
        x = torch.sigmoid(model.decode_logits(torch.from_numpy(z))).numpy()
        out.append(np.abs(x - x[:1]).sum((1, 2, 3)).mean())
    return np.array(out)


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_the_sliders_notice_holds_for_every_model(config):
    card = zoo.card_for(config.kind, config.latent_dim, config.beta)
    mu = codes(config.kind, config.latent_dim, config.beta)
    limit = sliders.slider_limit(config.kind, mu)
    claims = sliders.claims(card, mu, limit)
    inside = (np.abs(mu) <= limit).mean()
    assert inside >= 0.99 or config.kind == "vae"  # the AE's sliders reach its codes
    if config.kind == "vae":
        dead = [f"z{j}" for j, k in enumerate(card.test.kl_per_dim) if k <= ACTIVE_KL]
        assert claims[0].facts["dead"] == tuple(dead)
        assert claims[0].facts["active"] == config.latent_dim - len(dead)
    lo, hi = np.percentile(mu, [0.5, 99.5])
    assert claims[-1].facts["low"] == pytest.approx(lo, abs=1e-3)
    assert claims[-1].facts["high"] == pytest.approx(hi, abs=1e-3)


def test_where_the_codes_land_notice_states_the_two_clouds():
    """Autoencoder vs VAE, part 1: the 1,500 seeded codes of each 2-dimensional model."""
    from core.lessons import compare

    keep = np.random.default_rng(0).choice(10_000, 1500, replace=False)
    ae, vae = codes("ae", 2, 0.0)[keep], codes("vae", 2, 1.0)[keep]
    claims = compare.spread_claims(ae, vae)
    assert (claims[0].facts["ae_min"], claims[0].facts["ae_max"]) == (ae[:, 0].min(), ae[:, 0].max())
    assert f"{vae[:, 0].min():.1f} to {vae[:, 0].max():.1f}" in claims[0].text
    for name, m in (("ae", ae), ("vae", vae)):
        share = (np.sqrt((m ** 2).sum(1)) <= np.sqrt(5.991)).mean()  # chi-squared(2), 95 %
        assert claims[1].facts[f"{name}_inside"] == pytest.approx(share, abs=1e-3)


def test_the_active_dimensions_notice_reads_the_kl_and_the_sweeps():
    """KL weight, part 3: the β series at latent size 10, each dimension swept -3..3 in 9 steps
    from zeros."""
    from core.lessons import beta

    betas = sorted(c.beta for c in CONFIGS if c.kind == "vae" and c.latent_dim == 10)
    cards = {b: zoo.card_for("vae", 10, b) for b in betas}
    values = np.linspace(-3, 3, 9, dtype=np.float32)
    moved = {b: ink_moved(model_of("vae", 10, b), np.zeros(10, np.float32), list(range(10)), values)
             for b in betas}
    claims = beta.active_claims(cards, moved)
    active = [sum(k > ACTIVE_KL for k in cards[b].test.kl_per_dim) for b in betas]
    assert claims[0].facts["active"] == tuple(active)
    first = next((b for b, a in zip(betas, active) if a < 10), None)
    assert claims[0].facts["first_collapse"] == first
    dead = [m for b in betas for m, k in zip(moved[b], cards[b].test.kl_per_dim) if k <= ACTIVE_KL]
    alive = [m for b in betas for m, k in zip(moved[b], cards[b].test.kl_per_dim) if k > ACTIVE_KL]
    assert claims[1].facts["separated"] == (max(dead) < min(alive))
    assert claims[1].facts["dead_max"] == pytest.approx(max(dead), rel=1e-3)
    assert ("Why the line is at" in claims[1].text) == (max(dead) < min(alive))


def check_prototypes(kind: str, beta: float, mu: np.ndarray, model) -> None:
    _, labels = mnist_test()
    protos = np.stack([mu[labels == k].mean(0) for k in range(10)])
    with torch.no_grad():
        seen = read(torch.sigmoid(model.decode_logits(torch.from_numpy(protos).float())))
    claims = prototypes.claims(mu, labels, protos, seen)
    correct = int((seen == np.arange(10)).sum())
    assert claims[0].facts["correct"] == correct and f"{correct} of the 10" in claims[0].text
    between = protos.std(0)
    within = np.mean([mu[labels == k].std(0) for k in range(10)], 0)
    ratio = between / np.maximum(within, 1e-6)
    assert ratio[claims[1].facts["best"]] == pytest.approx(ratio.max())
    spread = [mu[labels == k].std(0).mean() for k in range(10)]
    assert (claims[2].facts["tight"], claims[2].facts["loose"]) == (np.argmin(spread), np.argmax(spread))
    scale = prototypes.scale_claim(mu, kind, beta)
    means, stds = mu.mean(0), mu.std(0)
    near = np.abs(means).max() <= 0.25 and stds.max() <= 1.2
    if kind == "vae":
        assert ("close to N(0, 1)" in scale.text) == near
        assert ("not N(0, 1)" in scale.text) == (not near)
    assert f"{stds.max():.2f}" in scale.text and f"{means.min():.2f}" in scale.text
    assert scale.facts["off"] == int((stds < 0.5).sum())


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_the_prototypes_notices_hold_for_every_model(config):
    mu = codes(config.kind, config.latent_dim, config.beta)
    check_prototypes(config.kind, config.beta, mu, model_of(config.kind, config.latent_dim, config.beta))


def check_sweep(card: Card, model, mu: np.ndarray | None) -> None:
    """Neuron progression's default: every dimension swept from -4.5 to 4.5 in 10 steps from
    the prototype of a 3 (zeros without codes)."""
    _, labels = mnist_test()
    d = card.latent_dim
    base = mu[labels == 3].mean(0) if mu is not None else np.zeros(d, np.float32)
    values = np.linspace(-4.5, 4.5, 10, dtype=np.float32)
    moved = ink_moved(model, base, list(range(d)), values)
    from core.latent import sweep_decoded
    _, shown = sweep_decoded(model, torch.as_tensor(base), list(range(d)), torch.from_numpy(values))
    claims = sweep_claims(card, list(range(d)), shown, -4.5, 4.5)
    assert moved[claims[0].facts["most"]] == pytest.approx(moved.max(), rel=1e-3)
    assert moved[claims[0].facts["least"]] == pytest.approx(moved.min(), rel=1e-3)
    assert claims[0].facts["most_ink"] == pytest.approx(moved.max(), rel=1e-3)
    if card.kind == "vae":
        dead = [j for j, k in enumerate(card.test.kl_per_dim) if k <= ACTIVE_KL]
        alive = [j for j in range(d) if j not in dead]
        if dead:
            fact = claims[1].facts
            assert fact["dead"] == tuple(dead)
            assert fact["quieter"] == (bool(alive) and moved[dead].max() < moved[alive].min())
            assert ("the decoder learned to ignore them" in claims[1].text) == fact["quieter"]
        else:
            assert len(claims) == 1 or "carry no information" not in claims[1].text


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_the_neuron_progression_notice_holds_for_every_model(config):
    args = config.kind, config.latent_dim, config.beta
    check_sweep(zoo.card_for(*args), model_of(*args), codes(*args))


def check_manifold(model, mu: np.ndarray) -> None:
    """Latent manifold's default view: the two widest dimensions, zeros elsewhere, -4..4 in 12
    steps, raw axes."""
    _, labels = mnist_test()
    d = mu.shape[1]
    dims = tuple(np.argsort(-mu.std(0))[:2].tolist()) if d > 1 else (0, 0)
    axes = manifold.Axes.of(mu, d, False)
    half = (8 / 11) / 2
    extent = (-4 - half, 4 + half)
    base = np.zeros(d, np.float32)
    claims = manifold.centre_claims(model, mu, labels, base, dims, axes, extent)
    x, y = mu[:, dims[0]], mu[:, dims[1]]
    inside = ((x >= extent[0]) & (x <= extent[1]) & (y >= extent[0]) & (y <= extent[1])).mean()
    assert claims[0].facts["inside"] == pytest.approx(inside, abs=1e-6)
    assert f"{inside:.0%} of the test codes" in claims[0].text
    centres = np.array([[x[labels == k].mean(), y[labels == k].mean()] for k in range(10)])
    z = np.zeros((10, d), np.float32)
    z[:, dims[0]], z[:, dims[1]] = centres[:, 0], centres[:, 1]
    with torch.no_grad():
        seen = read(torch.sigmoid(model.decode_logits(torch.from_numpy(z))))
    assert claims[1].facts["read"] == seen.tolist()
    matches = int((seen == np.arange(10)).sum())
    assert f"{matches} of the 10 centres draw their own digit" in claims[1].text


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_the_manifold_notice_holds_for_every_model(config):
    args = config.kind, config.latent_dim, config.beta
    check_manifold(model_of(*args), codes(*args))


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_the_embeddings_notices_hold_for_every_model(config):
    args = config.kind, config.latent_dim, config.beta
    card = zoo.card_for(*args)
    mu = codes(*args)[subset_indices()]
    centred = mu - mu.mean(0, dtype=np.float64)
    variance = np.linalg.svd(centred, compute_uv=False) ** 2
    kept = variance[:2].sum() / variance.sum()
    shipped = load_shipped(card.name, card.sha256)
    assert shipped is not None, "every zoo model ships its maps"
    claims = embeddings.pca_claims(pca(mu), float(shipped["pca_trust"]))
    assert claims[0].facts["kept"] == pytest.approx(kept, abs=1e-4)
    assert f"keeps {kept:.0%}" in claims[0].text
    assert ("only a rotation" in claims[0].text) == (config.latent_dim == 2)
    for method in ("t-SNE", "UMAP"):
        shown = embeddings.choose(method, mu, pca=pca(mu), shipped=shipped, recomputed=None,
                                  params=None, own=False, trust=lambda a, b: 0.0)
        said = embeddings.map_claims(shown, shipped)[1]
        gap = shown.trust - float(shipped["pca_trust"])
        expected = 0 if abs(gap) <= 0.005 else (1 if gap > 0 else -1)
        assert said.facts["order"] == expected
        word = {1: "better than", 0: "about as well as", -1: "less well than"}[expected]
        assert word in said.text


def pixel_distance_to_nearest(images: torch.Tensor, x: torch.Tensor, exclude: list[int]) -> np.ndarray:
    keep = np.setdiff1d(np.arange(len(x)), exclude)
    return torch.cdist(images.flatten(1).double(), x[keep].flatten(1).double()).min(1).values.numpy()


@pytest.mark.parametrize("latent", [2, 10, 32])
def test_the_interpolation_notice_holds_on_the_default_pair(latent):
    """Digits 1 and 0 in 9 steps, the AE and the VAE of the sidebar's latent size."""
    x, _ = mnist_test()
    pair = {"Autoencoder": model_of("ae", latent, 0.0), "VAE": model_of("vae", latent, 1.0)}
    rows = interpolation.walks(pair, x[[1, 0]], 9)
    distance = interpolation.middle_distance(rows, x, [1, 0])
    t = torch.linspace(0, 1, 9)[:, None]
    mine = {interpolation.FADE: ((1 - t) * x[1].flatten() + t * x[0].flatten()).reshape(-1, 1, 28, 28)}
    with torch.no_grad():
        for name, model in pair.items():
            mu = model.encode(x[[1, 0]])[0]
            mine[f"{name}: linear"] = torch.sigmoid(model.decode_logits((1 - t) * mu[0] + t * mu[1]))
    for title, images in mine.items():
        expected = float(np.median(pixel_distance_to_nearest(images[1:-1], x, [1, 0])))
        assert distance[title] == pytest.approx(expected, abs=2e-3), title
    claim = interpolation.claims(distance, 5.0, {})[0]
    walks = {k: v for k, v in distance.items() if k != interpolation.FADE}
    closest = min(walks, key=walks.get)
    gap = distance[interpolation.FADE] - walks[closest]
    assert claim.facts["closest"] == closest
    assert claim.facts["order"] == (0 if abs(gap) <= 0.2 else (1 if gap > 0 else -1))


@pytest.mark.parametrize("latent", [2, 10])
def test_the_draw_notice_holds_for_a_test_digit(latent):
    """Draw your digit's default test digit (#0), through the MNIST steps, with the sidebar's
    pair at this latent size."""
    x_test, _ = mnist_test()
    x = torch.from_numpy(digitize(1.0 - x_test[0, 0].numpy(), []).x)
    ae, vae = model_of("ae", latent, 0.0), model_of("vae", latent, 1.0)
    with torch.no_grad():
        seen = {"your digit": int(read(x)[0])}
        for name, model in (("Autoencoder", ae), ("VAE", vae)):
            seen[name] = int(read(torch.sigmoid(model.decode_logits(model.encode(x)[0])))[0])
        mu, logvar = vae.encode(x)
        sigma = torch.exp(0.5 * logvar)[0]
        z = posterior_samples(mu[0], sigma, 200, 0)
        agree = float((read(decode(vae, z)) == seen["your digit"]).mean())
    assert (posterior(vae, x)[1][0] - sigma).abs().max() < 1e-6
    claims = draw.claims(dict(seen), sigma.numpy(), agree, 200)
    kept = sum(v == seen["your digit"] for k, v in seen.items() if k != "your digit")
    assert claims[0].facts["kept"] == kept
    assert ("Every model kept its identity" in claims[0].text) == (kept == 2)
    assert claims[1].facts["narrow"] == int((sigma < 0.5).sum())
    assert f"{agree:.0%} of 200" in claims[2].text
    # where the digit lands on the 2-D VAE's map: the 50 nearest of 3,000 seeded test codes
    keep = seeded_indices(len(x_test), 3000, 0)
    mu2 = codes("vae", 2, 1.0)[keep]
    with torch.no_grad():
        centre = model_of("vae", 2, 1.0).encode(x)[0][0].numpy()
    nearest = mnist_test()[1][keep][np.argsort(np.linalg.norm(mu2 - centre, axis=1))[:50]]
    top = np.bincount(nearest, minlength=10)
    said = draw.neighbours_claim(mu2, mnist_test()[1][keep], centre)
    assert said.facts["count"] == top.max() and top[said.facts["digit"]] == top.max()
    assert f"{top.max()} are {said.facts['digit']}s" in said.text


# -- a small model trained in the test: a student's model, read by the same lessons -----------

@pytest.fixture(scope="module")
def own_vae() -> tuple[TrainingJob, OwnModel]:
    """A 2-dimensional VAE trained here through the page's own path (1 epoch, 3,000 digits)."""
    x_train, _ = load_mnist("train")
    x_test, _ = mnist_test()
    job = TrainingJob(make_config("vae", 2, 1.0, epochs=1, subset=3000, batch_size=64),
                      torch.device("cpu"))
    job.start(x_train, x_test, x_test[:8])
    job.join(300)
    assert job.state == "done", job.error
    return job, job.result


def test_the_training_notice_reads_the_run(own_vae):
    job, own = own_vae
    losses = [b[1] for b in job.batches]
    early = losses[max(0, len(losses) // 10 - 1)]
    drop = losses[0] - losses[-1]
    final = job.epochs[-1]
    claims = training.claims(job.batches, final.train["recon"], final.test.recon, "vae")
    assert claims[0].facts["first"] == losses[0] and claims[0].facts["last"] == losses[-1]
    assert claims[0].facts["early_share"] == pytest.approx((losses[0] - early) / drop if drop > 0 else 0.0)
    assert ("did not fall" in claims[0].text) == (drop <= 0)
    kl = [b[3] for b in job.batches]
    assert ("put information into its code" in claims[1].text) == (kl[-1] > kl[0])
    close = abs(final.test.recon - final.train["recon"]) <= 0.05 * final.train["recon"]
    assert ("within 5 %" in claims[2].text) == close


def test_the_lessons_read_a_students_model_too(own_vae):
    """Prototypes, Neuron progression and the manifold on the model trained above."""
    _, own = own_vae
    x_test, _ = mnist_test()
    mu = own.test_codes(x_test)
    with torch.no_grad():
        assert np.abs(mu - own.model.encode(x_test)[0].numpy()).max() < 1e-4
    check_prototypes("vae", 1.0, mu, own.model)
    dead = tuple(f"z{j}" for j, k in enumerate(own.card.test.kl_per_dim) if k <= ACTIVE_KL)
    assert sliders.claims(own.card, mu, 3.0)[0].facts["dead"] == dead
    check_sweep(own.card, own.model, mu)
    check_manifold(own.model, mu)


def test_the_reconstruction_notice_reads_a_students_model(own_vae):
    """Reconstruction with the student's VAE beside the zoo's autoencoder of its size."""
    from core.lessons import reconstruction

    _, own = own_vae
    x_test, labels = mnist_test()
    index = seeded_indices(len(x_test), 8, 0)
    ae = model_of("ae", 2, 0.0)
    r = reconstruction.rebuild({"Autoencoder": ae, "VAE": own.model}, x_test[index])
    claim = reconstruction.pair_claims(r, labels[index])[0]
    with torch.no_grad():
        bce = [F.binary_cross_entropy(torch.sigmoid(m.decode_logits(m.encode(x_test[index])[0])).double()
                                      .clamp(1e-7, 1 - 1e-7), x_test[index].double(),
                                      reduction="none").sum((1, 2, 3)).numpy() for m in (ae, own.model)]
    worse = int((bce[0] > bce[1]).sum())
    assert claim.facts["first_worse_count"] == worse and f"worse on {worse} of the 8" in claim.text


def test_every_compared_pair_says_how_it_trained(own_vae):
    """The line under every AE-vs-VAE comparison (`core.lessons.protocol`): the zoo's pairs
    trained alike; a student's model beside a zoo model did not, and the line says so."""
    from core.lessons.protocol import protocol_claim

    fields = ("epochs", "batch_size", "lr", "seed", "train_subset", "backbone")
    for c in CONFIGS:
        if c.kind != "vae":
            continue
        cards = {"Autoencoder": zoo.card_for("ae", c.latent_dim), "VAE": zoo.card_for("vae", c.latent_dim, c.beta)}
        alike = (cards["Autoencoder"].epochs_completed == cards["VAE"].epochs_completed
                 and all(getattr(cards["Autoencoder"].config, f) == getattr(cards["VAE"].config, f)
                         for f in fields))
        said = protocol_claim(cards, "the bottleneck")
        assert said.facts["same_protocol"] == alike and alike
        assert "only the bottleneck differs" in said.text and "30 epochs of 60,000 digits" in said.text
    _, own = own_vae
    said = protocol_claim({"Autoencoder": zoo.card_for("ae", 2), "VAE": own.card}, "the bottleneck")
    assert not said.facts["same_protocol"] and "trained differently" in said.text
    assert "1 epoch of 3,000 digits" in said.text

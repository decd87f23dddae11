"""Building the pretrained zoo: train each model under the zoo's protocol, write weights and card.

    python -m core.train --zoo --jobs 2    # every model whose weights and card are not current

Each model's card is measured on the CPU after its weights are written and read back, so it
describes the stored (float16) model exactly and any machine reproduces it.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import replace
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import torch

from core import zoo
from core.bound import importance_bound
from core.cards import CLASSIFIER, Card
from core.checkpoint import load_weights, save_weights
from core.classifier_train import train_classifier
from core.config import TrainConfig
from core.device import best_device
from core.evaluate import evaluate, format_metrics, sample_quality
from core.train import EpochReport, fit, make_card, new_model, progress_bar


def train_and_save(config: TrainConfig, out_dir: Path, device_name: str = "auto",
                   quiet: bool = False, judge_samples: bool = True) -> Card:
    """Train one model on MNIST, write <name>.safetensors and <name>.json into out_dir.

    Sample quality needs the zoo's classifier in out_dir or weights/; without it the card says
    null (`fill_sample_quality` adds it later).
    """
    from core.data import load_mnist

    device = best_device(device_name)
    x_train, _ = load_mnist("train")
    x_test, _ = load_mnist("test")
    model = new_model(config)
    name = zoo.model_name(config.kind, config.latent_dim, config.beta)
    steps = config.epochs * math.ceil(min(config.train_subset or len(x_train), len(x_train))
                                      / config.batch_size)
    on_batch, close = progress_bar(steps, name) if not quiet else (None, lambda: None)

    def on_epoch(report: EpochReport) -> None:  # one line an epoch, from parallel jobs too
        print(f"{name} epoch {report.epoch}: train loss {report.train['loss']:.2f}, "
              f"test {format_metrics(report.test)}", file=sys.stderr, flush=True)

    start = time.perf_counter()
    reports = fit(model, x_train, config, device=device, x_test=x_test, on_batch=on_batch,
                  on_epoch=on_epoch)
    seconds = time.perf_counter() - start
    close()
    weights = Path(out_dir) / f"{name}.safetensors"
    sha256 = save_weights(model, weights)
    cpu = torch.device("cpu")
    load_weights(model.to(cpu), weights, sha256)
    model.eval()
    test = evaluate(model, x_test, config.beta)
    classifier = zoo.find_classifier(cpu, [Path(out_dir), zoo.WEIGHTS_DIR]) if judge_samples else None
    quality = sample_quality(model, classifier, x_train) if classifier is not None else None
    card = make_card(model, config, reports, seconds, device, test, name, quality=quality,
                     sha256=sha256)
    if model.kind == "vae":
        card = card.with_(bound=importance_bound(model, x_test))
    card.write(Path(out_dir) / f"{name}.json")
    return card


def _zoo_job(config: TrainConfig | None, out_dir: Path, device_name: str) -> Card:
    """One job of `build_zoo`: a zoo model, or the classifier when config is None."""
    torch.set_num_threads(1)  # the jobs run side by side, one core each
    if config is None:
        return train_classifier(out_dir, device_name)
    return train_and_save(config, out_dir, device_name, quiet=True, judge_samples=False)


def build_zoo(out_dir: Path, device_name: str, jobs: int) -> None:
    """Train every zoo model whose weights and card are not current, `jobs` at a time, then
    judge the samples of every model whose card lacks a verdict from the current classifier."""
    pending: list[TrainConfig | None] = [c for c in zoo.zoo_configs()
                                         if not zoo.is_current(c, out_dir)]
    if not zoo.is_classifier_current(out_dir):
        pending.insert(0, None)
    print(f"{len(pending)} zoo jobs to run", flush=True)
    with ProcessPoolExecutor(max(1, jobs), mp_context=get_context("spawn")) as pool:
        for card in pool.map(_zoo_job, pending, [out_dir] * len(pending),
                             [device_name] * len(pending)):
            print(f"{card.name}: {format_metrics(card.test)} in {card.train_seconds:.1f} s",
                  flush=True)
    fill_sample_quality(out_dir)
    fill_bounds(out_dir)


def fill_bounds(out_dir: Path) -> None:
    """Add the figures a card of an older version lacks: the reconstruction at the mean code,
    and for a VAE the importance-weighted bound. The card's other figures stay as they are."""
    from core.data import load_mnist

    x_test, _ = load_mnist("test")
    for card in zoo.available(out_dir):
        if card.kind == CLASSIFIER or (card.test.recon_at_mean is not None
                                       and (card.kind == "ae" or card.bound is not None)):
            continue
        model = load_weights(new_model(card.config), Path(out_dir) / card.weights_file,
                             card.sha256).eval()
        at_mean = evaluate(model, x_test, card.beta or 0.0).recon_at_mean
        card = card.with_(test=replace(card.test, recon_at_mean=at_mean))
        if card.kind == "vae":
            card = card.with_(bound=importance_bound(model, x_test))
        card.write(Path(out_dir) / f"{card.name}.json")
        print(f"{card.name}: recon at the mean code {at_mean:.2f}, bound {card.bound}", flush=True)
def fill_sample_quality(out_dir: Path) -> None:
    """Add the classifier's verdict to every card in out_dir that lacks the current one.

    Sample quality is judged after training, so the classifier can train beside the models.
    """
    from core.data import load_mnist

    cpu = torch.device("cpu")
    classifier = zoo.find_classifier(cpu, [Path(out_dir)])
    judge_sha = Card.read(Path(out_dir) / f"{CLASSIFIER}.json").sha256
    x_train, _ = load_mnist("train")
    for card in zoo.available(out_dir):
        quality = card.sample_quality
        if card.kind == CLASSIFIER or (quality and quality.get("judged_by") == judge_sha):
            continue
        model = load_weights(new_model(card.config), Path(out_dir) / card.weights_file,
                             card.sha256)
        verdict = {**sample_quality(model.eval(), classifier, x_train), "judged_by": judge_sha}
        card.with_(sample_quality=verdict).write(Path(out_dir) / f"{card.name}.json")
        print(f"{card.name}: {verdict['prior']['confident_fraction']:.1%} of prior samples "
              "look like digits", flush=True)

"""Training: one loop for the CLI, the zoo and the "Train your own model" lesson.

    python -m core.train --kind vae --latent-dim 10 --beta 1 --epochs 10
    python -m core.train --dry-run            # a few steps on synthetic images, writes nothing
    python -m core.train --zoo --jobs 8       # rebuild the pretrained zoo, skipping current models
"""

from __future__ import annotations

import argparse
import math
import platform
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor

from core import zoo
from core.checkpoint import load_weights, read_card, save_weights, write_card
from core.classifier import DigitClassifier
from core.config import TrainConfig
from core.device import best_device
from core.latent import encode_mu
from core.models import Autoencoder, LossTerms, build_model, count_parameters, loss_terms
from core.quality import decode_batched, fitted_gaussian_samples, judge, prior_samples

ACTIVE_KL = 0.01  # nats: a dimension whose average KL is below this carries no information
QUALITY_SAMPLES = 10_000


@dataclass
class EpochReport:
    """Averages over one epoch of training, and the test metrics after it."""

    epoch: int
    train: dict[str, float]
    test: dict[str, Any] | None


def shuffled_subset(n_total: int, n: int | None, seed: int) -> Tensor:
    """Indices of the first `n` images of a seeded shuffle of range(n_total) (all if n is None)."""
    order = torch.randperm(n_total, generator=torch.Generator().manual_seed(seed + 1))
    return order if n is None else order[: min(n, n_total)]


@torch.no_grad()
def evaluate(model: Autoencoder, x: Tensor, beta: float, *, batch_size: int = 1000,
             seed: int = 0) -> dict[str, Any]:
    """Test metrics of `model` on images x (N, 1, 28, 28), in nats per image.

    The VAE's terms use one sample z ~ q(z|x) per image. The noise is drawn on the CPU from a
    seeded generator, so the figure is the same on every device up to float rounding.
    Returns neg_elbo, recon, kl, loss (recon + beta * kl), kl_per_dim and active_dims.
    """
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    generator = torch.Generator().manual_seed(seed)
    totals = {"recon": 0.0, "kl": 0.0}
    kl_dims = torch.zeros(model.latent_dim, dtype=torch.float64)
    for start in range(0, len(x), batch_size):
        batch = x[start:start + batch_size].to(device)
        mu, logvar = model.encode(batch)
        z = mu
        if logvar is not None:
            eps = torch.randn(mu.shape, generator=generator).to(device)
            z = mu + torch.exp(0.5 * logvar) * eps
        terms = loss_terms(model.decode_logits(z), batch, mu, logvar, beta)
        totals["recon"] += terms.recon.item() * len(batch)
        totals["kl"] += terms.kl.item() * len(batch)
        kl_dims += terms.kl_per_dim.double().cpu() * len(batch)
    model.train(was_training)
    recon, kl = totals["recon"] / len(x), totals["kl"] / len(x)
    kl_dims /= len(x)
    is_vae = model.kind == "vae"
    return {
        "neg_elbo": round(recon + kl, 3) if is_vae else None,
        "recon": round(recon, 3),
        "kl": round(kl, 3) if is_vae else None,
        "loss": round(recon + beta * kl, 3),
        "kl_per_dim": [round(v, 4) for v in kl_dims.tolist()] if is_vae else None,
        "active_dims": int((kl_dims > ACTIVE_KL).sum()) if is_vae else None,
    }


def new_model(config: TrainConfig) -> Autoencoder:
    """A freshly initialised model for `config`; the same seed gives the same initial weights."""
    torch.manual_seed(config.seed)
    return build_model(config.kind, config.latent_dim, config.backbone)


@torch.no_grad()
def init_output_bias(model: Autoencoder, x: Tensor) -> None:
    """Set the decoder's last bias to the log-odds of the mean pixel of images x (N, 1, 28, 28).

    A fresh decoder draws every pixel near 0.5 while MNIST is mostly black, and short runs spent
    their first steps on that: Train your own's defaults (3 epochs of 10,000 digits) stalled
    with a decoder that barely used z on most seeds, ending at 138-193 nats over seeds 0-3, and
    at 125-131 when started here ("initialise the final layer's bias well", as Karpathy's
    "A Recipe for Training Neural Networks" puts it).
    """
    mean = x.float().mean().clamp(1e-4, 1 - 1e-4)
    model.decoder.deconvs[-1].bias.fill_(torch.logit(mean).item())


def kl_weight(config: TrainConfig, step: int) -> float:
    """beta, ramped up linearly from 0 over the first kl_warmup_steps optimiser steps.

    Without the ramp, small latent spaces can collapse at the start of training: the KL term
    pushes q(z|x) onto the prior before the decoder has learned to use z, and it never recovers
    (Bowman et al., 2016, "Generating Sentences from a Continuous Space", section 3.1).
    """
    if config.kl_warmup_steps == 0:
        return config.beta
    return config.beta * min(1.0, step / config.kl_warmup_steps)


def fit(model: Autoencoder, x_train: Tensor, config: TrainConfig, *, device: torch.device,
        x_test: Tensor | None = None,
        on_batch: Callable[[int, int, LossTerms], None] | None = None,
        on_epoch: Callable[[EpochReport], None] | None = None,
        should_stop: Callable[[], bool] | None = None) -> list[EpochReport]:
    """Train `model` in place on images x_train (N, 1, 28, 28) with Adam and a cosine schedule.

    on_batch(step, total_steps, terms) runs after every optimiser step, on_epoch(report) after
    every epoch (with test metrics if x_test is given). If should_stop() turns true the run ends
    after the current batch and keeps what was learned. Reproducible on the CPU for a fixed
    config.seed. Returns one report per completed epoch.
    """
    torch.manual_seed(config.seed)
    model.to(device).train()
    x_train = x_train[shuffled_subset(len(x_train), config.train_subset, config.seed)].to(device)
    if config.output_bias_from_data:
        init_output_bias(model, x_train)
    batches = math.ceil(len(x_train) / config.batch_size)
    total_steps = batches * config.epochs
    # The fused kernel saves a few launches a step on a GPU; the CPU takes the default path.
    optimiser = torch.optim.Adam(model.parameters(), lr=config.lr, fused=device.type == "cuda")
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=total_steps)
    shuffle = torch.Generator().manual_seed(config.seed)
    reports: list[EpochReport] = []
    step = 0
    for epoch in range(1, config.epochs + 1):
        sums = torch.zeros(3, device=device)  # loss, recon, kl, summed over images
        seen = 0
        for index in torch.randperm(len(x_train), generator=shuffle).split(config.batch_size):
            x = x_train[index.to(device)]
            out = model(x)
            terms = loss_terms(out.logits, x, out.mu, out.logvar, kl_weight(config, step))
            optimiser.zero_grad(set_to_none=True)
            terms.loss.backward()
            optimiser.step()
            schedule.step()
            step += 1
            sums += torch.stack([terms.loss, terms.recon, terms.kl]).detach() * len(x)
            seen += len(x)
            if on_batch is not None:
                on_batch(step, total_steps, terms)
            if should_stop is not None and should_stop():
                break
        loss, recon, kl = (sums / max(seen, 1)).tolist()
        test = evaluate(model, x_test, config.beta) if x_test is not None else None
        report = EpochReport(epoch, {"loss": loss, "recon": recon, "kl": kl}, test)
        reports.append(report)
        if on_epoch is not None:
            on_epoch(report)
        if should_stop is not None and should_stop():
            break
    model.eval()
    return reports


def progress_bar(total: int, desc: str) -> tuple[Callable[[int, int, LossTerms], None], Callable[[], None]]:
    """A tqdm bar for `fit`'s on_batch, showing the running loss; returns (callback, close)."""
    from tqdm.auto import tqdm

    bar = tqdm(total=total, desc=desc, unit="batch", leave=False, file=sys.stderr)

    def on_batch(step: int, total_steps: int, terms: LossTerms) -> None:
        bar.update(1)
        if step % 25 == 0:  # .item() waits for the GPU: not on every step
            bar.set_postfix(loss=f"{terms.loss.item():.1f}", recon=f"{terms.recon.item():.1f}",
                            kl=f"{terms.kl.item():.1f}")

    return on_batch, bar.close


@torch.no_grad()
def sample_quality(model: Autoencoder, classifier: DigitClassifier, x_train: Tensor,
                   seed: int = 0) -> dict[str, Any]:
    """The classifier's verdict on 10,000 decoded prior samples z ~ N(0, I); for an autoencoder
    also on samples from a Gaussian fitted to its training codes."""
    out = {"prior": judge(classifier, decode_batched(model, prior_samples(model.latent_dim,
                                                                          QUALITY_SAMPLES, seed)))}
    if model.kind == "ae":
        z = fitted_gaussian_samples(encode_mu(model, x_train), QUALITY_SAMPLES, seed)
        out["fitted_gaussian"] = judge(classifier, decode_batched(model, z))
    return out


def make_card(model: Autoencoder, config: TrainConfig, reports: list[EpochReport],
              seconds: float, device: torch.device, test: dict[str, Any],
              quality: dict[str, Any] | None, sha256: str | None, name: str) -> dict[str, Any]:
    """The JSON card that travels with a weights file: how it was made and how good it is."""
    return {
        "name": name,
        "kind": config.kind,
        "latent_dim": config.latent_dim,
        "beta": config.beta if config.kind == "vae" else None,
        "config": config.to_dict(),
        "epochs_completed": len(reports),
        "train_seconds": round(seconds, 1),
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else device.type,
        "torch": torch.__version__,
        "parameters": count_parameters(model),
        "test": test,
        "sample_quality": quality,
        "weights_file": f"{name}.safetensors",
        "sha256": sha256,
    }


def train_and_save(config: TrainConfig, out_dir: Path, device_name: str = "auto",
                   quiet: bool = False, judge_samples: bool = True) -> dict[str, Any]:
    """Train one model on MNIST, write <name>.safetensors and <name>.json into out_dir.

    The card's figures are measured on the CPU after the weights are written and read back, so
    they describe the stored (float16) model exactly and any machine reproduces them. Sample
    quality needs the zoo's classifier in out_dir or weights/; without it the card says null.
    """
    from core.data import load_mnist

    device = best_device(device_name)
    x_train, _ = load_mnist("train")
    x_test, _ = load_mnist("test")
    model = new_model(config)
    name = zoo.model_name(config.kind, config.latent_dim, config.beta)
    on_batch, close = progress_bar(config.epochs * math.ceil(
        min(config.train_subset or len(x_train), len(x_train)) / config.batch_size), name) \
        if not quiet else (None, lambda: None)

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
    card = make_card(model, config, reports, seconds, device, test, quality, sha256, name)
    write_card(card, Path(out_dir) / f"{name}.json")
    return card


def format_metrics(test: dict[str, Any] | None) -> str:
    if test is None:
        return "-"
    if "accuracy" in test:  # the classifier
        return f"accuracy {test['accuracy']:.2%}"
    if test["neg_elbo"] is None:
        return f"recon {test['recon']:.2f}"
    return (f"-ELBO {test['neg_elbo']:.2f} (recon {test['recon']:.2f} + KL {test['kl']:.2f}), "
            f"{test['active_dims']} active dims")


# ---------------------------------------------------------------------------------------------
# The classifier that judges samples


def train_classifier(out_dir: Path, device_name: str = "auto", epochs: int = 6,
                     seed: int = 0) -> dict[str, Any]:
    """Train the zoo's digit classifier (>= 99 % test accuracy) and write weights and card."""
    from core.data import load_mnist

    device = best_device(device_name)
    torch.manual_seed(seed)
    x_train, y_train = (t.to(device) for t in load_mnist("train"))
    x_test, y_test = load_mnist("test")
    model = DigitClassifier().to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=2e-3)
    steps = epochs * math.ceil(len(x_train) / 128)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=2e-3, total_steps=steps)
    shuffle = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    for _ in range(epochs):
        model.train()
        for index in torch.randperm(len(x_train), generator=shuffle).split(128):
            x, y = augment(x_train[index.to(device)]), y_train[index.to(device)]
            loss = F.cross_entropy(model(x), y)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            schedule.step()
    seconds = time.perf_counter() - start
    weights = Path(out_dir) / f"{zoo.CLASSIFIER}.safetensors"
    sha256 = save_weights(model, weights)
    load_weights(model.cpu(), weights, sha256).eval()
    accuracy = classifier_accuracy(model, x_test, y_test)
    card = {"name": zoo.CLASSIFIER, "kind": "classifier", "epochs_completed": epochs, "seed": seed,
            "train_seconds": round(seconds, 1), "device": str(device), "torch": torch.__version__,
            "parameters": count_parameters(model), "test": {"accuracy": round(accuracy, 4)},
            "weights_file": weights.name, "sha256": sha256}
    write_card(card, Path(out_dir) / f"{zoo.CLASSIFIER}.json")
    return card


def augment(x: Tensor) -> Tensor:
    """Random shifts of up to 2 pixels and rotations of up to 10 degrees, per image."""
    n = len(x)
    angle = (torch.rand(n, device=x.device) - 0.5) * math.radians(20)
    shift = (torch.rand(n, 2, device=x.device) - 0.5) * (4 / 14)  # 2 px in [-1, 1] coordinates
    cos, sin = torch.cos(angle), torch.sin(angle)
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1),
                         torch.stack([sin, cos, shift[:, 1]], 1)], 1)  # (n, 2, 3)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")


@torch.no_grad()
def classifier_accuracy(model: DigitClassifier, x: Tensor, y: Tensor) -> float:
    from core.classifier import predict_proba

    return (predict_proba(model, x).argmax(1) == y).float().mean().item()


# ---------------------------------------------------------------------------------------------
# The zoo and the command line


def _zoo_job(config: TrainConfig | None, out_dir: Path, device_name: str) -> dict[str, Any]:
    """One job of `build_zoo`: a zoo model, or the classifier when config is None."""
    torch.set_num_threads(1)  # the jobs run side by side, one core each
    if config is None:
        return train_classifier(out_dir, device_name)
    return train_and_save(config, out_dir, device_name, quiet=True, judge_samples=False)


def build_zoo(out_dir: Path, device_name: str, jobs: int) -> None:
    """Train every zoo model whose weights and card are not current, `jobs` at a time, then
    judge the samples of every model whose card lacks a verdict from the current classifier."""
    pending: list[TrainConfig | None] = [c for c in zoo.zoo_configs() if not zoo.is_current(c, out_dir)]
    if not zoo.is_classifier_current(out_dir):
        pending.insert(0, None)
    print(f"{len(pending)} zoo jobs to run", flush=True)
    with ProcessPoolExecutor(max(1, jobs), mp_context=get_context("spawn")) as pool:
        for card in pool.map(_zoo_job, pending, [out_dir] * len(pending),
                             [device_name] * len(pending)):
            print(f"{card['name']}: {format_metrics(card['test'])} in {card['train_seconds']} s",
                  flush=True)
    fill_sample_quality(out_dir)


def fill_sample_quality(out_dir: Path) -> None:
    """Add the classifier's verdict to every card in out_dir that lacks the current one.

    Sample quality is judged after training, so the classifier can train beside the models.
    """
    from core.data import load_mnist

    cpu = torch.device("cpu")
    classifier = zoo.find_classifier(cpu, [Path(out_dir)])
    judge_sha = read_card(Path(out_dir) / f"{zoo.CLASSIFIER}.json")["sha256"]
    x_train, _ = load_mnist("train")
    for card in zoo.available(out_dir):
        quality = card.get("sample_quality")
        if card["kind"] == zoo.CLASSIFIER or (quality and quality.get("judged_by") == judge_sha):
            continue
        config = TrainConfig.from_dict(card["config"])
        model = load_weights(new_model(config), Path(out_dir) / card["weights_file"], card["sha256"])
        card["sample_quality"] = {**sample_quality(model.eval(), classifier, x_train),
                                  "judged_by": judge_sha}
        write_card(card, Path(out_dir) / f"{card['name']}.json")
        print(f"{card['name']}: {card['sample_quality']['prior']['confident_fraction']:.1%} of "
              f"prior samples look like digits", flush=True)


def synthetic_digits(n: int, seed: int = 0) -> Tensor:
    """n images (n, 1, 28, 28) in [0, 1]: random thick strokes, a stand-in for MNIST in dry runs."""
    generator = torch.Generator().manual_seed(seed)
    ys, xs = torch.meshgrid(torch.arange(28.0), torch.arange(28.0), indexing="ij")
    ends = 6 + 16 * torch.rand(n, 2, 2, generator=generator)          # two end points per image
    t = torch.linspace(0, 1, 12).view(1, 12, 1)
    points = ends[:, :1] + t * (ends[:, 1:] - ends[:, :1])           # (n, 12, 2)
    dist2 = (xs.reshape(1, 1, -1) - points[..., :1]) ** 2 + (ys.reshape(1, 1, -1) - points[..., 1:]) ** 2
    ink = torch.exp(-dist2.min(1).values / 2.0)                      # (n, 784)
    return ink.clamp(0, 1).view(n, 1, 28, 28)


def dry_run(config: TrainConfig, device_name: str) -> dict[str, Any]:
    """Train a few steps on synthetic images and return a card; needs no data and writes nothing."""
    device = best_device(device_name)
    x_train, x_test = synthetic_digits(256, seed=1), synthetic_digits(64, seed=2)
    model = new_model(config)
    start = time.perf_counter()
    reports = fit(model, x_train, config, device=device, x_test=x_test)
    test = evaluate(model, x_test, config.beta)
    return make_card(model, config, reports, time.perf_counter() - start, device, test,
                     None, None, zoo.model_name(config.kind, config.latent_dim, config.beta))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    defaults = TrainConfig()
    parser = argparse.ArgumentParser(prog="python -m core.train", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kind", choices=("vae", "ae"), default=defaults.kind)
    parser.add_argument("--latent-dim", type=int, default=defaults.latent_dim)
    parser.add_argument("--beta", type=float, default=defaults.beta, help="KL weight (VAE only)")
    parser.add_argument("--epochs", type=int, default=defaults.epochs)
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--lr", type=float, default=defaults.lr)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--train-subset", type=int, default=None,
                        help="train on this many images (default: all 60,000)")
    parser.add_argument("--device", default="auto", help="auto (cuda, then mps, then cpu), cpu, cuda…")
    parser.add_argument("--out", type=Path, default=Path("runs"),
                        help="folder for the weights and card (default: runs/)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing model in --out")
    parser.add_argument("--dry-run", action="store_true",
                        help="a few steps on synthetic images; needs no data, writes nothing")
    parser.add_argument("--zoo", action="store_true",
                        help="rebuild the pretrained zoo in weights/, skipping current models")
    parser.add_argument("--jobs", type=int, default=1, help="with --zoo: models trained at once")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from core.data import MnistError

    try:
        if args.zoo:
            build_zoo(zoo.WEIGHTS_DIR, args.device, args.jobs)
            return 0
        if args.dry_run:
            config = TrainConfig(args.kind, args.latent_dim, args.beta, epochs=1, batch_size=64,
                                 lr=args.lr, seed=args.seed)
            card = dry_run(config, args.device)
            print(f"dry run ({platform.node()}): {card['name']}, {card['parameters']:,} parameters, "
                  f"test {format_metrics(card['test'])}")
            return 0
        config = TrainConfig(args.kind, args.latent_dim, args.beta, args.epochs, args.batch_size,
                             args.lr, args.seed, args.train_subset)
        name = zoo.model_name(config.kind, config.latent_dim, config.beta)
        if (args.out / f"{name}.safetensors").exists() and not args.force:
            print(f"{args.out / name}.safetensors exists; pass --force to overwrite it or choose "
                  f"another --out", file=sys.stderr)
            return 2
        card = train_and_save(config, args.out, args.device)
        print(f"{name}: {format_metrics(card['test'])}; wrote {args.out / card['weights_file']}")
        return 0
    except (MnistError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

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
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor

from core.cards import Card, Metrics
from core.config import TrainConfig
from core.device import best_device
from core.evaluate import evaluate, format_metrics
from core.models import Autoencoder, LossTerms, build_model, count_parameters, loss_terms
from core.reference import model_name


@dataclass
class EpochReport:
    """Averages over one epoch of training, and the test metrics after it."""

    epoch: int
    train: dict[str, float]
    test: Metrics | None


def shuffled_subset(n_total: int, n: int | None, seed: int) -> Tensor:
    """Indices of the first `n` images of a seeded shuffle of range(n_total) (all if n is None)."""
    order = torch.randperm(n_total, generator=torch.Generator().manual_seed(seed + 1))
    return order if n is None else order[: min(n, n_total)]


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


def history(reports: list[EpochReport]) -> tuple[dict[str, float | int | None], ...]:
    """The test figures after each epoch (nats per image), for the card: how a run converged."""
    rows = []
    for r in reports:
        row: dict[str, float | int | None] = {"epoch": r.epoch, "train_loss": round(r.train["loss"], 3)}
        if r.test is not None:
            row |= {k: v for k, v in r.test.rounded().items()
                    if k in ("neg_elbo", "recon", "kl", "active_dims")}
        rows.append(row)
    return tuple(rows)


def make_card(model: Autoencoder, config: TrainConfig, reports: list[EpochReport],
              seconds: float, device: torch.device, test: Metrics, name: str, *,
              quality: dict | None = None, sha256: str | None = None) -> Card:
    """The card of a model trained with `config`: how it was made and how good it is.
    Zoo models, the CLI's and the browser's runs all get theirs here."""
    return Card(name=name, kind=config.kind, test=test, latent_dim=config.latent_dim,
                beta=config.beta if config.kind == "vae" else None, config=config,
                epochs_completed=len(reports), train_seconds=seconds,
                device=torch.cuda.get_device_name(device) if device.type == "cuda" else device.type,
                torch=torch.__version__, parameters=count_parameters(model), seed=config.seed,
                history=history(reports), sample_quality=quality,
                weights_file=f"{name}.safetensors" if sha256 else None, sha256=sha256)


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


def dry_run(config: TrainConfig, device_name: str) -> Card:
    """Train a few steps on synthetic images and return a card; needs no data and writes nothing."""
    device = best_device(device_name)
    x_train, x_test = synthetic_digits(256, seed=1), synthetic_digits(64, seed=2)
    model = new_model(config)
    start = time.perf_counter()
    reports = fit(model, x_train, config, device=device, x_test=x_test)
    test = evaluate(model, x_test, config.beta)
    return make_card(model, config, reports, time.perf_counter() - start, device, test,
                     model_name(config.kind, config.latent_dim, config.beta))


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
    from core import zoo
    from core.data import MnistError
    from core.zoo_build import build_zoo, train_and_save

    try:
        if args.zoo:
            build_zoo(zoo.WEIGHTS_DIR, args.device, args.jobs)
            return 0
        if args.dry_run:
            config = TrainConfig(kind=args.kind, latent_dim=args.latent_dim, beta=args.beta,
                                 epochs=1, batch_size=64, lr=args.lr, seed=args.seed)
            card = dry_run(config, args.device)
            print(f"dry run ({platform.node()}): {card.name}, {card.parameters:,} parameters, "
                  f"test {format_metrics(card.test)}")
            return 0
        config = TrainConfig(kind=args.kind, latent_dim=args.latent_dim, beta=args.beta,
                             epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                             seed=args.seed, train_subset=args.train_subset)
        name = model_name(config.kind, config.latent_dim, config.beta)
        if (args.out / f"{name}.safetensors").exists() and not args.force:
            print(f"{args.out / name}.safetensors exists; pass --force to overwrite it or choose "
                  f"another --out", file=sys.stderr)
            return 2
        card = train_and_save(config, args.out, args.device)
        print(f"{name}: {format_metrics(card.test)}; wrote {args.out / card.weights_file}")
        return 0
    except (MnistError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""Models a student trains in the browser: one background run per session, kept per session.

A `TrainingJob` runs `core.train.fit` (the same loop as `python -m core.train`) in a thread, so
the page can poll its progress while the student keeps browsing. The finished model is an
`OwnModel`: it lives in that session's state only, is never written to `weights/` and never
enters the zoo's shared cache, and is garbage once the session ends.

A public server must not be tied up by one student, hence the caps: what one run may train
(epochs × images), what one session may train in all, how many runs the whole server trains
at once (MAX_WAITING others wait their turn, holding no data; every page keeps answering
meanwhile), and how many trained models the whole server keeps alive.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import torch
from torch import Tensor

from core.config import TrainConfig
from core.data import MnistError
from core.device import CORES, all_cores
from core.latent import encode_mu, reconstruct
from core.models import Autoencoder, LossTerms
from core.cards import Card, Metrics
from core.evaluate import evaluate
from core.portable import export
from core.reference import model_name
from core.train import EpochReport, fit, make_card, new_model
from core.zoo import ZOO_BACKBONE, ZOO_LR, freeze

MAX_IMAGES_PER_RUN = 120_000      # epochs × training images: about a minute on 2 CPU cores
MAX_IMAGES_PER_SESSION = 600_000  # everything one browser session may train
MAX_MODELS = 3                    # kept per session; older ones must be removed by the student
SERVER_RUNS = 1                   # runs training at once per server process; others queue
MAX_WAITING = 2                   # runs that may wait for the slot; more are refused
SERVER_MODELS = 40                # trained models alive in the whole server (each < 10 MB)
EVAL_IMAGES = 2000                # test images scored after each epoch (the final card: all)
KL_WARMUP_FRACTION = 0.25         # of the run's steps; without it small latents can collapse

_slots = threading.BoundedSemaphore(SERVER_RUNS)
_waiting = threading.BoundedSemaphore(MAX_WAITING)  # a place in the queue, held while waiting
_live: weakref.WeakValueDictionary[int, OwnModel] = weakref.WeakValueDictionary()
LOGGER = logging.getLogger(__name__)


class QueueFull(RuntimeError):
    """The server's training queue is full; the message says what to do."""


def server_models() -> int:
    """Models trained in any session of this server and still held by one."""
    return len(_live)


def images_trained(config: TrainConfig, n_train: int = 60_000) -> int:
    """How many images a run of `config` pushes through the model: epochs × subset."""
    return config.epochs * min(config.train_subset or n_train, n_train)


def make_config(kind: str, latent_dim: int, beta: float, epochs: int, subset: int,
                batch_size: int, seed: int = 0) -> TrainConfig:
    """A run's config: the zoo's backbone and learning rate, KL warm-up over a quarter of it, the
    output bias started at the data's mean (`train.init_output_bias`: short runs need it)."""
    steps = epochs * math.ceil(subset / batch_size)
    warmup = int(steps * KL_WARMUP_FRACTION) if kind == "vae" else 0
    return TrainConfig(kind=kind, latent_dim=latent_dim, beta=beta, epochs=epochs,
                       batch_size=batch_size, lr=ZOO_LR, seed=seed, train_subset=subset,
                       kl_warmup_steps=warmup, output_bias_from_data=True, backbone=ZOO_BACKBONE)


def problems(config: TrainConfig, used: int, n_models: int) -> list[str]:
    """Why a run cannot start, each saying what to change: the run's size, the session's
    budget of digit presentations, the models it keeps."""
    images, out = images_trained(config), []
    if images > MAX_IMAGES_PER_RUN:
        out.append(f"That is {images:,} digit presentations (epochs × digits); one run may "
                   f"train at most {MAX_IMAGES_PER_RUN:,}. Lower the epochs or the digits.")
    if used + images > MAX_IMAGES_PER_SESSION:
        out.append(f"This session has trained {used:,} of its {MAX_IMAGES_PER_SESSION:,} digit "
                   "presentations; this run would go past that. Choose a smaller run.")
    if n_models >= MAX_MODELS:
        out.append(f"You keep {MAX_MODELS} models already: remove one below to train another.")
    if server_models() >= SERVER_MODELS:
        out.append(f"This server holds {SERVER_MODELS} students' trained models, its limit: "
                   "remove one of yours, or try again when other students have left.")
    return out


@all_cores  # as the run itself will train
def timings(config: TrainConfig, device: torch.device, x: Tensor, warmup: int = 3,
            steps: int = 20) -> tuple[float, float]:
    """Measured cost per image of training (`fit`, the real loop) and of scoring (`evaluate`),
    on real digits x ((N, 1, 28, 28), thousands of them).

    The first `warmup` steps build the kernels and grow the allocator and are not counted:
    counting them made the estimate 16x too long (295 s for an 18 s run). The steps draw their
    batches from all of x, as a run draws them from its digits: timed on the first few hundred
    digits only, which stay in the CPU's cache, the estimate came out up to 36 % short
    (`bench/training_estimate.py`). The model is thrown away.
    """
    stamps: list[float] = []

    def on_batch(step: int, total: int, terms: LossTerms) -> None:
        if device.type == "cuda":
            torch.cuda.synchronize()
        stamps.append(time.perf_counter())

    model = new_model(config)
    fit(model, x, replace(config, epochs=1, train_subset=None), device=device,
        on_batch=on_batch, should_stop=lambda: len(stamps) >= warmup + steps)
    per_train = (stamps[-1] - stamps[warmup - 1]) / ((len(stamps) - warmup) * config.batch_size)
    evaluate(model, x[:100], config.beta)  # warm-up
    start = time.perf_counter()
    evaluate(model, x[:1000], config.beta)
    return per_train, (time.perf_counter() - start) / 1000


# A fresh model's steps are faster than a trained one's, which `timings` cannot see: in one run
# of the autoencoder at latent size 2 (batch 64), steps 3-23 took 20.8 ms and steps 200-470
# 26.5-27.7 ms. Over a run, training costs about this many times the fresh model's figure.
TRAINED_SLOWDOWN = 1.25


def estimate_seconds(config: TrainConfig, per_train: float, per_eval: float) -> float:
    """A run's expected length from `timings`: every training image, the test digits scored
    after each epoch and the final card on all 10,000."""
    return (TRAINED_SLOWDOWN * per_train * images_trained(config)
            + per_eval * (config.epochs * EVAL_IMAGES + 10_000))


@dataclass
class OwnModel:
    """A model trained in this browser session, with the figures a zoo card would show."""

    id: int
    model: Autoencoder
    config: TrainConfig
    card: Card
    codes: np.ndarray | None = None  # mu of the test set, filled on first use
    spec: dict[str, Any] | None = None  # its browser parts (decoder, encoder), made on first use
    results: dict[Any, Any] = field(default_factory=dict)  # the lessons' measurements of it

    @property
    def label(self) -> str:
        c = self.config
        family = "VAE" if c.kind == "vae" else "autoencoder"
        beta = f", β = {c.beta:g}" if c.kind == "vae" else ""
        n = self.card.epochs_completed
        return (f"#{self.id} your {family}, latent size {c.latent_dim}{beta} "
                f"({n} epoch{'' if n == 1 else 's'} on {c.train_subset:,} digits)")

    def files(self) -> tuple[bytes, bytes]:
        """Its weights (safetensors) and card (JSON) to download, made once (`core.portable`)."""
        if "files" not in self.results:
            self.results["files"] = export(self.model, self.card)
        return self.results["files"]

    def test_codes(self, x_test: Tensor) -> np.ndarray:
        """mu of the test images (N, latent_dim), computed once."""
        if self.codes is None:
            self.codes = encode_mu(self.model, x_test).numpy()
        return self.codes


@dataclass
class TrainingJob:
    """One training run in a background thread; the page reads its fields to draw progress.

    state: "queued" (waiting for the server's training slot), "running", "done", "stopped"
    (by the student; what was learned is kept), or "failed" (error holds the message).
    """

    config: TrainConfig
    device: torch.device
    state: str = "queued"
    step: int = 0
    total_steps: int = 0
    batches: list[tuple[int, float, float, float]] = field(default_factory=list)  # step, loss, recon, kl
    epochs: list[EpochReport] = field(default_factory=list)
    rows: list[np.ndarray] = field(default_factory=list)  # (K, 1, 28, 28) reconstructions per epoch
    started: float | None = None
    finished: float | None = None
    error: str | None = None
    result: OwnModel | None = None
    estimate: float | None = None  # seconds, as predicted on the page before the run
    model_id: int = 1  # the id the finished model gets: the session's next (`core.app.selection`)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")

    @property
    def seconds(self) -> float:
        if self.started is None:
            return 0.0
        return (self.finished or time.perf_counter()) - self.started

    def stop(self) -> None:
        """Ask the run to end after the current batch; the model keeps what it learned."""
        self._stop.set()

    def start(self, x_train: Tensor | Callable[[], Tensor], x_test: Tensor, x_show: Tensor,
              alive: Callable[[], bool] = lambda: True) -> None:
        """Train in a background thread. x_train: the training digits (N, 1, 28, 28), or a
        function that loads them once the run has the server's slot (a waiting run holds no
        data). x_show (K, 1, 28, 28): the digits redrawn each epoch. `alive()` turning false
        (the browser session has ended) stops the run too. QueueFull if MAX_WAITING runs wait
        already."""
        if not _waiting.acquire(blocking=False):
            raise QueueFull(f"{MAX_WAITING} runs are waiting for this server's training slot "
                            "already. Try again in a minute.")
        self._thread = threading.Thread(target=self._run, args=(x_train, x_test, x_show, alive),
                                        name="latent-lab-training", daemon=True)
        self._thread.start()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, x_train: Tensor | Callable[[], Tensor], x_test: Tensor, x_show: Tensor,
             alive: Callable[[], bool]) -> None:
        def should_stop() -> bool:
            if not alive():  # nobody is left to use the model: end the run as a stop
                self._stop.set()
            return self._stop.is_set()

        try:
            while not _slots.acquire(timeout=0.5):  # another session is training: wait
                if should_stop():
                    self._finish("stopped", None)
                    return
        finally:
            _waiting.release()
        try:
            torch.set_num_threads(CORES)  # this thread only trains: give it every core
            self.state, self.started = "running", time.perf_counter()
            x = x_train() if callable(x_train) else x_train  # loaded only now: see `start`
            model = new_model(self.config)
            self._train(model, x, x_test, x_show, should_stop)
            freeze(model)
            test = evaluate(model, x_test, self.config.beta)
            result = OwnModel(self.model_id, model, self.config, self._card(model, test))
            _live[id(result)] = result
            self._finish("stopped" if self._stop.is_set() else "done", result)
        except MnistError as error:  # the digits went missing meanwhile: the message says why
            self.error = str(error)
            self._finish("failed", None)
        except Exception:  # noqa: BLE001 - the page says it failed, the server log says why
            LOGGER.exception("a training run failed")
            self.error = "the run stopped on an unexpected error (the server's log has the details)"
            self._finish("failed", None)
        finally:
            _slots.release()

    def _train(self, model: Autoencoder, x_train: Tensor, x_test: Tensor, x_show: Tensor,
               should_stop: Callable[[], bool]) -> None:
        def on_batch(step: int, total: int, terms: LossTerms) -> None:
            self.step, self.total_steps = step, total
            self.batches.append((step, terms.loss.item(), terms.recon.item(), terms.kl.item()))

        def on_epoch(report: EpochReport) -> None:
            self.epochs.append(report)
            model.eval()  # decode mu, as every lesson does
            self.rows.append(reconstruct(model, x_show)[0].numpy())
            model.train()

        fit(model, x_train, self.config, device=self.device, x_test=x_test[:EVAL_IMAGES],
            on_batch=on_batch, on_epoch=on_epoch, should_stop=should_stop)
        model.to("cpu")  # served like the zoo on a CPU host; on a GPU host, keep GPU memory free

    def _card(self, model: Autoencoder, test: Metrics) -> Card:
        """The same card a zoo model gets (`core.train.make_card`), without weights on disk."""
        name = "own-" + model_name(self.config.kind, self.config.latent_dim, self.config.beta)
        return make_card(model, self.config, self.epochs, self.seconds, self.device, test, name)

    def _finish(self, state: str, result: OwnModel | None) -> None:
        self.result = result
        self.finished = time.perf_counter()
        self.state = state

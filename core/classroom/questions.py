"""The "predict first" questions a class answers, and what the experiment measured for each.

Each question belongs to one lesson page and is answered by a choice or a number. Its
`measure` reads the figures the lesson shows (the zoo's model cards, or the codes of the model
on screen) and returns the measured answer with the figures behind it, so that a reveal puts the
class's answers beside the measurement, and the sentence under it is worded by what was found.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Protocol

import numpy as np

from core.cards import Card
from core.evaluate import ACTIVE_KL
from core.latent import prototypes
from core.quality import CONFIDENCE
from core.reference import ModelRef

Answer = str | float


class Lab(Protocol):
    """Where a measurement reads its figures: the app's caches, or a test's fakes."""

    def card(self, ref: ModelRef) -> Card: ...

    def codes(self, ref: ModelRef) -> np.ndarray:
        """mu of the 10,000 test digits under `ref`: (10000, d)."""
        ...

    def labels(self) -> np.ndarray:
        """The test digits' labels: (10000,) int."""
        ...


@dataclass(frozen=True)
class Measured:
    answer: Answer   # the right choice, or the measured number
    figures: str     # the numbers behind it, as the lesson shows them


@dataclass(frozen=True)
class Question:
    id: str
    page: str                        # the lesson's page file
    prompt: str
    measure: Callable[[Lab, ModelRef], Measured]
    choices: tuple[str, ...] = ()    # empty: a number between low and high
    low: float = 0.0
    high: float = 100.0
    unit: str = ""
    close: float = 0.0               # a number prediction within this of the measurement is right
    where: str = ""                  # where on the page the student checks it

    @property
    def is_choice(self) -> bool:
        return bool(self.choices)

    def valid(self, value: Answer) -> Answer:
        """`value` as stored: a listed choice, or a finite number in [low, high]. Raises
        ValueError with what to do otherwise."""
        if self.is_choice:
            if value not in self.choices:
                raise ValueError("Pick one of the listed answers.")
            return str(value)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"Type a number between {self.low:g} and {self.high:g}.") from None
        if not np.isfinite(number) or not self.low <= number <= self.high:
            raise ValueError(f"Type a number between {self.low:g} and {self.high:g}.")
        return number

    def right(self, value: Answer, measured: Measured) -> bool:
        if self.is_choice:
            return value == measured.answer
        return abs(float(value) - float(measured.answer)) <= self.close + 1e-9


def _ref(kind: str, latent: int, beta: float = 1.0) -> ModelRef:
    return ModelRef(kind, latent, beta if kind == "vae" else 0.0)


def _recon_gain(lab: Lab, _ref_on_screen: ModelRef) -> Measured:
    """How far the reconstruction error (decoding mu, nats per digit) falls from latent 2 to 32."""
    drop = {}
    text = []
    for kind, name in (("ae", "autoencoder"), ("vae", "VAE")):
        small, large = (lab.card(_ref(kind, d)).test.recon_at_mean for d in (2, 32))
        drop[kind] = small - large
        text.append(f"{name} {small:.1f} → {large:.1f} nats ({-drop[kind]:+.1f})")
    gap = drop["ae"] - drop["vae"]
    answer = RECON_CHOICES[2] if abs(gap) < 2 else RECON_CHOICES[0 if gap > 0 else 1]
    return Measured(answer, "; ".join(text))


RECON_CHOICES = ("The autoencoder's", "The VAE's", "About the same (within 2 nats)")


def _confident(lab: Lab, ref: ModelRef) -> float:
    """Share of 10,000 samples z ~ N(0, I) the classifier reads with confidence, in %."""
    quality = lab.card(ref).sample_quality or {}
    if "prior" not in quality:
        raise LookupError(f"the card of {ref.label} has no samples judged by the classifier")
    return 100 * float(quality["prior"]["confident_fraction"])


def _ae_samples(lab: Lab, _ref_on_screen: ModelRef) -> Measured:
    share = _confident(lab, _ref("ae", 32))
    return Measured(round(share, 1), f"{share:.1f} % of 10,000 samples read with confidence "
                    f"(≥ {CONFIDENCE:.0%}) by the classifier")


def _active_dims(lab: Lab, _ref_on_screen: ModelRef) -> Measured:
    test = lab.card(_ref("vae", 10, 8.0)).test
    return Measured(float(test.active_dims), f"{test.active_dims} of 10 dimensions above "
                    f"{ACTIVE_KL:g} nats of KL; per dimension: "
                    + ", ".join(f"{k:.2f}" for k in test.kl_per_dim or ()))


SAMPLE_CHOICES = ("The VAE", "The autoencoder", "About the same (within 5 points)")


def _random_draws(lab: Lab, _ref_on_screen: ModelRef) -> Measured:
    vae, ae = _confident(lab, _ref("vae", 10)), _confident(lab, _ref("ae", 10))
    answer = SAMPLE_CHOICES[2] if abs(vae - ae) < 5 else SAMPLE_CHOICES[0 if vae > ae else 1]
    return Measured(answer, f"read with confidence: VAE {vae:.1f} %, autoencoder {ae:.1f} % "
                    "of 10,000 random codes")


PAIRS = ("4 and 9", "3 and 5", "7 and 9", "3 and 8", "Another pair")


def closest_pair(protos: np.ndarray) -> tuple[int, int, float]:
    """The two digits whose prototypes (10, d) are nearest (Euclidean): (a, b, distance), a < b."""
    a, b = min(combinations(range(len(protos)), 2),
               key=lambda p: float(np.linalg.norm(protos[p[0]] - protos[p[1]])))
    return a, b, float(np.linalg.norm(protos[a] - protos[b]))


def _proto_pair(lab: Lab, ref: ModelRef) -> Measured:
    protos = prototypes(lab.codes(ref), lab.labels())
    a, b, distance = closest_pair(protos)
    name = f"{a} and {b}"
    return Measured(name if name in PAIRS else PAIRS[-1],
                    f"closest prototypes in {ref.label}: {name}, {distance:.2f} apart")


QUESTIONS = (
    Question("recon_gain", "pages/1_Reconstruction.py",
             "From latent size 2 to latent size 32, whose reconstruction error falls more: the "
             "autoencoder's or the VAE's (β = 1)?", _recon_gain, RECON_CHOICES,
             where="Switch the sidebar between latent sizes 2 and 32 and read the whole-test-set "
             "check."),
    Question("ae_samples", "pages/2_Autoencoder_vs_VAE.py",
             "Decode 10,000 random codes z ~ N(0, I) with the autoencoder at latent size 32. What "
             "percentage will the classifier read with confidence?", _ae_samples,
             unit="%", close=10.0,
             where="Part 2, random codes decoded, with the autoencoder at latent size 32."),
    Question("active_dims", "pages/3_KL_weight.py",
             "The VAE with latent size 10 and β = 8: how many of its 10 dimensions stay active?",
             _active_dims, high=10.0, unit="dimensions",
             where="The active dimensions in the part on β's price, at latent size 10."),
    Question("random_draws", "pages/4_Latent_sliders.py",
             "Random draws at latent size 10: which gives more digits the classifier reads with "
             "confidence, the VAE (β = 1) or the autoencoder?", _random_draws, SAMPLE_CHOICES,
             where="Click Random draw with each, or read Autoencoder vs VAE, part 2."),
    Question("proto_pair", "pages/5_Digit_prototypes.py",
             "Which two digits have the closest prototypes in the model on screen?", _proto_pair,
             PAIRS, where="The prototype heat map: the two rows that look most alike."),
)
BY_ID = {q.id: q for q in QUESTIONS}


def for_page(page: str) -> list[Question]:
    return [q for q in QUESTIONS if q.page == page]


def tally(question: Question, answers: Sequence[Answer]) -> list[tuple[str, int]]:
    """The class's answers as (option, count): every choice in order, or for a number the
    values themselves when the range holds at most 11 whole numbers, else ten equal bins."""
    if question.is_choice:
        counts = Counter(answers)
        return [(c, counts.get(c, 0)) for c in question.choices]
    values = np.asarray([float(a) for a in answers], dtype=float)
    width = question.high - question.low
    if width <= 10 and question.low == int(question.low):
        whole = np.rint(values)
        return [(f"{v:g}", int((whole == v).sum()))
                for v in np.arange(question.low, question.high + 1)]
    edges = np.linspace(question.low, question.high, 11)
    counts, _ = np.histogram(values, bins=edges)
    return [(f"{lo:g}–{hi:g}", int(n)) for lo, hi, n in zip(edges[:-1], edges[1:], counts)]


def verdict(question: Question, answers: Sequence[Answer], measured: Measured) -> str:
    """One sentence on the class's answers against the measurement, worded by the result."""
    n = len(answers)
    if n == 0:
        return "Nobody answered this question."
    right = sum(question.right(a, measured) for a in answers)
    if question.is_choice:
        counts = tally(question, answers)
        count = max(c for _, c in counts)
        tops = [option for option, c in counts if c == count]
        if len(tops) > 1:
            most = "the class was split: " + " and ".join(f"“{t}”" for t in tops) + \
                f" got {count} each"
        elif tops[0] == measured.answer:
            most = "the most common answer was the measured one"
        else:
            most = f"the most common answer was “{tops[0]}” ({count} of {n})"
        return f"{right} of {n} predicted the measured answer, “{measured.answer}”; {most}."
    values = np.asarray([float(a) for a in answers])
    median = float(np.median(values))
    within = f" (within ±{question.close:g})" if question.close else " exactly"
    side = ("above" if median > float(measured.answer) else
            "below" if median < float(measured.answer) else "at")
    return (f"{right} of {n} predicted {float(measured.answer):g} {question.unit}{within}; the "
            f"class's median, {median:g}, is {side} the measurement.").replace("  ", " ")

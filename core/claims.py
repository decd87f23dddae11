"""Sentences that state what the figures on screen show, worded by the figures themselves.

A lesson's "what to notice" is a list of `Claim`s: the sentence a student reads and the facts
it states (numbers, counts, which side of a comparison won). The words come from the facts,
never the other way round, and the audit test (tests/unit/test_audit.py) recomputes every fact
with its own code. A difference within `noise` is worded "about the same".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Claim:
    """One sentence on screen and the facts it states, for a test to recompute."""

    text: str
    facts: Mapping[str, Any] = field(default_factory=dict)


def order(a: float, b: float, noise: float) -> int:
    """-1 if a is below b by more than `noise`, 1 if above by more, 0 if within it."""
    if abs(a - b) <= noise:
        return 0
    return -1 if a < b else 1


def lower_higher(a: float, b: float, noise: float, *, words: tuple[str, str, str] =
                 ("lower than", "about the same as", "higher than")) -> str:
    """How a compares with b, in words: words[0] if lower, words[1] within noise, words[2] if
    higher."""
    return words[order(a, b, noise) + 1]


def a_digit(digit: int) -> str:
    """"a 3", "an 8": the article English puts before a digit's name."""
    return f"an {digit}" if digit == 8 else f"a {digit}"


def of(count: int, total: int, noun: str) -> str:
    """"3 of the 8 digits", "1 of the 10 dimensions"."""
    return f"{count} of the {total} {noun}"


def binomial_noise(n: int, p: float = 0.5) -> float:
    """Two standard errors of a fraction measured on n independent draws (a share's noise)."""
    return 2.0 * (p * (1.0 - p) / max(n, 1)) ** 0.5


def trend(values: list[float], noise: float) -> int:
    """1 if every step rises by more than -noise and the whole rises by more than noise (a
    rise, allowing steps within noise), -1 for the same fall, 0 otherwise (no one trend)."""
    steps = [b - a for a, b in zip(values, values[1:])]
    if not steps:
        return 0
    if all(s > -noise for s in steps) and values[-1] - values[0] > noise:
        return 1
    if all(s < noise for s in steps) and values[0] - values[-1] > noise:
        return -1
    return 0

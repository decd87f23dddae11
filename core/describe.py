"""Text alternatives: what a picture of digits or a chart shows, in words a screen reader reads.

Every picture on screen gets one (issue 22). The words come from what the picture is: the labels
of the test digits it shows, or, for digits a model drew, what the zoo's classifier reads in them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from core.claims import a_digit

# Above this many digits a description counts them by kind instead of listing each one.
LISTED = 12
# A reading below this probability is marked unsure ("3?").
SURE = 0.5


def listing(items: Sequence[object]) -> str:
    """"1, 7, 7 and 5": items in order, joined as a sentence lists them."""
    words = [str(i) for i in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def counted(digits: Sequence[int]) -> str:
    """"7 × 1, 4 × 7 and 1 × 0": how many of each digit, most frequent first (ties by digit)."""
    counts = sorted(Counter(int(d) for d in digits).items(), key=lambda kv: (-kv[1], kv[0]))
    return listing([f"{n} × {d}" for d, n in counts])


def digits(n: int, what: str, labels: Sequence[int] | None = None) -> str:
    """"8 test digits: 1, 7, 7, 5, 9, 1, 8 and 6" (n digits, listed when there are few, counted
    by kind when there are many, named only when labels is None)."""
    head = f"{n} {what}"
    if labels is None or len(labels) == 0:
        return head
    return f"{head}: {listing([int(d) for d in labels]) if n <= LISTED else counted(labels)}"


def readings(proba: np.ndarray) -> str:
    """What the classifier reads in images whose class probabilities are proba (N, 10): "the
    digit classifier reads them as 1, 7, 3? and 5 (? = under 50 % sure)", or counted by digit
    above `LISTED` images."""
    best = proba.argmax(axis=1)
    sure = proba.max(axis=1) >= SURE
    if len(best) == 1:
        return (f"the digit classifier reads it as {a_digit(int(best[0]))}, "
                f"{proba[0].max():.0%} sure")
    if len(best) > LISTED:
        unsure = int((~sure).sum())
        return (f"the digit classifier reads them as {counted(best)}"
                + (f" ({unsure} of them under {SURE:.0%} sure)" if unsure else ""))
    marked = [f"{d}{'' if s else '?'}" for d, s in zip(best.tolist(), sure.tolist())]
    return (f"the digit classifier reads them as {listing(marked)}"
            + ("" if sure.all() else f" (? = under {SURE:.0%} sure)"))


def grid(rows: int, columns: int, what: str) -> str:
    """"A grid of 10 rows by 8 columns: what"."""
    return f"A grid of {rows} rows by {columns} columns of {what}"

"""Draw your digit: what the classifier reads, how sure the VAE's encoder is, and what its
posterior's samples decode to."""

from __future__ import annotations

import numpy as np

from core.claims import Claim, a_digit


def claims(read: dict[str, int], sigma: np.ndarray, agree: float | None,
           n_samples: int) -> list[Claim]:
    """read: name -> the classifier's digit for "your digit" and each reconstruction (empty
    without the classifier); sigma (d,) the VAE posterior's standard deviations; agree: the share
    of n_samples decoded posterior samples read as the same digit as yours (None without it)."""
    out = []
    if "your digit" in read:
        yours = read["your digit"]
        others = {k: v for k, v in read.items() if k != "your digit"}
        same = [k for k, v in others.items() if v == yours]
        out.append(Claim(
            f"The classifier reads your digit as a **{yours}**; the reconstructions as "
            + ", ".join(f"**{v}** ({k})" for k, v in others.items()) + ". "
            + ("Every model kept its identity." if len(same) == len(others) else
               "A reconstruction read as another digit means that model mapped your drawing "
               "onto the nearest digit it knows."),
            {"yours": yours, "others": dict(others), "kept": len(same)}))
    narrow = int((sigma < 0.5).sum())
    d = len(sigma)
    if narrow:
        out.append(Claim(f"σ is below 0.5 in {narrow} of {d} dimensions: there the encoder narrows "
                         "the prior down to a small region for your digit.",
                         {"narrow": narrow, "d": d}))
    else:
        out.append(Claim(f"σ is 0.5 or more in all {d} dimensions: the encoder is unsure where "
                         "your digit belongs.", {"narrow": narrow, "d": d}))
    if agree is not None and "your digit" in read:
        style = ("the samples vary in style, rarely in identity" if agree >= 0.9 else
                 "the samples often change identity: the cloud reaches other digits' regions"
                 if agree < 0.6 else "most samples keep the identity, some do not")
        out.append(Claim(f"{agree:.0%} of {n_samples} decoded samples from q(z|x) are read as "
                         f"{a_digit(read['your digit'])}: {style}.",
                         {"agree": agree, "n": n_samples}))
    return out


def neighbours_claim(codes: np.ndarray, labels: np.ndarray, mu: np.ndarray,
                     k: int = 50) -> Claim:
    """Which digit is most common among the k test codes (N, d) nearest to your digit's μ (d,)."""
    counts = np.bincount(labels[np.argsort(((codes - mu) ** 2).sum(1))[:k]], minlength=10)
    top = int(counts.argmax())
    return Claim(f"Of the {k} test digits nearest to μ, {counts[top]} are {top}s.",
                 {"digit": top, "count": int(counts[top]), "k": k})

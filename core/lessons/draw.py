"""Draw your digit: what the classifier reads, how sure the VAE's encoder is, and what its
posterior's samples decode to."""

from __future__ import annotations

import base64
import math
from typing import Any

import numpy as np
import torch

from core.claims import Claim, a_digit
from core.digitize import DigitError, read_image
from core.images import seeded_indices

PNG_PREFIX = "data:image/png;base64,"
N_SAMPLES = 200  # codes drawn from q(z|x) for the lesson's cloud and its classifier count
MAX_STROKE_POINTS = 20_000  # numbers kept for the strokes: a long, careful digit uses ~2,000


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


def read_drawing(raw: Any) -> tuple[list[list[float]], np.ndarray | None, list[str]]:
    """What the browser's canvas sent when the pen lifted, {"png": data URL, "strokes": [[x, y,
    x, y, …], …]}: the strokes to draw again (dropped if malformed or too many), and the picture
    as grey (H, W) in [0, 1] with its notes, or None when the canvas was cleared. DigitError,
    saying what to do, when the picture cannot be read."""
    raw = raw if isinstance(raw, dict) else {}
    strokes = raw.get("strokes") if isinstance(raw.get("strokes"), list) else []
    ok = all(isinstance(s, list) and s and all(isinstance(v, (int, float)) and
                                               not isinstance(v, bool) and math.isfinite(v)
                                               for v in s) for s in strokes)
    if not ok or sum(len(s) for s in strokes) > MAX_STROKE_POINTS:
        strokes = []
    png = raw.get("png")
    if not png:
        return strokes, None, []
    if not isinstance(png, str) or not png.startswith(PNG_PREFIX):
        raise DigitError("The drawing did not arrive as a picture. Clear the canvas and draw "
                         "again.")
    try:
        data = base64.b64decode(png[len(PNG_PREFIX):], validate=True)
    except ValueError:
        raise DigitError("The drawing arrived damaged. Clear the canvas and draw again.") from None
    grey, notes = read_image(data)
    return strokes, grey, notes


def draw_header(d: int, map_codes: np.ndarray | None, labels: np.ndarray | None,
                n_samples: int, seed: int = 0) -> tuple[dict, dict[str, np.ndarray]]:
    """What the browser's canvas (`web/draw.js`) needs besides the models: the first 8 of the
    n_samples ε ~ N(0, I) (d,) that `core.latent.posterior_samples` draws with this seed (exact,
    as JSON: the browser's samples are the page's), and 3,000 seeded test codes of the 2-D VAE
    (map_codes (N, 2)) with their labels for the posterior's plane."""
    eps = torch.randn((n_samples, d), generator=torch.Generator().manual_seed(seed))[:8]
    header = {"d": d, "eps": eps.reshape(-1).tolist()}
    if map_codes is None or labels is None:
        return header, {}
    keep = seeded_indices(len(map_codes), 3000, 0)
    return header, {"map_codes": map_codes[keep], "map_labels": labels[keep].astype(np.float32)}

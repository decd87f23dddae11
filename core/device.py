"""Which device to compute on: CUDA where there is a GPU, else Apple's MPS, else the CPU."""

from __future__ import annotations

import torch


def best_device(preference: str = "auto") -> torch.device:
    """`preference` "auto" picks cuda, then mps, then cpu; any other value is used as given."""
    if preference != "auto":
        return torch.device(preference)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")

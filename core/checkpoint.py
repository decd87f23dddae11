"""Weights on disk: safetensors (no pickle, so a weights file can never run code) plus a JSON card.

Weights are stored as float16 to halve the repository and every Streamlit Cloud deploy, and are
cast back to float32 on loading. Every figure on a card is measured on the stored weights, so
the rounding is part of the model the card describes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import nn


class WeightsError(RuntimeError):
    """A weights file is missing, corrupt or does not match its card; the message names it."""


class ClassifierError(WeightsError):
    """The digit classifier cannot be loaded: the models still work, its verdicts do not."""


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def float16_state(model: nn.Module) -> dict[str, torch.Tensor]:
    """The model's tensors as stored: floating point as float16, on the CPU, contiguous."""
    return {name: (t.detach().to("cpu", torch.float16) if t.is_floating_point()
                   else t.detach().cpu()).contiguous()
            for name, t in model.state_dict().items()}


def save_weights(model: nn.Module, path: Path) -> str:
    """Write the model's floating-point tensors as float16 safetensors; returns the file's sha256."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    save_file(float16_state(model), str(path))
    return sha256_file(path)


def load_weights(model: nn.Module, path: Path, sha256: str | None = None) -> nn.Module:
    """Load `path` into `model` (float32), checking the file's sha256 first when one is given.

    Raises WeightsError naming the file if it is missing, unreadable, of the wrong shape for the
    model, or does not match `sha256`.
    """
    path = Path(path)
    if not path.is_file():
        raise WeightsError(f"the weights file {path.name} is missing")
    if sha256 is not None and (actual := sha256_file(path)) != sha256:
        raise WeightsError(f"the weights file {path.name} does not match its card (sha256 "
                           f"{actual[:12]}… instead of {sha256[:12]}…): it is corrupt or was "
                           "replaced")
    try:
        state = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as error:
        raise WeightsError(f"the weights file {path.name} cannot be read "
                           f"({type(error).__name__})") from error
    reference = model.state_dict()
    state = {name: t.to(reference[name].dtype) if name in reference else t
             for name, t in state.items()}
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as error:
        raise WeightsError(f"the weights file {path.name} does not fit the model: "
                           f"{str(error).splitlines()[0]}") from error
    return model

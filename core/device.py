"""Which device to compute on, and how many CPU threads a computation gets.

CUDA where there is a GPU, else Apple's MPS, else the CPU. On the CPU the app runs interactive
work (one slider move: one code decoded) on one thread and batch work (10,000 test images
encoded) on all of torch's threads; see `threads`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

import torch

# torch's own choice when it was first imported: the cores it sees. Read once, because the app
# lowers the count for its interactive script runs (`core.app.serving.script_thread`).
CORES = torch.get_num_threads()

P = ParamSpec("P")
R = TypeVar("R")


def best_device(preference: str = "auto") -> torch.device:
    """`preference` "auto" picks cuda, then mps, then cpu; any other value is used as given."""
    if preference != "auto":
        return torch.device(preference)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


@contextmanager
def threads(n: int) -> Iterator[None]:
    """Run the block with `n` intra-op CPU threads in the calling thread, then restore the count.

    Why it matters: a 2-thread op waits at a barrier for its second thread, and while a browser
    or another student's script holds the other core that wait spins. Decoding one code took
    20-50 ms on 2 threads inside a Streamlit script run and 2-8 ms on one (a one-off probe
    timing `core.latent.decode` during slider moves).
    """
    before = torch.get_num_threads()
    torch.set_num_threads(max(1, n))
    try:
        yield
    finally:
        torch.set_num_threads(before)


def all_cores(function: Callable[P, R]) -> Callable[P, R]:
    """Decorator: batch work (thousands of images) runs on all `CORES` threads."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with threads(CORES):
            return function(*args, **kwargs)

    return wrapper

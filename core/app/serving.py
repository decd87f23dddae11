"""Process settings for serving many students from one small CPU server, in one place.

- `configure_process`: once per process (glibc's malloc), from the first page run.
- `script_thread`: one torch thread for the calling script thread. Streamlit runs each script
  run in a thread of its own, and OpenMP's thread count belongs to the thread that sets it,
  so this is the one setting that every script run (and fragment rerun) applies to itself.
- `freeze_heap`: after `serve.py`'s warm-up has imported every page's modules, and at the top
  of any page run that follows new imports (without the warm-up, or a module a page imports
  late), so that no process keeps scanning its modules after every run.

Each setting was measured with the benchmarks in `bench/`; docs/performance.md has the figures.
"""

from __future__ import annotations

import ctypes
import gc
import sys

import torch

# glibc's mallopt parameters (malloc.h)
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX = -1, -3, -8

_frozen_at = 0  # len(sys.modules) when the heap was last frozen
_malloc_tuned = False


def tune_malloc() -> bool:
    """glibc only: at most 2 malloc arenas, and buffers of 1 MB and more in their own mappings.

    Streamlit runs every script run in a new thread, and glibc gives threads arenas of their own
    (up to 8 per core), each keeping what it freed. And after a large buffer is freed glibc
    raises its mmap threshold, so the next large buffers (a batch's activations, a float copy of
    the digits) come from the arenas and stay resident. Measure with
    `python bench/pages_and_memory.py --only memory` (README: Benchmarks).
    Returns False where the C library is not glibc (macOS, Windows, musl): nothing to tune.
    """
    global _malloc_tuned
    if _malloc_tuned:
        return True
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    ok = all(mallopt(param, value) == 1 for param, value in (
        (M_ARENA_MAX, 2), (M_MMAP_THRESHOLD, 1 << 20), (M_TRIM_THRESHOLD, 4 << 20)))
    _malloc_tuned = ok
    return ok


def freeze_heap() -> bool:
    """After new imports, collect once and move every live object to the permanent generation.

    Streamlit runs a full garbage collection after every script run (`runner.postScriptGC`),
    holding the GIL while the run's last messages wait to be sent. With torch, pandas and Altair
    loaded it scans ~300,000 objects (`len(gc.get_objects())`), which took 100-120 ms in a
    one-off `gc.callbacks` probe of slider moves. Modules, classes and functions live as long
    as the process, so freezing them costs nothing, and the collection after a run then scans
    only that run's objects. Objects outside reference cycles are still freed the moment they
    are unused. Returns whether it froze this time.
    """
    global _frozen_at
    if len(sys.modules) == _frozen_at:
        return False
    gc.collect()
    gc.freeze()
    _frozen_at = len(sys.modules)
    return True


def configure_process() -> None:
    """The process-wide settings, applied once (later calls return at once)."""
    tune_malloc()


def script_thread() -> None:
    """Interactive work (one slider move decodes one code) runs on one intra-op thread in the
    calling script thread; batch work raises it (`core.device.all_cores`, and see
    `core.device.threads` for why)."""
    torch.set_num_threads(1)

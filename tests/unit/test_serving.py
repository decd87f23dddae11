"""Process settings for serving: thread counts, the frozen heap, glibc's malloc."""

import gc
import platform
import sys
import threading
import types
import weakref

import pytest
import torch

from core.app import serving
from core.device import CORES, all_cores, threads


def test_threads_sets_the_count_for_the_block_and_restores_it():
    before = torch.get_num_threads()
    with threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_batch_work_gets_every_core_even_from_a_one_thread_script_run():
    seen = []

    @all_cores
    def batch_work() -> None:
        seen.append(torch.get_num_threads())

    def script_run() -> None:  # what core.app.serving.script_thread does in every script run
        torch.set_num_threads(1)
        batch_work()
        seen.append(torch.get_num_threads())

    worker = threading.Thread(target=script_run)
    worker.start()
    worker.join()
    assert seen == [CORES, 1]


def test_freeze_heap_freezes_once_per_batch_of_new_imports():
    serving.freeze_heap()
    assert serving.freeze_heap() is False  # nothing imported since
    sys.modules["_latent_lab_probe"] = types.ModuleType("_latent_lab_probe")
    try:
        gc.unfreeze()
        assert gc.get_freeze_count() == 0
        assert serving.freeze_heap() is True
        assert gc.get_freeze_count() > 0  # the live objects moved to the permanent generation
    finally:
        del sys.modules["_latent_lab_probe"]


def test_cycles_made_after_the_freeze_are_still_collected():
    serving.freeze_heap()

    class Node:
        other: "Node"

    a, b = Node(), Node()
    a.other, b.other = b, a  # a reference cycle: only the garbage collector frees it
    ref = weakref.ref(a)
    del a, b
    gc.collect()
    assert ref() is None


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_malloc_is_tuned_on_glibc():
    assert serving.tune_malloc() is True

"""A lesson's measurements of the models it shows, computed once and kept where they belong.

`measured(fn, refs, **args)` runs `fn(models, **args)` on the models `refs` name (with
`data=True`, `fn(models, x_test, labels, **args)` on the MNIST test set). A result about
zoo models alone is cached for the whole server (the zoo never changes while it runs); one that
involves a model a student trained is kept on that model, in the student's session, and goes
when the session does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st

from core import zoo
from core.app import selection
from core.models import Autoencoder
from core.reference import ModelRef

T = TypeVar("T")
Experiment = Callable[..., Any]
_BY_NAME: dict[str, Experiment] = {}
OWN_RESULTS = 16  # measurements kept per model a student trained


@st.cache_resource(max_entries=64, show_spinner="Measuring the models…")
def _zoo_result(name: str, refs: tuple[tuple[str, int, float], ...], data: bool,
                args: tuple[tuple[str, Any], ...]) -> Any:
    return _run(_BY_NAME[name], [zoo.load_model(*ref) for ref in refs], data, dict(args))


def _run(fn: Experiment, models: list[Autoencoder], data: bool, args: dict[str, Any]) -> Any:
    return fn(models, *selection.test_set(), **args) if data else fn(models, **args)


def measured(fn: Callable[..., T], refs: Sequence[ModelRef], *, data: bool = False,
             **args: Any) -> T:
    """fn([model of each ref], **args), or with data fn(models, x_test, labels, **args); fn
    is a module-level function (its name is the cache key) and args are hashable. Results are
    shared read-only: a caller never changes what it gets back."""
    name, frozen = f"{fn.__module__}.{fn.__qualname__}", tuple(sorted(args.items()))
    if "<" in fn.__qualname__:
        raise TypeError(f"measured needs a module-level function, not {fn.__qualname__}")
    own = [ref for ref in refs if ref.is_own]
    if not own:
        _BY_NAME[name] = fn
        return _zoo_result(name, tuple((r.kind, r.latent, r.beta) for r in refs), data, frozen)
    store = selection.own(own[0]).results
    key = (name, tuple(r.key for r in refs), data, frozen)
    if key not in store:
        models = [selection.model(ref) for ref in refs]
        with st.spinner("Measuring your model…"):
            store[key] = _run(fn, models, data, args)
        while len(store) > OWN_RESULTS:
            store.pop(next(iter(store)))
    return store[key]

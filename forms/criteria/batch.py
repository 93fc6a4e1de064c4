"""Evaluating many households at once (a village, a county) without the garbage collector's toll."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterable, Iterator

from .household import _SHARED_VIEWS, HouseholdEvaluation, evaluate_household


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector around bulk work that makes only acyclic objects.

    A county snapshot holds ~600,000 dicts; every generation-2 collection walks all of them,
    which made evaluating 75,000 households three times slower (measured: 10.9 s → 3.5 s).
    Reference counting still frees everything; the collector resumes afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def bulk() -> Iterator[None]:
    """One pass over many households: the collector paused, and each household's view built
    once and shared by the household, village and county rules. Snapshots must not change
    inside the pass (the shared views would not see it)."""
    token = _SHARED_VIEWS.set({}) if _SHARED_VIEWS.get() is None else None
    try:
        with paused_gc():
            yield
    finally:
        if token is not None:
            _SHARED_VIEWS.reset(token)


def evaluate_households(snapshots: Iterable[dict]) -> list[HouseholdEvaluation]:
    with paused_gc():
        return [evaluate_household(s) for s in snapshots]

"""The collector's keeper (server/heap.py): what outlives the young passes is frozen, and
what was frozen is swept now and then, so cyclic garbage is freed in the end."""

from __future__ import annotations

import asyncio
import gc
import weakref

import pytest

from server.heap import HeapKeeper


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


@pytest.fixture
def heap():
    yield
    gc.unfreeze()  # the test process's heap as it was


def test_what_outlives_a_young_pass_is_frozen_and_a_sweep_frees_it_once_garbage(heap):
    now = [0.0]
    idle = [False]
    keeper = HeapKeeper(lambda: idle[0], sweep_idle=60, sweep_every=600, clock=lambda: now[0])
    kept = Node()
    gone = weakref.ref(kept)
    frozen = gc.get_freeze_count()
    keeper.tend()
    assert gc.get_freeze_count() > frozen and keeper.sweeps == 0
    del kept
    gc.collect()  # a full pass leaves what is frozen alone
    assert gone() is not None
    now[0] = 30
    idle[0] = True
    keeper.tend()  # idle, but swept only a minute ago
    assert gone() is not None and keeper.sweeps == 0
    now[0] = 61
    keeper.tend()
    assert gone() is None and keeper.sweeps == 1
    assert gc.get_freeze_count() > 0  # and what lives is frozen again


def test_a_busy_server_is_swept_too_now_and_then(heap):
    now = [0.0]
    keeper = HeapKeeper(lambda: False, sweep_idle=60, sweep_every=600, clock=lambda: now[0])
    kept = Node()
    gone = weakref.ref(kept)
    keeper.tend()
    del kept
    now[0] = 599
    keeper.tend()
    assert gone() is not None and keeper.sweeps == 0
    now[0] = 600
    keeper.tend()
    assert gone() is None and keeper.sweeps == 1


async def test_the_collector_is_off_while_the_server_loads_and_on_once_the_graph_is(heap):
    """``werewolf serve`` turns the collector off before its imports (server/heap.py:
    loading); the moderator turns it back on once the game graph is loaded, whatever else
    the server does: a server left without it would never free a cycle."""
    from server.heap import loading
    from server.moderator import Moderator

    mod = Moderator(None)
    loading()
    try:
        assert not gc.isenabled()
        await mod.open()
        await mod.runner.graph()
        await asyncio.sleep(0)  # (the loop runs the import's done callbacks in turn)
        assert gc.isenabled()
        # what the load made, out of the young passes' way (they would walk all of it)
        assert gc.get_freeze_count() > 0 and gc.get_count()[0] < 10_000
    finally:
        gc.enable()
        await mod.close()

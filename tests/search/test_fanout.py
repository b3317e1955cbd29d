"""A rebuild makes its documents once and loads every index from them (fanout.py)."""

import threading

import pytest

from directory.search.fanout import BATCH, QUEUE_BATCHES, ReadingFailed, fan_out

MANY = BATCH * (QUEUE_BATCHES + 5)  # more than the queues hold: a stopped index must not block


def counted(n: int, reads: list[int]):
    for item in range(n):
        reads.append(item)
        yield item


def test_every_index_gets_every_item_in_order_and_the_items_are_read_once():
    reads: list[int] = []
    results = fan_out(counted(MANY, reads), [list, lambda items: sum(1 for _ in items)])
    assert results == [list(range(MANY)), MANY]
    assert reads == list(range(MANY))


def test_a_failed_index_does_not_stop_the_others_and_its_error_is_raised_at_the_end():
    loaded = []

    def failing(items):
        for item in items:
            if item == 10:
                raise RuntimeError("index refused a write")

    with pytest.raises(RuntimeError, match="index refused a write"):
        fan_out(range(MANY), [failing, loaded.extend])
    assert loaded == list(range(MANY))


def test_a_failed_reading_makes_every_index_abandon_its_rebuild():
    abandoned = []

    def reading():
        yield from range(BATCH * 3)
        raise OSError("database gone")

    def index(items):
        try:
            for _ in items:
                pass
        except ReadingFailed:
            abandoned.append(True)
            raise

    with pytest.raises(OSError, match="database gone"):
        fan_out(reading(), [index, index])
    assert abandoned == [True, True]


def test_the_first_index_loads_in_the_calling_thread_the_others_in_their_own():
    def loader(items):
        list(items)
        return threading.current_thread()

    assert fan_out(range(10), [loader]) == [threading.current_thread()]
    first, second = fan_out(range(10), [loader, loader])
    assert first is threading.current_thread() and second is not first

"""One pass over the documents, written to several indexes at once.

A rebuild spends most of its time making the documents (reading the database, analysing
the text). With two indexes (Elasticsearch and the embedded one behind it), the documents
are made once, in the calling thread, and handed in batches to one thread per index through
a bounded queue: memory stays flat, and each index loads while the next batch is made.
"""

import threading
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from queue import Full, Queue
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

BATCH = 500
# Batches waiting for a slow index before the reading thread waits for it.
QUEUE_BATCHES = 8
_END = object()


class ReadingFailed(Exception):
    """The reading of the documents failed: every index abandons its rebuild."""


class _Feed:
    """The batches one index receives; once it has stopped (failed), nothing more."""

    def __init__(self) -> None:
        self.queue: Queue = Queue(maxsize=QUEUE_BATCHES)
        self.stopped = threading.Event()

    def put(self, batch: object) -> None:
        while not self.stopped.is_set():
            try:
                self.queue.put(batch, timeout=0.1)
                return
            except Full:
                continue

    def __iter__(self) -> Iterator:
        while (batch := self.queue.get()) is not _END:
            if isinstance(batch, ReadingFailed):
                raise batch
            yield from batch


def fan_out(
    items: Iterable[Item], consumers: list[Callable[[Iterable[Item]], Result]]
) -> list[Result]:
    """Each consumer's result over the same items, read once; the first failure is raised
    once every consumer has finished (a failed reading makes every consumer fail)."""
    feeds = [_Feed() for _ in consumers]
    results: list = [None] * len(consumers)
    errors: list[BaseException | None] = [None] * len(consumers)

    def consume(n: int) -> None:
        try:
            results[n] = consumers[n](iter(feeds[n]))
        except BaseException as error:  # raised again by the calling thread
            errors[n] = error
        finally:
            feeds[n].stopped.set()

    threads = [threading.Thread(target=consume, args=(n,)) for n in range(len(consumers))]
    for thread in threads:
        thread.start()
    end: object = _END
    try:
        iterator = iter(items)
        while batch := list(islice(iterator, BATCH)):
            for feed in feeds:
                feed.put(batch)
    except BaseException as error:
        end = ReadingFailed(str(error))
        raise
    finally:
        for feed in feeds:
            feed.put(end)
        for thread in threads:
            thread.join()
    if failure := next((error for error in errors if error is not None), None):
        raise failure
    return results

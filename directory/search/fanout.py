"""One pass over the documents, written to several indexes at once.

A rebuild spends most of its time making the documents (reading the database, analysing
the text). With two indexes (Elasticsearch and the embedded one behind it), the documents
are made once: the first index loads them in the calling thread, as they are made, and
hands each batch to the others, each loading in a thread of its own through a bounded queue.
Memory stays flat, and Elasticsearch indexes a batch while the next one is made. With one
index, no thread at all.
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


class _Others:
    """The consumers after the first, each in its thread, fed batch by batch."""

    def __init__(self, consumers: list[Callable[[Iterable], object]]):
        self.feeds = [_Feed() for _ in consumers]
        self.results: list = [None] * len(consumers)
        self.errors: list[BaseException | None] = [None] * len(consumers)
        self.threads = [
            threading.Thread(target=self._consume, args=(n, consumer))
            for n, consumer in enumerate(consumers)
        ]
        for thread in self.threads:
            thread.start()

    def _consume(self, n: int, consumer: Callable[[Iterable], object]) -> None:
        try:
            self.results[n] = consumer(iter(self.feeds[n]))
        except BaseException as error:  # raised again by the calling thread
            self.errors[n] = error
        finally:
            self.feeds[n].stopped.set()

    def put(self, batch: object) -> None:
        for feed in self.feeds:
            feed.put(batch)

    def finish(self, end: object) -> None:
        self.put(end)
        for thread in self.threads:
            thread.join()


def _batches(items: Iterable[Item]) -> Iterator[list[Item]]:
    iterator = iter(items)
    while True:
        try:
            batch = list(islice(iterator, BATCH))
        except Exception as error:
            raise ReadingFailed(str(error)) from error
        if not batch:
            return
        yield batch


def _handed_over(batches: Iterator[list[Item]], others: _Others) -> Iterator[Item]:
    """The items for the first index; each batch goes to the others as it is read."""
    for batch in batches:
        others.put(batch)
        yield from batch


def fan_out(
    items: Iterable[Item], consumers: list[Callable[[Iterable[Item]], Result]]
) -> list[Result]:
    """Each consumer's result over the same items, read once. A failed consumer does not
    stop the others, and its error is raised once they have finished; a failed reading
    makes them all abandon, and its error is raised."""
    first, *rest = consumers
    others = _Others(rest)
    batches = _batches(items)
    end, result, failure = _END, None, None
    try:
        try:
            result = first(_handed_over(batches, others))
        except ReadingFailed:
            raise
        except Exception as error:  # the first index failed: the others still get everything
            failure = error
            for batch in batches:
                others.put(batch)
    except ReadingFailed as reading:
        end = ReadingFailed(str(reading))
        raise reading.__cause__ from None
    finally:
        others.finish(end)
    failure = failure or next((error for error in others.errors if error is not None), None)
    if failure is not None:
        raise failure
    return [result, *others.results]

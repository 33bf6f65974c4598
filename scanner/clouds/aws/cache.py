"""A thread-safe compute-once cache: concurrent callers for one key share one API call."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import Future
from typing import Generic, TypeVar

V = TypeVar("V")


class OnceCache(Generic[V]):
    """Memoizes ``compute(key)``; a second caller for a key in flight waits for the first.

    Roles and keys are shared by many resources; without this a parallel scan would fetch
    the same role's policies once per resource.
    """

    def __init__(self, compute: Callable[[Hashable], V]) -> None:
        self._compute = compute
        self._lock = threading.Lock()
        self._futures: dict[Hashable, Future[V]] = {}

    def get(self, key: Hashable) -> V:
        """The value for ``key``, computing it at most once (exceptions are cached too)."""
        return self.get_all((key,))[0]

    def get_all(self, keys: Iterable[Hashable]) -> list[V]:
        """The values for ``keys``: computes, one after another, those no other caller has started, then
        waits for the rest. Callers that arrive together split the keys between them instead of queuing
        behind the first (a bucket's seven Get calls, a region's front door parts): the work stays on the
        scan's own worker threads, which would otherwise sit waiting."""
        keys = list(keys)
        for key in keys:
            with self._lock:
                future = self._futures.get(key)
                if future is not None:
                    continue
                future = Future()
                self._futures[key] = future
            try:
                future.set_result(self._compute(key))
            except BaseException as exc:  # noqa: BLE001 - handed to every waiter
                future.set_exception(exc)
        return [self._futures[key].result() for key in keys]

    def __len__(self) -> int:
        return len(self._futures)

"""Progress of a live scan behind the :class:`scanner.clouds.base.Progress` protocol.

A person at a terminal gets a rich progress bar. A CI log (no terminal) gets plain lines
on standard error instead, because a bar redrawn with control characters is garbage in
a log: one line each time a cloud, account or region is done, with the resources read so
far, and at most one line every few seconds while resources are being read. ``--quiet``
shows neither.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from scanner.clouds.base import NullProgress, Progress

PLAIN_INTERVAL = 5.0
"""Seconds between two plain lines about resources being read (milestones always print)."""


class RichProgress:
    """Thread-safe adapter: live scanners call ``add`` / ``advance`` from worker threads."""

    def __init__(self, progress: object) -> None:
        self._progress = progress
        self._tasks: dict[str, object] = {}
        self._lock = threading.Lock()

    def add(self, label: str, total: int | None = None) -> None:
        """Announce more work under ``label``."""
        with self._lock:
            task = self._tasks.get(label)
            if task is None:
                self._tasks[label] = self._progress.add_task(label, total=total)
            elif total:
                current = self._progress.tasks[task].total or 0
                self._progress.update(task, total=current + total)

    def advance(self, label: str, amount: int = 1) -> None:
        """Mark work under ``label`` done."""
        with self._lock:
            if label not in self._tasks:
                self._tasks[label] = self._progress.add_task(label, total=None)
            self._progress.advance(self._tasks[label], amount)


class PlainProgress:
    """Progress as plain log lines: ``mlscan: aws regions 2/4 done (aws resources 37/60 read)``.

    Labels ending in ``resources`` are the many small units; every other label (accounts,
    regions, workspaces, a cloud's locations) is a milestone and prints each time one is done.
    """

    def __init__(self, stream: TextIO, interval: float = PLAIN_INTERVAL) -> None:
        self._stream = stream
        self._interval = interval
        self._done: dict[str, int] = {}
        self._total: dict[str, int] = {}
        self._last = time.monotonic()
        self._lock = threading.Lock()

    def add(self, label: str, total: int | None = None) -> None:
        """Announce more work under ``label``."""
        with self._lock:
            self._total[label] = self._total.get(label, 0) + (total or 0)
            self._done.setdefault(label, 0)

    def advance(self, label: str, amount: int = 1) -> None:
        """Mark work done; print a line for a milestone, or for resources when the interval passed."""
        with self._lock:
            self._done[label] = self._done.get(label, 0) + amount
            now = time.monotonic()
            if label.endswith("resources") and now - self._last < self._interval:
                return
            self._last = now
            self._stream.write(f"mlscan: {self._describe(label)}\n")
            self._stream.flush()

    def _describe(self, label: str) -> str:
        line = f"{label} {self._count(label)} done"
        others = [f"{name} {self._count(name)}" for name in self._done if name != label]
        return line + (f" ({', '.join(others)})" if others else "")

    def _count(self, label: str) -> str:
        total = self._total.get(label)
        return f"{self._done[label]}/{total}" if total else str(self._done[label])


def wants_bar(quiet: bool) -> bool:
    """A progress bar only for a person at a terminal."""
    return not quiet and sys.stderr.isatty()


@contextmanager
def progress_for(quiet: bool) -> Iterator[Progress]:
    """A progress sink for the duration of a scan: a bar on a terminal, plain lines otherwise."""
    if quiet:
        yield NullProgress()
        return
    if not wants_bar(quiet):
        yield PlainProgress(sys.stderr)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as RichBar

    with RichBar(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        yield RichProgress(bar)

"""A rich progress display behind the :class:`scanner.clouds.base.Progress` protocol.

Shown only on an interactive terminal; quiet in CI (``CI`` set), with ``--quiet``, or when piped.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from scanner.clouds.base import NullProgress, Progress


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


def wants_progress(quiet: bool) -> bool:
    """A progress bar only for a person at a terminal."""
    return not quiet and not os.environ.get("CI") and sys.stderr.isatty()


@contextmanager
def progress_for(quiet: bool) -> Iterator[Progress]:
    """A progress sink for the duration of a scan."""
    if not wants_progress(quiet):
        yield NullProgress()
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

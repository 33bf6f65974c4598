"""Parse many .tf files on every core: python-hcl2's parser is most of a Terraform scan's time.

Files are parsed in worker processes (the parser is pure Python, so threads would not help)
and handed back as plain data; small inputs are parsed in-process, where starting workers
would cost more than it saves.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from scanner.iac.hcl_loader import HclError, ParsedFile, parse_file

PARALLEL_THRESHOLD = 12
"""Below this many files, one process parses faster than a pool can start."""


def _parse_outcome(path: Path) -> ParsedFile | tuple[Path, int | None, str]:
    try:
        return parse_file(path)
    except HclError as exc:
        return (exc.path, exc.line, exc.reason)


def parse_all(paths: Iterable[Path], workers: int | None = None) -> Callable[[Path], ParsedFile]:
    """Parse every path up front; return a ``parse_file`` stand-in that answers from the results."""
    unique = list(dict.fromkeys(paths))
    workers = workers or min(os.cpu_count() or 1, 8)
    if len(unique) < PARALLEL_THRESHOLD or workers < 2:
        outcomes = [_parse_outcome(p) for p in unique]
    else:
        import multiprocessing

        context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            outcomes = list(pool.map(_parse_outcome, unique, chunksize=max(1, len(unique) // (workers * 4))))
    results = dict(zip(unique, outcomes, strict=True))

    def cached(path: Path) -> ParsedFile:
        outcome = results.get(path)
        if outcome is None:
            return parse_file(path)
        if isinstance(outcome, tuple):
            raise HclError(*outcome)
        return outcome

    return cached

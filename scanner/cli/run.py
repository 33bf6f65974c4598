"""The one path of every scanning command: build the sources, run the pipeline, finish, print.

``mlscan iac``, ``mlscan scan`` and ``mlscan demo`` differ only in how they build their
sources; each passes a function that builds them (given the progress sink) to
:func:`run_scan_command`, which returns the exit code.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console

from scanner.app import OutputOptions, ScanRequest, scan_and_finish
from scanner.cli.outputs import collect, present
from scanner.cli.policy_options import collect_policies
from scanner.cli.progress import progress_for
from scanner.cli.query_options import pop_query_options, with_query_logs
from scanner.clouds.base import Progress, SourceResult
from scanner.pipeline import now

SourceBuilder = Callable[[Progress], Sequence[SourceResult]]
"""Builds a command's sources; live scanners report to the progress sink it is given."""


def run_scan_command(
    kwargs: dict[str, Any],
    targets: Sequence[str],
    build_sources: SourceBuilder,
    *,
    console: Console,
    adjust_outputs: Callable[[OutputOptions], OutputOptions] | None = None,
    terraform: Callable[[], SourceResult] | None = None,
) -> int:
    """Collect the shared options, build the sources, scan, finish and print; the exit code.

    ``adjust_outputs`` changes the collected output options (``mlscan demo`` picks its own formats);
    ``terraform`` loads the declared resources live ones are compared with (``scan --terraform``).
    """
    with few_collections():
        return _run(
            kwargs,
            targets,
            build_sources,
            console=console,
            adjust_outputs=adjust_outputs,
            terraform=terraform,
        )


@contextmanager
def few_collections() -> Iterator[None]:
    """Run a scan with the cyclic garbage collector mostly out of the way.

    A scan allocates millions of small objects (parsed plan JSON, facts, findings, output rows)
    that live until the process ends and hold no cycles. With CPython's default threshold (a
    young collection every 700 allocations, promoting survivors into ever larger older ones) the
    collector re-walks them over and over: a third of the CPU of a 10,000-resource plan. The
    objects alive now (imported modules) are frozen out of collection and young collections run
    every 100,000 allocations; cycles are still collected.
    """
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _run(
    kwargs: dict[str, Any],
    targets: Sequence[str],
    build_sources: SourceBuilder,
    *,
    console: Console,
    adjust_outputs: Callable[[OutputOptions], OutputOptions] | None,
    terraform: Callable[[], SourceResult] | None = None,
) -> int:
    started = now()
    outputs = collect(kwargs)
    if adjust_outputs is not None:
        outputs = adjust_outputs(outputs)
    policy_set, parameters = collect_policies(kwargs)
    query_logs = pop_query_options(kwargs)
    with progress_for(outputs.quiet) as progress:
        sources = list(build_sources(progress))
    if query_logs is not None:
        sources = with_query_logs(sources, query_logs)
    request = ScanRequest(
        policy_set=policy_set,
        parameters=parameters,
        command=" ".join(["mlscan", *sys.argv[1:]]),
        targets=tuple(targets),
        started_at=started,
        terraform=terraform() if terraform is not None else None,
    )
    return present(scan_and_finish(sources, request, outputs), outputs, console)

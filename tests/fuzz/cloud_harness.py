"""What the three cloud fuzz families share: run ``mlscan scan`` through the fault proxy, check the invariants.

A family starts its fake once (moto server, ARM or Vertex emulator), scans it cleanly once
(the baseline: resources, finding statuses and every request the scan makes), then for each
generated case puts a :class:`~fault_proxy.FaultProxy` with 1-3 drawn faults in front of the
fake and runs the real CLI against the proxy. Invariants, for every case:

- the exit code is 0, 1 or 2 and no output carries a traceback;
- every baseline resource is in the result, or an error entry covers it (the family says what
  covers what: a failed listing covers its kind, a failed account or credentials read covers the
  account); every error reason is one line;
- a fault that cannot be retried away (an error status every time, an unreadable body, endless
  pagination, a stall) that hit a request gives at least one error entry;
- a finding that passes passed in the baseline too (a fact that could not be read is unknown,
  never a pass);
- no seeded secret of the estate reaches any output file or the console.

Sleeps (retry backoff, ``Retry-After``) are recorded, never slept; each SDK gets short timeouts
and few retries through ``LiveOptions.extra`` so a stall costs a fraction of a second.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fault_proxy import Fault, FaultProxy
from fuzz_harness import no_traceback, secrets_absent
from hypothesis import strategies as st

from scanner.cli import main
from scanner.clouds.retry_after import MAX_RETRY_AFTER

STALL_SECONDS = 2.5
"""How long a stalled connection hangs: longer than every SDK's read timeout in :data:`EXTRAS`."""
EXTRAS = {
    "max_attempts": 2,
    "aws_connect_timeout": 1,
    "aws_read_timeout": 1.0,
    "azure_retry_total": 2,
    "azure_connection_timeout": 1,
    "azure_read_timeout": 1.0,
    "gcp_retry_timeout": 1.0,
    "gcp_call_timeout": 1.0,
}
"""Short timeouts and few retries (the CLI's defaults are 60 s reads and 5 attempts)."""
PATIENT = {"aws_read_timeout": 30, "azure_read_timeout": 30, "gcp_call_timeout": 30, "gcp_retry_timeout": 0}
"""The baseline's: a fake's first answers (loading its backends) may take seconds on a busy machine."""
WRONG_VALUES = (7, True, ["x"], {"x": 1}, "not-what-was-meant")


@dataclass(frozen=True)
class Outcome:
    """One CLI run: its exit code, console text, JSON result and every output file's text."""

    exit_code: int
    output: str
    document: dict[str, Any]
    files: tuple[tuple[str, str], ...]

    @property
    def errors(self) -> list[dict[str, Any]]:
        return list(self.document.get("errors") or [])

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return {r["id"]: r for r in self.document.get("resources") or []}

    def statuses(self) -> dict[tuple[str, str], str]:
        return {(f["policy_id"], f["resource_id"]): f["status"] for f in self.document.get("findings") or []}


class Estate:
    """A running fake (``url``), its clean scan, the requests it made and the JSON keys it answered."""

    def __init__(
        self,
        url: str,
        baseline: Outcome,
        keys: Sequence[str],
        fields: Sequence[str],
        args: Callable[[str], list[str]] | None = None,
    ) -> None:
        self.url, self.baseline, self.keys, self.fields = (
            url,
            baseline,
            tuple(dict.fromkeys(keys)),
            tuple(fields),
        )
        self.args = args or (lambda url: [])
        """The CLI arguments that point the scan at ``url`` (the proxy)."""

    def __repr__(self) -> str:  # failure reports print the fixture: not the whole estate
        return f"Estate({self.url}, {len(self.baseline.resources)} resources, {len(self.keys)} requests)"


@contextmanager
def short_timeouts(slept: list[float], extras: Mapping[str, Any]) -> Iterator[None]:
    """The SDKs' sleeps recorded in ``slept``; every live scanner given ``extras``."""
    import scanner.clouds.sources as sources

    real = sources.live_scanner

    def with_extras(cloud: str) -> Callable[..., Any]:
        scan = real(cloud)
        return lambda options, progress: scan(replace(options, extra={**options.extra, **extras}), progress)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("time.sleep", slept.append)
        patch.setattr(sources, "live_scanner", with_extras)
        yield


def run_scan(
    args: Sequence[str], out: Path, env: Mapping[str, str] | None = None, *, baseline: bool = False
) -> Outcome:
    """``mlscan scan ARGS`` writing JSON, SARIF and OCSF into ``out`` (:data:`EXTRAS`, or
    :data:`PATIENT` ones for the ``baseline``)."""
    command = [*args, "--output-dir", str(out), "--format", "json", "--format", "sarif", "--format", "ocsf"]
    slept: list[float] = []
    with short_timeouts(slept, {**EXTRAS, **PATIENT} if baseline else EXTRAS):
        result = CliRunner().invoke(main, ["scan", *command], env=dict(env or {}))
    assert all(0 <= wait <= MAX_RETRY_AFTER for wait in slept), slept
    path = out / "mlscan.json"
    document = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    files = tuple(
        (str(p), p.read_text(encoding="utf-8", errors="replace")) for p in out.rglob("*") if p.is_file()
    )
    return Outcome(result.exit_code, result.output, document, files)


def faults(
    keys: Sequence[str], fields: Sequence[str], matches: Callable[[str], Sequence[str]], aws: bool = False
) -> st.SearchStrategy[list[Fault]]:
    """1-3 faults: each matches a part of one request key of the baseline (``matches(key)``: the parts
    worth matching, e.g. the operation, or the path); ``fields``: JSON keys wrong_type may replace."""
    statuses = [500, 503, 429, 403] + ([400] if aws else [])

    @st.composite
    def one(draw: st.DrawFn) -> Fault:
        key = draw(st.sampled_from(keys))
        match = draw(st.sampled_from(matches(key)))
        kind = draw(
            st.sampled_from(
                ["status", "status", "truncate", "html", "empty", "wrong_type", "repeat_token", "stall"]
            )
        )
        times = draw(st.sampled_from([1, 2, None]))
        if kind == "status":
            status = draw(st.sampled_from(statuses))
            code = "ThrottlingException" if status == 400 else None
            after = draw(st.sampled_from([None, "0", "2", "86400", "Wed, 21 Oct 2015 07:28:00 GMT"]))
            return Fault(match, kind, status=status, retry_after=after, times=times, code=code)
        if kind == "stall":
            return Fault(match, kind, seconds=STALL_SECONDS, times=draw(st.sampled_from([1, None])))
        if kind == "wrong_type":
            return Fault(
                match, kind, field=draw(st.sampled_from(fields)), value=draw(st.sampled_from(WRONG_VALUES))
            )
        return Fault(match, kind, times=times)

    return st.lists(one(), min_size=1, max_size=3)


FALLBACK_READS = ("ResourceGroupsTaggingAPI", "service=tagging")
"""Reads that only save calls: when AWS's bulk tag read fails, tags are read per resource with ListTags
(tests/aws/test_aws_tag_index.py proves the same tags), so its failure is no lost input and no error."""


def terminal(fault: Fault, hits: int, retries: int) -> bool:
    """Whether a fault that hit ``hits`` times must have failed a read (it was not retried away)."""
    if fault.kind in ("wrong_type",):
        return False
    if any(read in fault.match for read in FALLBACK_READS):
        return False
    if fault.kind == "repeat_token" and hits < 2:
        return False  # the token led to one more page, not an endless loop (the follow-up was not faulted)
    if fault.kind == "status" and fault.times is not None and fault.times <= retries:
        return False
    if fault.kind == "stall" and fault.times is not None:
        return False
    return hits > 0 and fault.times is None


def check(
    outcome: Outcome,
    baseline: Outcome,
    proxy: FaultProxy,
    covers: Callable[[dict[str, Any], dict[str, Any]], bool],
    secrets: Sequence[str],
    retries: int,
) -> None:
    """The invariants of the module docstring."""
    assert outcome.exit_code in (0, 1, 2), (outcome.exit_code, outcome.output[-3000:])
    no_traceback(outcome.output, *(text for _, text in outcome.files))
    assert outcome.document, f"no JSON result written (exit {outcome.exit_code}): {outcome.output[-2000:]}"
    errors = outcome.errors
    for error in errors:
        assert "\n" not in error["reason"] and error["reason"].strip(), error
    present = outcome.resources
    for rid, resource in baseline.resources.items():
        if rid not in present:
            assert any(covers(e, resource) for e in errors), (
                f"{rid} vanished with no error covering it: {errors}"
            )
    hits = [(f, sum(1 for g in proxy.effective if g is f)) for f in proxy.faults]
    if any(terminal(f, n, retries) for f, n in hits):
        assert errors, f"faults {[(f, n) for f, n in hits if n]} gave no error entry"
    before = baseline.statuses()
    for key, status in outcome.statuses().items():
        if status == "pass" and key in before:
            assert before[key] == "pass", (
                f"{key} passes after a fault but was {before[key]} before ({errors})"
            )
    secrets_absent(secrets, [*outcome.files, ("console", outcome.output)])

"""Live AWS face: ``scan(options, progress)`` reads SageMaker across accounts and regions.

The work is a graph of small tasks run in one bounded thread pool: resolve an account
(assume role, find its regions) → list one resource type in one region → describe one
resource. Every task returns resources, errors and follow-up tasks, so a slow region
never blocks the others and wall time is roughly calls × latency / workers.
One account, region or call failing becomes a ScanError; the rest of the scan completes.
"""

from __future__ import annotations

import os
import queue
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from scanner.clouds.aws import accounts as acc
from scanner.clouds.aws.buckets import BucketInspector
from scanner.clouds.aws.client import Clients
from scanner.clouds.aws.iam import RoleInspector
from scanner.clouds.aws.kms import KeyInspector
from scanner.clouds.aws.lineage import link_training_jobs, model_sources
from scanner.clouds.aws.monitoring_live import PARTS as FRONT_DOOR_PARTS
from scanner.clouds.aws.monitoring_live import FrontDoorReader
from scanner.clouds.aws.problems import Problems
from scanner.clouds.aws.sagemaker import LISTINGS, RegionContext, RegionReader
from scanner.clouds.aws.sessions import new_session
from scanner.clouds.aws.tag_index import TAG_TYPES, KindJoin, TagIndex
from scanner.clouds.base import LiveOptions, Progress, SourceResult
from scanner.model import Resource, ScanError

KINDS = tuple(LISTINGS)
DEFAULT_REGION = "us-east-1"


@dataclass
class TaskResult:
    """What one task produced."""

    resources: list[Resource] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    more: list[Callable[[], TaskResult]] = field(default_factory=list)


def scan(options: LiveOptions, progress: Progress) -> SourceResult:
    """Scan SageMaker in every account and region the options select."""
    base = new_session(options.profile)
    base_clients = Clients(base, options)
    home = base.region_name or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    result = TaskResult()
    try:
        specs = _account_specs(options, base_clients, home)
    except acc.AccountsFileError as exc:
        return SourceResult(errors=(ScanError("aws/accounts", str(exc)),))
    except Exception as exc:  # noqa: BLE001 - reported, not fatal
        return SourceResult(errors=(ScanError("aws/credentials", _reason(exc)),))
    progress.add("aws accounts", len(specs))
    readers: dict[tuple[str, str], tuple[RegionReader, RegionContext]] = {}
    tasks = [_account_task(spec, base_clients, options, home, progress, readers) for spec in specs]
    _run(tasks, result, max(1, options.max_workers))
    if options.training_jobs_since is not None:  # older jobs that deployed models were trained by
        _run(
            _older_jobs_behind_deployed_models(result.resources, readers, progress),
            result,
            options.max_workers,
        )
    resources = link_training_jobs(result.resources)
    resources.sort(key=lambda r: (r.account or "", r.region or "", r.kind, r.id))
    errors = sorted(result.errors, key=lambda e: (e.where, e.reason))
    return SourceResult(resources=tuple(resources), errors=tuple(errors))


def _run(tasks: Iterable[Callable[[], TaskResult]], result: TaskResult, workers: int) -> None:
    """Run tasks and their follow-ups in one pool until none is left.

    Completions arrive on a queue (O(1) each); ``concurrent.futures.wait`` over thousands of
    pending futures would re-scan all of them on every completion.
    """
    done: queue.SimpleQueue[Future[TaskResult]] = queue.SimpleQueue()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mlscan-aws") as pool:
        pending = 0

        def submit(task: Callable[[], TaskResult]) -> None:
            nonlocal pending
            pending += 1
            pool.submit(task).add_done_callback(done.put)

        for task in tasks:
            submit(task)
        while pending:
            out = done.get().result()
            pending -= 1
            result.resources.extend(out.resources)
            result.errors.extend(out.errors)
            for task in out.more:
                submit(task)


def _account_specs(options: LiveOptions, base: Clients, home: str) -> list[acc.AccountSpec]:
    if options.accounts_file:
        return acc.load_accounts_file(options.accounts_file)
    caller = acc.caller_account(base.get("sts", home))
    if options.org_role:
        return acc.org_accounts(base.get("organizations", home), options.org_role, caller)
    return [acc.AccountSpec(account_id=caller)]


def _older_jobs_behind_deployed_models(
    resources: list[Resource],
    readers: dict[tuple[str, str], tuple[RegionReader, RegionContext]],
    progress: Progress,
) -> list[Callable[[], TaskResult]]:
    """Read tasks for the training jobs that produced a deployed model's artifact but were not listed
    (created before ``--training-jobs-since``): the artifact path names the job
    (``<S3OutputPath>/<job>/output/model.tar.gz``). A name that is not a job is skipped."""
    served = {link for r in resources if r.kind == "endpoint" for link in r.links}
    listed = {(r.account, r.region, r.name) for r in resources if r.kind == "training_job"}
    wanted: dict[tuple[str, str, str], None] = {}
    for model in resources:
        if model.kind != "model" or model.id not in served:
            continue
        for url in model_sources(model.raw)[0]:
            parts = url.split("/")
            if len(parts) > 3 and parts[-2:] == ["output", "model.tar.gz"] and parts[-3]:
                key = (model.account or "", model.region or "", parts[-3])
                if key not in listed:
                    wanted[key] = None
    tasks = []
    for account, region, name in wanted:
        if (account, region) in readers:
            reader, ctx = readers[(account, region)]
            progress.add("aws resources", 1)
            tasks.append(_read_task(reader, ctx, "training_job", name, progress, missing_ok=True))
    return tasks


def _account_task(
    spec: acc.AccountSpec,
    base: Clients,
    options: LiveOptions,
    home: str,
    progress: Progress,
    readers: dict[tuple[str, str], tuple[RegionReader, RegionContext]],
) -> Callable[[], TaskResult]:
    def run() -> TaskResult:
        label = spec.account_id or spec.role_arn or "?"
        try:
            clients = (
                base if not spec.role_arn else Clients(acc.assume(base.session, spec, base.kwargs), options)
            )
            regions = acc.pick_regions(spec.regions, options.regions)
            if not regions:
                regions = tuple(acc.enabled_regions(clients.get("ec2", home)))
        except Exception as exc:  # noqa: BLE001 - one account failing must not stop the others
            progress.advance("aws accounts")
            return TaskResult(errors=[ScanError(f"aws/{label}", _reason(exc))])
        account = spec.account_id or ""
        keys_by_region: dict[str, KeyInspector] = {}
        problems = Problems()  # failed supporting reads: drained into error entries by the read tasks
        roles = RoleInspector(lambda: clients.get("iam", home), account or None, problems)
        home_keys = KeyInspector(lambda r: clients.get("kms", r), home, problems)
        buckets = BucketInspector(
            lambda: clients.get("s3", home),
            lambda: clients.get("s3control", home),
            account or None,
            home_keys,
            problems,
        )
        more = [_ahead_task(buckets.read_account_block, problems)]
        progress.add("aws regions", len(regions))
        for region in regions:
            keys = keys_by_region.setdefault(
                region, KeyInspector(lambda r: clients.get("kms", r), region, problems)
            )
            door = FrontDoorReader(
                lambda service, r=region: clients.get(service, r),
                problems,
                f"aws/{account or label}/{region}",
            )
            ctx = RegionContext(
                account=account,
                region=region,
                keys=keys,
                roles=roles,
                buckets=buckets,
                training_jobs_since=options.training_jobs_since,
                front_door=door,
                problems=problems,
                tag_index=(index := TagIndex()),
            )
            reader = RegionReader(clients.get("sagemaker", region), ctx)
            readers[(account, region)] = (reader, ctx)
            tagging = clients.get("resourcegroupstaggingapi", region)
            for kind in KINDS:
                bulk = kind in TAG_TYPES and not _listing_limited(kind, options)
                join = KindJoin(2 if bulk else 1)
                more.append(_list_task(reader, ctx, kind, progress, join))
                if bulk:
                    more.append(_tag_task(reader, ctx, kind, progress, join, index, tagging))
        progress.advance("aws accounts")
        return TaskResult(more=more)

    return run


def _listing_limited(kind: str, options: LiveOptions) -> bool:
    """True when the listing reads only part of a kind (``--training-jobs-since``): the bulk tag read
    pages through every resource of the kind, so for a few recent jobs among many old ones ListTags per
    listed job is the cheaper way."""
    return kind == "training_job" and options.training_jobs_since is not None


def _list_task(
    reader: RegionReader, ctx: RegionContext, kind: str, progress: Progress, join: KindJoin
) -> Callable[[], TaskResult]:
    def run() -> TaskResult:
        try:
            names = reader.list_names(kind)
        except Exception as exc:  # noqa: BLE001 - a denied region / service is an error entry
            join.done([])
            return TaskResult(
                errors=[ScanError(_where(ctx, "sagemaker"), f"{LISTINGS[kind][0]}: {_reason(exc)}")]
            )
        finally:
            if kind == KINDS[-1]:
                progress.advance("aws regions")
        progress.add("aws resources", len(names))
        reads = _reads(reader, ctx, kind, progress, join.done(names))
        if kind == "endpoint" and names and ctx.front_door is not None:
            # one task per part, ahead of the reads: the parts are read side by side before endpoints need them
            reads.more[:0] = [_ahead_task(ctx.front_door, ctx.problems) for _ in FRONT_DOOR_PARTS]
        return reads

    return run


def _ahead_task(read: Callable[[], object], problems: Problems) -> Callable[[], TaskResult]:
    """A supporting read done ahead of the resource reads that need it (the account's S3 public access
    block, a region's front door), so no worker waits on it later; its failures are reported."""

    def run() -> TaskResult:
        read()
        return TaskResult(errors=problems.drain())

    return run


def _tag_task(
    reader: RegionReader,
    ctx: RegionContext,
    kind: str,
    progress: Progress,
    join: KindJoin,
    index: TagIndex,
    tagging: object,
) -> Callable[[], TaskResult]:
    """Read the kind's tags in bulk alongside its listing (the reads start when both are done)."""

    def run() -> TaskResult:
        index.load(tagging, kind)
        return _reads(reader, ctx, kind, progress, join.done())

    return run


def _reads(
    reader: RegionReader, ctx: RegionContext, kind: str, progress: Progress, names: list[str] | None
) -> TaskResult:
    return TaskResult(more=[_read_task(reader, ctx, kind, name, progress) for name in names or ()])


def _read_task(
    reader: RegionReader,
    ctx: RegionContext,
    kind: str,
    name: str,
    progress: Progress,
    *,
    missing_ok: bool = False,
) -> Callable[[], TaskResult]:
    def run() -> TaskResult:
        try:
            found = reader.read(kind, name)
            resources = found if isinstance(found, list) else [found]
            return TaskResult(resources=resources, errors=ctx.problems.drain())
        except Exception as exc:  # noqa: BLE001 - a malformed or denied resource must not stop the scan
            if missing_ok and _not_found(exc):
                return TaskResult(errors=ctx.problems.drain())
            error = ScanError(_where(ctx, "sagemaker"), f"{kind} {name}: {_reason(exc)}")
            return TaskResult(errors=[error, *ctx.problems.drain()])
        finally:
            progress.advance("aws resources")

    return run


def _where(ctx: RegionContext, service: str) -> str:
    return f"aws/{ctx.account}/{ctx.region}/{service}"


def _reason(exc: BaseException) -> str:
    """One line: the AWS error code and message when there is one."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict) and isinstance(response.get("Error"), dict):
        error = response["Error"]
        text = f"{error.get('Code', type(exc).__name__)}: {error.get('Message', '')}".strip()
    else:
        text = f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())[:300]


def _not_found(exc: BaseException) -> bool:
    """SageMaker's answer for a name that is not a resource (ValidationException / ResourceNotFound)."""
    response = getattr(exc, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return code in ("ValidationException", "ResourceNotFound")

"""Re-read one SageMaker resource (``mlscan watch``): the same reader a full scan uses, for one name.

An event names a resource; only that resource is described (plus what its facts read: its endpoint
configuration and models, its role, its keys, its buckets) — no listing. A resource that no longer
exists is an empty result, not an error: its earlier findings become ``fixed`` in history. Other
accounts' resources are read through ``--accounts FILE`` roles or ``--org-role``, as a full scan does.
"""

from __future__ import annotations

import threading

from scanner.clouds.aws import accounts as acc
from scanner.clouds.aws.buckets import BucketInspector
from scanner.clouds.aws.client import Clients
from scanner.clouds.aws.iam import RoleInspector
from scanner.clouds.aws.kms import KeyInspector
from scanner.clouds.aws.live import DEFAULT_REGION, KINDS, _reason
from scanner.clouds.aws.sagemaker import RegionContext, RegionReader
from scanner.clouds.aws.sessions import new_session
from scanner.clouds.base import LiveOptions, SourceResult
from scanner.model import ScanError

_GONE = ("could not find", "does not exist", "not found")


class SingleReader:
    """Reads one resource at a time; clients (and assumed roles) are kept per account across events."""

    def __init__(self, options: LiveOptions) -> None:
        self._options = options
        base = new_session(options.profile)
        self._base = Clients(base, options)
        self._home = base.region_name or DEFAULT_REGION
        self._clients: dict[str, Clients] = {}
        self._lock = threading.Lock()
        self._caller: str | None = None
        self._specs: dict[str, acc.AccountSpec] = (
            {s.account_id: s for s in acc.load_accounts_file(options.accounts_file) if s.account_id}
            if options.accounts_file
            else {}
        )

    def read(self, account: str | None, region: str, kind: str, name: str) -> SourceResult:
        """Describe ``kind`` ``name`` in ``account``/``region``; empty when it no longer exists."""
        where = f"aws/{account or '?'}/{region}/sagemaker"
        if kind not in KINDS:
            return SourceResult(errors=(ScanError(where, f"{kind} is not a kind mlscan reads"),))
        try:
            clients = self._for_account(account)
            account_id = account or self._caller_account()
            keys = KeyInspector(lambda r: clients.get("kms", r), region)
            ctx = RegionContext(
                account=account_id,
                region=region,
                keys=keys,
                roles=RoleInspector(lambda: clients.get("iam", self._home), account_id or None),
                buckets=BucketInspector(
                    lambda: clients.get("s3", self._home),
                    lambda: clients.get("s3control", self._home),
                    account_id or None,
                    KeyInspector(lambda r: clients.get("kms", r), self._home),
                ),
            )
            resource = RegionReader(clients.get("sagemaker", region), ctx).read(kind, name)
        except Exception as exc:  # noqa: BLE001 - a deleted or denied resource is data, not a crash
            reason = _reason(exc)
            if any(word in reason.lower() for word in _GONE):
                return SourceResult()
            return SourceResult(errors=(ScanError(where, f"{kind} {name}: {reason}"),))
        return SourceResult(resources=(resource,))

    def _caller_account(self) -> str:
        with self._lock:
            if self._caller is None:
                self._caller = acc.caller_account(self._base.get("sts", self._home))
            return self._caller

    def _for_account(self, account: str | None) -> Clients:
        """The base credentials for the caller's own account, else the account's role."""
        if not account or account == self._caller_account():
            return self._base
        with self._lock:
            if account not in self._clients:
                spec = self._specs.get(account)
                if spec is None and self._options.org_role:
                    spec = acc.AccountSpec(account, f"arn:aws:iam::{account}:role/{self._options.org_role}")
                if spec is None or not spec.role_arn:
                    raise PermissionError(f"no role for account {account}: pass --org-role or --accounts")
                session = acc.assume(self._base.session, spec, self._base.kwargs)
                self._clients[account] = Clients(session, self._options)
            return self._clients[account]


def arn_of(account: str, region: str, kind: str, name: str) -> str:
    """The ARN a SageMaker resource of ``kind`` has (lower-case name, as SageMaker writes ARNs)."""
    types = {"notebook": "notebook-instance", "training_job": "training-job"}
    return f"arn:aws:sagemaker:{region}:{account}:{types.get(kind, kind)}/{name.lower()}"

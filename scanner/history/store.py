"""The history store: record a scan in one transaction, read scans back, prune old ones.

A store is any SQLAlchemy URL: an SQLite file (the default, see :mod:`scanner.history.location`) or
PostgreSQL. Opening a store upgrades its schema with the shipped Alembic migrations. A scan is written in
one transaction, so a crash or an error while recording leaves no half scan behind: either every
resource, finding, error and control of the scan is stored, or nothing is.

The store speaks the JSON result contract (``--format json``): :meth:`Store.record` takes that document
(with its ``compliance`` roll-up), which keeps this package free of the renderers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, func, insert, select

from scanner import __version__
from scanner.history import schema
from scanner.history.location import normalize_url
from scanner.history.migrate import upgrade
from scanner.history.records import ControlRecord, FindingRecord, ResourceRecord, ScanRecord
from scanner.model import InputError, fingerprint_of


class StoreError(InputError):
    """The store cannot be opened or the scan asked for is not in it: one line naming the store (exit 2)."""


def targets_key(targets: Iterable[str]) -> str:
    """One string for a set of targets: scans with equal keys are scans of the same thing."""
    return json.dumps(sorted(set(targets)))


def finding_fingerprint(finding: Mapping[str, Any]) -> str:
    """The finding's own fingerprint, or "this policy on this resource" for documents that lack one."""
    given = finding.get("fingerprint")
    if given:
        return str(given)
    return fingerprint_of(finding["policy_id"], finding["resource_id"])


def parse_time(text: str | None) -> datetime:
    """An ISO 8601 timestamp as naive UTC (how both databases store and compare it); now when absent."""
    if not text:
        return datetime.now(timezone.utc).replace(tzinfo=None)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


class Store:
    """One history database. Open with :meth:`open`; every method is one short transaction."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    @classmethod
    def open(cls, url: str) -> Store:
        """Connect to ``url`` (creating an SQLite file's directory) and upgrade its schema."""
        url = normalize_url(url)
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        try:
            engine = create_engine(url)
        except Exception as exc:  # noqa: BLE001 - bad URL or missing driver: one line naming the store
            raise StoreError(_safe(url), f"{type(exc).__name__}: {exc}") from exc
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_foreign_keys)
        try:
            with engine.begin() as connection:
                upgrade(connection)
        except Exception as exc:  # noqa: BLE001 - server down, permission denied
            engine.dispose()
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise StoreError(_safe(url), f"{type(exc).__name__}: {first_line}") from exc
        return cls(engine, url)

    @property
    def name(self) -> str:
        """The store's URL without its password, for messages."""
        return _safe(self.url)

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------------

    def record(self, document: Mapping[str, Any], key_targets: Sequence[str] | None = None) -> int:
        """Store one scan (the JSON result contract, with ``compliance``) atomically; return its id.

        ``key_targets`` (canonical forms of the targets, e.g. resolved paths) decide which scans are
        "the same targets"; the targets as given are what is shown."""
        targets = [str(t) for t in document.get("targets", ())]
        with self.engine.begin() as connection:
            scan_id = connection.execute(
                insert(schema.scans).returning(schema.scans.c.id),
                {
                    "started_at": parse_time(document.get("started_at")),
                    "finished_at": parse_time(document.get("finished_at")),
                    "targets_key": targets_key(key_targets if key_targets is not None else targets),
                    "targets": targets,
                    "command": document.get("command", ""),
                    "tool_version": (document.get("tool") or {}).get("version", __version__),
                    "policy_versions": _policy_versions(document.get("policies")),
                    "summary": document.get("summary", {}),
                },
            ).scalar_one()
            _insert_many(connection, schema.resources, _resource_rows(scan_id, document))
            _insert_many(connection, schema.findings, _finding_rows(scan_id, document))
            _insert_many(
                connection,
                schema.errors,
                [
                    {"scan_id": scan_id, "where": e["where"], "reason": e["reason"], "stage": e["stage"]}
                    for e in document.get("errors", ())
                ],
            )
            _insert_many(connection, schema.controls, _control_rows(scan_id, document))
        return int(scan_id)

    def prune(self, before: datetime) -> int:
        """Delete every scan started before ``before`` (naive UTC) with all it holds; return how many."""
        with self.engine.begin() as connection:
            ids = list(
                connection.scalars(select(schema.scans.c.id).where(schema.scans.c.started_at < before))
            )
            if ids:
                for table in (schema.resources, schema.findings, schema.errors, schema.controls):
                    connection.execute(delete(table).where(table.c.scan_id.in_(ids)))
                connection.execute(delete(schema.scans).where(schema.scans.c.id.in_(ids)))
        return len(ids)

    # -- reading ---------------------------------------------------------------------------------

    def scans(self, targets: str | None = None, limit: int | None = None) -> list[ScanRecord]:
        """Stored scans, newest first; only those with targets key ``targets`` when given."""
        query = select(schema.scans).order_by(schema.scans.c.started_at.desc(), schema.scans.c.id.desc())
        if targets is not None:
            query = query.where(schema.scans.c.targets_key == targets)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as connection:
            return [_scan_record(row) for row in connection.execute(query).mappings()]

    def scan(self, scan_id: int) -> ScanRecord:
        """One scan by id; :class:`StoreError` when the store has no such scan."""
        with self.engine.connect() as connection:
            row = (
                connection.execute(select(schema.scans).where(schema.scans.c.id == scan_id))
                .mappings()
                .first()
            )
        if row is None:
            raise StoreError(self.name, f"no scan {scan_id}")
        return _scan_record(row)

    def count(self) -> int:
        """How many scans the store holds."""
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(schema.scans)).scalar_one())

    def findings(self, scan_ids: Sequence[int]) -> list[FindingRecord]:
        """Every finding of the given scans, in scan then insertion order."""
        table = schema.findings
        query = select(table).where(table.c.scan_id.in_(list(scan_ids))).order_by(table.c.scan_id, table.c.id)
        with self.engine.connect() as connection:
            return [
                FindingRecord(**{k: v for k, v in row.items() if k != "id"})
                for row in connection.execute(query).mappings()
            ]

    def resources(self, scan_id: int) -> list[ResourceRecord]:
        """Every resource of one scan, in the order the scan found them."""
        table = schema.resources
        query = select(table).where(table.c.scan_id == scan_id).order_by(table.c.id)
        with self.engine.connect() as connection:
            return [
                ResourceRecord(**{k: v for k, v in row.items() if k != "id"})
                for row in connection.execute(query).mappings()
            ]

    def errors(self, scan_id: int) -> list[dict[str, str]]:
        """The errors one scan reported (where, reason, stage)."""
        table = schema.errors
        query = select(table.c.where, table.c.reason, table.c.stage).where(table.c.scan_id == scan_id)
        with self.engine.connect() as connection:
            return [dict(row) for row in connection.execute(query.order_by(table.c.id)).mappings()]

    def controls(self, scan_ids: Sequence[int]) -> list[ControlRecord]:
        """The control statuses of the given scans."""
        table = schema.controls
        query = select(table).where(table.c.scan_id.in_(list(scan_ids))).order_by(table.c.scan_id, table.c.id)
        with self.engine.connect() as connection:
            return [
                ControlRecord(**{k: v for k, v in row.items() if k != "id"})
                for row in connection.execute(query).mappings()
            ]


def _sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _safe(url: str) -> str:
    """The URL without its password, for error messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL has no password to hide we can find
        return url.split("@")[-1]


def _insert_many(connection: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        connection.execute(insert(table), rows)


def _policy_versions(policies: Any) -> dict[str, str]:
    """policy id → version, from the document's ``policies`` (a list of policy objects or a mapping)."""
    if isinstance(policies, Mapping):
        return {
            str(k): str(v.get("version", "") if isinstance(v, Mapping) else v) for k, v in policies.items()
        }
    return {str(p["id"]): str(p.get("version", "")) for p in policies or () if isinstance(p, Mapping)}


def _resource_rows(scan_id: int, document: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "scan_id": scan_id,
            "resource_id": r["id"],
            "provider": r["provider"],
            "kind": r["kind"],
            "resource_type": r.get("type"),
            "name": r.get("name") or r["id"],
            "account": r.get("account"),
            "region": r.get("region"),
            "source": r.get("source", {}),
            "tags": r.get("tags", {}),
            "facts": r.get("facts", {}),
            "raw": r.get("raw", {}),
        }
        for r in document.get("resources", ())
    ]


def _finding_rows(scan_id: int, document: Mapping[str, Any]) -> list[dict[str, Any]]:
    accounts = {r["id"]: (r.get("account"), r.get("region")) for r in document.get("resources", ())}
    rows = []
    for f in document.get("findings", ()):
        account, region = accounts.get(f["resource_id"], (None, None))
        rows.append(
            {
                "scan_id": scan_id,
                "fingerprint": finding_fingerprint(f),
                "policy_id": f["policy_id"],
                "resource_id": f["resource_id"],
                "provider": f["provider"],
                "account": f.get("account", account),
                "region": f.get("region", region),
                "status": f["status"],
                "severity": f["severity"],
                "suppressed": f.get("suppressed"),
                "document": dict(f),
            }
        )
    return rows


def _control_rows(scan_id: int, document: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "scan_id": scan_id,
            "framework_id": framework["id"],
            "control_id": control["id"],
            "status": control["status"],
            "reason": control.get("reason", ""),
        }
        for framework in document.get("compliance", ())
        for control in framework.get("controls", ())
    ]


def _scan_record(row: Mapping[str, Any]) -> ScanRecord:
    return ScanRecord(
        id=int(row["id"]),
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        targets=tuple(row["targets"]),
        targets_key=row["targets_key"],
        command=row["command"],
        tool_version=row["tool_version"],
        policy_versions=row["policy_versions"] or {},
        summary=row["summary"] or {},
    )

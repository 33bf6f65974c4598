"""The history store's tables (SQLAlchemy 2 Core), one row per scan, resource, finding, error and control.

The same tables serve SQLite (one file, the default) and PostgreSQL (a team's shared store). The schema
is created and upgraded only by the Alembic migrations in ``migrations/`` — never by ``create_all`` — so
a store written by an older mlscan is upgraded in place, the same way on both databases.
Timestamps are naive UTC (both databases compare them the same way); documents are JSON.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

scans = Table(
    "scans",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=False),
    # The sorted targets as one string: scans with the same key are the ones ``diff`` compares.
    Column("targets_key", String(512), nullable=False),
    Column("targets", JSON, nullable=False),
    Column("command", Text, nullable=False),
    Column("tool_version", String(64), nullable=False),
    Column("policy_versions", JSON, nullable=False),
    Column("summary", JSON, nullable=False),
    Index("ix_scans_targets_started", "targets_key", "started_at"),
)

resources = Table(
    "resources",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scan_id", Integer, ForeignKey("scans.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("resource_id", Text, nullable=False),
    Column("provider", String(16), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("resource_type", String(128)),
    Column("name", Text, nullable=False),
    Column("account", String(128)),
    Column("region", String(64)),
    Column("source", JSON, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("facts", JSON, nullable=False),
    Column("raw", JSON, nullable=False),
)

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scan_id", Integer, ForeignKey("scans.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("fingerprint", String(128), nullable=False, index=True),
    Column("policy_id", String(64), nullable=False),
    Column("resource_id", Text, nullable=False),
    Column("provider", String(16), nullable=False),
    Column("account", String(128)),
    Column("region", String(64)),
    Column("status", String(16), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("suppressed", JSON),
    # The whole finding (title, message, evidence, source, remediation), as the JSON contract has it.
    Column("document", JSON, nullable=False),
)

errors = Table(
    "errors",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scan_id", Integer, ForeignKey("scans.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("where", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("stage", String(16), nullable=False),
)

controls = Table(
    "controls",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scan_id", Integer, ForeignKey("scans.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("framework_id", String(128), nullable=False),
    Column("control_id", String(128), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=False),
)

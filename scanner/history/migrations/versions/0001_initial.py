"""The first history schema: scans and, per scan, resources, findings, errors and control statuses.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _scan_fk() -> sa.Column:
    return sa.Column(
        "scan_id", sa.Integer, sa.ForeignKey("scans.id", ondelete="CASCADE"), nullable=False, index=True
    )


def upgrade() -> None:
    op.create_table(
        "scans",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=False),
        sa.Column("targets_key", sa.String(512), nullable=False),
        sa.Column("targets", sa.JSON, nullable=False),
        sa.Column("command", sa.Text, nullable=False),
        sa.Column("tool_version", sa.String(64), nullable=False),
        sa.Column("policy_versions", sa.JSON, nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
    )
    op.create_index("ix_scans_targets_started", "scans", ["targets_key", "started_at"])
    op.create_table(
        "resources",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _scan_fk(),
        sa.Column("resource_id", sa.Text, nullable=False),
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("resource_type", sa.String(128)),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("account", sa.String(128)),
        sa.Column("region", sa.String(64)),
        sa.Column("source", sa.JSON, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("facts", sa.JSON, nullable=False),
        sa.Column("raw", sa.JSON, nullable=False),
    )
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _scan_fk(),
        sa.Column("fingerprint", sa.String(128), nullable=False, index=True),
        sa.Column("policy_id", sa.String(64), nullable=False),
        sa.Column("resource_id", sa.Text, nullable=False),
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("account", sa.String(128)),
        sa.Column("region", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("suppressed", sa.JSON),
        sa.Column("document", sa.JSON, nullable=False),
    )
    op.create_table(
        "errors",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _scan_fk(),
        sa.Column("where", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
    )
    op.create_table(
        "controls",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _scan_fk(),
        sa.Column("framework_id", sa.String(128), nullable=False),
        sa.Column("control_id", sa.String(128), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("controls", "errors", "findings", "resources", "scans"):
        op.drop_table(table)

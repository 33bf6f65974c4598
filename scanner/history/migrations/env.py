"""Alembic environment: migrations run on the connection the store hands over (never a URL from a file)."""

from __future__ import annotations

from alembic import context

from scanner.history.schema import metadata

target_metadata = metadata
connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

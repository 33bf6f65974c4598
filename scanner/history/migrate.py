"""Bring a store's schema to the newest revision with the Alembic migrations shipped in the package."""

from __future__ import annotations

from sqlalchemy.engine import Connection

SCRIPT_LOCATION = "scanner.history:migrations"


def upgrade(connection: Connection) -> None:
    """Run every migration the store has not had yet, on ``connection`` (inside its transaction)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def current_revision(connection: Connection) -> str | None:
    """The revision the store's schema is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision this mlscan ships."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None, "the history migrations are missing from the package"
    return head

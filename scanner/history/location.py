"""Where scan history lives when ``--store`` is not given: one SQLite file per user.

``$MLSCAN_STORE`` (any SQLAlchemy URL) wins; else ``$XDG_DATA_HOME/mlscan/history.db``, else
``~/.local/share/mlscan/history.db``. A PostgreSQL URL (``postgresql+psycopg://user@host/db``) is how a
team shares one history.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "MLSCAN_STORE"


def default_store_url() -> str:
    """The store URL used when none is given on the command line."""
    if os.environ.get(ENV_VAR):
        return os.environ[ENV_VAR]
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'mlscan' / 'history.db'}"


def normalize_url(url: str) -> str:
    """Accept a bare path or ``postgresql://`` and name the driver mlscan ships (psycopg 3)."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url

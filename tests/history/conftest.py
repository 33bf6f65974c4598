"""History tests run twice: against an SQLite file and against a real PostgreSQL server.

The server is a throwaway cluster under a temporary directory (Debian's ``postgresql`` package; ``.ci/run``
installs it when missing), started once per test session and listening only on a unix socket in that
directory. PostgreSQL refuses to run as root, so as root the cluster belongs to the ``postgres`` (or
``nobody``) user. Without the server binaries the PostgreSQL tests fail: they never skip.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_databases = itertools.count()


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.fail(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: "
            "apt-get update && apt-get install -y postgresql (.ci/run does this)",
            pytrace=False,
        )
    return Path(found[-1]).parent


def _as_owner(owner: str | None, argv: list[str]) -> list[str]:
    return ["runuser", "-u", owner, "--", *argv] if owner else argv


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A running PostgreSQL cluster for the session; yields the socket directory."""
    bin_dir = _postgres_bin()
    owner = None
    if os.geteuid() == 0:
        owner = next((u for u in ("postgres", "nobody") if _user_exists(u)), None)
        if owner is None:
            pytest.fail(
                "running as root and no 'postgres' or 'nobody' user to own the test cluster", pytrace=False
            )
    root = Path(tempfile.mkdtemp(prefix="mlscan-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if owner:
        for path in (root, sock):
            shutil.chown(path, owner)

    def run(*argv: str) -> None:
        subprocess.run(_as_owner(owner, list(argv)), check=True, capture_output=True, text=True)

    run(str(bin_dir / "initdb"), "-D", str(data), "-U", "mlscan", "-A", "trust", "--no-sync", "-E", "UTF8")
    options = (
        f"-c listen_addresses='' -k {sock} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start")
    try:
        yield str(sock)
    finally:
        subprocess.run(
            _as_owner(owner, [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A fresh, empty database on the session's server."""
    import psycopg

    name = f"mlscan_test_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(dbname="postgres", user="mlscan", host=postgres_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://mlscan@/{name}?host={postgres_server}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'history.db'}"
    return request.getfixturevalue("postgres_url")

"""Azurite (the Azure Storage emulator from npm) for the live-source tests: found, started, stopped.

Looked up as ``$AZURITE`` or ``azurite-blob`` on PATH or in ``$MLSCAN_AZURITE_DIR`` (default
``~/.cache/mlscan-azurite``, where ``.ci/run`` installs it with npm). In CI (``CI=true``) a missing
Azurite is a failure, never a silent skip; on a developer machine the test skips with the install line.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
INSTALL = "npm install --prefix ~/.cache/mlscan-azurite azurite@3"


def azurite_binary() -> str | None:
    """The ``azurite-blob`` executable, or None."""
    explicit = os.environ.get("AZURITE")
    if explicit:
        return explicit
    found = shutil.which("azurite-blob")
    if found:
        return found
    folder = Path(os.environ.get("MLSCAN_AZURITE_DIR", Path.home() / ".cache" / "mlscan-azurite"))
    candidate = folder / "node_modules" / ".bin" / "azurite-blob"
    return str(candidate) if candidate.exists() else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_azurite(workdir: Path) -> Iterator[str]:
    """Start Azurite's blob service on a free loopback port; yield its connection string; stop it."""
    binary = azurite_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail(f"Azurite is not installed ({INSTALL}); .ci/run installs it")
        pytest.skip(f"Azurite is not installed: {INSTALL}")
    port = _free_port()
    process = subprocess.Popen(
        [
            binary,
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            str(port),
            "--location",
            str(workdir),
            "--silent",
            "--skipApiVersionCheck",
            "--loose",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):  # bounded: up to ~30 s for node to start on a loaded machine
            if process.poll() is not None:
                pytest.fail(f"Azurite exited with {process.returncode}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        endpoint = f"http://127.0.0.1:{port}/{ACCOUNT}"
        yield (
            f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};BlobEndpoint={endpoint};"
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

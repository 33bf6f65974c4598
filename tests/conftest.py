"""Shared test configuration: where the repository and the shared corpus live."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.aws.aws_helpers import fake_aws_credentials

REPO = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """moto with the SageMaker operations it lacks (scanner/sandbox/moto_sagemaker.py), for every test."""
    try:
        from scanner.sandbox.moto_sagemaker import install
    except ImportError:  # pragma: no cover - moto is a dev dependency
        return
    install()


# -- pytest-xdist (``-n auto --dist loadgroup`` in pyproject's addopts) ---------------------------------

SHARED_SESSION_FIXTURES = {"wheel": "wheel", "fresh_venv": "wheel", "seeded_live_sources": "seeded-estates"}
"""Session fixtures too costly to build once per worker (fixture -> xdist group). A module any of whose
tests uses one runs whole on one worker with the other modules that use it (``--dist loadgroup``), so
the fixture is built once per run and the module's own module-scoped fixtures once too."""


@pytest.hookimpl(tryfirst=True)  # before xdist reads the marks (its hook appends the group to node ids)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    groups: dict[Path, str] = {}
    for item in items:
        for name in item.fixturenames:
            if name in SHARED_SESSION_FIXTURES:
                groups.setdefault(item.path, SHARED_SESSION_FIXTURES[name])
    for item in items:
        if item.path in groups:
            item.add_marker(pytest.mark.xdist_group(groups[item.path]))


_WORKER_FUZZ_CASES: Counter[str] = Counter()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist (controller): add up the fuzz cases a worker generated (tests/fuzz/conftest.py)."""
    _WORKER_FUZZ_CASES.update(getattr(node, "workeroutput", {}).get("fuzz_cases", {}))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """One line: cases per fuzz family, so the suite's reach is visible in every run; and, for
    ``make fuzz`` (tests/fuzz/run.py), this run's counts added to the JSON file ``$FUZZ_COUNTS``."""
    if hasattr(config, "workerinput"):  # an xdist worker: the controller reports
        return
    cases = Counter(_WORKER_FUZZ_CASES)
    harness = sys.modules.get("fuzz_harness")  # imported in this process when the run has no workers
    if harness is not None:
        cases.update(harness.CASES)
    if cases:
        families = ", ".join(f"{name} {n}" for name, n in sorted(cases.items()))
        terminalreporter.write_line(f"fuzz cases: {families} (total {sum(cases.values())})")
    target = os.environ.get("FUZZ_COUNTS")
    if target:
        path = Path(target)
        totals = Counter(json.loads(path.read_text())) if path.is_file() else Counter()
        totals.update(cases)
        path.write_text(json.dumps(dict(sorted(totals.items())), indent=2) + "\n")


SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository checkout."""
    return REPO


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """../shared/corpus (real public Terraform); tests that need it skip when it is absent."""
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is not beside the checkout")
    return corpus


@pytest.fixture(scope="session")
def seeded_live_sources() -> list[Any]:
    """The three clouds' live sources read from the seeded estates of ``mlscan demo`` (moto, the ARM and
    Vertex emulators) through the real adapters, once per session (SourceResult per cloud)."""
    from moto import mock_aws

    from scanner.clouds.base import LiveOptions, NullProgress
    from scanner.clouds.sources import live_source
    from scanner.sandbox.arm_emulator import start_arm_emulator
    from scanner.sandbox.aws_estate import seed_aws
    from scanner.sandbox.vertex_emulator import default_estate_path, start_vertex_emulator

    vertex_projects = json.loads(default_estate_path().read_text(encoding="utf-8"))["projects"]
    with pytest.MonkeyPatch.context() as env, mock_aws():
        fake_aws_credentials(env)
        seed_aws(None, regions=("us-east-1",))
        with start_arm_emulator() as arm, start_vertex_emulator() as vertex:
            options = LiveOptions(
                regions=("us-east-1",),
                azure_endpoint=arm.url,
                gcp_endpoint=vertex.url,
                projects=tuple(vertex_projects),
                locations=tuple({loc: None for p in vertex_projects.values() for loc in p["locations"]}),
                max_workers=4,
                extra={"gcp_retry_timeout": 0},
            )
            return [live_source(cloud, options, NullProgress()) for cloud in ("aws", "azure", "gcp")]


# The wheel is built once per session the way the README says (``pip wheel --no-deps``, PEP 517
# through setuptools), from a copy of the checkout: setuptools builds in the source tree (build/,
# *.egg-info), which must not be written by the tests. The fresh venv has no pip and no mlscan of its
# own; the wheel is installed into it with ``--no-deps`` and the project venv's site-packages supply the
# third-party dependencies (through a ``.pth`` file, which does not activate the project's editable
# install), so no network and no second dependency install.

NOT_SOURCES = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis")
NOT_SOURCES += ("mlscan-report", ".bench", ".fuzz", "node_modules")
"""What the checkout copied for the wheel build leaves out: VCS data, environments, outputs, caches."""


@pytest.fixture(scope="session")
def wheel(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """mlscan's wheel, built from (a copy of) the checkout."""
    source = tmp_path_factory.mktemp("wheel-source") / "mlscan"
    shutil.copytree(repo_root, source, ignore=shutil.ignore_patterns(*NOT_SOURCES), symlinks=True)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        text=True,
    )
    (built,) = out.glob("mlscan-*.whl")
    return built


@pytest.fixture(scope="session")
def fresh_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with the wheel installed (no editable checkout on its path)."""
    root = tmp_path_factory.mktemp("venv") / "fresh"
    venv.EnvBuilder(with_pip=False).create(root)
    python = root / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "_mlscan_test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
    )
    return root

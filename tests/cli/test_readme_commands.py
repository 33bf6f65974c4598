"""Every command the README shows runs as written, with the sample files under examples/.

Each ``mlscan`` line of the README's ``sh`` blocks is run in order (the baseline and
evidence lines depend on the lines before them) in a scratch directory holding the
repository's ``terraform/`` and ``examples/``. Commands run in-process through click's
runner to keep the suite fast; ``$VARS`` are expanded as the shell would. Live lines run
against the local fakes: moto for AWS (in-process), the ARM and Vertex emulators for Azure
and Google, reached through the ``MLSCAN_*`` endpoint variables a user never needs.
Lines that are not mlscan commands (``make``, ``pip``, ``eval``) are listed in
NOT_RUN_HERE with where they are tested; a stale entry fails the test.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from tests.aws.aws_helpers import fake_aws_credentials

REPO = Path(__file__).resolve().parents[2]

NOT_RUN_HERE = {
    "make demo": "the Makefile target every engineer runs; the demo scan itself is `mlscan demo`",
    "make test": "this test suite",
    ". .venv/bin/activate": "the console script is on PATH in the subprocess tests",
    "pip install": "needs the network; tests/test_packaging.py installs the wheel in a fresh venv",
    "python -m pip wheel": "tests/test_packaging.py builds the wheel the same way",
    "python -m pip install": "tests/test_packaging.py installs the wheel in a fresh venv",
    "mlscan --version": "tests/test_packaging.py runs it from the installed wheel",
    "eval": "tests/cli/test_config.py checks the completion scripts click generates",
    "_MLSCAN_COMPLETE": "tests/cli/test_config.py checks the completion scripts click generates",
}


def readme_lines(document: str = "README.md") -> list[str]:
    """The command lines of every ```sh block of the README (or another document), comments stripped."""
    text = (REPO / document).read_text(encoding="utf-8")
    lines: list[str] = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M):
        for line in block.splitlines():
            command = " ".join(shlex.split(line, comments=True))
            if command:
                lines.append(line.strip())
    return lines


def _not_run(line: str) -> str | None:
    return next((prefix for prefix in NOT_RUN_HERE if line.startswith(prefix)), None)


@pytest.fixture()
def fakes(monkeypatch: pytest.MonkeyPatch):
    """moto in-process plus the ARM and Vertex emulators; yields the variables the README names."""
    from moto import mock_aws

    from scanner.sandbox.arm_emulator import start_arm_emulator
    from scanner.sandbox.vertex_emulator import default_estate_path, start_vertex_emulator

    fake_aws_credentials(monkeypatch)
    vertex_estate = json.loads(default_estate_path().read_text(encoding="utf-8"))
    with mock_aws(), start_arm_emulator() as arm, start_vertex_emulator() as vertex:
        yield {
            "MLSCAN_AZURE_ENDPOINT": arm.url,
            "MLSCAN_GCP_ENDPOINT": vertex.url,
            "AZURE_SUBSCRIPTION_ID": arm.subscriptions[0],
            "GOOGLE_CLOUD_PROJECT": next(iter(vertex_estate["projects"])),
        }


def test_every_readme_command_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fakes) -> None:
    for name in ("terraform", "examples"):
        (tmp_path / name).symlink_to(REPO / name)
    monkeypatch.chdir(tmp_path)
    lines = readme_lines()
    used = {prefix for line in lines if (prefix := _not_run(line))}
    assert used == set(NOT_RUN_HERE), f"stale NOT_RUN_HERE entries: {set(NOT_RUN_HERE) - used}"
    env = {**fakes}
    run_lines([line for line in lines if not _not_run(line)], env)
    assert (tmp_path / "mlscan.sarif").is_file() and (tmp_path / "out" / "mlscan.html").is_file()
    assert (tmp_path / ".mlscan-baseline.json").is_file() and (
        tmp_path / "evidence" / "manifest.json"
    ).is_file()


def test_every_ci_doc_command_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fakes) -> None:
    """docs/ci.md's commands, in a checkout whose infra/ is a reference stack and whose
    .mlscan-waivers.yaml is the waivers file the page shows."""
    (tmp_path / "infra").symlink_to(REPO / "terraform" / "insecure" / "aws")
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    waivers = next(b for b in re.findall(r"^```yaml\n(.*?)^```", text, flags=re.S | re.M) if "waivers:" in b)
    (tmp_path / ".mlscan-waivers.yaml").write_text(waivers, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    lines = readme_lines("docs/ci.md")
    assert any(line.startswith("mlscan scan") for line in lines)
    run_lines(lines, {**fakes})
    assert (tmp_path / ".mlscan-baseline.json").is_file()
    assert {p.name for p in (tmp_path / "live-report").iterdir()} >= {"mlscan.json", "mlscan.ocsf.json"}


def run_lines(lines: list[str], env: dict[str, str]) -> None:
    """Run each mlscan line in-process, as the shell would expand it; exit 0 or 1 and some output."""
    for line in lines:
        expanded = os.path.expandvars(line) if "$" in line else line
        for name, value in env.items():
            expanded = expanded.replace(f"${name}", value)
        argv = shlex.split(expanded, comments=True)
        assert argv[0] == "mlscan", f"README line is neither an mlscan command nor listed: {line}"
        assert not {"|", ">", "<", "&&"} & set(argv), f"shell syntax in a README command: {line}"
        result = CliRunner().invoke(main, argv[1:], env=env, catch_exceptions=False)
        assert result.exit_code in (0, 1), f"{line}\nexit {result.exit_code}\n{result.output}"
        assert result.output.strip(), f"{line} printed nothing"
        assert "expired on" not in result.output, f"{line}: a documented waiver has expired"
        assert "waiver unused" not in result.output, f"{line}: a documented waiver matches nothing"


def test_no_documented_command_redirects_when_pasted() -> None:
    """A placeholder such as ``<sha256>`` in a shell line would be a redirection: docs use ``"$VAR"``."""
    documents = ["README.md", *(str(p.relative_to(REPO)) for p in sorted((REPO / "docs").glob("*.md")))]
    for document in documents:
        for line in readme_lines(document):
            code = shlex.split(line, comments=True)
            assert not [w for w in code if re.match(r"<[A-Za-z]", w)], f"{document}: {line}"

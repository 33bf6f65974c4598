"""No output of the seeded test estates (every format, the evidence pack, stdout and stderr) holds a secret.

The estates of ``mlscan demo`` (moto, the ARM and Vertex emulators, the bundled Terraform)
are scanned through the real adapters and finished by the real application layer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scanner.app import OutputOptions, finish
from scanner.cli import main
from scanner.clouds.sources import terraform_source
from scanner.paths import terraform_examples_dir
from scanner.pipeline import run_scan
from scanner.policy.loader import load_policies
from scanner.report.formats import FILE_FORMATS

SANDBOX = Path(__file__).resolve().parents[1] / "scanner" / "sandbox"
SEEDED = {
    "aws_estate.py": ["hf_not_a_real_token", "0123456789abcdef0123", "hf_aws_argument_secret"],
    "data/azure_estate.json": [
        "tok-9f8e7d6c5b4a",
        "wandb-secret-123",
        "P@ssw0rd-do-not-leak",
        "sk-live-abcdef0123456789",
        "hunter2",
        "wJalrXUtnFEMI/K7MDENG",
        "sk-azure-cmd-secret",
        "azure-cmd-pw",
    ],
    "data/vertex_estate.json": [
        "wandb-secret-123",
        "hf_supersecret",
        "hunter2",
        "hf_notebook_secret",
        "hf_abc123",
        "sk-xyz",
    ],
}
SECRETS = sorted({s for values in SEEDED.values() for s in values})


def test_every_listed_secret_is_really_seeded() -> None:
    for name, values in SEEDED.items():
        text = (SANDBOX / name).read_text(encoding="utf-8")
        assert all(value in text for value in values), name


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory, seeded_live_sources: list[Any]) -> dict[str, str]:
    out = tmp_path_factory.mktemp("outputs")
    sources = [*seeded_live_sources]
    sources.append(terraform_source([terraform_examples_dir()]))
    result = run_scan(sources, load_policies())
    assert {r.provider for r in result.resources} == {"aws", "azure", "gcp"}
    options = OutputOptions(
        formats=tuple(FILE_FORMATS),
        output=None,
        output_dir=str(out / "reports"),
        fail_on="never",
        quiet=True,
        evidence=str(out / "evidence"),
    )
    finish(result, options)
    # The raw result as saved by --format json, re-rendered by the CLI: console and stderr too.
    saved = out / "reports" / FILE_FORMATS["json"].filename
    # (into the scratch directory, so the re-rendered JSON is checked too and the checkout stays clean)
    rerendered = ["--format", "console", "--format", "json", "--output-dir", str(out / "rerendered")]
    run = CliRunner().invoke(main, ["report", str(saved), *rerendered])
    assert run.exit_code == 0, run.output
    texts = {str(p.relative_to(out)): p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file()}
    texts["stdout+stderr"] = run.output
    return texts


def test_outputs_cover_every_format_and_the_evidence_pack(outputs: dict[str, str]) -> None:
    assert all(f"reports/{FILE_FORMATS[f].filename}" in outputs for f in FILE_FORMATS)
    assert any(name.startswith("evidence/") for name in outputs)
    data = json.loads(outputs[f"reports/{FILE_FORMATS['json'].filename}"])
    assert "***REDACTED***" in json.dumps(data["resources"])  # secrets were there, and were hidden


@pytest.mark.parametrize("secret", SECRETS)
def test_no_seeded_secret_reaches_any_output(outputs: dict[str, str], secret: str) -> None:
    leaked = [name for name, text in outputs.items() if secret in text]
    assert not leaked, f"{secret!r} leaked into {leaked}"

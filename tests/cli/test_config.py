"""Settings: .mlscan.yaml (found upward, --config), MLSCAN_* variables, precedence, choices, completion, catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from scanner.cli import COMMANDS, main
from scanner.cli.config import find_config

REPO = Path(__file__).resolve().parents[2]
STACK = str(REPO / "terraform" / "insecure" / "aws")


def run(args: list[str], env: dict[str, str] | None = None):
    return CliRunner().invoke(main, args, env=env or {}, catch_exceptions=False)


def fail_on_seen(args: list[str], env: dict[str, str] | None = None) -> int:
    """Exit code of a scan of an insecure stack: 1 when --fail-on high applies, 0 for never."""
    return run(["iac", STACK, "-q", *args], env).exit_code


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root with a .mlscan.yaml, the working directory one level below it."""
    (tmp_path / ".mlscan.yaml").write_text("fail-on: never\n")
    below = tmp_path / "infra" / "modules"
    below.mkdir(parents=True)
    monkeypatch.chdir(below)
    return tmp_path


def test_config_is_found_upward_from_the_working_directory(project: Path) -> None:
    assert find_config(Path.cwd()) == project / ".mlscan.yaml"
    assert fail_on_seen([]) == 0


def test_precedence_command_line_over_environment_over_file(project: Path) -> None:
    assert fail_on_seen([], {"MLSCAN_FAIL_ON": "high"}) == 1
    assert fail_on_seen(["--fail-on", "never"], {"MLSCAN_FAIL_ON": "high"}) == 0
    (project / ".mlscan.yaml").write_text("fail-on: high\n")
    assert fail_on_seen([], {"MLSCAN_FAIL_ON": "never"}) == 0
    assert fail_on_seen(["--fail-on", "never"]) == 0
    assert fail_on_seen([]) == 1


def test_explicit_config_file_and_command_section(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "ci.yaml"
    other.write_text("fail-on: never\niac:\n  fail-on: high\nreport:\n  fail-on: never\n")
    assert fail_on_seen(["--config", str(other)]) == 1
    assert fail_on_seen([], {"MLSCAN_CONFIG": str(other)}) == 1


def test_paths_in_the_file_are_relative_to_it_and_lists_work(project: Path) -> None:
    (project / "sarif-out").mkdir()
    (project / ".mlscan.yaml").write_text(
        "fail-on: never\nformat: [SARIF, json]\noutput-dir: sarif-out\n"
        f"policies: [{REPO / 'examples' / 'policies'}]\npolicy: ['ACME-*']\n"
    )
    result = run(["iac", str(REPO / "terraform" / "insecure")])
    assert result.exit_code == 0, result.output
    document = json.loads((project / "sarif-out" / "mlscan.json").read_text())
    policies = {f["policy_id"] for f in document["findings"]}
    assert policies and all(p.startswith("ACME-") for p in policies)
    assert (project / "sarif-out" / "mlscan.sarif").is_file()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fail-on: sometimes\n", ".mlscan.yaml:1: fail-on"),
        ("quiet: true\nfail_onn: high\n", ".mlscan.yaml:2: unknown option 'fail_onn'"),
        ("iac:\n  regions: [us-east-1]\n", ".mlscan.yaml:2: unknown option 'regions'"),
        ("- fail-on\n", "expected a mapping"),
        ("fail-on: [high, low]\n", "takes one value"),
    ],
)
def test_bad_settings_name_the_file_and_line(project: Path, text: str, expected: str) -> None:
    (project / ".mlscan.yaml").write_text(text)
    result = run(["iac", STACK])
    assert result.exit_code == 2 and expected in result.output, result.output


def test_a_shared_file_may_hold_options_of_other_commands(project: Path) -> None:
    (project / ".mlscan.yaml").write_text("fail-on: never\nregions: [us-east-1]\n")
    assert fail_on_seen([]) == 0


def test_every_option_of_every_command_has_a_variable() -> None:
    ctx = click.Context(main, info_name="mlscan")
    checked = 0
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        leaves = [(name, command)]
        if isinstance(command, click.Group):
            leaves = [(f"{name} {sub}", c) for sub, c in command.commands.items()]
        for path, leaf in leaves:
            for param in leaf.params:
                if isinstance(param, click.Option) and param.name != "help":
                    assert str(param.envvar).startswith("MLSCAN_"), (path, param.name)
                    checked += 1
            if " " in path:
                nested = [
                    p.envvar for p in leaf.params if isinstance(p, click.Option) and p.name != "config_file"
                ]
                prefix = "MLSCAN_" + path.upper().replace(" ", "_") + "_"
                assert all(str(e).startswith(prefix) for e in nested), (path, nested)
    assert checked > len(COMMANDS)


def test_variable_names_follow_the_long_option() -> None:
    help_text = run(["iac", "--help"]).output
    for variable in ("MLSCAN_FAIL_ON", "MLSCAN_FORMAT", "MLSCAN_SKIP_POLICY", "MLSCAN_CONFIG"):
        assert variable in help_text
    assert "MLSCAN_POLICY_LIST_FORMAT" in run(["policy", "list", "--help"]).output


def test_choices_are_case_insensitive(tmp_path: Path) -> None:
    result = run(["iac", STACK, "--format", "JSON", "--fail-on", "Never", "--severity", "HIGH"])
    assert result.exit_code == 0 and json.loads(result.output)["findings"]


def test_policy_list_json_is_the_catalogue() -> None:
    result = run(["policy", "list", "--format", "json"])
    assert result.exit_code == 0
    catalogue = json.loads(result.output)
    assert len(catalogue) == len(list((REPO / "policies").glob("MLS-*.yaml")))
    first = yaml.safe_load((REPO / "policies" / f"{catalogue[0]['id']}.yaml").read_text())
    assert catalogue[0]["title"] == first["title"] and catalogue[0]["severity"] == first["severity"]
    assert all(entry["controls"] for entry in catalogue if entry["category"] == "encryption")


def test_shell_completion_completes_commands_and_choices() -> None:
    env = {"_MLSCAN_COMPLETE": "bash_complete", "COMP_WORDS": "mlscan i", "COMP_CWORD": "1"}
    result = CliRunner().invoke(main, [], prog_name="mlscan", env=env)
    assert "iac" in result.output
    env = {"_MLSCAN_COMPLETE": "bash_complete", "COMP_WORDS": "mlscan iac . --fail-on h", "COMP_CWORD": "4"}
    assert "high" in CliRunner().invoke(main, [], prog_name="mlscan", env=env).output
    source = CliRunner().invoke(main, [], prog_name="mlscan", env={"_MLSCAN_COMPLETE": "bash_source"})
    assert "_mlscan_completion" in source.output

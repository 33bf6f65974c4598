"""The file-system side of Terraform input (issue 11): every file that cannot be read is an error entry.

A directory named ``x.tf``, a file or directory without read permission, a dangling symlink,
a symlink loop (file or directory) and a FIFO named ``*.tf`` or ``terraform.tfvars`` each give
one error naming it, never a hang or a traceback, and the good module beside them still loads.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.iac.loader import load_paths

REPO = Path(__file__).resolve().parents[2]
GOOD = REPO / "terraform" / "insecure" / "aws" / "main.tf"


def _good_addresses() -> set[str]:
    return {r.address for r in load_paths([GOOD.parent]).resources}


@pytest.fixture
def hostile_tree(tmp_path: Path) -> Path:
    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(GOOD, good / "main.tf")
    (tmp_path / "x.tf").mkdir()
    (good / "dangling.tf").symlink_to(good / "nowhere.tf")
    (good / "loop.tf").symlink_to(good / "loop.tf")
    (good / "up").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(good / "pipe.tf")
    os.mkfifo(good / "terraform.tfvars")
    os.mkfifo(good / "plan.json")
    return tmp_path


def test_unreadable_inputs_are_named_errors_and_the_good_module_loads(hostile_tree: Path) -> None:
    load = load_paths([hostile_tree])  # a FIFO opened for reading would block here forever
    errors = {Path(e.where).name: e.reason for e in load.errors}
    assert errors == {
        "x.tf": "is a directory named *.tf, not a Terraform file",
        "up": "symlink loop (links to a parent directory)",
        "dangling.tf": f"dangling symlink (to {hostile_tree / 'good' / 'nowhere.tf'})",
        "loop.tf": "symlink loop",
        "pipe.tf": "not a regular file (fifo)",
        "terraform.tfvars": "not a regular file (fifo)",
    }
    assert {r.address for r in load.resources} == _good_addresses()


def test_a_fifo_or_directory_given_by_name_is_an_error(hostile_tree: Path) -> None:
    load = load_paths([hostile_tree / "good" / "pipe.tf", hostile_tree / "good" / "plan.json"])
    assert [e.reason for e in load.errors] == ["not a regular file (fifo)", "not a regular file (fifo)"]


_PROBE = """
import sys
from scanner.iac.loader import load_paths
load = load_paths([sys.argv[1]])
print(sorted(r.address for r in load.resources))
for e in load.errors:
    print(e.where, "|", e.reason)
"""


def _as_unprivileged(root: Path) -> list[str]:
    """Run the loader where file modes bind: as a normal user directly; as root, via setpriv without
    CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH (root ignores chmod 000 otherwise)."""
    command = [sys.executable, "-c", _PROBE, str(root)]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root and setpriv (util-linux) is missing: cannot drop CAP_DAC_OVERRIDE")
        caps = "-dac_override,-dac_read_search"
        command = [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}", *command]
    run = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout.splitlines()


def test_permission_denied_file_and_directory_are_errors(tmp_path: Path) -> None:
    module = tmp_path / "module"
    module.mkdir()
    shutil.copy(GOOD, module / "main.tf")
    (module / "locked.tf").write_text('resource "aws_sagemaker_model" "hidden" {}\n')
    (module / "locked.tf").chmod(0)
    closed = tmp_path / "closed"
    closed.mkdir()
    (closed / "main.tf").write_text('resource "aws_sagemaker_model" "inside" {}\n')
    closed.chmod(0)
    try:
        lines = _as_unprivileged(tmp_path)
    finally:
        closed.chmod(0o755)
        (module / "locked.tf").chmod(0o644)
    assert lines[0] == str(sorted(_good_addresses()))
    assert f"{closed} | cannot list directory: Permission denied" in lines
    assert f"{module / 'locked.tf'} | cannot read: Permission denied" in lines


def test_a_plan_beside_its_tf_sources_is_read_only_when_named(tmp_path: Path) -> None:
    shutil.copy(GOOD, tmp_path / "main.tf")
    shutil.copy(REPO / "terraform" / "plans" / "aws-insecure.json", tmp_path / "plan.json")
    walked = load_paths([tmp_path])
    assert {r.source.kind for r in walked.resources} == {"hcl"}  # each resource once
    named = load_paths([tmp_path, tmp_path / "plan.json"])
    assert {r.source.kind for r in named.resources} == {"hcl", "plan"}
    plans_only = tmp_path / "plans"
    plans_only.mkdir()
    shutil.copy(tmp_path / "plan.json", plans_only / "plan.json")
    assert {r.source.kind for r in load_paths([plans_only]).resources} == {"plan"}

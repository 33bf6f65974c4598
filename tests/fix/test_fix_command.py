"""`mlscan fix` end to end: the diff applies, --write edits, replacing fixes wait for --allow-replace,
and values held in variables are fixed where the variable gets its value."""

from __future__ import annotations

import shutil
import subprocess

from click.testing import CliRunner

from scanner.cli import main


def _copy(repo_root, tmp_path, cloud="aws"):
    target = tmp_path / cloud
    shutil.copytree(repo_root / "terraform" / "insecure" / cloud, target)
    return target


def _run(*args):
    return CliRunner().invoke(main, ["fix", *map(str, args)])


def test_the_default_diff_applies_with_patch_and_leaves_the_files_alone(repo_root, tmp_path, monkeypatch):
    tree = _copy(repo_root, tmp_path)
    original = (tree / "main.tf").read_text()
    monkeypatch.chdir(tmp_path)
    result = _run("aws")
    assert result.exit_code == 0, result.output
    assert (tree / "main.tf").read_text() == original
    diff = result.stdout
    assert diff.startswith("--- a/aws/main.tf\n+++ b/aws/main.tf\n")
    assert '+  root_access = "Disabled"' in diff
    assert "kms_key_id" not in diff  # notebook KMS is ForceNew: needs --allow-replace
    assert "needs --allow-replace" in result.stderr
    patch = shutil.which("patch")
    if patch:
        subprocess.run([patch, "-p1", "-s", "-d", str(tmp_path)], input=diff, text=True, check=True)
        assert 'root_access = "Disabled"' in (tree / "main.tf").read_text()


def test_write_edits_in_place_and_a_second_run_has_nothing_left_in_place(repo_root, tmp_path):
    tree = _copy(repo_root, tmp_path)
    assert _run("--write", tree).exit_code == 0
    assert 'root_access = "Disabled"' in (tree / "main.tf").read_text()
    again = _run(tree)
    assert again.exit_code == 0
    assert again.stdout == ""
    assert "0 of" in again.stderr.splitlines()[-1]


def test_allow_replace_writes_replacing_fixes_with_new_variables(repo_root, tmp_path):
    tree = _copy(repo_root, tmp_path)
    result = _run("--allow-replace", "--policy", "MLS-ENC-002", tree)
    assert result.exit_code == 0
    assert "+  kms_key_id = var.notebook_kms_key_arn" in result.stdout
    assert '+variable "notebook_kms_key_arn" {' in result.stdout
    assert "default" not in result.stdout  # never a made-up key
    assert "[replacement]" in result.stderr


def test_a_value_from_a_variable_is_fixed_in_tfvars_or_its_default(tmp_path):
    (tmp_path / "main.tf").write_text(
        'variable "root" {\n  default = "Enabled"\n}\n\nvariable "internet" {\n  default = "Enabled"\n}\n\n'
        'resource "aws_sagemaker_notebook_instance" "n" {\n  name                   = "n"\n'
        '  role_arn               = "arn:aws:iam::111122223333:role/r"\n  instance_type          = "ml.t3.medium"\n'
        "  root_access            = var.root\n  direct_internet_access = var.internet\n}\n"
    )
    (tmp_path / "terraform.tfvars").write_text('internet = "Enabled"\n')
    result = _run("--allow-replace", "--policy", "MLS-HRD-001", "--policy", "MLS-NET-003", tmp_path)
    assert result.exit_code == 0
    assert '-  default = "Enabled"\n+  default = "Disabled"' in result.stdout
    assert '-internet = "Enabled"\n+internet = "Disabled"' in result.stdout
    assert "root_access            = var.root" in result.stdout  # the reference stays


def test_a_child_module_input_is_left_to_the_caller(tmp_path):
    child = tmp_path / "modules" / "nb"
    child.mkdir(parents=True)
    (child / "main.tf").write_text(
        'variable "root" {\n  default = "Enabled"\n}\n\nresource "aws_sagemaker_notebook_instance" "n" {\n'
        '  name          = "n"\n  role_arn      = "arn:aws:iam::111122223333:role/r"\n'
        '  instance_type = "ml.t3.medium"\n  root_access   = var.root\n}\n'
    )
    (tmp_path / "main.tf").write_text('module "nb" {\n  source = "./modules/nb"\n  root   = "Enabled"\n}\n')
    result = _run("--policy", "MLS-HRD-001", tmp_path)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "caller of this module must set input root" in result.stderr


def test_an_endpoint_is_fixed_through_its_configuration(repo_root, tmp_path):
    tree = _copy(repo_root, tmp_path)
    result = _run("--allow-replace", "--policy", "MLS-HRD-008", tree)
    assert (
        result.stdout.count("+    initial_instance_count = 2") == 2
    )  # classifier (via the endpoint) and canary
    assert "UpdateEndpoint" in result.stderr


def test_a_missing_path_is_exit_2(tmp_path):
    result = _run(tmp_path / "nope")
    assert result.exit_code == 2

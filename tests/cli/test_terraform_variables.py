"""--var-file and --var as in Terraform: after terraform.tfvars / *.auto.tfvars, in command-line order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main

MODULE = {
    "main.tf": """
variable "kms" {
  type    = string
  default = "default"
}
variable "isolated" {
  type = bool
}
variable "subnets" {
  type = list(string)
}
resource "aws_sagemaker_model" "m" {
  name                     = "m"
  execution_role_arn       = "arn:aws:iam::111122223333:role/m"
  enable_network_isolation = var.isolated
  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/m:1"
  }
  vpc_config {
    subnets            = var.subnets
    security_group_ids = ["sg-1"]
  }
}
resource "aws_sagemaker_notebook_instance" "lab" {
  name          = "lab"
  role_arn      = "arn:aws:iam::111122223333:role/lab"
  instance_type = "ml.t3.medium"
  kms_key_id    = var.kms
}
""",
    "terraform.tfvars": 'kms = "tfvars"\n',
    "a.auto.tfvars": 'kms = "auto"\n',
    "prod.tfvars": 'kms = "prod"\n',
    "ci.tfvars.json": '{"kms": "ci-json"}',
}


@pytest.fixture()
def module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, text in MODULE.items():
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    for name in ("MLSCAN_VAR", "MLSCAN_VAR_FILE", "MLSCAN_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def _scan(*args: str, env: dict[str, str] | None = None) -> dict[str, dict]:
    result = CliRunner().invoke(main, ["iac", ".", "--format", "json", "--fail-on", "never", *args], env=env)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    return {r["name"]: r for r in document["resources"]}


def _kms(*args: str, env: dict[str, str] | None = None) -> str:
    return _scan(*args, env=env)["lab"]["facts"]["encryption.key_id"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), "auto"),
        (("--var-file", "prod.tfvars"), "prod"),
        (("--var", "kms=cli"), "cli"),
        (("--var", "kms=cli", "--var-file", "prod.tfvars"), "prod"),
        (("--var-file", "prod.tfvars", "--var", "kms=cli"), "cli"),
        (("--var-file", "prod.tfvars", "--var=kms=cli", "--var-file=ci.tfvars.json"), "ci-json"),
        (("--var", "kms=a", "--var", "kms=b"), "b"),
    ],
)
def test_precedence_is_terraforms(module: Path, args: tuple[str, ...], expected: str) -> None:
    assert _kms(*args) == expected


def test_provenance_names_the_var_file_and_the_var(module: Path) -> None:
    lab = _scan("--var-file", "prod.tfvars")["lab"]
    assert "var.kms = tfvars prod.tfvars:1:1" in lab["provenance"]["encryption.key_id"]["via"]
    lab = _scan("--var", "kms=cli")["lab"]
    assert "var.kms = --var kms" in lab["provenance"]["encryption.key_id"]["via"]


def test_values_take_the_declared_type(module: Path) -> None:
    unset = _scan()["m"]["facts"]
    assert unset["network.egress_restricted"] is None
    model = _scan("--var", "isolated=true", "--var", 'subnets=["subnet-1"]')["m"]["facts"]
    assert model["network.egress_restricted"] is True  # "true" typed as the bool the variable declares
    assert model["network.private"] is True


def test_config_file_and_environment(module: Path) -> None:
    (module / ".mlscan.yaml").write_text("iac:\n  var-file: [prod.tfvars]\n")
    assert _kms() == "prod"
    assert _kms(env={"MLSCAN_VAR": "kms=env"}) == "env"  # files, then values, when not on the line
    assert _kms("--var-file", "ci.tfvars.json") == "ci-json"  # the command line replaces the file's list
    (module / ".mlscan.yaml").write_text('var: ["kms=yaml"]\n')
    assert _kms() == "yaml"
    assert _kms(env={"MLSCAN_VAR_FILE": "prod.tfvars"}) == "yaml"


def test_tf_var_environment_is_below_every_tfvars_file_and_var(module: Path) -> None:
    env = {"TF_VAR_kms": "env", "TF_VAR_isolated": "true", "TF_VAR_subnets": '["subnet-1"]'}
    assert _kms(env=env) == "auto"  # terraform.tfvars and *.auto.tfvars win over the environment
    (module / "terraform.tfvars").unlink()
    (module / "a.auto.tfvars").unlink()
    resources = _scan(env=env)
    assert resources["lab"]["facts"]["encryption.key_id"] == "env"
    assert "var.kms = TF_VAR_kms" in resources["lab"]["provenance"]["encryption.key_id"]["via"]
    assert resources["m"]["facts"]["network.egress_restricted"] is True  # typed like a --var value
    assert resources["m"]["facts"]["network.private"] is True
    assert _kms("--var", "kms=cli", env=env) == "cli"
    assert _kms("--var-file", "prod.tfvars", env=env) == "prod"
    assert _kms(env={"TF_VAR_KMS": "other-case"}) == "default"  # the name is case-sensitive
    one_file = CliRunner().invoke(main, ["iac", "main.tf", "--format", "json"], env=env)
    lab = next(r for r in json.loads(one_file.stdout)["resources"] if r["name"] == "lab")
    assert lab["facts"]["encryption.key_id"] == "env"  # a file named alone reads the environment too


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--var-file", "bad.tfvars"), "bad.tfvars:2:7: --var-file: invalid HCL"),
        (("--var-file", "bad.tfvars.json"), "bad.tfvars.json:1:1: --var-file: invalid Terraform JSON"),
        (("--var", "kms"), "--var kms: expected NAME=VALUE"),
        (("--var-file", "missing.tfvars"), "does not exist"),
    ],
)
def test_bad_var_input_is_exit_2_with_where(module: Path, args: tuple[str, ...], message: str) -> None:
    (module / "bad.tfvars").write_text('kms = "x"\nkms = = 1\nok = 2\n')
    (module / "bad.tfvars.json").write_text('{"kms": ')
    result = CliRunner().invoke(main, ["iac", ".", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_fix_reads_the_same_variables(module: Path) -> None:
    result = CliRunner().invoke(main, ["fix", ".", "--var", "kms=arn:aws:kms:us-east-1:111122223333:key/k"])
    assert result.exit_code == 0, result.output

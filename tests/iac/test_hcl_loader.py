"""The HCL face of the Terraform loader on a real module: variables, tfvars, locals, references, skips."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.iac.loader import load_paths
from scanner.iac.values import Ref, Unknown, as_bool, block, blocks, is_set

FIXTURES = Path(__file__).parent / "fixtures"


def _by_address(load):
    return {r.address: r for r in load.resources}


def test_tfvars_override_variable_defaults_and_locals_resolve():
    nb = _by_address(load_paths([FIXTURES / "module"]))["aws_sagemaker_notebook_instance.nb"]
    assert nb.attrs["direct_internet_access"] == "Enabled"  # terraform.tfvars beats the default
    assert nb.attrs["name"] == "ml-Enabled-nb"
    assert nb.attrs["tags"] == {"team": "ml", "env": "prod"}


def test_references_become_refs_and_unresolvable_values_stay_unknown():
    nb = _by_address(load_paths([FIXTURES / "module"]))["aws_sagemaker_notebook_instance.nb"]
    assert nb.attrs["kms_key_id"] == Ref("aws_kms_key.k.arn")
    assert nb.attrs["kms_key_id"].address == "aws_kms_key.k"
    assert isinstance(nb.attrs["subnet_id"], Unknown)  # variable without default
    assert is_set(nb.attrs["subnet_id"]) is None
    assert is_set(nb.attrs["kms_key_id"]) is True
    assert set(nb.references) == {"aws_iam_role.role", "aws_kms_key.k"}


def test_block_line_numbers_and_file_are_recorded():
    nb = _by_address(load_paths([FIXTURES / "module"]))["aws_sagemaker_notebook_instance.nb"]
    assert nb.source.kind == "hcl"
    assert nb.source.file.endswith("main.tf")
    lines = (FIXTURES / "module" / "main.tf").read_text().splitlines()
    assert lines[nb.source.line - 1].startswith('resource "aws_sagemaker_notebook_instance" "nb"')


def test_count_zero_drops_the_resource():
    assert "aws_sagemaker_model.gone" not in _by_address(load_paths([FIXTURES / "module"]))


def test_dynamic_blocks_expand_when_for_each_resolves_and_nested_blocks_read():
    cfg = _by_address(load_paths([FIXTURES / "module"]))["aws_sagemaker_endpoint_configuration.cfg"]
    # for_each is a conditional: not evaluated, so the block's presence is unknown
    assert isinstance(block(cfg.attrs, "data_capture_config"), Unknown)
    # for_each = [1] is a literal list: one block with its nested content
    (async_config,) = blocks(cfg.attrs, "async_inference_config")
    assert block(async_config, "output_config")["s3_output_path"] == "s3://bucket/out"


def test_jsonencode_of_a_literal_policy_document_resolves_to_its_structure():
    inline = _by_address(load_paths([FIXTURES / "module"]))["aws_iam_role_policy.inline"]
    assert inline.attrs["policy"]["Statement"][0]["Action"] == "*"
    assert inline.attrs["role"] == Ref("aws_iam_role.role.id")


def test_inline_skip_needs_a_reason():
    load = load_paths([FIXTURES / "module"])
    nb = _by_address(load)["aws_sagemaker_notebook_instance.nb"]
    assert [(s.policy_id, s.reason) for s in nb.suppressions] == [
        ("MLS-HRD-001", "root needed for GPU drivers, approved in SEC-42")
    ]
    unskipped = _by_address(load)["aws_sagemaker_notebook_instance.unskipped"]
    assert unskipped.suppressions == ()
    assert any("a reason is required" in e.reason and e.where.endswith(":64") for e in load.errors)


def test_malformed_file_is_one_error_with_its_line_and_others_still_load():
    load = load_paths([FIXTURES / "broken.tf", FIXTURES / "module"])
    broken = [e for e in load.errors if "broken.tf" in e.where]
    assert len(broken) == 1
    assert broken[0].where.endswith("broken.tf:3:10")  # file:line:column of the bad token
    assert broken[0].reason.startswith("invalid HCL")
    assert "aws_sagemaker_notebook_instance.nb" in _by_address(load)


def test_missing_path_is_an_error_not_a_crash(tmp_path):
    load = load_paths([tmp_path / "nope"])
    assert load.resources == ()
    assert load.errors[0].reason == "no such file or directory"


def test_as_bool_resolves_provider_defaults_only_when_absent():
    assert as_bool(None, True) is True
    assert as_bool("false", True) is False
    assert as_bool(Ref("aws_x.y.z"), True) is None
    assert as_bool(Unknown("var.x"), False) is None


def test_heredocs_are_literal_text_and_indented_ones_are_dedented(tmp_path):
    tf = tmp_path / "main.tf"
    tf.write_text(
        'variable "bucket" {\n  default = "data"\n}\n'
        'resource "aws_iam_role_policy" "p" {\n'
        "  policy = <<-EOF\n"
        '    {"Statement": [{"Action": "s3:*", "Resource": "arn:aws:s3:::${var.bucket}/*"}]}\n'
        "    EOF\n"
        "  plain = <<EOT\n"
        '{"a": "b"}\n'
        "EOT\n"
        "}\n"
    )
    (policy,) = load_paths([tf]).resources
    assert policy.attrs["policy"] == '{"Statement": [{"Action": "s3:*", "Resource": "arn:aws:s3:::data/*"}]}'
    assert policy.attrs["plain"] == '{"a": "b"}'


def test_hidden_directories_are_not_walked(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_sagemaker_model" "kept" {\n  name = "kept"\n}\n')
    hidden = tmp_path / ".terraform" / "modules" / "vendored"
    hidden.mkdir(parents=True)
    (hidden / "main.tf").write_text('resource "aws_sagemaker_model" "vendored" {\n  name = "x"\n}\n')
    assert [r.address for r in load_paths([tmp_path]).resources] == ["aws_sagemaker_model.kept"]


@pytest.mark.parametrize(
    ("header", "line"),
    [
        ('variable \nresource "aws_sagemaker_model" "m" {', 2),  # would read as a variable with 3 labels
        ('resource "aws_sagemaker_model"\n"m" {', 2),
        ('resource "aws_sagemaker_model" "m"\n{', 2),
        ('variable "regi\non" {\n  default = 1\n}\nresource "aws_sagemaker_model" "m" {', 1),
    ],
)
def test_a_block_header_across_lines_is_an_error_as_in_terraform(tmp_path, header, line):
    """Found by make fuzz: tree-sitter-hcl accepts a newline inside a block header, Terraform does not;
    the resource behind it silently became a variable's extra labels."""
    (tmp_path / "main.tf").write_text(header + '\n  name = "m"\n  execution_role_arn = "r"\n}\n')
    (tmp_path / "good.tf").write_text('resource "aws_sagemaker_model" "ok" {\n  name = "ok"\n}\n')
    load = load_paths([tmp_path])
    (error,) = load.errors
    assert f"main.tf:{line}:" in error.where, error  # the line of the token that broke the header
    assert "block header must be on one line" in error.reason


def test_invalid_utf8_is_an_error_at_its_byte_as_in_terraform(tmp_path):
    """Found by make fuzz: a bad byte inside a resource type, decoded leniently, made an unknown type and
    the resource vanished with no error. Terraform refuses a file that is not UTF-8."""
    (tmp_path / "main.tf").write_bytes(b'resource "\xff\xc3(aws_sagemaker_model" "m" {\n  name = "m"\n}\n')
    (tmp_path / "good.tf").write_text('resource "aws_sagemaker_model" "ok" {\n  name = "ok"\n}\n')
    load = load_paths([tmp_path])
    (error,) = load.errors
    assert error.where.endswith("main.tf:1:11") and "invalid UTF-8 (byte 0xff)" in error.reason
    assert [r.address for r in load.resources] == ["aws_sagemaker_model.ok"]

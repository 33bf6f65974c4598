"""The tree-sitter engine on the inputs that used to break it: BOMs, cycles, odd templates, hostile nesting."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scanner.iac import hcl_loader
from scanner.iac.hcl_syntax import parse_hcl
from scanner.iac.loader import load_paths
from scanner.iac.values import Ref, Unknown

FIXTURES = Path(__file__).parent / "fixtures"


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _only(load):
    (resource,) = load.resources
    return resource


def test_a_utf8_byte_order_mark_is_not_a_syntax_error(tmp_path):
    tf = tmp_path / "main.tf"
    tf.write_bytes(b'\xef\xbb\xbfresource "aws_sagemaker_model" "m" {\n  name = "x"\n}\n')
    load = load_paths([tf])
    assert load.errors == ()
    assert _only(load).attrs["name"] == "x" and _only(load).source.line == 1


def test_a_self_referencing_variable_is_an_error_entry_and_its_value_unknown(tmp_path):
    tf = _write(
        tmp_path,
        "main.tf",
        'variable "a" {\n  default = var.a\n}\nresource "aws_sagemaker_model" "m" {\n  name = var.a\n}\n',
    )
    load = load_paths([tf])
    assert isinstance(_only(load).attrs["name"], Unknown)
    (error,) = load.errors
    assert error.where == f"{tf}:2" and "var.a refers to itself" in error.reason


def test_a_cycle_of_locals_is_one_error_entry_and_the_resource_stays(tmp_path):
    tf = _write(
        tmp_path,
        "main.tf",
        "locals {\n  a = local.b\n  b = local.a\n  ok = 1\n}\n"
        'resource "aws_sagemaker_model" "m" {\n  name = local.a\n  n = local.ok\n}\n',
    )
    load = load_paths([tf])
    resource = _only(load)
    assert isinstance(resource.attrs["name"], Unknown) and resource.attrs["n"] == 1
    assert [e.reason for e in load.errors] == [
        "local.a refers to itself (local.a -> local.b -> local.a); unknown"
    ]


def test_modules_that_call_each_other_keep_their_resources_and_report_the_cycle(tmp_path):
    _write(tmp_path, "a/main.tf", 'module "b" {\n  source = "../b"\n}\nresource "aws_kms_key" "a" {}\n')
    _write(tmp_path, "b/main.tf", 'module "a" {\n  source = "../a"\n}\nresource "aws_kms_key" "b" {}\n')
    _write(tmp_path, "self/main.tf", 'module "me" {\n  source = "./"\n}\nresource "aws_kms_key" "s" {}\n')
    load = load_paths([tmp_path])
    addresses = {r.address for r in load.resources}
    assert {"aws_kms_key.a", "aws_kms_key.b", "aws_kms_key.s"} <= addresses
    assert "module.me.aws_kms_key.s" not in addresses
    cyclic = [e for e in load.errors if "cyclic" in e.reason]
    assert cyclic and all("(module." in e.where for e in cyclic)


def test_every_file_of_a_module_tree_is_parsed_once(monkeypatch):
    parsed: list[str] = []
    real = hcl_loader.parse_hcl

    def counting(path, source=None):
        parsed.append(os.path.realpath(path))
        return real(path, source)

    monkeypatch.setattr(hcl_loader, "parse_hcl", counting)
    load = load_paths([FIXTURES / "with_modules"])
    assert load.resources
    assert len(parsed) == len(set(parsed))


def test_templates_escapes_and_operators_follow_terraform(tmp_path):
    tf = _write(
        tmp_path,
        "main.tf",
        'variable "l" {\n  default = ["a", "b"]\n}\n'
        'variable "m" {\n  default = { k = "v" }\n}\n'
        'resource "aws_x" "y" {\n'
        '  escaped   = "a\\"b\\n$${literal}"\n'
        '  directive = "%{ if true }x%{ endif }"\n'
        '  whole     = "${var.l}"\n'
        "  legacy    = var.l.1\n"
        "  negative  = -1\n"
        "  negated   = !true\n"
        '  keyed     = var.m["k"]\n'
        '  joined    = "${var.l[0]}-${true}-${2}"\n'
        "  splat     = aws_kms_key.k[*].arn\n"
        '  indexed   = aws_kms_key.k[lookup(var.m, "k", 0)].arn\n'
        "  object    = { (var.m.k) = 1, plain = 2 }\n"
        "}\n",
    )
    attrs = _only(load_paths([tf])).attrs
    assert attrs["escaped"] == 'a"b\n${literal}'
    assert isinstance(attrs["directive"], Unknown)
    assert attrs["whole"] == ["a", "b"]
    assert attrs["legacy"] == "b"
    assert (attrs["negative"], attrs["negated"], attrs["keyed"]) == (-1, False, "v")
    assert attrs["joined"] == "a-true-2"
    assert isinstance(attrs["splat"], Unknown)
    assert attrs["indexed"] == Ref("aws_kms_key.k.arn")
    assert attrs["object"] == {"v": 1, "plain": 2}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('resource "aws_x" "y" {\n' + "a {\n" * 300 + "}\n" * 300 + "}\n", "nested deeper"),
        ('resource "aws_x" "y" {\n  x = ' + "[" * 3000 + "]" * 3000 + "\n}\n", "nested too deeply"),
    ],
)
def test_hostile_nesting_is_one_error_not_a_crash(tmp_path, text, reason):
    tf = _write(tmp_path, "main.tf", text)
    load = load_paths([tf])
    assert load.resources == ()
    (error,) = load.errors
    assert reason in error.reason and error.where.startswith(str(tf))


def test_the_syntax_tree_gives_every_attribute_its_exact_range():
    path = FIXTURES / "module" / "main.tf"
    document = parse_hcl(path)
    notebook = next(b for b in document.body.blocks if b.labels == ("aws_sagemaker_notebook_instance", "nb"))
    attribute = notebook.attributes["direct_internet_access"]
    lines = path.read_text().splitlines()
    line = lines[attribute.span.start_line - 1]
    assert line[attribute.span.start_column - 1 :].startswith("direct_internet_access")
    assert document.text(attribute.value_span) == "var.direct_internet"
    assert (
        path.read_bytes()[attribute.value_span.start_byte : attribute.value_span.end_byte]
        == b"var.direct_internet"
    )
    (imds,) = notebook.blocks_of("instance_metadata_service_configuration")
    assert "minimum_instance_metadata_service_version" in imds.attributes

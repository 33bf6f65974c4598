"""Terraform JSON syntax (``*.tf.json``, ``*.tfvars.json``) reads like HCL: same resources, facts, provenance."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tf_to_json import convert_tree

from scanner.clouds.sources import terraform_source
from scanner.iac.loader import load_paths

REPO = Path(__file__).resolve().parents[2]
STACKS = sorted(p for p in (REPO / "terraform").glob("*/*") if p.is_dir() and any(p.rglob("*.tf")))


def _pair(stack: Path, tmp_path: Path) -> tuple[Path, Path]:
    hcl, generated = tmp_path / "hcl" / stack.name, tmp_path / "json" / stack.name
    shutil.copytree(stack, hcl)
    convert_tree(stack, generated)
    return hcl, generated


def _view(resource) -> tuple:
    provenance = {fact: (p.kind, p.attribute, p.default) for fact, p in resource.provenance.items()}
    return resource.kind, dict(resource.facts), provenance, resource.links, resource.suppressions


@pytest.mark.parametrize("stack", STACKS, ids=[f"{p.parent.name}/{p.name}" for p in STACKS])
def test_a_stack_written_in_json_syntax_scans_like_its_hcl(stack: Path, tmp_path: Path) -> None:
    hcl, generated = _pair(stack, tmp_path)
    assert not list(generated.rglob("*.tf"))
    expected, actual = terraform_source([hcl]), terraform_source([generated])
    assert actual.errors == expected.errors == ()
    assert expected.resources
    assert {r.id: _view(r) for r in actual.resources} == {r.id: _view(r) for r in expected.resources}
    for resource in actual.resources:  # every located fact points into the JSON file, at a real line
        assert resource.source.file.endswith(".tf.json") and resource.source.line
        for provenance in resource.provenance.values():
            if provenance.kind == "attribute":
                assert provenance.location.file.endswith(".tf.json")
                lines = (generated / Path(provenance.location.file).name).read_text().splitlines()
                assert f'"{provenance.attribute.split(".")[-1]}"' in lines[provenance.location.line - 1]


def test_the_corpus_in_json_syntax_gives_the_same_facts(corpus_dir: Path, tmp_path: Path) -> None:
    hcl = tmp_path / "hcl"
    shutil.copytree(corpus_dir / "terraform", hcl)
    convert_tree(hcl, tmp_path / "json")
    expected, actual = terraform_source([hcl]), terraform_source([tmp_path / "json"])
    by_id = {r.id.replace(".tf.json", ".tf"): r for r in actual.resources}
    assert len(by_id) == len(expected.resources)
    for resource in expected.resources:
        assert dict(by_id[resource.id].facts) == dict(resource.facts), resource.id
    assert len(actual.errors) == len(expected.errors)  # the malformed corpus file is reported in both


def _write(directory: Path, files: dict[str, object]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        text = content if isinstance(content, str) else json.dumps(content, indent=2)
        (directory / name).write_text(text)
    return directory


NOTEBOOK = {
    "variable": {"kms": {"type": "string", "default": "default-key"}},
    "resource": [
        {
            "aws_sagemaker_notebook_instance": {
                "lab": {
                    "//": "mlscan:skip=MLS-HRD-001 GPU drivers need root; SEC-42",
                    "name": "lab-${var.kms}",
                    "role_arn": "arn:aws:iam::111122223333:role/lab",
                    "instance_type": "ml.t3.medium",
                    "kms_key_id": "${var.kms}",
                    "tags": {"team": "ml"},
                }
            }
        }
    ],
}


def test_templates_tfvars_json_comments_and_the_array_form(tmp_path: Path) -> None:
    module = _write(tmp_path / "m", {"main.tf.json": NOTEBOOK, "terraform.tfvars.json": {"kms": "k-${x}"}})
    (resource,) = load_paths([module]).resources
    assert resource.attrs["kms_key_id"] == "k-${x}"  # tfvars.json is literal: ${ is text
    assert resource.attrs["name"] == "lab-k-${x}"
    assert resource.attrs["tags"] == {"team": "ml"}
    assert [(s.policy_id, s.reason) for s in resource.suppressions] == [
        ("MLS-HRD-001", "GPU drivers need root; SEC-42")
    ]
    lines = (module / "main.tf.json").read_text().splitlines()
    assert lines[resource.source.line - 1].strip() == '"lab": {'
    assert '"kms_key_id"' in lines[resource.origins["kms_key_id"].span.start_line - 1]
    assert resource.origins["kms_key_id"].via == (f"var.kms = tfvars {module / 'terraform.tfvars.json'}:2:3",)


def test_auto_tfvars_json_and_hcl_in_lexical_order(tmp_path: Path) -> None:
    module = _write(
        tmp_path / "m",
        {
            "main.tf.json": NOTEBOOK,
            "terraform.tfvars": 'kms = "hcl"\n',
            "terraform.tfvars.json": {"kms": "json"},
            "a.auto.tfvars.json": {"kms": "a-json"},
            "b.auto.tfvars": 'kms = "b-hcl"\n',
        },
    )
    (resource,) = load_paths([module]).resources
    assert resource.attrs["kms_key_id"] == "b-hcl"
    (module / "b.auto.tfvars").unlink()
    assert load_paths([module]).resources[0].attrs["kms_key_id"] == "a-json"


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        ('{"resource": {"aws_x": {"a": {"b": 1,}}}}', ":1:1", "invalid Terraform JSON: invalid JSON"),
        ('{\n "resource": {"aws_x": {"a": {\n  "b": "${var.}"}}}}', ":3:3", "invalid expression"),
        ("[1, 2]", ":1:1", "expected a JSON object"),
        ("", ":1:1", "empty file"),
    ],
)
def test_bad_json_syntax_is_a_located_error_and_the_good_file_still_loads(
    tmp_path: Path, text: str, where: str, reason: str
) -> None:
    module = _write(tmp_path / "m", {"main.tf.json": NOTEBOOK, "bad.tf.json": text})
    load = load_paths([module])
    assert [r.address for r in load.resources] == ["aws_sagemaker_notebook_instance.lab"]
    (error,) = load.errors
    assert error.where == f"{module / 'bad.tf.json'}{where}" and reason in error.reason


def test_a_directory_of_json_syntax_and_a_plan_beside_it_reads_the_configuration_once(tmp_path: Path) -> None:
    module = _write(tmp_path / "m", {"main.tf.json": NOTEBOOK})
    shutil.copy(REPO / "terraform" / "plans" / "aws-insecure.json", module / "plan.json")
    assert [r.address for r in load_paths([module]).resources] == ["aws_sagemaker_notebook_instance.lab"]

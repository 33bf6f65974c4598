"""Local child modules are instantiated with their caller's inputs, as Terraform does."""

from __future__ import annotations

from pathlib import Path

from scanner.iac.graph import TfIndex
from scanner.iac.loader import load_paths
from scanner.iac.values import Ref

ROOT = Path(__file__).parent / "fixtures" / "with_modules"


def test_child_module_resources_get_module_addresses_and_the_callers_inputs():
    load = load_paths([ROOT])
    by_address = {r.address: r for r in load.resources}
    nb = by_address["module.serving.aws_sagemaker_notebook_instance.nb"]
    assert nb.module == "module.serving"
    assert nb.attrs["name"] == "team-nb"
    assert (
        nb.attrs["direct_internet_access"] == "Enabled"
    )  # the caller's var.internet, not the module default
    assert nb.attrs["kms_key_id"] == Ref("aws_kms_key.root.arn")
    assert nb.source.file.endswith("modules/serving/main.tf") and nb.source.line == 11
    assert "module.serving.module.key.aws_kms_key.inner" in by_address


def test_called_module_directories_are_not_also_scanned_on_their_own():
    load = load_paths([ROOT])
    addresses = [r.address for r in load.resources]
    assert not any(a.startswith("aws_sagemaker_notebook_instance.") for a in addresses)
    assert not any(a.startswith("module.disabled.") for a in addresses)  # count = 0
    assert not load.errors  # the registry module cannot be fetched offline and is skipped quietly


def test_a_callers_reference_resolves_to_the_callers_resource():
    load = load_paths([ROOT])
    index = TfIndex(load.resources)
    nb = index.get("module.serving.aws_sagemaker_notebook_instance.nb")
    key = index.resolve(nb.attrs["kms_key_id"], nb)
    assert key is not None and key.address == "aws_kms_key.root"


def test_a_module_directory_given_alone_is_scanned_as_a_root_module():
    load = load_paths([ROOT / "modules" / "serving"])
    nb = next(r for r in load.resources if r.type == "aws_sagemaker_notebook_instance")
    assert nb.address == "aws_sagemaker_notebook_instance.nb"
    assert nb.attrs["direct_internet_access"] == "Disabled"  # its own default

"""A small real Terraform estate the history tests change between scans, and the real pipeline that scans it.

Documents are the JSON result contract with the compliance roll-up, exactly what ``--store`` records.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

NOTEBOOK = """
resource "aws_sagemaker_notebook_instance" "research" {
  name          = "claims-research"
  role_arn      = "arn:aws:iam::111122223333:role/nb"
  instance_type = "ml.t3.medium"
%(extra)s
}
"""

ENDPOINT_CONFIG = """
resource "aws_sagemaker_endpoint_configuration" "canary" {
  name = "claims-canary"
  production_variants {
    variant_name           = "canary"
    model_name             = "claims"
    instance_type          = "ml.m5.large"
    initial_instance_count = 1
  }
}
"""

SECURE_NOTEBOOK = '  direct_internet_access = "Disabled"\n  root_access = "Disabled"\n  kms_key_id = "arn:aws:kms:eu-west-1:111122223333:key/1"'
NOTEBOOK_ID = "aws_sagemaker_notebook_instance.research"
CONFIG_ID = "aws_sagemaker_endpoint_configuration.canary"


def write_estate(directory: Path, *, secure_notebook: bool, with_config: bool) -> Path:
    """Write main.tf for one state of the estate."""
    directory.mkdir(parents=True, exist_ok=True)
    text = NOTEBOOK % {"extra": SECURE_NOTEBOOK if secure_notebook else ""}
    if with_config:
        text += ENDPOINT_CONFIG
    (directory / "main.tf").write_text(text, encoding="utf-8")
    return directory


def scan_document(directory: Path, targets: tuple[str, ...] = ("estate",)) -> dict[str, Any]:
    """Scan ``directory`` with the built-in policies and frameworks; the JSON contract with compliance."""
    from scanner.clouds.sources import terraform_source
    from scanner.compliance import load_frameworks, roll_up_all
    from scanner.pipeline import run_scan
    from scanner.policy.loader import load_policies
    from scanner.report.json_contract import compliance_to_dict, result_to_dict

    result = run_scan([terraform_source([str(directory)])], load_policies(), targets=targets)
    document = result_to_dict(result)
    document["compliance"] = compliance_to_dict(roll_up_all(load_frameworks().frameworks, result.findings))
    return document


def failing(document: dict[str, Any], resource_id: str) -> set[str]:
    """Policy ids failing on one resource (its address) in a scan document, to derive expectations from data."""
    return {
        f["policy_id"]
        for f in document["findings"]
        if f["resource_id"].endswith(resource_id) and f["status"] == "fail"
    }


def at(document: dict[str, Any], day: int) -> dict[str, Any]:
    """The document as if the scan ran on 2026-11-<day> (distinct, ordered scan times)."""
    return {
        **document,
        "started_at": f"2026-11-{day:02d}T00:00:00+00:00",
        "finished_at": f"2026-11-{day:02d}T00:01:00+00:00",
    }

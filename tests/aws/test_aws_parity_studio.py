"""HCL / plan / live parity for the SageMaker types beyond endpoints, models, jobs, notebooks and domains:
pipelines (their Training steps), model-monitor job definitions, feature groups, model package groups,
Studio spaces and labeling workteams.

Each case is written once (plan-shaped attributes) and rendered as HCL, as a plan, and created in moto
through the real API. moto lacks ListFeatureGroups, ListSpaces / DescribeSpace, ListWorkteams /
DescribeWorkteam, DescribeWorkforce and the model package group policy calls: ``scanner/sandbox/
moto_sagemaker.py`` adds them to moto's SageMaker backend (installed for every test by tests/conftest.py).
Roles are literal ARNs here, so the role verdict is compared elsewhere (tests/aws/test_aws_parity.py);
every other fact must agree on all three faces.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from scanner.clouds.sources import terraform_source
from scanner.sandbox.moto_sagemaker import install
from tests.aws.aws_helpers import fake_aws_credentials, live_scan
from tests.aws.studio_cases import BUCKET, COMPARED, cases_for
from tests.aws.studio_faces import create_live, render_hcl, render_plan


@pytest.fixture(scope="module")
def faces(tmp_path_factory: pytest.TempPathFactory):
    from moto import mock_aws

    install()
    tmp = tmp_path_factory.mktemp("studio-parity")
    with pytest.MonkeyPatch.context() as mp, mock_aws():
        fake_aws_credentials(mp)
        key = boto3.client("kms", region_name="us-east-1").create_key()["KeyMetadata"]["Arn"]
        cases = cases_for(key)
        create_live(cases)
        live = live_scan(regions=("us-east-1",))
    (tmp / "hcl").mkdir()
    (tmp / "hcl" / "main.tf").write_text(render_hcl(cases))
    (tmp / "plan.json").write_text(json.dumps(render_plan(cases)))
    hcl = terraform_source([tmp / "hcl"])
    plan = terraform_source([tmp / "plan.json"])
    return live, hcl, plan


def _names(result: Any) -> dict[str, Any]:
    """Resources by their live-comparable name: the block's name attribute (pipelines: ``name/step``)."""
    found = {}
    for r in result.resources:
        found[r.name] = r
    return found


EXPECTED = {
    "private/train": "training_job",
    "open/train": "training_job",
    "locked": "compute",
    "plain": "compute",
    "keyed": "data_store",
    "online_unkeyed": "data_store",
    "shared": "model",
    "private_group": "model",
    "lab": "notebook",
    "team": "workspace",
    "open_team": "workspace",
}


def test_every_new_type_is_read_live(faces):
    live, _, _ = faces
    assert live.errors == ()
    names = _names(live)
    for name, kind in EXPECTED.items():
        assert names[name].kind == kind, name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_live_hcl_and_plan_agree(faces, name):
    live, hcl, plan = faces
    assert hcl.errors == () and plan.errors == ()
    found = [_names(face).get(name) for face in faces]
    assert all(found), f"{name} missing from a face: {[f is not None for f in found]}"
    compared = [{k: r.facts.get(k) for k in COMPARED if k in r.facts} for r in found]
    assert compared[0] == compared[1] == compared[2]


def test_verdicts_are_the_intended_ones(faces):
    live = _names(faces[0])
    assert live["private/train"].facts["network.egress_restricted"] is True
    assert live["private/train"].facts["encryption.output_cmk"] is True
    assert live["private/train"].facts["privacy.dp"] is True
    assert live["open/train"].facts["network.egress_restricted"] is False
    assert live["locked"].facts["encryption.in_transit"] is True
    assert live["plain"].facts["encryption.output_cmk"] is False
    assert live["keyed"].facts["encryption.cmk"] is True
    assert live["online_unkeyed"].facts["encryption.cmk"] is False
    assert live["shared"].facts["access.public_policy"] is True
    assert live["private_group"].facts["access.public_policy"] is False
    assert live["lab"].facts["network.private"] is True
    assert live["lab"].facts["notebook.direct_internet"] is False
    assert live["team"].facts["network.public"] is False
    assert live["open_team"].facts["network.public"] is True
    assert live["private/train"].facts["artifacts.locations"] == [f"s3://{BUCKET}"]


def test_every_face_declares_the_facts_it_produces(faces):
    """scanner/data/type_facts.yaml lists every fact these live types and their Terraform blocks write."""
    from scanner.clouds.coverage import produced

    missing = {}
    for face in faces:
        for r in face.resources:
            undeclared = set(r.facts) - (produced(r.resource_type, r.kind) or set())
            if undeclared:
                missing.setdefault((r.resource_type, r.kind), set()).update(undeclared)
    assert not missing, {k: sorted(v) for k, v in missing.items()}

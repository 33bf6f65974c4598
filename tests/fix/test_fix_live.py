"""`mlscan fix --from`: a live scan of moto becomes a plan whose AWS commands match botocore's request
shapes, whose merged SageMaker endpoint change is a valid CreateEndpointConfig that moto accepts, and
whose runbook states impact and rollback."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess

import pytest

from scanner.clouds.base import LiveOptions, NullProgress
from scanner.fix.live import plan_live
from scanner.fix.live_render import CREATE_FIELDS_FILTER, render_runbook, render_script
from scanner.pipeline import run_scan
from scanner.policy.loader import load_policies

REGION = "eu-west-1"
GLOBAL_OPTIONS = {"region", "query", "output", "cli-input-json", "profile"}


@pytest.fixture(scope="module")
def live():
    """A live AWS scan of a small moto estate: an open notebook and an endpoint with one instance, no key."""
    boto3 = pytest.importorskip("boto3")
    from moto import mock_aws

    from scanner.clouds.aws.live import scan

    with pytest.MonkeyPatch.context() as monkeypatch, mock_aws():
        for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
        sm = boto3.client("sagemaker", region_name=REGION)
        role = "arn:aws:iam::123456789012:role/sm"
        sm.create_notebook_instance(NotebookInstanceName="lab", InstanceType="ml.t3.medium", RoleArn=role)
        sm.create_model(ModelName="m", ExecutionRoleArn=role, PrimaryContainer={"Image": "img"})
        sm.create_endpoint_config(
            EndpointConfigName="cfg",
            ProductionVariants=[
                {
                    "VariantName": "a",
                    "ModelName": "m",
                    "InstanceType": "ml.m5.large",
                    "InitialInstanceCount": 1,
                }
            ],
        )
        sm.create_endpoint(EndpointName="ep", EndpointConfigName="cfg")
        policies = load_policies()
        result = run_scan([scan(LiveOptions(regions=(REGION,), max_workers=2), NullProgress())], policies)
        plan = plan_live(result, policies)
        yield {"plan": plan, "client": sm, "script": render_script(plan, "r.json"), "result": result}


def _action(plan, name):
    return next(a for a in plan.actions if a.resource_name == name)


def test_one_stop_and_one_start_around_every_notebook_change(live):
    commands = [
        s.command.split()[3 if " wait " in s.command else 2] for s in _action(live["plan"], "lab").steps
    ]
    assert commands[:2] == ["stop-notebook-instance", "notebook-instance-stopped"]
    assert commands[-1] == "start-notebook-instance"
    assert commands.count("update-notebook-instance") >= 2  # root access and IMDSv2


def test_every_aws_command_matches_the_botocore_request_shape(live):
    from botocore.session import get_session

    session = get_session()
    lines = [_aws_part(line) for line in live["script"].splitlines()]
    commands = [shlex.split(line) for line in lines if line]
    assert len(commands) > 5
    for argv in commands:
        _check_against_botocore(session, argv)


def _aws_part(line: str) -> str | None:
    """The ``aws ...`` command in a script line, shell variables replaced by a sample value."""
    if "aws " not in line or line.lstrip().startswith("#"):
        return None
    text = line[line.index("aws ") :]
    if line.lstrip().startswith('echo "'):
        text = text.removesuffix('"')
    text = re.split(r"\s[|>]\s|\s\\$|\)$", text)[0]
    return re.sub(r'"?\$\{?\w+\}?"?', "sample", text)


def _check_against_botocore(session, argv: list[str]) -> None:
    from botocore import xform_name

    assert argv[0] == "aws", argv
    service, operation = argv[1], argv[2]
    model = session.get_service_model(service)
    if operation == "wait":
        waiters = session.get_waiter_model(service)
        assert argv[3] in {xform_name(n, "-") for n in waiters.waiter_names}, argv
        return
    names = {xform_name(n, "-"): n for n in model.operation_names}
    assert operation in names, argv
    shape = model.operation_model(names[operation]).input_shape
    members = {xform_name(n, "-"): n for n in shape.members}
    given, flags, args = set(), set(), argv[3:]
    while args:
        flag, args = args[0], args[1:]
        assert flag.startswith("--"), argv
        value = args[0] if args and not args[0].startswith("--") else None
        args = args[1:] if value is not None else args
        name = flag[2:]
        flags.add(name)
        if name in GLOBAL_OPTIONS:
            continue
        assert name in members, f"{operation}: no parameter {flag}"
        member = shape.members[members[name]]
        given.add(members[name])
        if member.type_name == "structure" and value and "=" in value:
            assert {kv.split("=")[0] for kv in value.split(",")} <= set(member.members), argv
        if member.type_name == "string" and member.enum and value != "sample":
            assert value in member.enum, argv
    if "cli-input-json" not in flags:
        assert set(shape.required_members) <= given, (
            f"{operation}: missing {set(shape.required_members) - given}"
        )


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
def test_the_merged_endpoint_change_is_a_create_endpoint_config_moto_accepts(live):
    from botocore.session import get_session
    from botocore.validate import ParamValidator

    step = next(
        s for s in _action(live["plan"], "ep").steps if s.command.startswith("mlscan_new_endpoint_config")
    )
    jq_filter = shlex.split(step.command)[3]
    sm = live["client"]
    described = sm.describe_endpoint_config(EndpointConfigName="cfg")
    described.pop("ResponseMetadata")
    env = {
        **os.environ,
        "SAGEMAKER_KMS_KEY_ARN": "arn:aws:kms:eu-west-1:123456789012:key/k",
        "CAPTURE_S3_URI": "s3://b/p",
    }
    created = json.loads(
        subprocess.run(
            [
                "jq",
                "--arg",
                "name",
                "cfg-mlscan",
                f"{jq_filter} | {CREATE_FIELDS_FILTER} | .EndpointConfigName = $name",
            ],
            input=json.dumps(described, default=str),
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout
    )
    shape = get_session().get_service_model("sagemaker").operation_model("CreateEndpointConfig").input_shape
    report = ParamValidator().validate(created, shape)
    assert not report.has_errors(), report.generate_report()
    sm.create_endpoint_config(**created)
    # moto has no UpdateEndpoint; its request shape is checked against botocore above
    new = sm.describe_endpoint_config(EndpointConfigName="cfg-mlscan")
    assert new["KmsKeyId"] == env["SAGEMAKER_KMS_KEY_ARN"]
    assert new["DataCaptureConfig"]["EnableCapture"] is True
    assert new["ProductionVariants"][0]["InitialInstanceCount"] == 2


def test_the_script_parses_checks_its_inputs_and_the_runbook_says_impact_and_rollback(live):
    script, plan = live["script"], live["plan"]
    subprocess.run(["bash", "-n"], input=script, text=True, check=True)
    for name in plan.inputs:
        assert f': "${{{name}:?' in script
    runbook = render_runbook(plan, "r.json")
    for action in plan.actions:
        assert action.impact and action.rollback
        assert action.resource_id in runbook
    assert runbook.count("**Impact:**") >= len(plan.actions)
    assert "Not automated" in runbook  # MLS-IAM-001 and friends are listed, never dropped


def test_the_command_writes_the_script_and_the_runbook(live, tmp_path):
    from click.testing import CliRunner

    from scanner.cli import main
    from scanner.report.json_contract import result_to_dict

    saved = tmp_path / "results.json"
    saved.write_text(json.dumps(result_to_dict(live["result"]), default=str))
    result = CliRunner().invoke(main, ["fix", "--from", str(saved), "--plan-dir", str(tmp_path / "plan")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "plan" / "remediation.sh").read_text() == render_script(live["plan"], "results.json")
    assert os.access(tmp_path / "plan" / "remediation.sh", os.X_OK)
    assert "## Steps" in (tmp_path / "plan" / "remediation.md").read_text()
    assert CliRunner().invoke(main, ["fix", "--from", str(tmp_path / "nope.json")]).exit_code == 2

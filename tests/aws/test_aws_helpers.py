"""Pure helpers: tri-state reading, redaction, IAM grant analysis, lineage paths."""

from __future__ import annotations

from scanner.clouds.aws import facts_common as fc
from scanner.clouds.aws.lineage import artifact_paths, model_sources
from scanner.clouds.aws.policy_grants import document_grants, merge, verdict
from scanner.clouds.aws.values import enum, flag, present
from scanner.iac.values import Ref, Unknown
from scanner.privacy.sensitivity import sensitivity_from_tags as sensitivity
from scanner.redact import REDACTED
from scanner.redact import redact_value as redact


def test_tri_state_reading() -> None:
    assert present(None) is False and present("") is False and present({}) is False
    assert present(Ref("aws_kms_key.k.arn")) is True and present(Unknown("var.x")) is None
    assert enum(None, "Enabled") == "Enabled" and enum(Unknown("var.x"), "Enabled") is None
    assert flag(None, False) is False and flag("true", False) is True and flag(Ref("a.b.c"), False) is None


def test_sensitivity_from_tags() -> None:
    assert sensitivity({"Data-Classification": "PHI"}) == "phi"
    assert sensitivity({"sensitivity": "Confidential"}) == "confidential"
    assert sensitivity({"team": "phi"}) is None
    assert sensitivity({"data_classification": "top-secret"}) is None


def test_redact_environment_and_secret_arguments() -> None:
    raw = {
        "PrimaryContainer": {"Environment": {"HF_API_TOKEN": "hf_x", "MODE": "prod"}},
        "HyperParameters": {"api_key": "k", "epochs": "3"},
        "AlgorithmSpecification": {
            "ContainerArguments": ["--password", "p", "--db-secret=s", "--epochs", "3"]
        },
        "AuthMode": "IAM",
    }
    out = redact(raw)
    assert out["PrimaryContainer"]["Environment"] == {"HF_API_TOKEN": REDACTED, "MODE": REDACTED}
    assert out["HyperParameters"] == {"api_key": REDACTED, "epochs": "3"}
    assert out["AlgorithmSpecification"]["ContainerArguments"] == [
        "--password",
        REDACTED,
        f"--db-secret={REDACTED}",
        "--epochs",
        "3",
    ]
    assert out["AuthMode"] == "IAM"
    assert "hf_x" not in repr(out) and "'p'" not in repr(out)


def test_document_grants() -> None:
    assert document_grants({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}) == ["Action:*"]
    assert document_grants('{"Statement": [{"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}]}') == [
        "s3:* on *"
    ]
    # a service wildcard scoped to one bucket is not a wildcard on everything
    scoped = {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::bucket/*"}]}
    assert document_grants(scoped) == []
    assert document_grants({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}) == []
    assert document_grants({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}) == [
        "NotAction:iam:*"
    ]
    assert document_grants("not json") == []


def test_verdict_unknown_when_incomplete_and_nothing_found() -> None:
    assert verdict("r", [], [], complete=False).overprivileged is None
    assert verdict("r", [], [], complete=True).overprivileged is False
    found = verdict("r", ["arn:aws:iam::aws:policy/AmazonS3FullAccess"], [], complete=False)
    assert found.overprivileged is True and found.grants == ("AmazonS3FullAccess",)
    merged = merge([verdict("a", [], [], complete=True), verdict("b", [], [], complete=False)])
    assert merged.overprivileged is None and merged.principal == "a,b"


def test_endpoint_facts_resolve_defaults() -> None:
    config = {
        "ProductionVariants": [{"ModelName": "m", "InitialInstanceCount": 3}],
        "ShadowProductionVariants": [{"ModelName": "s", "InitialInstanceCount": 1}],
        "DataCaptureConfig": {"DestinationS3Uri": "s3://b"},  # EnableCapture omitted: on by default
        "ExplainerConfig": {"ClarifyExplainerConfig": {"ShapConfig": {}}},  # explanations on by default
    }
    facts = fc.endpoint_facts(
        config, [{"EnableNetworkIsolation": True}, None], lambda k: True, lambda r: None
    )
    assert facts["logging.capture"] is True and facts["logging.capture_encrypted"] is False
    assert facts["exposure.explanations"] is True
    assert facts["availability.instance_count"] == 3
    assert facts["network.egress_restricted"] is None  # the shadow model could not be read
    off = {"ExplainerConfig": {"ClarifyExplainerConfig": {"EnableExplanations": "`false`"}}}
    assert fc.endpoint_facts(off, [], lambda k: True, lambda r: None)["exposure.explanations"] is False


def test_lineage_paths() -> None:
    job = {"TrainingJobName": "j", "OutputDataConfig": {"S3OutputPath": "s3://b/out/"}}
    assert artifact_paths(job) == ["s3://b/out/j/output/model.tar.gz"]
    model = {
        "PrimaryContainer": {"ModelDataUrl": "s3://b/out/j/output/model.tar.gz"},
        "Containers": [{"ModelPackageName": "arn:aws:sagemaker:us-east-1:1:model-package/p/1"}, None],
    }
    assert model_sources(model) == (
        ["s3://b/out/j/output/model.tar.gz"],
        ["arn:aws:sagemaker:us-east-1:1:model-package/p/1"],
    )


def test_sdk_is_imported_lazily() -> None:
    """Importing either face must not load boto3: `mlscan iac` and other clouds never pay for it."""
    import subprocess
    import sys

    code = (
        "import sys, scanner.clouds.aws.terraform, scanner.clouds.aws.live, scanner.sandbox.aws_estate;"
        "print(any(m.split('.')[0] in ('boto3', 'botocore', 'moto') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_lifecycle_secrets() -> None:
    import base64

    from scanner.clouds.aws.lifecycle import lifecycle_facts

    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    leaky = b64(
        "export DB_PASSWORD='s3cr3t-value'\naws configure set aws_access_key_id AKIAABCDEFGHIJKLMNOP\n"
    )
    facts, found = lifecycle_facts([leaky])
    assert facts == {"notebook.lifecycle_secrets": True} and found == ["DB_PASSWORD", "aws_access_key_id"]
    assert "s3cr3t" not in repr(found)
    # variables and command substitutions are not hard-coded secrets
    clean = b64('TOKEN=$(aws secretsmanager get-secret-value --secret-id x)\nAPI_KEY="${KEY}"\n')
    assert lifecycle_facts([clean]) == ({"notebook.lifecycle_secrets": False}, [])
    assert lifecycle_facts([]) == ({"notebook.lifecycle_secrets": False}, [])
    assert lifecycle_facts(None)[0] == {"notebook.lifecycle_secrets": None}
    assert lifecycle_facts(["not base64!"])[0] == {"notebook.lifecycle_secrets": None}

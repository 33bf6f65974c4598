"""The one redactor (scanner/redact.py): one table of inputs × expected outputs, all three clouds."""

from __future__ import annotations

import base64

import pytest

from scanner.redact import REDACTED, is_secret_key, redact_text, redact_value, secret_names

R = REDACTED
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
STORAGE_KEY = "A" * 42 + "b1+/" * 11 + "=="
SCRIPT_WITH_TOKEN = base64.b64encode(
    b"#!/bin/bash\nexport WANDB_API_KEY=abcdef123456\npip install x\n"
).decode()
SCRIPT_CLEAN = base64.b64encode(b"#!/bin/bash\nset -e\npip install torch\n").decode()

CASES = [
    # --- AWS SageMaker (live API shapes and Terraform attributes) ---
    (
        "aws env map",
        {"Environment": {"HF_API_TOKEN": "hf_x", "MODE": "prod", "EMPTY": ""}},
        {"Environment": {"HF_API_TOKEN": R, "MODE": R, "EMPTY": ""}},
    ),
    (
        "aws hyperparameters",
        {"HyperParameters": {"api_key": "k", "epochs": "3"}},
        {"HyperParameters": {"api_key": R, "epochs": "3"}},
    ),
    (
        "aws container arguments",
        {"ContainerArguments": ["--password", "p", "--db-secret=s", "--epochs", "3"]},
        {"ContainerArguments": ["--password", R, f"--db-secret={R}", "--epochs", "3"]},
    ),
    (
        "aws terraform environment",
        {"environment": {"DB_PASSWORD": "x"}, "client_secret": "y"},
        {"environment": {"DB_PASSWORD": R}, "client_secret": R},
    ),
    ("aws lifecycle script (base64) with a secret", {"Content": SCRIPT_WITH_TOKEN}, {"Content": R}),
    ("aws lifecycle script (base64) without one", {"Content": SCRIPT_CLEAN}, {"Content": SCRIPT_CLEAN}),
    (
        "aws tags list",
        {"Tags": [{"Key": "db_password", "Value": "x"}, {"Key": "team", "Value": "ml"}]},
        {"Tags": [{"Key": "db_password", "Value": R}, {"Key": "team", "Value": "ml"}]},
    ),
    ("aws access key id anywhere", {"Note": "keys AKIAIOSFODNN7EXAMPLE here"}, {"Note": f"keys {R} here"}),
    (
        "aws kms ids and settings kept",
        {
            "KmsKeyId": "arn:aws:kms:eu-west-1:1:key/k",
            "AuthMode": "IAM",
            "SecretArn": "arn:aws:secretsmanager:x",
            "EnableNetworkIsolation": True,
        },
        {
            "KmsKeyId": "arn:aws:kms:eu-west-1:1:key/k",
            "AuthMode": "IAM",
            "SecretArn": "arn:aws:secretsmanager:x",
            "EnableNetworkIsolation": True,
        },
    ),
    # --- Azure Machine Learning ---
    (
        "azure env map",
        {"environmentVariables": {"OPENAI_API_KEY": "sk-a", "DB_CONNECTION": "Server=x;Password=y"}},
        {"environmentVariables": {"OPENAI_API_KEY": R, "DB_CONNECTION": R}},
    ),
    (
        "azure credentials",
        {"userAccountCredentials": {"adminUserName": "azureuser", "adminUserPassword": "P@ss"}},
        {"userAccountCredentials": {"adminUserName": "azureuser", "adminUserPassword": R}},
    ),
    (
        "azure connection string key",
        {"connectionString": "AccountName=a;AccountKey=abc=="},
        {"connectionString": R},
    ),
    (
        "azure account key inside text",
        {"note": "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc==;x=y"},
        {"note": f"DefaultEndpointsProtocol=https;AccountName=a;AccountKey={R};x=y"},
    ),
    (
        "azure SAS sig in a URL",
        {"uri": "https://a.blob.core.windows.net/c?sv=2022-11-02&sig=AbC%2Bd&se=2030"},
        {"uri": f"https://a.blob.core.windows.net/c?sv=2022-11-02&sig={R}&se=2030"},
    ),
    (
        "azure job command flags",
        {"command": "python train.py --api-key X1 --password=Y2 --epochs 3"},
        {"command": f"python train.py --api-key {R} --password={R} --epochs 3"},
    ),
    (
        "azure setup script arguments",
        {"scriptArguments": "--token abc123 --verbose"},
        {"scriptArguments": f"--token {R} --verbose"},
    ),
    ("azure setup script (base64)", {"scriptData": SCRIPT_WITH_TOKEN}, {"scriptData": R}),
    ("azure storage key shape", {"value": STORAGE_KEY}, {"value": R}),
    (
        "azure keys and sas token",
        {"primaryKey": "k1", "secondaryKey": "k2", "sasToken": "?sv=1&sig=2"},
        {"primaryKey": R, "secondaryKey": R, "sasToken": R},
    ),
    (
        "azure settings kept",
        {
            "authMode": "AADToken",
            "disableLocalAuth": True,
            "sshPublicAccess": "Disabled",
            "keyVaultSecretId": "https://v.vault.azure.net/secrets/s",
        },
        {
            "authMode": "AADToken",
            "disableLocalAuth": True,
            "sshPublicAccess": "Disabled",
            "keyVaultSecretId": "https://v.vault.azure.net/secrets/s",
        },
    ),
    # --- Google Vertex AI ---
    (
        "vertex containerSpec.args (issue 9)",
        {"containerSpec": {"args": ["--hf-token=hf_abc123", "--api-key", "sk-xyz"]}},
        {"containerSpec": {"args": [f"--hf-token={R}", "--api-key", R]}},
    ),
    (
        "vertex env list",
        {"env": [{"name": "WANDB_API_KEY", "value": "w"}, {"name": "MODE", "value": "x"}]},
        {"env": [{"name": "WANDB_API_KEY", "value": R}, {"name": "MODE", "value": R}]},
    ),
    (
        "vertex labels",
        {"labels": {"api_token": "t", "team": "ml"}},
        {"labels": {"api_token": R, "team": "ml"}},
    ),
    (
        "workbench metadata",
        {"metadata": {"notebook-disable-root": "true", "startup-script": "echo hi"}},
        {"metadata": {"notebook-disable-root": "true", "startup-script": R}},
    ),
    ("gcp api key shape", {"x": "AIza" + "B" * 35}, {"x": R}),
    (
        "vertex settings kept",
        {
            "kmsKeyName": "projects/p/locations/l/keyRings/r/cryptoKeys/k",
            "serviceAccount": "sa@p.iam.gserviceaccount.com",
            "enableWebAccess": True,
        },
        {
            "kmsKeyName": "projects/p/locations/l/keyRings/r/cryptoKeys/k",
            "serviceAccount": "sa@p.iam.gserviceaccount.com",
            "enableWebAccess": True,
        },
    ),
    # --- token shapes in any string, any cloud ---
    ("github token", {"s": "use ghp_" + "a1" * 18}, {"s": f"use {R}"}),
    ("hugging face token", {"s": "hf_" + "Ab1" * 10}, {"s": R}),
    ("openai key", {"s": "sk-proj-" + "x9" * 12}, {"s": R}),
    ("slack token", {"s": "xoxb-1234567890-abcdef"}, {"s": R}),
    ("jwt", {"s": f"Bearer {JWT}"}, {"s": f"Bearer {R}"}),
    ("pem block", {"s": f"key:\n{PEM}\nend"}, {"s": f"key:\n{R}\nend"}),
    (
        "password in a URL",
        {"s": "postgres://admin:hunter2@db:5432/x"},
        {"s": f"postgres://admin:{R}@db:5432/x"},
    ),
    ("script assignment", {"s": "export DB_PASSWORD=hunter2; run"}, {"s": f"export DB_PASSWORD={R}; run"}),
]


@pytest.mark.parametrize(("given", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_redaction_table(given, expected) -> None:
    assert redact_value(given) == expected


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        *[
            (n, True)
            for n in (
                "db_password",
                "dbPassword",
                "db-password",
                "DB_PASSWORD",
                "apiKey",
                "API_KEY",
                "x-api-key",
                "accessKey",
                "AWS_SECRET_ACCESS_KEY",
                "connection_string",
                "ConnectionString",
                "sasToken",
                "SAS_KEY",
                "privateKey",
                "private-key",
                "credentials",
                "client_secret",
                "AccountKey",
                "--hf-token",
                "HF_TOKEN",
            )
        ],
        *[
            (n, False)
            for n in (
                "secret_name",
                "kms_key_id",
                "token_expiry",
                "password_policy",
                "SecretArn",
                "disable_password_authentication",
                "auth.mode",
                "encryption.key_id",
                "max_tokens",
                "AuthMode",
                "ssh_public_key",
                "epochs",
                "LifecycleSecretsFound",
            )
        ],
    ],
)
def test_secret_key_names_in_every_spelling(name: str, secret: bool) -> None:
    assert is_secret_key(name) is secret


def test_redaction_is_idempotent_and_keeps_shapes() -> None:
    for _, given, _expected in CASES:
        once = redact_value(given)
        assert redact_value(once) == once
    assert redact_value(("a", "--token", "t")) == ["a", "--token", R]
    assert redact_text("short") == "short" and redact_value(None) is None and redact_value(3) == 3


def test_secret_names_say_what_was_found_without_values() -> None:
    found = secret_names("export DB_PASSWORD=hunter2\nTOKEN=$FROM_ENV\nkey AKIAIOSFODNN7EXAMPLE")
    assert found == ["DB_PASSWORD", "aws_access_key_id"]
    assert "hunter2" not in repr(found)


def test_redactor_output_is_not_walked_twice_but_a_copy_is() -> None:
    from scanner.redact import Redacted, redact_mapping

    once = redact_mapping({"db_password": "hunter2hunter2", "nested": {"api_key": "abc123abc123"}})
    assert isinstance(once, Redacted) and redact_mapping(once) is once
    copy = {**once, "token": "ghp_" + "a" * 36}
    again = redact_mapping(copy)
    assert again is not copy and "ghp_" not in str(again) and again["nested"] == once["nested"]


def test_evidence_read_from_clean_facts_skips_the_walk_and_anything_else_is_redacted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import scanner.redact as redact
    from scanner.model import Finding, Resource, ScanResult, Severity, Source, Status
    from scanner.redact import redact_result

    token = "ghp_" + "b" * 36
    source = Source(kind="terraform", file="main.tf", line=1)
    clean = Resource(
        "aws", "sagemaker", "notebook", "r-clean", "n", source, facts={"notebook.root_access": "Enabled"}
    )
    secret = Resource(
        "aws", "sagemaker", "notebook", "r-secret", "s", source, facts={"notebook.root_access": token}
    )

    def finding(resource: Resource, evidence: dict[str, object]) -> Finding:
        return Finding(
            "MLS-HRD-001", "t", "hardening", Severity.MEDIUM, Status.FAIL, resource.id, "notebook",
            resource.name, "aws", "root access", source, evidence=evidence,
        )  # fmt: skip

    read = finding(clean, {"facts.notebook.root_access": clean.facts["notebook.root_access"]})
    copied = finding(clean, {"facts.notebook.root_access": token})  # not the clean fact's own object
    other_key = finding(clean, {"raw.password": "hunter2hunter2"})
    from_secret = finding(secret, {"facts.notebook.root_access": secret.facts["notebook.root_access"]})
    result = ScanResult((clean, secret), (read, copied, other_key, from_secret), (), "t0", "t1")
    walked: list[int] = []
    real = redact.redact_mapping
    monkeypatch.setattr(redact, "redact_mapping", lambda m: walked.append(id(m)) or real(m))
    out = redact_result(result)
    assert out.findings[0] is read and id(read.evidence) not in walked  # nothing to hide, not walked
    assert {id(f.evidence) for f in (copied, other_key, from_secret)} <= set(walked)
    assert token not in repr(out.findings[1:]) and "hunter2" not in repr(out.findings)
    assert token not in repr(out.resources)

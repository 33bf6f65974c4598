"""Hard-coded secrets in training configuration, by the one redactor's rules (names only, never values)."""

from __future__ import annotations

from scanner.clouds.secrets import secret_facts
from scanner.privacy.training import TrainingInputs


def test_literal_secrets_in_env_hyperparameters_arguments_and_commands_are_found() -> None:
    facts = secret_facts(
        TrainingInputs(
            environment={
                "WANDB_API_KEY": "abc123",
                "SECRET_ARN": "arn:aws:secretsmanager:x",
                "DB_PASSWORD": "$FROM_ENV",
            },
            hyperparameters={"hf_token": '"hf_abcdefghijklmnopqrstuvwx"', "epochs": "3"},
            arguments=["--api-key", "k-123", "--epochs", "3"],
            command="python train.py --client-secret s3cr3t",
            origin="HyperParameters",
        )
    )
    assert facts["training.hardcoded_secrets"] is True
    names = facts["training.secret_names"]
    assert {"env.WANDB_API_KEY", "HyperParameters.hf_token", "args.api-key"} <= set(names)
    assert not any("SECRET_ARN" in n or "DB_PASSWORD" in n for n in names)  # references, not secrets
    assert not any(value in repr(facts) for value in ("abc123", "k-123", "s3cr3t"))


def test_a_plain_job_has_none_and_an_unreadable_one_is_unknown() -> None:
    plain = secret_facts(
        TrainingInputs(hyperparameters={"epochs": "3", "max_seq_length": "512"}, arguments=["--lr", "0.1"])
    )
    assert plain == {"training.hardcoded_secrets": False, "training.secret_names": []}
    assert secret_facts(TrainingInputs(readable=False))["training.hardcoded_secrets"] is None


def test_an_azure_command_with_a_secret_assignment() -> None:
    facts = secret_facts(
        TrainingInputs(command="export API_TOKEN=abcdef123 && python train.py ${{inputs.lr}}")
    )
    assert facts["training.hardcoded_secrets"] is True

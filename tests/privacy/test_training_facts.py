"""privacy_facts: DP evidence read from every channel a training job has, classified and accounted.

The ε expected for fully specified jobs is the published PLD figure of the reference run
(N = 60,000, batch 256, σ = 1.1, 60 epochs, δ = 1e-5 → ε ≈ 2.38; ../shared/notes/dp-accounting.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from scanner.privacy.training import TrainingInputs, privacy_facts

REFERENCE_EPSILON = 2.38


def sm(value: object) -> str:
    """A hyperparameter as the SageMaker Python SDK stores it (JSON-encoded string)."""
    return json.dumps(str(value))


def test_sagemaker_json_encoded_hyperparameters_are_dp_with_computed_epsilon():
    facts = privacy_facts(
        TrainingInputs(
            hyperparameters={
                "noise_multiplier": sm(1.1),
                "l2_norm_clip": sm(1.0),
                "batch_size": sm(256),
                "dataset_size": sm(60000),
                "epochs": sm(60),
                "target_delta": sm("1e-5"),
                "sagemaker_program": sm("train.py"),
            },
            origin="HyperParameters",
        )
    )
    assert facts["privacy.dp"] is True
    assert facts["privacy.status"] == "dp"
    assert facts["privacy.accountant"] == "pld"
    assert facts["privacy.epsilon"] == pytest.approx(REFERENCE_EPSILON, abs=0.015)
    assert facts["privacy.delta"] == 1e-5
    assert "HyperParameters.noise_multiplier=1.1" in facts["privacy.evidence"]
    assert "HyperParameters.l2_norm_clip=1.0" in facts["privacy.evidence"]
    assert not any("sagemaker_program" in line for line in facts["privacy.evidence"])
    assert not any("δ not stated" in a for a in facts["privacy.assumptions"])


@pytest.mark.parametrize(
    "arguments",
    [
        [
            "--noise-multiplier=1.1",
            "--max-grad-norm=1.0",
            "--batch-size=256",
            "--dataset-size=60000",
            "--epochs=60",
        ],
        [
            "--noise_multiplier",
            "1.1",
            "--l2_norm_clip",
            "1.0",
            "--batch_size",
            "256",
            "--num_examples",
            "60000",
            "--num_epochs",
            "60",
        ],
        [
            "python train.py --dpsgd --noise_multiplier 1.1 --clip_norm 1 --batch_size 256 --dataset_size 60000 "
            "--epochs 60"
        ],
    ],
)
def test_container_arguments_in_every_spelling(arguments):
    facts = privacy_facts(TrainingInputs(arguments=arguments))
    assert facts["privacy.status"] == "dp"
    assert facts["privacy.epsilon"] == pytest.approx(REFERENCE_EPSILON, abs=0.015)
    assert any(line.startswith("args.noise") for line in facts["privacy.evidence"])
    assert any("assumed δ = 1e-05" in a for a in facts["privacy.assumptions"])


def test_bare_dp_flag_is_a_claim_and_a_negative_flag_disables():
    assert privacy_facts(TrainingInputs(arguments=["--dp", "--lr", "0.1"]))["privacy.status"] == "claimed"
    facts = privacy_facts(
        TrainingInputs(arguments=["--noise-multiplier", "1.1", "--max-grad-norm", "1", "--disable-dp"])
    )
    assert facts["privacy.status"] == "none"
    assert facts["privacy.dp"] is False
    assert "DP is switched off" in facts["privacy.assumptions"]
    assert (
        privacy_facts(TrainingInputs(arguments=["--use_dp=false", "--noise_multiplier=1", "--c=1"]))[
            "privacy.dp"
        ]
        is False
    )


def test_environment_sm_hp_variables_and_no_other_values():
    facts = privacy_facts(
        TrainingInputs(
            environment={
                "SM_HP_NOISE_MULTIPLIER": "1.1",
                "SM_HP_L2_NORM_CLIP": "1.0",
                "SM_HP_BATCH_SIZE": "256",
                "SM_HP_DATASET_SIZE": "60000",
                "SM_HP_EPOCHS": "60",
                "DB_PASSWORD": "hunter2-secret",
                "AWS_SECRET_ACCESS_KEY": "abc123",
            }
        )
    )
    assert facts["privacy.status"] == "dp"
    assert facts["privacy.epsilon"] == pytest.approx(REFERENCE_EPSILON, abs=0.015)
    assert "env.SM_HP_NOISE_MULTIPLIER=1.1" in facts["privacy.evidence"]
    dumped = json.dumps(facts)
    assert "hunter2" not in dumped and "abc123" not in dumped
    assert "DB_PASSWORD" not in dumped


def test_environment_sm_hps_json():
    hps = json.dumps(
        {"noise_multiplier": 1.1, "max_grad_norm": 1.0, "sample_rate": 256 / 60000, "steps": 14063}
    )
    facts = privacy_facts(TrainingInputs(environment={"SM_HPS": hps}))
    assert facts["privacy.status"] == "dp"
    assert facts["privacy.epsilon"] == pytest.approx(REFERENCE_EPSILON, abs=0.015)


def test_azure_command_placeholders_resolved_from_inputs():
    facts = privacy_facts(
        TrainingInputs(
            command="python train.py --noise-multiplier ${{inputs.sigma}} --max-grad-norm ${{inputs.clip}} "
            "--batch-size 256 --dataset-size ${{inputs.n_rows}} --epochs 60 --data ${{inputs.training_data}}",
            inputs={
                "sigma": {"jobInputType": "literal", "value": "1.1"},
                "clip": 1.0,
                "n_rows": "60000",
                "training_data": {"jobInputType": "uri_folder", "uri": "azureml://datastores/x/paths/y"},
            },
        )
    )
    assert facts["privacy.status"] == "dp"
    assert "command.noise-multiplier=1.1" in facts["privacy.evidence"]
    assert facts["privacy.epsilon"] == pytest.approx(REFERENCE_EPSILON, abs=0.015)


def test_unresolved_placeholder_is_reported_not_guessed():
    facts = privacy_facts(
        TrainingInputs(command="python train.py --noise-multiplier ${{inputs.sigma}} --max-grad-norm 1.0")
    )
    assert facts["privacy.status"] == "none"
    assert any("${{inputs.sigma}}" in a for a in facts["privacy.assumptions"])


def test_tags_with_a_target_epsilon_are_a_claim_with_the_stated_value():
    facts = privacy_facts(TrainingInputs(tags={"dp-epsilon": "3", "team": "ml"}))
    assert facts["privacy.status"] == "claimed"
    assert facts["privacy.dp"] is None
    assert facts["privacy.epsilon"] == 3.0
    assert facts["privacy.accountant"] == "stated"
    assert "tags.dp-epsilon=3" in facts["privacy.evidence"]


def test_adam_epsilon_alone_is_not_dp():
    facts = privacy_facts(
        TrainingInputs(hyperparameters={"optimizer": "adam", "epsilon": "1e-08", "lr": "3e-4"})
    )
    assert facts["privacy.status"] == "none"
    assert facts["privacy.dp"] is False
    assert facts["privacy.epsilon"] is None
    assert facts["privacy.evidence"] == []


def test_adam_epsilon_beside_dp_evidence_is_not_taken_as_target():
    facts = privacy_facts(
        TrainingInputs(arguments=["--noise_multiplier", "1.1", "--max_grad_norm", "1", "--epsilon", "1e-8"])
    )
    assert facts["privacy.status"] == "dp"
    assert any("ignored args.epsilon=1e-8" in a for a in facts["privacy.assumptions"])


def test_huber_delta_is_not_taken_as_dp_delta():
    facts = privacy_facts(
        TrainingInputs(
            hyperparameters={
                "loss": "huber",
                "delta": "1.0",
                "noise_multiplier": "1.1",
                "l2_norm_clip": "1",
                "batch_size": "256",
                "dataset_size": "60000",
                "epochs": "60",
            }
        )
    )
    assert facts["privacy.status"] == "dp"
    assert facts["privacy.delta"] == 1e-5  # assumed, not the Huber 1.0
    assert any("assumed δ" in a for a in facts["privacy.assumptions"])


def test_generic_names_accepted_beside_strong_evidence():
    facts = privacy_facts(
        TrainingInputs(
            arguments=[
                "--noise_multiplier=1.1",
                "--c=1.0",
                "--n=60000",
                "--batch_size=256",
                "--epochs=60",
                "--delta=1e-5",
                "--epsilon=3",
            ]
        )
    )
    assert facts["privacy.status"] == "dp"
    assert "args.c=1.0" in facts["privacy.evidence"]
    assert "args.n=60000" in facts["privacy.evidence"]
    assert facts["privacy.delta"] == 1e-5
    assert facts["privacy.epsilon"] == pytest.approx(REFERENCE_EPSILON, abs=0.015)


def test_generic_names_without_strong_evidence_are_ignored():
    facts = privacy_facts(TrainingInputs(arguments=["--sigma=2.0", "--c=0.5", "--n=100", "--epsilon=3"]))
    assert facts["privacy.status"] == "none"
    assert facts["privacy.evidence"] == []
    assert len([a for a in facts["privacy.assumptions"] if a.startswith("ignored")]) == 4


def test_noise_multiplier_without_clipping_norm_is_only_claimed():
    facts = privacy_facts(TrainingInputs(arguments=["--noise_multiplier=1.1"]))
    assert facts["privacy.status"] == "claimed"
    assert facts["privacy.epsilon"] is None


def test_zero_noise_is_none():
    facts = privacy_facts(TrainingInputs(arguments=["--noise_multiplier=0", "--max_grad_norm=1"]))
    assert facts["privacy.status"] == "none"
    assert "noise multiplier is 0: no noise is added" in facts["privacy.assumptions"]


def test_dp_library_in_image_only_is_weak():
    facts = privacy_facts(
        TrainingInputs(image="123456789012.dkr.ecr.us-east-1.amazonaws.com/opacus-train:1.4")
    )
    assert facts["privacy.status"] == "weak"
    assert facts["privacy.dp"] is None
    assert "library=opacus" in facts["privacy.evidence"]
    assert privacy_facts(TrainingInputs(image="pytorch-training:2.1"))["privacy.status"] == "none"


def test_unreadable_job_is_unknown():
    facts = privacy_facts(TrainingInputs(arguments=["--noise_multiplier=1.1"], readable=False))
    assert facts["privacy.status"] == "unknown"
    assert facts["privacy.dp"] is None and facts["privacy.epsilon"] is None


def test_microbatching_halves_sigma_in_facts():
    facts = privacy_facts(
        TrainingInputs(
            hyperparameters={
                "noise_multiplier": "1.1",
                "l2_norm_clip": "1.0",
                "num_microbatches": "32",
                "batch_size": "256",
                "dataset_size": "60000",
                "epochs": "60",
                "target_delta": "1e-5",
            }
        )
    )
    assert facts["privacy.epsilon"] > 2 * REFERENCE_EPSILON
    assert any("effective noise multiplier 1.1/2 = 0.55" in a for a in facts["privacy.assumptions"])


def test_stated_target_is_used_when_epsilon_cannot_be_computed():
    facts = privacy_facts(
        TrainingInputs(arguments=["--noise_multiplier=1.1", "--max_grad_norm=1", "--target_epsilon=3"])
    )
    assert facts["privacy.status"] == "dp"
    assert facts["privacy.epsilon"] == 3.0 and facts["privacy.accountant"] == "stated"
    assert any(a.startswith("ε not computed: need a sampling rate") for a in facts["privacy.assumptions"])


def test_computed_epsilon_above_stated_target_is_noted():
    facts = privacy_facts(
        TrainingInputs(
            arguments=[
                "--noise_multiplier=1.1",
                "--max_grad_norm=1",
                "--target_epsilon=1",
                "--sample_rate=0.0042666667",
                "--steps=14063",
                "--target_delta=1e-5",
            ]
        )
    )
    assert facts["privacy.accountant"] == "pld"
    assert any("exceeds the stated target ε = 1" in a for a in facts["privacy.assumptions"])


def test_per_device_batch_needs_device_count():
    base = {
        "noise_multiplier": "1.1",
        "per_sample_max_grad_norm": "1.0",
        "per_device_train_batch_size": "64",
        "dataset_size": "60000",
        "num_train_epochs": "60",
        "target_delta": "1e-5",
    }
    unknown = privacy_facts(TrainingInputs(hyperparameters=base))
    assert unknown["privacy.epsilon"] is None
    assert any("number of devices is unknown" in a for a in unknown["privacy.assumptions"])
    known = privacy_facts(TrainingInputs(hyperparameters={**base, "world_size": "4"}))
    assert known["privacy.epsilon"] == pytest.approx(REFERENCE_EPSILON, abs=0.015)  # 64 × 4 = 256


def test_conflicting_sources_prefer_arguments_and_say_so():
    facts = privacy_facts(
        TrainingInputs(
            arguments=["--noise_multiplier=1.1", "--max_grad_norm=1"],
            hyperparameters={"noise_multiplier": "0.5"},
        )
    )
    assert "args.noise_multiplier=1.1" in facts["privacy.evidence"]
    assert any(a.startswith("conflicting noise_multiplier") for a in facts["privacy.assumptions"])


def test_every_fact_name_is_in_the_vocabulary(repo_root: Path):
    vocabulary = yaml.safe_load((repo_root / "scanner/data/facts.yaml").read_text())
    facts = privacy_facts(TrainingInputs(arguments=["--noise_multiplier=1.1", "--max_grad_norm=1"]))
    assert set(facts) <= set(vocabulary)


def test_flag_followed_by_a_positional_argument_is_still_a_flag():
    facts = privacy_facts(TrainingInputs(arguments=["--dp", "train.py", "--lr", "0.1"]))
    assert facts["privacy.status"] == "claimed"
    assert facts["privacy.evidence"] == ["args.dp"]


def test_opacus_make_private_with_epsilon_style_job_is_a_claim_with_an_explanation():
    facts = privacy_facts(
        TrainingInputs(
            arguments=["--target-epsilon", "3", "--max-grad-norm", "1.0", "--target-delta", "1e-5"]
        )
    )
    assert facts["privacy.status"] == "claimed"
    assert (facts["privacy.epsilon"], facts["privacy.delta"], facts["privacy.accountant"]) == (
        3.0,
        1e-5,
        "stated",
    )
    assert any("make_private_with_epsilon" in a for a in facts["privacy.assumptions"])


def test_audio_sample_rate_is_not_a_sampling_probability():
    facts = privacy_facts(
        TrainingInputs(
            arguments=[
                "--noise_multiplier=1.1",
                "--max_grad_norm=1",
                "--sample_rate=16000",
                "--batch_size=256",
                "--dataset_size=60000",
                "--epochs=60",
                "--target_delta=1e-5",
            ]
        )
    )
    assert facts["privacy.epsilon"] == pytest.approx(REFERENCE_EPSILON, abs=0.015)
    assert any(a.startswith("ignored args.sample_rate=16000") for a in facts["privacy.assumptions"])


def test_ordinary_training_parameters_of_a_non_dp_job_make_no_noise():
    facts = privacy_facts(
        TrainingInputs(arguments=["--max_steps", "-1", "--sample_rate", "16000", "--epochs", "3"])
    )
    assert facts["privacy.status"] == "none"
    assert facts["privacy.evidence"] == [] and facts["privacy.assumptions"] == []


def test_dp_accounting_is_imported_only_when_an_epsilon_is_computed():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from scanner.privacy.training import TrainingInputs, privacy_facts\n"
        "privacy_facts(TrainingInputs(hyperparameters={'epochs': '3', 'epsilon': '1e-8'}))\n"
        "assert 'dp_accounting' not in sys.modules\n"
        "privacy_facts(TrainingInputs(arguments=['--noise_multiplier=1', '--c=1', '--sample_rate=0.01', '--steps=10']))\n"
        "assert 'dp_accounting' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

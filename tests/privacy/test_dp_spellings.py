"""The flag spellings real DP training code uses (../shared/notes/dp-flags.md), with their pitfalls."""

from __future__ import annotations

import pytest

from scanner.privacy.training import TrainingInputs, privacy_facts


def facts_of(*arguments: str, **kwargs) -> dict:
    return privacy_facts(TrainingInputs(arguments=list(arguments), **kwargs))


def test_opacus_examples_sigma_and_short_clip_with_delta_are_dp() -> None:
    # opacus/examples/mnist.py: --sigma, -c, --delta, -b, -n (epochs)
    facts = facts_of("--sigma", "1.1", "-c", "1.0", "--delta", "1e-5", "-b", "256", "-n", "60")
    assert facts["privacy.status"] == "dp"
    assert {"args.sigma=1.1", "args.c=1.0", "args.n=60", "args.b=256"} <= set(facts["privacy.evidence"])
    # no dataset size: ε cannot be recomputed, and the job says so
    assert facts["privacy.epsilon"] is None
    assert any("dataset size" in a for a in facts["privacy.assumptions"])


def test_opacus_short_epochs_recompute_the_published_figure() -> None:
    facts = facts_of(
        "--sigma", "1.1", "--max-per-sample-grad_norm", "1.0", "--delta", "1e-5", "-b", "256", "-n", "60",
        "--dataset-size", "60000",
    )  # fmt: skip
    assert facts["privacy.status"] == "dp"
    assert facts["privacy.epsilon"] == pytest.approx(2.38, abs=0.015)  # PLD, dp-accounting.md reference


@pytest.mark.parametrize(
    "clip", ["--max-per-sample-grad_norm", "--max-per-sample-grad-norm", "--per_sample_max_grad_norm"]
)
def test_clip_spellings_with_a_noise_multiplier(clip: str) -> None:
    assert facts_of("--noise_multiplier", "1.0", clip, "1.0")["privacy.status"] == "dp"


def test_tf_privacy_tutorial_flags() -> None:
    facts = facts_of(
        "--dpsgd", "--noise_multiplier", "1.1", "--l2_norm_clip", "1.0", "--microbatches", "256",
        "--batch_size", "256", "--epochs", "60", "--N", "60000",
    )  # fmt: skip
    assert facts["privacy.status"] == "dp"
    assert facts["privacy.epsilon"] is not None and facts["privacy.accountant"] == "pld"


def test_lightning_cli_prefixes_are_dropped() -> None:
    facts = facts_of(
        "--model.noise_multiplier", "1.0", "--model.max_grad_norm", "1.0", "--model.enable_dp", "true"
    )
    assert facts["privacy.status"] == "dp"
    assert "args.model.noise_multiplier=1.0" in facts["privacy.evidence"]


def test_hugging_face_max_grad_norm_alone_is_not_dp() -> None:
    facts = facts_of("--max_grad_norm", "1.0", "--learning_rate", "5e-5", "--num_train_epochs", "3")
    assert facts["privacy.status"] == "none"


def test_sigma_and_max_grad_norm_need_dp_context() -> None:
    # an augmentation's blur sigma and Trainer's clipping are not DP ...
    assert facts_of("--sigma", "0.5", "--max_grad_norm", "1.0")["privacy.status"] == "none"
    # ... beside Opacus's secure RNG (fsdp_llama3.py style) they are
    assert facts_of("--sigma", "0.8", "--max_grad_norm", "1.0", "--secure-rng")["privacy.status"] == "dp"


def test_dp_transformers_trainer_clip_zero_is_ignored_beside_the_per_sample_clip() -> None:
    facts = facts_of(
        "--per_sample_max_grad_norm", "1.0", "--noise_multiplier", "0.8", "--max_grad_norm", "0",
        "--target_delta", "1e-5",
    )  # fmt: skip
    assert facts["privacy.status"] == "dp"
    assert "args.per_sample_max_grad_norm=1.0" in facts["privacy.evidence"]


def test_disable_dp_wins_over_every_other_flag() -> None:
    for flag in ("--disable-dp", "--disable_dp"):
        facts = facts_of("--sigma", "1.0", "-c", "1.0", "--delta", "1e-5", flag)
        assert facts["privacy.status"] == "none" and facts["privacy.dp"] is False


def test_a_target_epsilon_is_a_claim_at_its_delta() -> None:
    facts = facts_of("--target_epsilon", "8", "--target_delta", "1e-6")
    assert facts["privacy.status"] == "claimed"
    assert (facts["privacy.epsilon"], facts["privacy.delta"], facts["privacy.accountant"]) == (
        8.0,
        1e-6,
        "stated",
    )
    undated = facts_of("--target_epsilon", "8")
    assert undated["privacy.delta"] is None
    assert any("does not state" in a for a in undated["privacy.assumptions"])


def test_adam_epsilon_is_not_a_privacy_budget() -> None:
    assert facts_of("--epsilon", "1e-8", "--learning_rate", "0.001")["privacy.status"] == "none"


def test_private_transformers_and_gretel_spellings() -> None:
    assert (
        facts_of("--noise_multiplier", "0.7", "--clip", "0.1", "--eps", "3", "--delta", "1e-5")[
            "privacy.status"
        ]
        == "dp"
    )
    gretel = privacy_facts(
        TrainingInputs(hyperparameters={"dp": "True", "dp_noise_multiplier": "0.8", "dp_l2_norm_clip": "1.2"})
    )
    assert gretel["privacy.status"] == "dp"


def test_a_logged_final_epsilon_is_read_when_it_cannot_be_recomputed() -> None:
    facts = facts_of("--noise_multiplier", "1.1", "--l2_norm_clip", "1.0", metrics={"train:epsilon": 2.91})
    assert facts["privacy.status"] == "dp"
    assert (facts["privacy.epsilon"], facts["privacy.accountant"]) == (2.91, "logged")
    assert "metrics.train:epsilon=2.91" in facts["privacy.evidence"]


def test_a_recomputed_epsilon_wins_over_a_logged_one_and_the_difference_is_reported() -> None:
    facts = facts_of(
        "--noise_multiplier", "1.1", "--l2_norm_clip", "1.0", "--batch_size", "256", "--epochs", "60",
        "--dataset_size", "60000", "--target_delta", "1e-5",
        metrics={"epsilon": 1.0},
    )  # fmt: skip
    assert facts["privacy.accountant"] == "pld"
    assert facts["privacy.epsilon"] == pytest.approx(2.38, abs=0.015)
    assert any("logged ε = 1" in a for a in facts["privacy.assumptions"])


def test_a_logged_epsilon_alone_is_a_claim_and_other_metrics_are_ignored() -> None:
    claimed = facts_of(metrics={"validation:accuracy": 0.9, "final_epsilon": 4.0})
    assert claimed["privacy.status"] == "claimed" and claimed["privacy.epsilon"] == 4.0
    plain = facts_of(metrics={"train:progress": 100.0, "train:loss": 0.1})
    assert plain["privacy.status"] == "none" and plain["privacy.epsilon"] is None
    off = facts_of("--disable_dp", metrics={"epsilon": 4.0})
    assert off["privacy.status"] == "none"

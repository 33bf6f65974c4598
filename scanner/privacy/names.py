"""Parameter-name normalization: every DP library spells σ, C, ε and δ differently.

Opacus says ``max_grad_norm``, TF Privacy ``l2_norm_clip``, dp-transformers
``per_sample_max_grad_norm``; SageMaker turns ``noise_multiplier`` into the
environment variable ``SM_HP_NOISE_MULTIPLIER``. Normalizing once here lets the
rest of the privacy code speak one vocabulary (:class:`Param`), whatever
library, cloud or configuration channel the value came from.

Some names are *generic*: an optimizer's ``epsilon`` (Adam's ~1e-8), a Huber
loss ``delta``, a bare ``c`` or ``n``, a ``sigma`` that may be an
augmentation's blur, or ``max_grad_norm`` (Hugging Face Trainer's ordinary
gradient clipping, which dp-transformers passes as 0). They are returned with
``generic=True`` and the classifier accepts them only beside strong DP evidence
or, for a σ and a clipping norm seen together, beside DP context (a DP library,
Opacus's ``--secure-rng``, a DP switch). Lightning CLI prefixes
(``--model.noise_multiplier``) are dropped; Opacus's short ``-n`` is its epochs
and ``-b`` its batch size, TF Privacy's ``--N`` the dataset size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Param(str, Enum):
    """The DP-SGD parameters mlscan understands."""

    SIGMA = "noise_multiplier"
    CLIP = "clipping_norm"
    TARGET_EPSILON = "target_epsilon"
    DELTA = "delta"
    BATCH_SIZE = "batch_size"
    PER_DEVICE_BATCH = "per_device_batch_size"
    GRAD_ACCUMULATION = "gradient_accumulation_steps"
    DEVICES = "devices"
    DATASET_SIZE = "dataset_size"
    SAMPLE_RATE = "sample_rate"
    EPOCHS = "epochs"
    STEPS = "steps"
    MICROBATCHES = "num_microbatches"
    DP_ON = "dp_enabled"
    DP_OFF = "dp_disabled"
    POISSON = "poisson_sampling"
    SECURE_RNG = "secure_rng"
    """Opacus's cryptographically secure noise: DP context, not a DP switch by itself."""


# Normalized alias -> parameter. Generic aliases are listed separately.
_ALIASES: dict[str, Param] = {
    **dict.fromkeys(("noise_multiplier", "noise_multiplier_sigma"), Param.SIGMA),
    **dict.fromkeys(
        (
            "l2_norm_clip",
            "max_per_sample_grad_norm",
            "per_sample_max_grad_norm",
            "clipping_norm",
            "clip_norm",
            "l2_clip",
            "clipping_threshold",
        ),
        Param.CLIP,
    ),
    **dict.fromkeys(
        ("target_epsilon", "dp_epsilon", "stop_training_at_epsilon", "target_eps", "privacy_epsilon"),
        Param.TARGET_EPSILON,
    ),
    **dict.fromkeys(("target_delta", "dp_delta", "privacy_delta"), Param.DELTA),
    **dict.fromkeys(
        ("batch_size", "train_batch_size", "global_batch_size", "expected_batch_size", "mini_batch_size"),
        Param.BATCH_SIZE,
    ),
    **dict.fromkeys(("per_device_train_batch_size", "per_gpu_train_batch_size"), Param.PER_DEVICE_BATCH),
    "gradient_accumulation_steps": Param.GRAD_ACCUMULATION,
    **dict.fromkeys(("world_size", "num_devices"), Param.DEVICES),
    **dict.fromkeys(
        (
            "dataset_size",
            "num_examples",
            "number_of_examples",
            "num_train_examples",
            "train_dataset_size",
            "train_size",
        ),
        Param.DATASET_SIZE,
    ),
    **dict.fromkeys(("sample_rate", "sampling_probability", "sampling_rate"), Param.SAMPLE_RATE),
    **dict.fromkeys(("epochs", "num_epochs", "num_train_epochs", "n_epochs"), Param.EPOCHS),
    **dict.fromkeys(("steps", "max_steps", "num_updates", "num_steps", "train_steps"), Param.STEPS),
    **dict.fromkeys(("num_microbatches", "microbatches"), Param.MICROBATCHES),
    **dict.fromkeys(
        ("dpsgd", "use_dp", "dp", "differential_privacy", "enable_dp", "use_differential_privacy", "dp_sgd"),
        Param.DP_ON,
    ),
    **dict.fromkeys(("disable_dp", "no_dp"), Param.DP_OFF),
    "poisson_sampling": Param.POISSON,
    **dict.fromkeys(("secure_rng", "secure_mode"), Param.SECURE_RNG),
}

# Names that mean a DP parameter only in a DP context.
_GENERIC: dict[str, Param] = {
    "epsilon": Param.TARGET_EPSILON,
    "eps": Param.TARGET_EPSILON,
    "delta": Param.DELTA,
    "c": Param.CLIP,
    "n": Param.DATASET_SIZE,
    "sigma": Param.SIGMA,
    "noise_scale": Param.SIGMA,
    "max_grad_norm": Param.CLIP,
    "clip": Param.CLIP,
}

# Single-dash short options as Opacus's examples define them (``-n`` epochs, ``-b`` batch size, ``-c``
# clip); ``--N`` (TF Privacy's calculator) stays the generic dataset size.
_SHORT: dict[str, Param] = {"-n": Param.EPOCHS, "-b": Param.BATCH_SIZE, "-c": Param.CLIP}

_PREFIXES = ("sm_hp_",)

BOOLEAN_PARAMS = frozenset({Param.DP_ON, Param.DP_OFF, Param.POISSON, Param.SECURE_RNG})
"""Switches: a bare flag means true."""
TRUE_WORDS = frozenset({"", "true", "1", "yes", "y", "on", "enabled", "enable", "t"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "off", "disabled", "disable", "f", "none"})


@dataclass(frozen=True)
class Name:
    """A recognized parameter name."""

    param: Param
    generic: bool
    """True for names such as ``epsilon`` or ``delta`` that other code uses for other things."""


def normalize(key: str) -> str:
    """Lowercase, strip leading dashes, map ``-`` and ``.`` to ``_``, drop ``SM_HP_``.

    >>> normalize("--Noise-Multiplier")
    'noise_multiplier'
    >>> normalize("SM_HP_L2_NORM_CLIP")
    'l2_norm_clip'
    """
    name = re.sub(r"[-.\s]+", "_", key.strip().lstrip("-").lower()).strip("_")
    for prefix in _PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            name = name[len(prefix) :]
    return name


def recognize(key: str) -> Name | None:
    """The DP parameter ``key`` names, or None when it is not a DP name.

    A ``dp_`` prefix makes a generic name specific (``dp_epsilon``, ``dp_delta``, ``dp_sigma``); a
    Lightning CLI prefix is dropped (``--model.noise_multiplier`` is ``noise_multiplier``).
    """
    short = key.strip()
    if short in _SHORT:
        return Name(_SHORT[short], generic=True)
    name = normalize(key)
    found = _lookup(name)
    if found is None and "." in key:
        found = _lookup(normalize(key.rsplit(".", 1)[1]))
    return found


def _lookup(name: str) -> Name | None:
    if name in _ALIASES:
        return Name(_ALIASES[name], generic=False)
    if name in _GENERIC:
        return Name(_GENERIC[name], generic=True)
    for prefix in ("dp_", "privacy_"):
        if name.startswith(prefix) and len(name) > len(prefix):
            rest = name[len(prefix) :]
            if rest in _ALIASES:
                return Name(_ALIASES[rest], generic=False)
            if rest in _GENERIC:
                return Name(_GENERIC[rest], generic=False)
    return None


# Libraries whose presence in an image, command or requirement is (weak) evidence of DP training.
DP_LIBRARIES: tuple[str, ...] = (
    "opacus",
    "tensorflow-privacy",
    "tensorflow_privacy",
    "tf-privacy",
    "jax-privacy",
    "jax_privacy",
    "dp-transformers",
    "dp_transformers",
    "private-transformers",
    "private_transformers",
    "diffprivlib",
    "pyvacy",
    "dp-accounting",
    "dp_accounting",
)


def libraries_in(text: str) -> list[str]:
    """The DP libraries named in ``text`` (an image URI, command or requirement line)."""
    lowered = text.lower()
    found = []
    for library in DP_LIBRARIES:
        canonical = library.replace("_", "-")
        if re.search(rf"(?<![a-z0-9]){re.escape(library)}(?![a-z0-9])", lowered) and canonical not in found:
            found.append(canonical)
    return found

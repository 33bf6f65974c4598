"""The container images of SageMaker resources, live (describe responses) and in Terraform (blocks)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scanner.clouds.images import facts_from_kinds, image_facts, registry_kind
from scanner.iac.values import Ref, Unknown

_OWN_REFERENCES = ("aws_ecr_repository", "aws_caller_identity")


def images_in(describe: Any) -> list[str]:
    """``Image`` / ``TrainingImage`` values of a model, training job or endpoint's models (any nesting)."""
    found: list[str] = []
    if isinstance(describe, Mapping):
        for key, value in describe.items():
            if key in ("Image", "TrainingImage", "image") and value is not None:
                found.append(value)
            else:
                found.extend(images_in(value))
    elif isinstance(describe, (list, tuple)):
        for item in describe:
            found.extend(images_in(item))
    return found


def live_image_facts(describe: Any, account: str | None) -> dict[str, Any]:
    """``image.*`` facts of a describe response, judged against the scanned account."""
    return image_facts([i for i in images_in(describe) if isinstance(i, str)], account)


def tf_image_facts(values: Iterable[Any]) -> dict[str, Any]:
    """``image.*`` facts of Terraform blocks' attributes: an image built from an ``aws_ecr_repository`` or the
    caller's account id is the account's own; other references cannot be told."""
    kinds: list[str | None] = []
    for value in values:
        for image in images_in(value):
            if isinstance(image, str):
                kinds.append(registry_kind(image, None))
            elif isinstance(image, (Ref, Unknown)):
                text = image.target if isinstance(image, Ref) else image.expression
                kinds.append("own" if any(name in text for name in _OWN_REFERENCES) else None)
    return facts_from_kinds(kinds)

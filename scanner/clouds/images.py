"""Where a container image comes from: the account's own registry, the cloud provider's, or a public one.

A training or serving image pulled from Docker Hub, GHCR, Quay or public ECR runs with the job's role and
sees its training data; whoever controls that repository controls the code. Images in the account's own
registry (ECR, Artifact Registry / Container Registry, ACR) or in the cloud provider's managed registries
(SageMaker and Vertex prebuilt containers, mcr.microsoft.com) are under the customer's or the provider's
control. A private registry of another account, or one mlscan cannot attribute (an ECR account that is
neither the scanned one nor a known AWS one), is unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_ECR = re.compile(r"^(\d{12})\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?/")
# AWS-owned ECR accounts of the SageMaker prebuilt containers (Deep Learning Containers, built-in algorithms).
AWS_IMAGE_ACCOUNTS = frozenset(
    {"763104351884", "683313688378", "811284229777", "382416733822", "246618743249", "433757028032",
     "174872318107", "520713654638", "257758044811", "156813124566", "785573368785"}
)  # fmt: skip
_GCP = re.compile(r"^(?:[a-z0-9-]+-docker\.pkg\.dev|(?:[a-z]+\.)?gcr\.io)/([a-z0-9-]+)/")
GCP_IMAGE_PROJECTS = frozenset(
    {"vertex-ai", "cloud-aiplatform", "deeplearning-platform-release", "vertex-ai-restricted"}
)
_ACR = re.compile(r"^[a-z0-9]+\.azurecr\.io/")
PROVIDER_HOSTS = ("mcr.microsoft.com/",)


def registry_kind(image: str, owner: str | None) -> str | None:
    """``own``, ``provider``, ``public``, or None when it cannot be told (another account's private registry).

    ``owner`` is the AWS account id or GCP project of the resource, when known.
    """
    image = image.strip()
    ecr = _ECR.match(image)
    if ecr:
        if ecr.group(1) in AWS_IMAGE_ACCOUNTS:
            return "provider"
        return "own" if owner and ecr.group(1) == owner else None
    gcp = _GCP.match(image)
    if gcp:
        if gcp.group(1) in GCP_IMAGE_PROJECTS:
            return "provider"
        return "own" if owner and gcp.group(1) == owner else None
    if _ACR.match(image):
        return "own"  # an ACR name cannot be tied to a subscription from the URI: the customer's own kind of registry
    if image.startswith(PROVIDER_HOSTS):
        return "provider"
    return "public"


def image_facts(images: Iterable[str | None], owner: str | None) -> dict[str, object]:
    """``image.public_registry`` / ``image.registries`` over a resource's images (no images: no facts).

    ``image.public_registry`` is True when any image comes from a public registry, False when all come from
    the account's own or the provider's registries, None otherwise.
    """
    return facts_from_kinds([registry_kind(i, owner) for i in images if isinstance(i, str) and i])


def facts_from_kinds(kinds: list[str | None]) -> dict[str, object]:
    """The image facts from already classified registries (Terraform classifies references itself)."""
    if not kinds:
        return {}
    public = True if "public" in kinds else (None if None in kinds else False)
    return {"image.public_registry": public, "image.registries": sorted({k or "unknown" for k in kinds})}

"""The storage behind an ML resource: where its training data, model artifacts and captured payloads live,
and whether that storage is public, customer-key encrypted, versioned and access-logged.

Training data and model artifacts are what model inversion and membership inference are after; reading them
straight out of a public bucket needs neither. Every cloud's adapters (live and Terraform) judge each bucket /
container / storage account into a :class:`StorageState` and call :func:`artifact_facts` with the states of
the locations a resource's lineage reaches, so the same rule folds them on every cloud.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scanner.tristate import all_of, any_of

ARTIFACT_FACTS = (
    "artifacts.public",
    "artifacts.cmk",
    "artifacts.versioning",
    "artifacts.access_logging",
    "artifacts.locations",
)


@dataclass(frozen=True)
class StorageState:
    """One bucket, container or storage account, judged with the provider's defaults resolved."""

    location: str
    """``s3://bucket``, ``gs://bucket``, or the storage account id."""
    public: bool | None
    """Readable by anyone (anonymous or any account), after account / bucket public-access blocks."""
    cmk: bool | None
    """Default encryption uses a customer-managed key."""
    versioning: bool | None
    """Object versioning or soft delete keeps overwritten / deleted objects recoverable."""
    access_logging: bool | None
    """Server access logs (or data-access audit logs) record who read the objects."""


def artifact_facts(locations: Sequence[str], states: Sequence[StorageState | None]) -> dict[str, object]:
    """``artifacts.*`` over the storage a resource's lineage reaches.

    ``locations`` are every storage location the resource names; ``states`` the judged storage for each
    (None when it is not in the scan or could not be read). Public if any is public; customer-key
    encrypted, versioned and logged only if all are. A resource that names no storage gets no ``artifacts.*``
    facts at all: the storage policies do not apply to it (their ``when`` asks for ``artifacts.locations``).
    """
    if not locations:
        return {}
    known = [s for s in states if s is not None]
    unread = len(known) < len(states)
    return {
        "artifacts.public": any_of([*(s.public for s in known), *([None] if unread else [])]),
        "artifacts.cmk": all_of([*(s.cmk for s in known), *([None] if unread else [])]),
        "artifacts.versioning": all_of([*(s.versioning for s in known), *([None] if unread else [])]),
        "artifacts.access_logging": all_of([*(s.access_logging for s in known), *([None] if unread else [])]),
        "artifacts.locations": sorted(set(locations)),
    }

"""Contracts shared by every provider adapter, and the helpers that build Resources from Terraform."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from scanner.iac.provenance import fact_provenance
from scanner.iac.values import display
from scanner.model import Resource, ScanError
from scanner.redact import redact_mapping

if TYPE_CHECKING:
    from scanner.iac.graph import TfIndex
    from scanner.iac.types import TfResource


@dataclass(frozen=True)
class SourceResult:
    """What a source produced: resources, plus the errors of whatever part could not be read."""

    resources: tuple[Resource, ...] = ()
    errors: tuple[ScanError, ...] = ()


@dataclass(frozen=True)
class LiveOptions:
    """Options of ``mlscan scan`` for every cloud; each cloud reads the fields it needs."""

    # AWS
    profile: str | None = None
    regions: tuple[str, ...] = ()
    accounts_file: str | None = None
    org_role: str | None = None
    endpoint_url: str | None = None
    # Azure
    subscriptions: tuple[str, ...] = ()
    azure_endpoint: str | None = None
    # Google
    projects: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    gcp_endpoint: str | None = None
    # all
    max_workers: int = 16
    training_jobs_since: datetime | None = None
    """Read only training jobs created at or after this time (``--training-jobs-since 90d``), plus the
    jobs behind deployed models, whatever their age (:mod:`scanner.clouds.recent`)."""
    extra: Mapping[str, Any] = field(default_factory=dict)


class Progress(Protocol):
    """Where live scanners report progress; the CLI shows it with rich, tests pass :class:`NullProgress`."""

    def add(self, label: str, total: int | None = None) -> None:
        """Announce ``total`` more units of work under ``label``."""

    def advance(self, label: str, amount: int = 1) -> None:
        """Mark ``amount`` units of ``label`` done."""


class NullProgress:
    """A progress sink that shows nothing (CI, --quiet, tests)."""

    def add(self, label: str, total: int | None = None) -> None:
        """Ignore."""

    def advance(self, label: str, amount: int = 1) -> None:
        """Ignore."""


LiveScanner = Callable[[LiveOptions, Progress], SourceResult]
"""``scanner.clouds.<cloud>.live.scan(options, progress)``."""

TerraformMapper = Callable[["TfResource", "TfIndex"], Iterable[Resource]]
"""Maps one Terraform block to zero or more Resources (zero when merged into another)."""


def resource_from_tf(
    tf: TfResource,
    *,
    provider: str,
    service: str,
    kind: str,
    facts: Mapping[str, Any],
    links: Iterable[str] = (),
    name: str | None = None,
    tags: Mapping[str, str] | None = None,
    raw: Mapping[str, Any] | None = None,
) -> Resource:
    """Build a normalized Resource from a Terraform block with its source and inline suppressions.

    ``raw`` defaults to the block's attributes (Refs and Unknowns shown as text); it is always
    passed through the one redactor (scanner/redact.py), so no mapper can forget to.
    """
    literal_name = tf.attrs.get("name")
    return Resource(
        provider=provider,
        service=service,
        kind=kind,
        id=tf.address,
        name=name or (literal_name if isinstance(literal_name, str) else tf.name),
        source=tf.source,
        facts=dict(facts),
        tags=dict(tags if tags is not None else literal_tags(tf.attrs)),
        raw=redact_mapping(display(raw if raw is not None else tf.attrs)),
        links=tuple(links),
        resource_type=tf.type,
        suppressions=tf.suppressions,
        provenance=fact_provenance(tf, facts),
    )


def literal_tags(attrs: Mapping[str, Any], key: str = "tags") -> dict[str, str]:
    """Tags / labels whose keys and values are literals (unresolvable ones are dropped)."""
    value = attrs.get(key)
    if not isinstance(value, Mapping):
        return {}
    return {str(k): str(v) for k, v in value.items() if isinstance(v, (str, int, float, bool))}


MAX_PAGES = 10_000
"""Pages one listing may take (10,000 pages of 100 is a million resources) before it is called endless."""


class EndlessPagination(RuntimeError):
    """A listing whose next-page token (Azure ``nextLink``, Google ``nextPageToken``) came back again, or
    that never ends: reported as that listing's error entry instead of hanging the scan."""


class PageTokens:
    """Watches the next-page tokens of one listing: :meth:`see` raises :class:`EndlessPagination` on a
    token seen before or past :data:`MAX_PAGES` pages. Empty tokens (the last page) are ignored."""

    def __init__(self, listing: str) -> None:
        self._listing = listing
        self._seen: set[str] = set()

    def see(self, token: str | None) -> None:
        """Record the token that leads to the next page."""
        if not token:
            return
        if token in self._seen:
            raise EndlessPagination(
                f"{self._listing}: endless pagination (the same next-page token came back)"
            )
        if len(self._seen) >= MAX_PAGES:
            raise EndlessPagination(f"{self._listing}: more than {MAX_PAGES} pages; stopped")
        self._seen.add(token)

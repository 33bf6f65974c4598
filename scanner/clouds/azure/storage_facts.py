"""An Azure storage account judged into a :class:`StorageState`, from its ARM JSON shape (live GETs, or
Terraform blocks translated to it).

Public: anonymous blob access needs the account to allow it (``allowBlobPublicAccess``; absent reads as
false since api-version 2023-01-01, while azurerm's ``allow_nested_items_to_be_public`` defaults to true) and
a container whose ``publicAccess`` is ``Blob`` or ``Container``. Customer key: ``encryption.keySource`` is
``Microsoft.Keyvault``. Recoverable: blob versioning or blob soft delete (blob service properties). Access
logging: a diagnostic setting on the blob service that keeps ``StorageRead`` (or the ``allLogs`` / ``audit``
category groups). Shared-key access and the network default action are not ``artifacts.public`` (they need
a key or a network path), they are read into the workspace's ``storage.public`` as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scanner.clouds.artifacts import StorageState

_READ_LOGS = {"storageread"}
_READ_GROUPS = {"alllogs", "audit"}


def containers_public(containers: Iterable[Mapping[str, Any]] | None) -> bool | None:
    """Any container allows anonymous reads (``publicAccess`` Blob or Container); None when unread."""
    if containers is None:
        return None
    return any(
        str(((c.get("properties") or {}).get("publicAccess")) or "None").lower() in ("blob", "container")
        for c in containers
        if isinstance(c, Mapping)
    )


def reads_logged(settings: Iterable[Mapping[str, Any]] | None) -> bool | None:
    """A diagnostic setting on the blob service keeps read requests (StorageRead, allLogs or audit)."""
    if settings is None:
        return None
    for setting in settings:
        for log in (setting.get("properties") or {}).get("logs") or []:
            if not isinstance(log, Mapping) or log.get("enabled") is False:
                continue
            if str(log.get("category") or "").lower() in _READ_LOGS:
                return True
            if str(log.get("categoryGroup") or "").lower() in _READ_GROUPS:
                return True
    return False


def account_state(
    location: str,
    *,
    allow_public: bool | None,
    containers: Iterable[Mapping[str, Any]] | None,
    cmk: bool | None,
    blob_service: Mapping[str, Any] | None,
    diagnostics: Iterable[Mapping[str, Any]] | None,
) -> StorageState:
    """One storage account's state (``blob_service`` / ``containers`` / ``diagnostics`` None when unread)."""
    if allow_public is False:
        public: bool | None = False
    elif allow_public is True:
        public = containers_public(containers)
    else:
        public = None
    recoverable: bool | None = None
    if blob_service is not None:
        service = blob_service.get("properties") or {}
        retention = service.get("deleteRetentionPolicy") or {}
        recoverable = bool(service.get("isVersioningEnabled")) or bool(retention.get("enabled"))
    return StorageState(
        location=location,
        public=public,
        cmk=cmk,
        versioning=recoverable,
        access_logging=reads_logged(diagnostics),
    )


def live_account_state(
    account: Mapping[str, Any],
    *,
    blob_service: Mapping[str, Any] | None,
    containers: Iterable[Mapping[str, Any]] | None,
    diagnostics: Iterable[Mapping[str, Any]] | None,
) -> StorageState:
    """A storage account from its ARM JSON (api 2023-01-01: an absent allowBlobPublicAccess reads false)."""
    props = account.get("properties") or {}
    source = str((props.get("encryption") or {}).get("keySource") or "Microsoft.Storage")
    return account_state(
        str(account.get("id") or ""),
        allow_public=bool(props.get("allowBlobPublicAccess", False)),
        containers=containers,
        cmk=source.lower() == "microsoft.keyvault",
        blob_service=blob_service,
        diagnostics=diagnostics,
    )

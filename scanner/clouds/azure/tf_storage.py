"""Terraform Azure storage accounts behind Azure ML workspaces and datastores → ``artifacts.*`` facts.

``azurerm_storage_account`` translated into the ARM shape and judged by :mod:`storage_facts`:
``allow_nested_items_to_be_public`` (azurerm's default: true), the ``azurerm_storage_container`` blocks of
the account (``container_access_type``, default private), ``customer_managed_key`` or an
``azurerm_storage_account_customer_managed_key``, ``blob_properties`` (versioning, delete retention) and an
``azurerm_monitor_diagnostic_setting`` on the account's ``blobServices/default``. Containers Terraform does not
manage (Azure ML's own ``azureml-*`` containers are private) are not in the scan. An account that is not in
the scan is unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.clouds.artifacts import StorageState, artifact_facts
from scanner.clouds.azure.storage_facts import account_state
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Ref, Unknown, as_bool, block, blocks

ACCOUNT = "azurerm_storage_account"


def account_of(value: Any, origin: TfResource, index: TfIndex) -> TfResource | None:
    """The storage account block a value (an account id, or a container id) references."""
    target = index.resolve(value, origin)
    if target is not None and target.type == "azurerm_storage_container":
        return _container_account(target, index)
    return target if target is not None and target.type == ACCOUNT else None


def _container_account(container: TfResource, index: TfIndex) -> TfResource | None:
    for key in ("storage_account_id", "storage_account_name"):
        target = index.resolve(container.attrs.get(key), container)
        if target is not None and target.type == ACCOUNT:
            return target
        name = container.attrs.get(key)
        if isinstance(name, str):
            found = [
                a
                for a in index.of_type(ACCOUNT)
                if a.attrs.get("name") == name and a.module == container.module
            ]
            if found:
                return found[0]
    return None


def storage_artifact_facts(value: Any, origin: TfResource, index: TfIndex) -> dict[str, Any]:
    """``artifacts.*`` of the storage account a block names (``storage_account_id`` / a container id)."""
    if value is None:
        return {}
    account = account_of(value, origin, index)
    location = (
        account.address if account is not None else (value.address if isinstance(value, Ref) else str(value))
    )
    return artifact_facts([location], [None if account is None else tf_account_state(account, index)])


def tf_account_state(account: TfResource, index: TfIndex) -> StorageState:
    """One ``azurerm_storage_account`` with the provider's defaults resolved."""
    attrs = account.attrs
    allow = attrs.get("allow_nested_items_to_be_public", attrs.get("allow_blob_public_access"))
    containers = [
        {"properties": {"publicAccess": str(c.attrs.get("container_access_type") or "private")}}
        for c in index.of_type("azurerm_storage_container")
        if _container_account(c, index) is account
    ]
    if any(
        isinstance(c.attrs.get("container_access_type"), (Ref, Unknown))
        for c in index.of_type("azurerm_storage_container")
        if _container_account(c, index) is account
    ):
        containers_value = None
    else:
        containers_value = containers
    key = block(attrs, "customer_managed_key")
    separate = index.referencing(account, "azurerm_storage_account_customer_managed_key")
    cmk = None if isinstance(key, Unknown) else bool(key) or bool(separate)
    return account_state(
        account.address,
        allow_public=as_bool(allow, True),
        containers=containers_value,
        cmk=cmk,
        blob_service=_blob_service(attrs),
        diagnostics=_diagnostics(account, index),
    )


def _blob_service(attrs: Mapping[str, Any]) -> Mapping[str, Any] | None:
    props = block(attrs, "blob_properties")
    if isinstance(props, Unknown):
        return None
    props = props or {}
    versioning = as_bool(props.get("versioning_enabled"), False)
    retention = block(props, "delete_retention_policy")
    if versioning is None or isinstance(retention, Unknown):
        return None
    return {
        "properties": {
            "isVersioningEnabled": versioning,
            "deleteRetentionPolicy": {"enabled": bool(retention)},
        }
    }


def _diagnostics(account: TfResource, index: TfIndex) -> list[Mapping[str, Any]] | None:
    settings = []
    for setting in index.referencing(account, "azurerm_monitor_diagnostic_setting"):
        target = setting.attrs.get("target_resource_id")
        text = target.expression if isinstance(target, Unknown) else str(target)
        if "blobservices" not in text.lower().replace("/", ""):
            continue
        logs = blocks(setting.attrs, "enabled_log")
        if isinstance(logs, Unknown):
            return None
        settings.append(
            {
                "properties": {
                    "logs": [
                        {
                            "category": log.get("category"),
                            "categoryGroup": log.get("category_group"),
                            "enabled": True,
                        }
                        for log in logs
                    ]
                }
            }
        )
    return settings

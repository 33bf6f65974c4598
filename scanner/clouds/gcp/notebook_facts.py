"""Notebook settings → facts, shared by the Terraform notebooks mappers and the live Workbench reader.

Both faces hand these functions snake_case mappings: the Terraform provider's
attributes (nested blocks as lists of dicts, values possibly :class:`Ref` /
:class:`Unknown`) and the Notebooks v2 API's ``Instance`` as a dict with proto field
names (``gce_setup.disable_public_ip``, ``boot_disk.kms_key`` …). The provider and the
API share those names, so one function gives one setting one fact either way.
No Google SDK is imported here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from scanner.clouds.gcp import facts_common as fc
from scanner.iac.values import Unknown, as_bool, block, blocks
from scanner.tristate import all_of, negate

SHIELDED_DEFAULTS = {"enable_secure_boot": False, "enable_vtpm": True, "enable_integrity_monitoring": True}
"""What Compute Engine applies when no Shielded VM config is given at all."""

_SHIELDED_FACTS = {
    "enable_secure_boot": "hardening.secure_boot",
    "enable_vtpm": "hardening.vtpm",
    "enable_integrity_monitoring": "hardening.integrity_monitoring",
}
_METADATA_SWITCHES = {
    "notebook.root_access": "notebook-disable-root",
    "notebook.terminal": "notebook-disable-terminal",
    "notebook.file_downloads": "notebook-disable-downloads",
}

IdentityReader = Callable[[Any], dict[str, Any]]
"""Identity facts for a service-account value (email, Ref, Unknown or None); each face reads roles its way."""


def workbench_facts(gce: Mapping[str, Any], identity: IdentityReader) -> dict[str, Any]:
    """Facts of a Vertex AI Workbench instance from its ``gce_setup`` (provider block or API message).

    Defaults as the API resolves them: a public IP unless ``disable_public_ip``;
    CMEK only when the boot disk and the data disk (one is created by default) both
    name a KMS key; Shielded VM per :func:`shielded_facts` with ``block_defaults=False``;
    root, terminal and downloads on unless ``notebook-disable-*`` metadata says "true";
    no service account → the Compute Engine default account (via ``identity``).
    """
    public_ip = negate(as_bool(gce.get("disable_public_ip"), False))
    interfaces = blocks(gce, "network_interfaces")
    first = interfaces[0] if isinstance(interfaces, list) and interfaces else {}
    facts = network_facts(public_ip, first.get("subnet") or first.get("network"))
    facts.update(workbench_disk_facts(gce))
    facts.update(shielded_facts(gce, block_defaults=False))
    facts.update(metadata_facts(gce.get("metadata")))
    accounts = blocks(gce, "service_accounts")
    account: Any = accounts[0].get("email") if isinstance(accounts, list) and accounts else None
    if isinstance(accounts, Unknown):
        account = Unknown("gce_setup.service_accounts")
    facts.update(identity(account))
    return facts


def workbench_disk_facts(gce: Mapping[str, Any]) -> dict[str, Any]:
    """CMEK only when the boot disk and the data disk (created by default) both use a KMS key."""
    keys = []
    for name in ("boot_disk", "data_disks"):
        disk = block(gce, name)
        keys.append(disk if isinstance(disk, Unknown) else (disk or {}).get("kms_key"))
    states = [fc.present(key) for key in keys]
    cmk = all_of(states)
    facts: dict[str, Any] = {"encryption.cmk": cmk}
    if cmk:
        facts["encryption.key_id"] = fc.text(keys[0])
    return facts


def network_facts(public_ip: bool | None, subnet: Any) -> dict[str, Any]:
    """A notebook VM with an external IP is reachable from, and reaches, the internet directly."""
    facts: dict[str, Any] = {
        "network.public_ip": public_ip,
        "network.public": public_ip,
        "notebook.direct_internet": public_ip,
    }
    if fc.present(subnet):
        facts["network.subnet"] = fc.text(subnet)
    return facts


def shielded_facts(attrs: Mapping[str, Any], *, block_defaults: bool = True) -> dict[str, Any]:
    """Secure boot / vTPM / integrity monitoring from ``shielded_instance_config``.

    No block: Compute Engine's defaults (secure boot off, vTPM and integrity
    monitoring on). Inside a block, an omitted switch means its default when
    ``block_defaults`` (the legacy notebooks provider fills them in), or off when not:
    the Notebooks v2 API is proto3, so a returned config leaves false switches out, and
    the ``google_workbench_instance`` provider sends only the switches written, which
    the API then reads as false.
    """
    config = block(attrs, "shielded_instance_config")
    if isinstance(config, Unknown):
        return dict.fromkeys(_SHIELDED_FACTS.values())
    if config is None:
        return {fact: SHIELDED_DEFAULTS[attr] for attr, fact in _SHIELDED_FACTS.items()}
    return {
        fact: as_bool(config.get(attr), SHIELDED_DEFAULTS[attr] if block_defaults else False)
        for attr, fact in _SHIELDED_FACTS.items()
    }


def metadata_facts(metadata: Any) -> dict[str, Any]:
    """Root, terminal and downloads are on unless ``notebook-disable-*`` metadata is "true";
    auto-upgrade is on only with a ``notebook-upgrade-schedule``."""
    if metadata is not None and not isinstance(metadata, Mapping):
        return dict.fromkeys([*_METADATA_SWITCHES, "notebook.auto_upgrade"])
    facts = {
        fact: negate(as_bool((metadata or {}).get(key), False)) for fact, key in _METADATA_SWITCHES.items()
    }
    facts["notebook.auto_upgrade"] = fc.present((metadata or {}).get("notebook-upgrade-schedule"))
    return facts

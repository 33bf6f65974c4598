"""Terraform notebooks → ``notebook`` Resources: legacy user-managed notebooks, managed runtimes, Workbench.

Provider defaults are resolved: a public IP unless ``no_public_ip`` /
``internal_ip_only`` / ``disable_public_ip`` says otherwise; Google-managed disk
keys unless a KMS key is given; Shielded VM secure boot off, vTPM and integrity
monitoring on; root, terminal and downloads on unless the ``notebook-disable-*``
metadata turns them off; the Compute Engine default service account when none is set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scanner.clouds.base import literal_tags, resource_from_tf
from scanner.clouds.gcp import facts_common as fc
from scanner.clouds.gcp.terraform_iam import identity_from_tf
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Unknown, as_bool, as_str, block, blocks

SHIELDED_DEFAULTS = {"enable_secure_boot": False, "enable_vtpm": True, "enable_integrity_monitoring": True}
_SHIELDED_FACTS = {
    "enable_secure_boot": "hardening.secure_boot",
    "enable_vtpm": "hardening.vtpm",
    "enable_integrity_monitoring": "hardening.integrity_monitoring",
}


def map_notebooks_instance(tf: TfResource, index: TfIndex) -> Iterable:
    """``google_notebooks_instance`` (user-managed notebook, legacy)."""
    attrs = tf.attrs
    public_ip = _not(as_bool(attrs.get("no_public_ip"), False))
    encryption = attrs.get("disk_encryption")
    cmek_mode = None if isinstance(encryption, Unknown) else as_str(encryption, "GMEK") == "CMEK"
    facts = _network(public_ip, attrs.get("subnet") or attrs.get("network"))
    facts["encryption.cmk"] = fc.any_true(cmek_mode, fc.present(attrs.get("kms_key")))
    if fc.present(attrs.get("kms_key")):
        facts["encryption.key_id"] = fc.text(attrs["kms_key"])
    facts.update(_shielded(attrs))
    facts.update(_metadata(attrs.get("metadata")))
    facts.update(identity_from_tf(attrs.get("service_account"), tf, index))
    return [_notebook(tf, facts, service="notebooks")]


def map_notebooks_runtime(tf: TfResource, index: TfIndex) -> Iterable:
    """``google_notebooks_runtime`` (managed notebook runtime, legacy)."""
    vm = _nested(tf.attrs, "virtual_machine", "virtual_machine_config")
    public_ip = _not(as_bool(vm.get("internal_ip_only"), False))
    facts = _network(public_ip, vm.get("subnet") or vm.get("network"))
    facts.update(fc.key_facts((block(vm, "encryption_config") or {}).get("kms_key")))
    facts.update(_shielded(vm))
    facts.update(_metadata(vm.get("metadata")))
    if facts["notebook.auto_upgrade"] is False:
        facts["notebook.auto_upgrade"] = None  # managed runtimes may be upgraded by Google: cannot tell
    software = block(tf.attrs, "software_config") or {}
    if not isinstance(software, Unknown):
        facts["notebook.terminal"] = _not(as_bool(software.get("disable_terminal"), False))
    owner = (block(tf.attrs, "access_config") or {}).get("runtime_owner")
    account = owner if isinstance(owner, str) and owner.endswith(".gserviceaccount.com") else None
    facts.update(identity_from_tf(account, tf, index))
    return [_notebook(tf, facts, service="notebooks")]


def map_workbench_instance(tf: TfResource, index: TfIndex) -> Iterable:
    """``google_workbench_instance`` (Vertex AI Workbench): settings live in ``gce_setup``."""
    gce = _nested(tf.attrs, "gce_setup")
    public_ip = _not(as_bool(gce.get("disable_public_ip"), False))
    interfaces = blocks(gce, "network_interfaces")
    first = interfaces[0] if isinstance(interfaces, list) and interfaces else {}
    facts = _network(public_ip, first.get("subnet") or first.get("network"))
    facts.update(_workbench_disks(gce))
    facts.update(_shielded(gce))
    facts.update(_metadata(gce.get("metadata")))
    accounts = blocks(gce, "service_accounts")
    account = accounts[0].get("email") if isinstance(accounts, list) and accounts else None
    if isinstance(accounts, Unknown):
        account = Unknown("gce_setup.service_accounts")
    facts.update(identity_from_tf(account, tf, index))
    return [_notebook(tf, facts, service="notebooks")]


def _workbench_disks(gce: Mapping[str, Any]) -> dict[str, Any]:
    """CMEK only when the boot disk and the data disk (created by default) both use a KMS key."""
    keys = []
    for name in ("boot_disk", "data_disks"):
        disk = block(gce, name)
        keys.append(disk if isinstance(disk, Unknown) else (disk or {}).get("kms_key"))
    states = [fc.present(key) for key in keys]
    cmk = False if False in states else (None if None in states else True)
    facts: dict[str, Any] = {"encryption.cmk": cmk}
    if cmk:
        facts["encryption.key_id"] = fc.text(keys[0])
    return facts


def _network(public_ip: bool | None, subnet: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "network.public_ip": public_ip,
        "network.public": public_ip,
        "notebook.direct_internet": public_ip,
    }
    if fc.present(subnet):
        facts["network.subnet"] = fc.text(subnet)
    return facts


def _shielded(attrs: Mapping[str, Any]) -> dict[str, Any]:
    config = block(attrs, "shielded_instance_config")
    if isinstance(config, Unknown):
        return dict.fromkeys(_SHIELDED_FACTS.values())
    return {
        fact: as_bool((config or {}).get(attr), SHIELDED_DEFAULTS[attr])
        for attr, fact in _SHIELDED_FACTS.items()
    }


def _metadata(metadata: Any) -> dict[str, Any]:
    """Root, terminal and downloads are on unless ``notebook-disable-*`` metadata is "true";
    auto-upgrade is on only with a ``notebook-upgrade-schedule``."""
    keys = {
        "notebook.root_access": "notebook-disable-root",
        "notebook.terminal": "notebook-disable-terminal",
        "notebook.file_downloads": "notebook-disable-downloads",
    }
    if metadata is not None and not isinstance(metadata, Mapping):
        return dict.fromkeys([*keys, "notebook.auto_upgrade"])
    facts = {fact: _not(as_bool((metadata or {}).get(key), False)) for fact, key in keys.items()}
    facts["notebook.auto_upgrade"] = fc.present((metadata or {}).get("notebook-upgrade-schedule"))
    return facts


def _nested(attrs: Mapping[str, Any], *path: str) -> Mapping[str, Any]:
    current: Any = attrs
    for name in path:
        current = block(current, name) if isinstance(current, Mapping) else None
        if not isinstance(current, Mapping):
            return {}
    return current


def _not(value: bool | None) -> bool | None:
    return None if value is None else not value


def _notebook(tf: TfResource, facts: dict[str, Any], *, service: str):
    labels = literal_tags(tf.attrs, "labels")
    facts["data.sensitivity"] = fc.sensitivity(labels)
    return resource_from_tf(
        tf,
        provider=fc.PROVIDER,
        service=service,
        kind="notebook",
        facts=facts,
        tags=labels,
        raw=fc.redact(tf.attrs),
        links=[facts["identity.principal"]] if facts.get("identity.principal") else [],
    )

"""Terraform notebooks → ``notebook`` Resources: legacy user-managed notebooks, managed runtimes, Workbench.

Provider defaults are resolved: a public IP unless ``no_public_ip`` /
``internal_ip_only`` / ``disable_public_ip`` says otherwise; Google-managed disk
keys unless a KMS key is given; Shielded VM secure boot off, vTPM and integrity
monitoring on; root, terminal and downloads on unless the ``notebook-disable-*``
metadata turns them off; the Compute Engine default service account when none is set.
The shared builders live in ``notebook_facts`` (the live Workbench reader uses them too).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scanner.clouds.base import literal_tags, resource_from_tf
from scanner.clouds.gcp import facts_common as fc
from scanner.clouds.gcp import notebook_facts as nf
from scanner.clouds.gcp.tf_iam import identity_from_tf
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Unknown, as_bool, as_str, block
from scanner.tristate import any_of, negate


def map_notebooks_instance(tf: TfResource, index: TfIndex) -> Iterable:
    """``google_notebooks_instance`` (user-managed notebook, legacy)."""
    attrs = tf.attrs
    public_ip = negate(as_bool(attrs.get("no_public_ip"), False))
    encryption = attrs.get("disk_encryption")
    cmek_mode = None if isinstance(encryption, Unknown) else as_str(encryption, "GMEK") == "CMEK"
    facts = nf.network_facts(public_ip, attrs.get("subnet") or attrs.get("network"))
    facts["encryption.cmk"] = any_of([cmek_mode, fc.present(attrs.get("kms_key"))])
    if fc.present(attrs.get("kms_key")):
        facts["encryption.key_id"] = fc.text(attrs["kms_key"])
    facts.update(nf.shielded_facts(attrs))
    facts.update(nf.metadata_facts(attrs.get("metadata")))
    facts.update(identity_from_tf(attrs.get("service_account"), tf, index))
    return [notebook_resource(tf, facts, service="notebooks")]


def map_notebooks_runtime(tf: TfResource, index: TfIndex) -> Iterable:
    """``google_notebooks_runtime`` (managed notebook runtime, legacy)."""
    vm = _nested(tf.attrs, "virtual_machine", "virtual_machine_config")
    public_ip = negate(as_bool(vm.get("internal_ip_only"), False))
    facts = nf.network_facts(public_ip, vm.get("subnet") or vm.get("network"))
    facts.update(fc.key_facts((block(vm, "encryption_config") or {}).get("kms_key")))
    facts.update(nf.shielded_facts(vm))
    facts.update(nf.metadata_facts(vm.get("metadata")))
    if facts["notebook.auto_upgrade"] is False:
        facts["notebook.auto_upgrade"] = None  # managed runtimes may be upgraded by Google: cannot tell
    software = block(tf.attrs, "software_config") or {}
    if not isinstance(software, Unknown):
        facts["notebook.terminal"] = negate(as_bool(software.get("disable_terminal"), False))
    owner = (block(tf.attrs, "access_config") or {}).get("runtime_owner")
    account = owner if isinstance(owner, str) and owner.endswith(".gserviceaccount.com") else None
    facts.update(identity_from_tf(account, tf, index))
    return [notebook_resource(tf, facts, service="notebooks")]


def map_workbench_instance(tf: TfResource, index: TfIndex) -> Iterable:
    """``google_workbench_instance`` (Vertex AI Workbench): the live reader's facts over ``gce_setup``."""
    gce = _nested(tf.attrs, "gce_setup")
    facts = nf.workbench_facts(gce, lambda account: identity_from_tf(account, tf, index))
    return [notebook_resource(tf, facts, service="notebooks")]


def _nested(attrs: Mapping[str, Any], *path: str) -> Mapping[str, Any]:
    current: Any = attrs
    for name in path:
        current = block(current, name) if isinstance(current, Mapping) else None
        if not isinstance(current, Mapping):
            return {}
    return current


def notebook_resource(tf: TfResource, facts: dict[str, Any], *, service: str):
    """A ``notebook`` Resource of a Terraform block: sensitivity from its labels, raw redacted."""
    labels = literal_tags(tf.attrs, "labels")
    facts["data.sensitivity"] = fc.sensitivity(labels)
    return resource_from_tf(
        tf,
        provider=fc.PROVIDER,
        service=service,
        kind="notebook",
        facts=facts,
        tags=labels,
        links=[facts["identity.principal"]] if facts.get("identity.principal") else [],
    )

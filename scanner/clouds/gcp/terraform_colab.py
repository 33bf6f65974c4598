"""Colab Enterprise runtime templates and runtimes in Terraform → ``notebook`` Resources.

A runtime template fixes what every runtime created from it gets: ``network_spec.enable_internet_access``
(default false: no public internet unless asked), the VPC, a CMEK (``encryption_spec``), Shielded VM
secure boot (default off), idle shutdown (on unless ``idle_shutdown_disabled``) and end-user
credentials. A runtime is judged by the template it references (unknown when that is not in the scan).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from scanner.clouds.gcp import facts_common as fc
from scanner.clouds.gcp import notebook_facts as nf
from scanner.clouds.gcp.terraform_notebooks import notebook_resource
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Unknown, as_bool, block

TEMPLATE_FACTS = (
    "network.public",
    "network.public_ip",
    "notebook.direct_internet",
    "network.private",
    "encryption.cmk",
    "hardening.secure_boot",
    "compute.idle_shutdown",
)


def template_facts(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """The facts a runtime template gives its runtimes (provider and API defaults resolved)."""
    network = block(attrs, "network_spec")
    if isinstance(network, Unknown):
        internet: bool | None = None
        vpc: Any = Unknown("network_spec")
    else:
        internet = as_bool((network or {}).get("enable_internet_access"), False)
        vpc = (network or {}).get("network") or (network or {}).get("subnetwork")
    facts = nf.network_facts(internet, vpc)
    facts["network.private"] = fc.present(vpc)
    facts.update(fc.kms_facts(attrs))
    shielded = block(attrs, "shielded_vm_config")
    facts["hardening.secure_boot"] = (
        None if isinstance(shielded, Unknown) else as_bool((shielded or {}).get("enable_secure_boot"), False)
    )
    idle = block(attrs, "idle_shutdown_config")
    disabled = (
        None if isinstance(idle, Unknown) else as_bool((idle or {}).get("idle_shutdown_disabled"), False)
    )
    facts["compute.idle_shutdown"] = nf.negate(disabled)
    return facts


def map_runtime_template(tf: TfResource, index: TfIndex) -> Iterable:
    """``google_colab_runtime_template``: network, CMEK, secure boot, idle shutdown of its runtimes."""
    return [notebook_resource(tf, template_facts(tf.attrs), service="aiplatform")]


def map_runtime(tf: TfResource, index: TfIndex) -> Iterable:
    """``google_colab_runtime``: the facts of the template it is created from."""
    ref = block(tf.attrs, "notebook_runtime_template_ref")
    template = index.resolve(ref.get("notebook_runtime_template"), tf) if isinstance(ref, Mapping) else None
    if template is None or template.type != "google_colab_runtime_template":
        facts: dict[str, Any] = dict.fromkeys(TEMPLATE_FACTS)
        links: list[str] = []
    else:
        facts = template_facts(template.attrs)
        links = [template.address]
    resource = notebook_resource(tf, facts, service="aiplatform")
    return [replace(resource, links=(*resource.links, *links))]

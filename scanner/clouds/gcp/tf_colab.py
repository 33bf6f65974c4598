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

from scanner.clouds.gcp.store_facts import TEMPLATE_FACTS, template_facts
from scanner.clouds.gcp.tf_notebooks import notebook_resource
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import block


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

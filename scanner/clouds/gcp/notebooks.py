"""Live Vertex AI Workbench instances (Notebooks API v2) → ``notebook`` Resources.

The facts come from :func:`notebook_facts.workbench_facts`, the same function the
Terraform face runs over a ``google_workbench_instance`` block, so one setting gives
one fact live and in HCL. Identity: the instance's service account with its project
roles; none → the Compute Engine default account, whose breadth depends on the
organization (unknown), exactly as the Terraform face says.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.clouds.gcp import facts_common as fc
from scanner.clouds.gcp import notebook_facts as nf
from scanner.clouds.gcp.context import LiveContext
from scanner.clouds.gcp.types import TYPES, WORKBENCH
from scanner.model import Resource

API_HOST = "notebooks.googleapis.com"
SERVICE = "notebooks"
RESOURCE_TYPE = TYPES[WORKBENCH].provider_type


def workbench_resource(item: Mapping[str, Any], ctx: LiveContext) -> Resource:
    """One Workbench ``Instance`` (snake_case dict of the API message) as a normalized Resource."""
    gce = item.get("gce_setup") or {}

    def identity(account: Any) -> dict[str, Any]:
        roles = ctx.roles_of(account) if account else None
        return fc.identity_facts(account or None, roles, default_grants=None)

    facts = nf.workbench_facts(gce, identity)
    facts["data.sensitivity"] = fc.sensitivity(dict(item.get("labels") or {}))
    links = (facts["identity.principal"],) if facts.get("identity.principal") else ()
    return ctx.resource("notebook", RESOURCE_TYPE, item, facts, links, service=SERVICE, api_host=API_HOST)

"""Where a resource came from, in one short phrase every human format uses.

The same endpoint can appear three times in one scan: live, in its HCL and in a plan.
Each row that names a resource says which one it is, so the three stay distinguishable:
``azure:ep-churn (live 0000-sub/westeurope)``, ``azure:ep-churn
(terraform/insecure/azure/main.tf:41)``, ``azure:ep-churn (plan
terraform/plans/azure-insecure.json)``. Live rows name the account / subscription /
project and region, never the API host that answered.
"""

from __future__ import annotations

from scanner.model import Resource, Source


def origin(source: Source, account: str | None = None, region: str | None = None) -> str:
    """``live ACCOUNT/REGION``, ``FILE:LINE`` for HCL, ``plan FILE`` (``, TF:LINE`` when the .tf is beside it)."""
    if source.kind == "live":
        scope = "/".join(part for part in (account, region) if part)
        return f"live {scope}" if scope else "live"
    if source.kind == "plan":
        text = f"plan {source.file}" if source.file else "plan"
        return f"{text}, {source.declared_file}:{source.declared_line}" if source.declared_file else text
    if source.file and source.line:
        return f"{source.file}:{source.line}"
    return source.file or source.address or source.kind


def resource_origin(resource: Resource) -> str:
    """:func:`origin` of a resource."""
    return origin(resource.source, resource.account, resource.region)


def label(provider: str, name: str, where: str) -> str:
    """``provider:name (where)``: how a row names a resource."""
    return f"{provider}:{name} ({where})"

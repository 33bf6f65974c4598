"""AWS Security Hub: import a scan's live AWS findings with ``BatchImportFindings`` (ASFF).

The one write call mlscan makes, and only when asked (``--security-hub``): it goes to Security Hub
and never to a scanned resource. Findings come from :func:`scanner.report.asff.asff_findings` (every
status, ``Id`` = the fingerprint, so a rescan updates the same Security Hub finding and a fix
resolves it). Each finding is sent to the region it names, in batches of 100 (the API's limit).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from scanner.alerts.model import Delivery
from scanner.report.asff import asff_findings
from scanner.report.context import ReportContext

BATCH = 100
WRITE_OPERATION = "BatchImportFindings"


def import_findings(
    ctx: ReportContext, endpoint_url: str | None = None, client_for: Callable[[str], Any] | None = None
) -> Delivery:
    """Send every live AWS finding of ``ctx`` to Security Hub; one error per region or batch that failed."""
    by_region: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for finding in asff_findings(ctx):
        by_region[finding["Region"]].append(finding)
    if not by_region:
        return Delivery(notes=("security hub: no live AWS finding to import",))
    make = client_for or _client_factory(endpoint_url)
    imported = 0
    errors: list[tuple[str, str]] = []
    for region, findings in sorted(by_region.items()):
        where = f"security-hub/{region}"
        try:
            client = make(region)
            for start in range(0, len(findings), BATCH):
                answer = client.batch_import_findings(Findings=findings[start : start + BATCH])
                imported += int(answer.get("SuccessCount", 0))
                for failed in answer.get("FailedFindings") or ():
                    errors.append(
                        (where, f"finding {failed.get('Id')} not imported: {failed.get('ErrorMessage')}")
                    )
        except Exception as exc:  # noqa: BLE001 - denied, no hub in the region: reported, the rest goes on
            errors.append((where, f"{WRITE_OPERATION}: {_reason(exc)}"))
    note = f"security hub: imported {imported} finding(s) into {', '.join(sorted(by_region))}"
    return Delivery(notes=(note,), errors=tuple(errors), sent=("security-hub",) if imported else ())


def _client_factory(endpoint_url: str | None) -> Callable[[str], Any]:
    def make(region: str) -> Any:
        import boto3
        from botocore.config import Config

        config = Config(retries={"mode": "adaptive", "max_attempts": 5}, connect_timeout=10, read_timeout=60)
        extra = {"endpoint_url": endpoint_url} if endpoint_url else {}
        return boto3.client("securityhub", region_name=region, config=config, **extra)

    return make


def _reason(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict) and isinstance(response.get("Error"), dict):
        error = response["Error"]
        return f"{error.get('Code', type(exc).__name__)}: {error.get('Message', '')}".strip()
    return f"{type(exc).__name__}: {exc}"

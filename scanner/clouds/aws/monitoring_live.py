"""The live face of :mod:`scanner.clouds.aws.monitoring`: one :class:`FrontDoor` per account and region.

Read once, lazily (only a region with endpoints pays for it), with List/Describe/Get calls only:
CloudTrail ``DescribeTrails`` + ``GetEventSelectors``, CloudWatch ``DescribeAlarms``, API Gateway
``GetRestApis`` / ``GetResources`` / ``GetIntegration`` / ``GetStages`` / ``GetUsagePlans`` and WAFv2
``ListWebACLs`` / ``GetWebACL`` / ``ListResourcesForWebACL``. A service that cannot be read leaves its
part None, so the facts that need it are unknown, and the failure is an error entry (:class:`Problems`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scanner.clouds.aws.cache import OnceCache
from scanner.clouds.aws.monitoring import FrontDoor
from scanner.clouds.aws.problems import Problems

PARTS = ("apis", "plans", "web_acls", "trails", "alarms")
"""The independent reads a front door is made of (each a short chain of calls)."""


class FrontDoorReader:
    """Reads one region's front door once; ``client_for(service)`` gives that region's client.

    ``where`` (``aws/<account>/<region>``) names the region in the error entry of a failed read.
    The :data:`PARTS` are read by whichever scan threads ask first, in parallel
    (:meth:`OnceCache.get_all`), so the endpoint reads of a region do not queue behind one chain.
    """

    def __init__(
        self, client_for: Callable[[str], Any], problems: Problems | None = None, where: str = "aws"
    ) -> None:
        self._client_for = client_for
        self._problems = problems if problems is not None else Problems()
        self._where = where
        self._parts: OnceCache[Any] = OnceCache(self._read_part)
        self._once: OnceCache[FrontDoor] = OnceCache(lambda _key: self._combine())

    def __call__(self) -> FrontDoor:
        self._parts.get_all(PARTS)
        return self._once.get("front_door")

    def _read_part(self, part: Any) -> Any:
        guard, client = self._guard, self._client_for
        if part == "apis":
            return _apis(client("apigateway"), guard)
        if part == "plans":
            return guard("apigateway", lambda: _throttled_by_plan(client("apigateway")))
        if part == "web_acls":
            return guard("wafv2", lambda: _rate_limited_acls(client("wafv2")))
        if part == "trails":
            return guard("cloudtrail", lambda: _trails(client("cloudtrail")))
        return guard("cloudwatch", lambda: _alarms(client("cloudwatch")))

    def _combine(self) -> FrontDoor:
        (integrations, logged, stage_acls), by_plan, acls, trails, alarms = self._parts.get_all(PARTS)
        return FrontDoor(
            trail_selectors=trails,
            alarms=alarms,
            integrations=integrations,
            logged_apis=logged,
            throttled_apis=_throttled(stage_acls, by_plan, acls),
        )

    def _guard(self, service: str, read: Callable[[], Any]) -> Any:
        """``read()``, or None when the service cannot be read (recorded as one error entry)."""
        from botocore.exceptions import BotoCoreError, ClientError
        from botocore.parsers import ResponseParserError

        try:
            return read()
        except ClientError as exc:
            operation = str(exc.operation_name or service)
            self._problems.add(self._where, operation, f"({service} front door)", exc)
        except (BotoCoreError, ResponseParserError) as exc:  # a body botocore cannot parse is not an answer
            self._problems.add(self._where, service, "(front door)", exc)
        return None


Guard = Callable[[str, Callable[[], Any]], Any]


def _trails(cloudtrail: Any) -> list[dict[str, Any]]:
    answers = []
    for trail in cloudtrail.describe_trails(includeShadowTrails=True).get("trailList") or ():
        answer = cloudtrail.get_event_selectors(TrailName=trail.get("TrailARN") or trail.get("Name"))
        answers.append(
            {
                "EventSelectors": answer.get("EventSelectors") or [],
                "AdvancedEventSelectors": answer.get("AdvancedEventSelectors") or [],
            }
        )
    return answers


def _alarms(cloudwatch: Any) -> list[dict[str, Any]]:
    alarms: list[dict[str, Any]] = []
    for page in cloudwatch.get_paginator("describe_alarms").paginate(AlarmTypes=["MetricAlarm"]):
        alarms.extend(page.get("MetricAlarms") or ())
    return alarms


def _apis(gateway: Any, guard: Guard) -> tuple[Any, Any, dict[str, set[str]]]:
    """(integrations, APIs with access-logged stages, stage ARN → API id) or Nones when unreadable."""

    def read() -> tuple[list[dict[str, Any]], set[str], dict[str, set[str]]]:
        integrations: list[dict[str, Any]] = []
        logged: set[str] = set()
        stages: dict[str, set[str]] = {}
        for page in gateway.get_paginator("get_rest_apis").paginate():
            for api in page.get("items") or ():
                api_id = api["id"]
                for resource_page in gateway.get_paginator("get_resources").paginate(restApiId=api_id):
                    for resource in resource_page.get("items") or ():
                        for method in resource.get("resourceMethods") or {}:
                            integration = gateway.get_integration(
                                restApiId=api_id, resourceId=resource["id"], httpMethod=method
                            )
                            integrations.append({"RestApiId": api_id, "Uri": integration.get("uri")})
                for stage in gateway.get_stages(restApiId=api_id).get("item") or ():
                    if (stage.get("accessLogSettings") or {}).get("destinationArn"):
                        logged.add(api_id)
                    if stage.get("webAclArn"):
                        stages.setdefault(stage["webAclArn"], set()).add(api_id)
        return integrations, logged, stages

    answer = guard("apigateway", read)
    if answer is None:
        return None, None, {}
    integrations, logged, stages = answer
    return integrations, frozenset(logged), stages


def _throttled_by_plan(gateway: Any) -> set[str]:
    """APIs with a throttled usage plan stage."""
    apis: set[str] = set()
    for page in gateway.get_paginator("get_usage_plans").paginate():
        for plan in page.get("items") or ():
            if plan.get("throttle"):
                apis |= {s.get("apiId") for s in plan.get("apiStages") or () if s.get("apiId")}
    return apis


def _rate_limited_acls(waf: Any) -> list[tuple[str, set[str]]]:
    """(ARN, API ids of the stages it lists) of every regional web ACL with a rate-based rule."""
    found: list[tuple[str, set[str]]] = []
    for summary in waf.list_web_acls(Scope="REGIONAL").get("WebACLs") or ():
        acl = waf.get_web_acl(Name=summary["Name"], Scope="REGIONAL", Id=summary["Id"]).get("WebACL") or {}
        if not any(_has_rate_rule(rule.get("Statement")) for rule in acl.get("Rules") or ()):
            continue
        arn = acl.get("ARN") or summary.get("ARN")
        apis: set[str] = set()
        listed = waf.list_resources_for_web_acl(WebACLArn=arn, ResourceType="API_GATEWAY")
        for stage_arn in listed.get("ResourceArns") or ():
            parts = stage_arn.split("/restapis/")
            if len(parts) == 2:
                apis.add(parts[1].split("/")[0])
        found.append((arn, apis))
    return found


def _throttled(
    stage_acls: dict[str, set[str]],
    by_plan: set[str] | None,
    acls: list[tuple[str, set[str]]] | None,
) -> frozenset[str] | None:
    """APIs rate-limited per caller (a throttled usage plan or a rate-based WAF rule on a stage);
    None when neither source could be read, or when one could not and the other found nothing."""
    by_waf = (
        None if acls is None else {api for arn, listed in acls for api in listed | stage_acls.get(arn, set())}
    )
    if by_plan is None and by_waf is None:
        return None
    found = (by_plan or set()) | (by_waf or set())
    if found or (by_plan is not None and by_waf is not None):
        return frozenset(found)
    return None


def _has_rate_rule(statement: Any) -> bool:
    if isinstance(statement, dict):
        return "RateBasedStatement" in statement or any(_has_rate_rule(v) for v in statement.values())
    if isinstance(statement, list):
        return any(_has_rate_rule(v) for v in statement)
    return False

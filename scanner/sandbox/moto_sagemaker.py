"""SageMaker operations moto 5 lacks, added to its SageMaker backend so the real boto3 client can read them.

mlscan's live face lists feature groups, Studio spaces, labeling workteams (and their workforces) and reads
model package group resource policies; moto implements none of ListFeatureGroups, ListSpaces /
DescribeSpace, ListWorkteams / DescribeWorkteam, DescribeWorkforce or Get/PutModelPackageGroupPolicy
(in-process it raises NotImplementedError, the server answers 500), and its ListTags fails on
ARNs it does not hold tags for, and its DescribeFeatureGroup drops ``OnlineStoreConfig``. Each operation here is a method on
moto's own ``SageMakerResponse`` (moto dispatches an action to the method of that name), keeping its state
on the account/region backend beside moto's, so in-process ``mock_aws()``, ``ThreadedMotoServer`` and
moto's reset all behave as for moto's own operations. Shapes follow the botocore service model (the
client validates every request; botocore parses every answer). :func:`install` is idempotent.
"""

from __future__ import annotations

import json
from typing import Any

_INSTALLED = False
_TIME = "2026-01-01T00:00:00Z"


def _state(backend: Any) -> dict[str, dict[str, Any]]:
    """This backend's extra collections (created on first use; moto's reset drops the backend with them)."""
    extra = backend.__dict__.setdefault("_mlscan_extra", {})
    for name in ("spaces", "workteams", "workforces", "group_policies", "online_stores"):
        extra.setdefault(name, {})
    return extra


def _arn(response: Any, kind: str, name: str) -> str:
    return f"arn:aws:sagemaker:{response.region}:{response.current_account}:{kind}/{name.lower()}"


def _missing(message: str) -> Any:
    from moto.sagemaker.exceptions import ValidationError

    return ValidationError(message=message)


def create_space(self: Any) -> Any:
    from moto.core.responses import ActionResult

    domain, name = self._get_param("DomainId"), self._get_param("SpaceName")
    arn = _arn(self, "space", f"{domain}/{name}")
    _state(self.sagemaker_backend)["spaces"][(domain, name)] = {
        "DomainId": domain,
        "SpaceArn": arn,
        "SpaceName": name,
        "Status": "InService",
        "CreationTime": _TIME,
        "SpaceSettings": self._get_param("SpaceSettings") or {},
        "OwnershipSettings": self._get_param("OwnershipSettings") or {},
        "SpaceSharingSettings": self._get_param("SpaceSharingSettings") or {},
    }
    return ActionResult({"SpaceArn": arn})


def describe_space(self: Any) -> Any:
    from moto.core.responses import ActionResult

    key = (self._get_param("DomainId"), self._get_param("SpaceName"))
    space = _state(self.sagemaker_backend)["spaces"].get(key)
    if space is None:
        raise _missing(f"Space '{key[1]}' of domain '{key[0]}' does not exist")
    return ActionResult(space)


def list_spaces(self: Any) -> Any:
    from moto.core.responses import ActionResult

    wanted = self._get_param("DomainIdEquals")
    spaces = [
        {k: s[k] for k in ("DomainId", "SpaceName", "Status", "CreationTime")}
        for s in _state(self.sagemaker_backend)["spaces"].values()
        if not wanted or s["DomainId"] == wanted
    ]
    return ActionResult({"Spaces": spaces})


def create_workforce(self: Any) -> Any:
    from moto.core.responses import ActionResult

    name = self._get_param("WorkforceName")
    arn = _arn(self, "workforce", name)
    workforce: dict[str, Any] = {
        "WorkforceName": name,
        "WorkforceArn": arn,
        "SourceIpConfig": self._get_param("SourceIpConfig") or {"Cidrs": []},
        "CreateDate": _TIME,
        "Status": "Active",
    }
    if self._get_param("WorkforceVpcConfig"):
        workforce["WorkforceVpcConfig"] = self._get_param("WorkforceVpcConfig")
    _state(self.sagemaker_backend)["workforces"][name] = workforce
    return ActionResult({"WorkforceArn": arn})


def describe_workforce(self: Any) -> Any:
    from moto.core.responses import ActionResult

    name = self._get_param("WorkforceName")
    workforce = _state(self.sagemaker_backend)["workforces"].get(name)
    if workforce is None:
        raise _missing(f"Workforce '{name}' does not exist")
    return ActionResult({"Workforce": workforce})


def create_workteam(self: Any) -> Any:
    from moto.core.responses import ActionResult

    name = self._get_param("WorkteamName")
    arn = _arn(self, "workteam", name)
    _state(self.sagemaker_backend)["workteams"][name] = {
        "WorkteamName": name,
        "WorkteamArn": arn,
        "WorkforceArn": _arn(self, "workforce", self._get_param("WorkforceName") or "default"),
        "MemberDefinitions": self._get_param("MemberDefinitions") or [],
        "Description": self._get_param("Description") or "",
        "CreateDate": _TIME,
    }
    return ActionResult({"WorkteamArn": arn})


def describe_workteam(self: Any) -> Any:
    from moto.core.responses import ActionResult

    name = self._get_param("WorkteamName")
    workteam = _state(self.sagemaker_backend)["workteams"].get(name)
    if workteam is None:
        raise _missing(f"Workteam '{name}' does not exist")
    return ActionResult({"Workteam": workteam})


def list_workteams(self: Any) -> Any:
    from moto.core.responses import ActionResult

    return ActionResult({"Workteams": list(_state(self.sagemaker_backend)["workteams"].values())})


def list_feature_groups(self: Any) -> Any:
    from moto.core.responses import ActionResult

    summaries = [
        {
            "FeatureGroupName": group.feature_group_name,
            "FeatureGroupArn": group.arn,
            "CreationTime": _TIME,
            "FeatureGroupStatus": "Created",
        }
        for group in self.sagemaker_backend.feature_groups.values()
    ]
    return ActionResult({"FeatureGroupSummaries": summaries})


def put_model_package_group_policy(self: Any) -> Any:
    from moto.core.responses import ActionResult

    name = self._get_param("ModelPackageGroupName")
    _state(self.sagemaker_backend)["group_policies"][name] = self._get_param("ResourcePolicy")
    return ActionResult({"ModelPackageGroupArn": _arn(self, "model-package-group", name)})


def get_model_package_group_policy(self: Any) -> Any:
    from moto.core.responses import ActionResult

    name = self._get_param("ModelPackageGroupName")
    policy = _state(self.sagemaker_backend)["group_policies"].get(name)
    if policy is None:
        raise _missing(f"Cannot find resource policy for model package group {name}")
    return ActionResult({"ResourcePolicy": policy if isinstance(policy, str) else json.dumps(policy)})


def _tolerant_list_tags(original: Any) -> Any:
    """moto's ListTags, answering no tags where moto fails on an ARN it holds no tags for.

    moto looks the ARN up in its own collections only (a space, workteam, feature group or pipeline ARN
    raises AttributeError) and fails on a resource created without tags (TypeError on None); AWS answers
    every taggable ARN with its tags.
    """

    def list_tags(self: Any) -> Any:
        from moto.core.responses import ActionResult

        try:
            return original(self)
        except (AttributeError, TypeError, ValueError):
            return ActionResult({"Tags": []})

    list_tags.__wrapped__ = original  # type: ignore[attr-defined]
    return list_tags


def _keeping_online_store(create: Any, describe: Any) -> tuple[Any, Any]:
    """moto's Create/DescribeFeatureGroup, with the ``OnlineStoreConfig`` moto drops put back as sent."""

    def create_feature_group(self: Any) -> Any:
        online = self._get_param("OnlineStoreConfig")
        if online is not None:
            _state(self.sagemaker_backend)["online_stores"][self._get_param("FeatureGroupName")] = online
        return create(self)

    def describe_feature_group(self: Any) -> Any:
        from moto.core.responses import ActionResult

        answer = describe(self)
        online = _state(self.sagemaker_backend)["online_stores"].get(self._get_param("FeatureGroupName"))
        if online is None or not isinstance(answer, ActionResult):
            return answer
        return ActionResult({**answer._result, "OnlineStoreConfig": online})  # noqa: SLF001

    return create_feature_group, describe_feature_group


OPERATIONS = (
    create_space,
    describe_space,
    list_spaces,
    create_workforce,
    describe_workforce,
    create_workteam,
    describe_workteam,
    list_workteams,
    list_feature_groups,
    put_model_package_group_policy,
    get_model_package_group_policy,
)


def install() -> None:
    """Add the operations to moto's SageMaker responses (only those moto does not implement itself)."""
    global _INSTALLED
    if _INSTALLED:
        return
    try:
        from moto.sagemaker.responses import SageMakerResponse
    except ImportError:  # no sandbox extra: nothing to extend
        return

    for operation in OPERATIONS:
        if operation.__name__ not in SageMakerResponse.__dict__:
            setattr(SageMakerResponse, operation.__name__, operation)
    SageMakerResponse.list_tags = _tolerant_list_tags(SageMakerResponse.list_tags)
    create, describe = _keeping_online_store(
        SageMakerResponse.create_feature_group, SageMakerResponse.describe_feature_group
    )
    SageMakerResponse.create_feature_group = create
    SageMakerResponse.describe_feature_group = describe
    _INSTALLED = True

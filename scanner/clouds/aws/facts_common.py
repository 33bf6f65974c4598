"""SageMaker settings → normalized facts, shared by the live and the Terraform face.

Every builder takes API-shaped mappings (the Describe* response, or what the Terraform
mapper translated its attributes into), a :data:`KeyJudge` that says whether a key is
customer-managed, and a :data:`RoleJudge` that says what a role may do. Provider defaults
are resolved here, once, so an omitted setting means the same thing in HCL, in a plan and live.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from scanner.clouds.aws.monitoring import capture_completeness
from scanner.clouds.aws.policy_grants import UNKNOWN_ROLE, RoleVerdict, merge
from scanner.clouds.aws.values import enum, flag, items, present, sub
from scanner.privacy.sensitivity import sensitivity_from_tags
from scanner.tristate import all_of, negate

KeyJudge = Callable[[Any], "bool | None"]
"""Given a set key value (ARN, id, alias, Terraform Ref), True for a customer-managed key."""
RoleJudge = Callable[[Any], RoleVerdict]
"""Given a set role value (ARN or Terraform Ref), what the role may do."""


def cmk(key: Any, judge: KeyJudge) -> bool | None:
    """``encryption.cmk``-style verdict: no key = the provider's key (False); unresolvable = None."""
    given = present(key)
    if given is None:
        return None
    if not given:
        return False
    return judge(key)


def key_id(key: Any) -> str | None:
    """The key identifier for ``encryption.key_id`` (Refs shown as their expression)."""
    return str(key) if present(key) else None


def role(value: Any, judge: RoleJudge) -> RoleVerdict:
    """The verdict for a role setting; no role at all or an unresolvable one is unknown."""
    if not present(value):
        return UNKNOWN_ROLE
    return judge(value)


def common_facts(tags: Mapping[str, str]) -> dict[str, Any]:
    """Facts every kind carries."""
    return {"data.sensitivity": sensitivity_from_tags(tags)}


def model_facts(model: Mapping[str, Any] | None, roles: RoleJudge) -> dict[str, Any]:
    """A SageMaker model: network isolation (default off), VPC, execution role."""
    if model is None:
        return {"network.egress_restricted": None, "network.private": None, **UNKNOWN_ROLE.facts()}
    return {
        "network.egress_restricted": flag(model.get("EnableNetworkIsolation"), False),
        "network.private": present(model.get("VpcConfig")),
        **role(model.get("ExecutionRoleArn"), roles).facts(),
    }


def endpoint_facts(
    config: Mapping[str, Any] | None,
    models: Sequence[Mapping[str, Any] | None],
    keys: KeyJudge,
    roles: RoleJudge,
) -> dict[str, Any]:
    """An endpoint with its endpoint configuration and the models its variants serve.

    ``models`` holds one entry per served model; None for one that could not be read.
    """
    facts: dict[str, Any] = {"auth.mode": "iam"}
    if config is None:
        facts.update(
            dict.fromkeys(
                (
                    "encryption.cmk",
                    "logging.capture",
                    "logging.capture_encrypted",
                    "exposure.explanations",
                    "availability.instance_count",
                )
            )
        )
    else:
        facts["encryption.cmk"] = cmk(config.get("KmsKeyId"), keys)
        facts["encryption.key_id"] = key_id(config.get("KmsKeyId"))
        facts.update(_capture_facts(config.get("DataCaptureConfig"), keys))
        facts.update(_explainer_facts(config.get("ExplainerConfig")))
        facts["availability.instance_count"] = _min_instances(config.get("ProductionVariants"))
        async_config = config.get("AsyncInferenceConfig")
        if present(async_config):
            facts["encryption.output_cmk"] = cmk(sub(async_config, "OutputConfig", "KmsKeyId"), keys)
    config = config or {}
    isolation_default = flag(config.get("EnableNetworkIsolation"), False)
    egress: list[bool | None] = []
    private: list[bool | None] = []
    verdicts: list[RoleVerdict] = []
    for model in models:
        if model is None:
            egress.append(None)
            private.append(None)
            verdicts.append(UNKNOWN_ROLE)
            continue
        egress.append(True if isolation_default else flag(model.get("EnableNetworkIsolation"), False))
        private.append(present(model.get("VpcConfig")) or present(config.get("VpcConfig")))
        verdicts.append(role(model.get("ExecutionRoleArn") or config.get("ExecutionRoleArn"), roles))
    facts["network.egress_restricted"] = all_of(egress, empty=None)
    facts["network.private"] = all_of(private, empty=None)
    facts.update(merge(verdicts).facts())
    return facts


def training_job_facts(job: Mapping[str, Any], keys: KeyJudge, roles: RoleJudge) -> dict[str, Any]:
    """A training job: isolation, VPC, inter-container encryption, output and volume keys, role."""
    output_key = sub(job, "OutputDataConfig", "KmsKeyId")
    return {
        "network.egress_restricted": flag(job.get("EnableNetworkIsolation"), False),
        "network.private": present(job.get("VpcConfig")),
        "encryption.in_transit": flag(job.get("EnableInterContainerTrafficEncryption"), False),
        "encryption.cmk": cmk(output_key, keys),
        "encryption.key_id": key_id(output_key),
        "encryption.output_cmk": cmk(output_key, keys),
        "encryption.volume_cmk": cmk(sub(job, "ResourceConfig", "VolumeKmsKeyId"), keys),
        **role(job.get("RoleArn"), roles).facts(),
    }


def notebook_facts(notebook: Mapping[str, Any], keys: KeyJudge, roles: RoleJudge) -> dict[str, Any]:
    """A notebook instance, with the AWS defaults: direct internet and root access Enabled, IMDSv1 allowed."""
    direct = enum(notebook.get("DirectInternetAccess"), "Enabled")
    root = enum(notebook.get("RootAccess"), "Enabled")
    imds = sub(notebook, "InstanceMetadataServiceConfiguration", "MinimumInstanceMetadataServiceVersion")
    imds_version = enum(imds, "1")
    subnet = notebook.get("SubnetId")
    return {
        "encryption.cmk": cmk(notebook.get("KmsKeyId"), keys),
        "encryption.key_id": key_id(notebook.get("KmsKeyId")),
        "network.private": present(subnet),
        "network.subnet": str(subnet) if present(subnet) else None,
        "notebook.direct_internet": None if direct is None else direct == "Enabled",
        "notebook.root_access": None if root is None else root == "Enabled",
        "notebook.imdsv2": None if imds_version is None else imds_version == "2",
        **role(notebook.get("RoleArn"), roles).facts(),
    }


def domain_facts(domain: Mapping[str, Any], keys: KeyJudge, roles: RoleJudge) -> dict[str, Any]:
    """A Studio domain: network access type (default PublicInternetOnly), KMS, auth, default role."""
    access = enum(domain.get("AppNetworkAccessType"), "PublicInternetOnly")
    auth = enum(domain.get("AuthMode"), None)
    return {
        "network.public": None if access is None else access == "PublicInternetOnly",
        "network.private": None if access is None else access == "VpcOnly",
        "encryption.cmk": cmk(domain.get("KmsKeyId"), keys),
        "encryption.key_id": key_id(domain.get("KmsKeyId")),
        "auth.mode": auth.lower() if auth else None,
        **role(sub(domain, "DefaultUserSettings", "ExecutionRole"), roles).facts(),
    }


def space_facts(domain: Mapping[str, Any], keys: KeyJudge, roles: RoleJudge) -> dict[str, Any]:
    """A Studio space: its domain's network and EFS key, run as ``DefaultUserSettings.ExecutionRole`` of the
    shape given (the caller puts the domain's default space role there, see :func:`space_role`)."""
    facts = {key: value for key, value in domain_facts(domain, keys, roles).items() if key != "auth.mode"}
    facts["notebook.direct_internet"] = facts["network.public"]
    return facts


def space_role(domain: Mapping[str, Any]) -> Any:
    """The role a domain's spaces run as: ``DefaultSpaceSettings``, else ``DefaultUserSettings``."""
    return sub(domain, "DefaultSpaceSettings", "ExecutionRole") or sub(
        domain, "DefaultUserSettings", "ExecutionRole"
    )


def workforce_facts(restricted: bool | None, vpc: bool) -> dict[str, Any]:
    """A labeling workforce's portal: public unless restricted to source CIDRs or reached through a VPC."""
    return {
        "network.public": None if restricted is None else negate(restricted or vpc),
        "network.private": True if vpc else None,
    }


def user_profile_facts(profile: Mapping[str, Any], roles: RoleJudge) -> dict[str, Any]:
    """A Studio user profile: the role its apps run as (None = the domain's default)."""
    execution_role = sub(profile, "UserSettings", "ExecutionRole")
    verdict = role(execution_role, roles) if present(execution_role) is not False else UNKNOWN_ROLE
    return verdict.facts()


def monitoring_job_facts(
    definition: Mapping[str, Any], output_config_key: str, keys: KeyJudge, roles: RoleJudge
) -> dict[str, Any]:
    """A model-monitor job definition (data quality, model quality, bias, explainability)."""
    network = definition.get("NetworkConfig") or {}
    output_key = sub(definition, output_config_key, "KmsKeyId")
    return {
        "encryption.cmk": cmk(output_key, keys),
        "encryption.key_id": key_id(output_key),
        "encryption.output_cmk": cmk(output_key, keys),
        "encryption.volume_cmk": cmk(
            sub(definition, "JobResources", "ClusterConfig", "VolumeKmsKeyId"), keys
        ),
        "encryption.in_transit": flag(sub(network, "EnableInterContainerTrafficEncryption"), False),
        "network.egress_restricted": flag(sub(network, "EnableNetworkIsolation"), False),
        "network.private": present(sub(network, "VpcConfig")),
        **role(definition.get("RoleArn"), roles).facts(),
    }


def feature_group_facts(group: Mapping[str, Any], keys: KeyJudge, roles: RoleJudge) -> dict[str, Any]:
    """A feature group: both its offline (S3) and online stores must use a customer key."""
    parts: list[bool | None] = []
    offline = group.get("OfflineStoreConfig")
    if present(offline):
        parts.append(cmk(sub(offline, "S3StorageConfig", "KmsKeyId"), keys))
    online = group.get("OnlineStoreConfig")
    if present(online) and flag(sub(online, "EnableOnlineStore"), False) is not False:
        parts.append(cmk(sub(online, "SecurityConfig", "KmsKeyId"), keys))
    return {"encryption.cmk": all_of(parts, empty=None), **role(group.get("RoleArn"), roles).facts()}


def flow_definition_facts(flow: Mapping[str, Any], keys: KeyJudge, roles: RoleJudge) -> dict[str, Any]:
    """A human-review flow definition: its output (reviewed inference data) key and role."""
    output_key = sub(flow, "OutputConfig", "KmsKeyId")
    return {
        "encryption.cmk": cmk(output_key, keys),
        "encryption.key_id": key_id(output_key),
        "encryption.output_cmk": cmk(output_key, keys),
        **role(flow.get("RoleArn"), roles).facts(),
    }


def _capture_facts(capture: Any, keys: KeyJudge) -> dict[str, Any]:
    given = present(capture)
    if given is None:
        return {"logging.capture": None, "logging.capture_encrypted": None}
    if not given:
        return {"logging.capture": False, "logging.capture_encrypted": None}
    enabled = flag(sub(capture, "EnableCapture"), True)
    encrypted = cmk(sub(capture, "KmsKeyId"), keys) if enabled else None
    facts = {"logging.capture": enabled, "logging.capture_encrypted": encrypted}
    if enabled:
        facts.update(capture_completeness(capture))
    return facts


def _explainer_facts(explainer: Any) -> dict[str, Any]:
    given = present(explainer)
    if given is None:
        return {"exposure.explanations": None}
    clarify = sub(explainer, "ClarifyExplainerConfig")
    if not given or not present(clarify):
        return {"exposure.explanations": False}
    enable = sub(clarify, "EnableExplanations")
    if enable is None:
        explanations: bool | None = True
    elif isinstance(enable, str):
        explanations = enable.strip().strip("`").lower() != "false"
    else:
        explanations = None
    facts: dict[str, Any] = {"exposure.explanations": explanations}
    inference = sub(clarify, "InferenceConfig") or {}
    if isinstance(inference, Mapping):
        if present(inference.get("ProbabilityIndex")) or present(inference.get("ProbabilityAttribute")):
            facts["exposure.scores"] = "probabilities"
        elif present(inference.get("LabelIndex")) or present(inference.get("LabelAttribute")):
            facts["exposure.scores"] = "label"
    return facts


def _min_instances(variants: Any) -> int | None:
    counts: list[int] = []
    for variant in items(variants) or []:
        count = sub(variant, "InitialInstanceCount")
        if isinstance(count, bool) or not isinstance(count, (int, str)):
            continue
        try:
            counts.append(int(count))
        except ValueError:
            continue
    return min(counts) if counts else None

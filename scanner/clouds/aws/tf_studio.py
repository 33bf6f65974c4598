"""SageMaker Studio spaces, labeling workforces and workteams, MLflow tracking servers and model package
groups in Terraform → Resources.

A space runs JupyterLab / Code Editor apps on its domain's network, EFS key and default space role, so its
facts come from the domain block (unknown when the domain is not in the scan). A private workforce is the
portal where human labelers see training data: public unless restricted to CIDRs or a VPC. A model package
group's resource policy can share every model version with any AWS account.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scanner.clouds.aws import facts_common as fc
from scanner.clouds.aws.resource_policy import is_public
from scanner.clouds.aws.tf_common import find, simple_resource
from scanner.clouds.aws.tf_iam import TfKeyJudge, TfRoleJudge
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Unknown, block, is_set
from scanner.model import Resource
from scanner.tristate import any_of


def _space_role(domain: TfResource) -> Any:
    """The role a domain's spaces run as: default_space_settings, else default_user_settings."""
    for name in ("default_space_settings", "default_user_settings"):
        settings = block(domain.attrs, name)
        if isinstance(settings, Unknown):
            return settings
        if isinstance(settings, Mapping) and settings.get("execution_role") is not None:
            return settings["execution_role"]
    return None


def map_space(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """aws_sagemaker_space → notebook: network, EFS key and role are its domain's."""
    domain = index.resolve(tf.attrs.get("domain_id"), tf)
    if domain is None or domain.type != "aws_sagemaker_domain":
        facts: dict[str, Any] = {
            "network.public": None,
            "network.private": None,
            "notebook.direct_internet": None,
            "encryption.cmk": None,
            "identity.principal": None,
            "identity.overprivileged": None,
        }
        return [simple_resource(tf, index, "notebook", facts, None, name=tf.attrs.get("space_name"))]
    role = _space_role(domain)
    shape = {
        "AppNetworkAccessType": domain.attrs.get("app_network_access_type"),
        "KmsKeyId": domain.attrs.get("kms_key_id"),
        "DefaultUserSettings": {"ExecutionRole": role},
    }
    facts = fc.space_facts(shape, TfKeyJudge(index, domain), TfRoleJudge(index, domain))
    return [
        simple_resource(tf, index, "notebook", facts, role, [domain.address], name=tf.attrs.get("space_name"))
    ]


def map_workforce(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """aws_sagemaker_workforce → workspace: the labeling portal is public unless CIDR- or VPC-restricted."""
    cidrs = block(tf.attrs, "source_ip_config")
    vpc = block(tf.attrs, "workforce_vpc_config")
    if isinstance(cidrs, Unknown) or isinstance(vpc, Unknown):
        facts = fc.workforce_facts(None, isinstance(vpc, Mapping))
    else:
        facts = fc.workforce_facts(is_set((cidrs or {}).get("cidrs")), vpc is not None)
    return [simple_resource(tf, index, "workspace", facts, None, name=tf.attrs.get("workforce_name"))]


def map_workteam(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """aws_sagemaker_workteam → workspace, judged by its workforce's network restriction."""
    workforce = find(index, tf, tf.attrs.get("workforce_name"), "aws_sagemaker_workforce", "workforce_name")
    facts: dict[str, Any] = {"network.public": None, "network.private": None}
    links = []
    if workforce is not None:
        (workforce_resource,) = map_workforce(workforce, index)
        facts = {k: workforce_resource.facts[k] for k in facts}
        links.append(workforce.address)
    return [simple_resource(tf, index, "workspace", facts, None, links, name=tf.attrs.get("workteam_name"))]


def map_mlflow_tracking_server(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """aws_sagemaker_mlflow_tracking_server → workspace: experiment metadata and artifacts, run as its role."""
    facts = fc.role(tf.attrs.get("role_arn"), TfRoleJudge(index, tf)).facts()
    return [
        simple_resource(
            tf, index, "workspace", facts, tf.attrs.get("role_arn"), name=tf.attrs.get("tracking_server_name")
        )
    ]


def map_model_package_group(tf: TfResource, index: TfIndex) -> Iterable[Resource]:
    """aws_sagemaker_model_package_group → model: is every registered version shared with anyone?"""
    policies = list(index.referencing(tf, "aws_sagemaker_model_package_group_policy"))
    name = tf.attrs.get("model_package_group_name")
    if isinstance(name, str):
        policies += [
            p
            for p in index.of_type("aws_sagemaker_model_package_group_policy")
            if p.attrs.get("model_package_group_name") == name and p.module == tf.module and p not in policies
        ]
    verdicts = [is_public(p.attrs.get("resource_policy")) for p in policies]
    public = any_of(verdicts)
    facts = {"access.public_policy": public}
    links = [p.address for p in policies]
    return [simple_resource(tf, index, "model", facts, None, links, name=name)]

"""Live Vertex AI custom jobs and training pipelines → ``training_job`` Resources.

Training is where the data is: who the job runs as (the Custom Code Service Agent
when no service account is set, with project-wide Cloud Storage and BigQuery), its
network, CMEK, interactive access, and the worker-pool arguments and environment
the privacy reader uses to recognize differential privacy. Env values never leave
this module unredacted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scanner.clouds.gcp import facts_common as fc
from scanner.clouds.gcp.context import LiveContext
from scanner.clouds.gcp.types import TYPES
from scanner.clouds.secrets import secret_facts
from scanner.model import Resource
from scanner.privacy.training import TrainingInputs, privacy_facts


def custom_job_resource(item: Mapping[str, Any], ctx: LiveContext) -> Resource:
    """One CustomJob (snake_case dict) as a Resource."""
    spec = item.get("job_spec") or {}
    facts = _job_facts(
        item,
        ctx,
        service_account=spec.get("service_account"),
        network=spec.get("network") or spec.get("psc_interface_config"),
        interactive=bool(spec.get("enable_web_access") or spec.get("enable_dashboard_access")),
        pools=spec.get("worker_pool_specs") or [],
        custom_code=True,
        metrics=ctx.run_metrics.get(spec.get("experiment_run") or "", {}),
    )
    return _resource(item, ctx, facts, TYPES["customJobs"].provider_type, spec.get("service_account"))


def pipeline_resource(item: Mapping[str, Any], ctx: LiveContext) -> Resource:
    """One TrainingPipeline (snake_case dict) as a Resource.

    ``training_task_inputs`` is free JSON (camelCase as the user sent it); custom-task
    pipelines carry the same worker pools, service account and network as a CustomJob.
    AutoML pipelines run Google's code as the Vertex AI service agent: a default
    identity whose breadth mlscan cannot tell (unknown).
    """
    inputs = item.get("training_task_inputs") or {}
    custom = "custom_task" in str(item.get("training_task_definition", ""))
    account = _pick(inputs, "serviceAccount", "service_account")
    facts = _job_facts(
        item,
        ctx,
        service_account=account,
        network=_pick(inputs, "network") or _pick(inputs, "pscInterfaceConfig", "psc_interface_config"),
        interactive=bool(_pick(inputs, "enableWebAccess", "enable_web_access")),
        pools=_pick(inputs, "workerPoolSpecs", "worker_pool_specs") or [],
        custom_code=custom,
    )
    return _resource(item, ctx, facts, TYPES["trainingPipelines"].provider_type, account)


def _job_facts(
    item: Mapping[str, Any],
    ctx: LiveContext,
    *,
    service_account: str | None,
    network: Any,
    interactive: bool,
    pools: Sequence[Mapping[str, Any]],
    custom_code: bool,
    metrics: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    labels = dict(item.get("labels") or {})
    facts: dict[str, Any] = {}
    facts.update(fc.kms_facts(item))
    private = bool(network)
    facts["network.private"] = private
    # Without a VPC the job egresses through Google's network to the internet; with one it depends on firewalls.
    facts["network.egress_restricted"] = None if private else False
    if isinstance(network, str):
        facts["network.subnet"] = network
    facts["training.interactive_access"] = interactive
    roles = ctx.roles_of(service_account) if service_account else None
    default_grants = (fc.CUSTOM_CODE_AGENT_GRANT,) if custom_code else None
    facts.update(fc.identity_facts(service_account, roles, default_grants=default_grants))
    inputs = training_inputs(pools, labels, metrics)
    facts.update(privacy_facts(inputs))
    facts.update(secret_facts(inputs))
    facts["data.sensitivity"] = fc.sensitivity(labels)
    facts.update(ctx.artifacts(item))
    return facts


def training_inputs(
    pools: Sequence[Mapping[str, Any]], labels: Mapping[str, str], metrics: Mapping[str, float] | None = None
) -> TrainingInputs:
    """What the privacy reader needs from worker pools: args, env (read, never stored) and image; ``metrics``
    are what the job logged to its experiment run (a final ε among them)."""
    arguments: list[str] = []
    environment: dict[str, str] = {}
    image = None
    for pool in pools:
        for key in ("container_spec", "containerSpec", "python_package_spec", "pythonPackageSpec"):
            spec = pool.get(key)
            if not isinstance(spec, Mapping):
                continue
            arguments.extend(str(arg) for arg in spec.get("args") or [])
            environment.update(fc.env_map(spec.get("env")))
            image = image or _pick(spec, "imageUri", "image_uri", "executorImageUri", "executor_image_uri")
    return TrainingInputs(
        arguments=tuple(arguments),
        environment=environment,
        tags={str(k): str(v) for k, v in labels.items()},
        image=image,
        origin="workerPoolSpecs",
        metrics=dict(metrics or {}),
    )


def _resource(
    item: Mapping[str, Any], ctx: LiveContext, facts: dict[str, Any], rtype: str, account: str | None
) -> Resource:
    return ctx.resource("training_job", rtype, item, facts, (account,) if account else ())


def _pick(mapping: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if mapping.get(key):
            return mapping[key]
    return None

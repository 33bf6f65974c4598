"""Live SageMaker: list and describe one region's resources and build normalized Resources.

Read-only (List* / Describe* only). Each ``read_*`` method handles one resource so the
live scanner can spread the work over a thread pool; describes shared by several
resources (a model served by many endpoints) are fetched once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scanner.clouds.aws import facts_common as fc
from scanner.clouds.aws.cache import OnceCache
from scanner.clouds.aws.lifecycle import lifecycle_facts
from scanner.clouds.aws.monitoring import monitoring_facts
from scanner.clouds.aws.problems import Problems
from scanner.clouds.aws.types import LIVE_TYPES
from scanner.clouds.aws.values import sub, tag_map
from scanner.clouds.livetypes import by_name
from scanner.clouds.secrets import secret_facts
from scanner.iac.values import display
from scanner.model import Resource, Source
from scanner.privacy.training import TrainingInputs, privacy_facts
from scanner.redact import redact_mapping

LISTINGS: dict[str, tuple[str, str, str]] = {
    t.name: (t.listing, t.answer_key, t.name_field) for t in LIVE_TYPES
}
"""Listing kind → (list operation, response key, name field of a summary), from ``types.LIVE_TYPES``.
A name field ``A/B`` joins two fields of the summary (a space is named within its domain)."""
_BASIC = tuple(t.name for t in LIVE_TYPES if t.builder.startswith(f"{__name__}:"))
"""The types read by :class:`RegionReader`'s own ``read_<name>`` methods."""


@dataclass(frozen=True)
class RegionContext:
    """Who and where: the account and region being read, with the judges for keys and roles."""

    account: str
    region: str
    keys: fc.KeyJudge
    roles: fc.RoleJudge
    buckets: Any = None
    """A :class:`scanner.clouds.aws.buckets.BucketInspector`, or None: storage then stays unknown."""
    training_jobs_since: datetime | None = None
    """List only training jobs created at or after this (``CreationTimeAfter``, filtered by the API)."""
    front_door: Any = None
    """A callable giving the region's :class:`~scanner.clouds.aws.monitoring.FrontDoor`, or None: unknown."""
    problems: Problems = field(default_factory=Problems)
    """Failed supporting reads (keys, roles, buckets) waiting to be reported as error entries."""
    tag_index: Any = None
    """A :class:`scanner.clouds.aws.tag_index.TagIndex` read in bulk, or None: every resource's tags come
    from ListTags (so do those of a resource the index does not name)."""


class RegionReader:
    """Reads SageMaker resources of one account and region through one (thread-safe) client."""

    def __init__(self, client: Any, ctx: RegionContext) -> None:
        self._sm = client
        self._ctx = ctx
        self._models: OnceCache[dict[str, Any]] = OnceCache(self._describe_model)
        self._lifecycle: OnceCache[list[Any] | None] = OnceCache(self._lifecycle_scripts)
        self._domains: OnceCache[dict[str, Any] | None] = OnceCache(self._describe_domain)

    # -- listing ---------------------------------------------------------------------------------

    def list_names(self, kind: str) -> list[str]:
        """Names (ids for domains) of every resource of ``kind`` in the region, across pages."""
        operation, key, field = LISTINGS[kind]
        names: list[str] = []
        since = self._ctx.training_jobs_since if kind == "training_job" else None
        for page in self._sm.get_paginator(operation).paginate(
            **({"CreationTimeAfter": since} if since else {})
        ):
            _answered(page, key, operation)
            for summary in page.get(key) or ():
                parts = [summary.get(f) for f in field.split("/")] if isinstance(summary, Mapping) else [None]
                if all(isinstance(part, str) for part in parts):
                    names.append("/".join(parts))
        return names

    def read(self, kind: str, name: str) -> Resource | list[Resource]:
        """Describe one resource of ``kind`` and normalize it (a pipeline: one Resource per Training step)."""
        if kind not in _BASIC:
            from scanner.clouds.aws.sagemaker_studio import read_extra

            return read_extra(self, kind, name)
        return getattr(self, f"read_{kind}")(name)

    # -- what the readers of scanner.clouds.aws.sagemaker_studio use ------------------------------

    @property
    def sm(self) -> Any:
        """The SageMaker client."""
        return self._sm

    @property
    def ctx(self) -> RegionContext:
        """The account, region and judges being read with."""
        return self._ctx

    def tags(self, arn: Any) -> dict[str, str]:
        """The resource's tags (empty when unreadable)."""
        return self._tags(arn)

    def storage(self, describe: Any) -> dict[str, Any]:
        """``artifacts.*`` and ``image.*`` facts of what a describe response names."""
        return self._storage(describe)

    def domain(self, domain_id: str) -> dict[str, Any] | None:
        """DescribeDomain once per domain (None when it cannot be read)."""
        return self._domains.get(domain_id)

    def resource(self, *args: Any, resource_type: str) -> Resource:
        """A Resource of this account and region (``_resource``'s arguments) of a CloudFormation type."""
        return self._resource(*args, resource_type=resource_type)

    # -- one reader per kind ---------------------------------------------------------------------

    def read_endpoint(self, name: str) -> Resource:
        """An endpoint merged with its endpoint configuration and the models its variants serve."""
        endpoint = _answered(
            _clean(self._sm.describe_endpoint(EndpointName=name)), "EndpointArn", "describe_endpoint"
        )
        config = self._describe_config(endpoint.get("EndpointConfigName"))
        model_names = _served_model_names(config)
        models = [self._served_model(model) for model in model_names]
        tags = self._tags(endpoint.get("EndpointArn"))
        facts = {
            **fc.common_facts(tags),
            **fc.endpoint_facts(config, models, self._ctx.keys, self._ctx.roles),
            **self._storage({"EndpointConfig": config, "Models": models}),
            **monitoring_facts(name, self._ctx.front_door() if self._ctx.front_door else None),
        }
        links = [self._model_arn(n, m) for n, m in zip(model_names, models, strict=True)]
        raw = {"Endpoint": endpoint, "EndpointConfig": config, "Models": models}
        return self._resource("endpoint", endpoint.get("EndpointArn"), name, facts, tags, raw, links)

    def read_model(self, name: str) -> Resource:
        """A model: isolation, VPC, execution role (lineage links are added after all jobs are read)."""
        model = self._models.get(name)  # a failed or malformed answer raises: that is the error entry
        tags = self._tags(model.get("ModelArn"))
        facts = {**fc.common_facts(tags), **fc.model_facts(model, self._ctx.roles), **self._storage(model)}
        links = [model["ExecutionRoleArn"]] if isinstance(model.get("ExecutionRoleArn"), str) else []
        return self._resource("model", model.get("ModelArn"), name, facts, tags, model, links)

    def read_training_job(self, name: str) -> Resource:
        """A training job with its privacy facts (hyperparameters, container arguments, environment)."""
        job = _answered(
            _clean(self._sm.describe_training_job(TrainingJobName=name)),
            "TrainingJobArn",
            "describe_training_job",
        )
        tags = self._tags(job.get("TrainingJobArn"))
        facts = {
            **fc.common_facts(tags),
            **fc.training_job_facts(job, self._ctx.keys, self._ctx.roles),
            **privacy_facts(inputs := training_inputs(job, tags)),
            **secret_facts(inputs),
            **self._storage(job),
        }
        links = [job["RoleArn"]] if isinstance(job.get("RoleArn"), str) else []
        return self._resource("training_job", job.get("TrainingJobArn"), name, facts, tags, job, links)

    def _storage(self, describe: Any) -> dict[str, Any]:
        """``artifacts.*`` for the buckets a describe response names (unknown without a bucket inspector) and
        ``image.*`` for the registries of its images."""
        from scanner.clouds.aws.buckets import artifact_facts_without_reading
        from scanner.clouds.aws.images import live_image_facts

        images = live_image_facts(describe, self._ctx.account or None)
        if self._ctx.buckets is None:
            return {**artifact_facts_without_reading(describe), **images}
        return {**self._ctx.buckets.facts(describe), **images}

    def read_notebook(self, name: str) -> Resource:
        """A notebook instance with its hardening settings."""
        notebook = _answered(
            _clean(self._sm.describe_notebook_instance(NotebookInstanceName=name)),
            "NotebookInstanceArn",
            "describe_notebook_instance",
        )
        tags = self._tags(notebook.get("NotebookInstanceArn"))
        config_name = notebook.get("NotebookInstanceLifecycleConfigName")
        scripts = self._lifecycle.get(config_name) if isinstance(config_name, str) and config_name else []
        lifecycle, found = lifecycle_facts(scripts)
        if found:
            notebook["LifecycleSecretsFound"] = found  # names only, never values
        facts = {
            **fc.common_facts(tags),
            **fc.notebook_facts(notebook, self._ctx.keys, self._ctx.roles),
            **lifecycle,
        }
        links = [notebook["RoleArn"]] if isinstance(notebook.get("RoleArn"), str) else []
        return self._resource(
            "notebook", notebook.get("NotebookInstanceArn"), name, facts, tags, notebook, links
        )

    def read_domain(self, domain_id: str) -> Resource:
        """A Studio domain (kind ``workspace``)."""
        domain = _answered(
            _clean(self._sm.describe_domain(DomainId=domain_id)), "DomainArn", "describe_domain"
        )
        tags = self._tags(domain.get("DomainArn"))
        facts = {**fc.common_facts(tags), **fc.domain_facts(domain, self._ctx.keys, self._ctx.roles)}
        role = sub(domain, "DefaultUserSettings", "ExecutionRole")
        links = [role] if isinstance(role, str) else []
        name = domain.get("DomainName") or domain_id
        return self._resource("workspace", domain.get("DomainArn"), name, facts, tags, domain, links)

    # -- helpers ---------------------------------------------------------------------------------

    def _describe_config(self, config_name: Any) -> dict[str, Any] | None:
        if not isinstance(config_name, str):
            return None
        return _clean(self._sm.describe_endpoint_config(EndpointConfigName=config_name))

    def _describe_model(self, name: Any) -> dict[str, Any]:
        """One DescribeModel, shared by the model's read and every endpoint serving it (cached, errors too)."""
        return _answered(_clean(self._sm.describe_model(ModelName=name)), "ModelArn", "describe_model")

    def _served_model(self, name: Any) -> dict[str, Any] | None:
        """A served model, or None when it cannot be read: the endpoint's model facts are then unknown
        and the model's own read (:meth:`read_model`) is the error entry that says why."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self._models.get(name)
        except (ClientError, BotoCoreError, MalformedAnswer):
            return None

    def _describe_domain(self, domain_id: Any) -> dict[str, Any] | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return _clean(self._sm.describe_domain(DomainId=domain_id))
        except (ClientError, BotoCoreError) as exc:  # a space of a domain that cannot be read: unknown facts
            self._ctx.problems.add(self._where, "DescribeDomain", str(domain_id), exc)
            return None

    def _lifecycle_scripts(self, config_name: Any) -> list[Any] | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            config = self._sm.describe_notebook_instance_lifecycle_config(
                NotebookInstanceLifecycleConfigName=config_name
            )
        except (ClientError, BotoCoreError) as exc:  # whether it holds secrets is unknown, and says why
            self._ctx.problems.add(
                self._where, "DescribeNotebookInstanceLifecycleConfig", str(config_name), exc
            )
            return None
        if not isinstance(config, Mapping):
            return None
        hooks = [*(config.get("OnCreate") or []), *(config.get("OnStart") or [])]
        return [hook.get("Content") if isinstance(hook, Mapping) else None for hook in hooks]

    @property
    def _where(self) -> str:
        return f"aws/{self._ctx.account}/{self._ctx.region}/sagemaker"

    def _model_arn(self, name: str, model: Mapping[str, Any] | None) -> str:
        if model and isinstance(model.get("ModelArn"), str):
            return model["ModelArn"]
        return f"arn:aws:sagemaker:{self._ctx.region}:{self._ctx.account}:model/{name.lower()}"

    def _tags(self, arn: Any) -> dict[str, str]:
        from botocore.exceptions import BotoCoreError, ClientError

        if not isinstance(arn, str):
            return {}
        indexed = self._ctx.tag_index.get(arn) if self._ctx.tag_index is not None else None
        if indexed is not None:
            return indexed
        tags: list[Any] = []
        try:
            for page in self._sm.get_paginator("list_tags").paginate(ResourceArn=arn):
                page_tags = page.get("Tags") if isinstance(page, Mapping) else None
                tags.extend(page_tags if isinstance(page_tags, list) else ())
        except (ClientError, BotoCoreError) as exc:
            self._ctx.problems.add(self._where, "ListTags", arn, exc)  # data.sensitivity is then unknown
            return {}
        return tag_map(tags)

    def _resource(
        self,
        kind: str,
        arn: Any,
        name: str,
        facts: Mapping[str, Any],
        tags: Mapping[str, str],
        raw: Any,
        links: list[str],
        resource_type: str | None = None,
    ) -> Resource:
        resource_id = (
            arn
            if isinstance(arn, str)
            else f"arn:aws:sagemaker:{self._ctx.region}:{self._ctx.account}:{kind}/{name}"
        )
        return Resource(
            provider="aws",
            service="sagemaker",
            kind=kind,
            id=resource_id,
            name=name,
            source=Source(kind="live", address=f"aws/{self._ctx.account}/{self._ctx.region}"),
            facts=dict(facts),
            account=self._ctx.account,
            region=self._ctx.region,
            tags=dict(tags),
            raw=redact_mapping(display(raw)),
            links=tuple(dict.fromkeys(link for link in links if link)),
            resource_type=resource_type or RESOURCE_TYPES[kind],
        )


RESOURCE_TYPES = {by_name(LIVE_TYPES)[name].kind: by_name(LIVE_TYPES)[name].provider_type for name in _BASIC}
"""Resource kind → provider type of the types this module reads (one type per kind)."""


def training_inputs(job: Mapping[str, Any], tags: Mapping[str, str]) -> TrainingInputs:
    """What the privacy recognizer reads from a training job (also used by tests and the bench)."""
    hyper = job.get("HyperParameters")
    args = sub(job, "AlgorithmSpecification", "ContainerArguments")
    env = job.get("Environment")
    image = sub(job, "AlgorithmSpecification", "TrainingImage")
    return TrainingInputs(
        hyperparameters={str(k): str(v) for k, v in hyper.items()} if isinstance(hyper, Mapping) else {},
        arguments=[str(a) for a in args] if isinstance(args, list) else (),
        environment={str(k): str(v) for k, v in env.items()} if isinstance(env, Mapping) else {},
        tags=dict(tags),
        image=image if isinstance(image, str) else None,
        origin="HyperParameters",
        metrics=final_metrics(job.get("FinalMetricDataList")),
    )


def final_metrics(data: Any) -> dict[str, float]:
    """FinalMetricDataList ([{MetricName, Value, Timestamp}]) as name → value (an ε may be logged there)."""
    metrics: dict[str, float] = {}
    for item in data if isinstance(data, list) else ():
        if isinstance(item, Mapping) and isinstance(item.get("MetricName"), str):
            value = item.get("Value")
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                metrics[item["MetricName"]] = float(value)
    return metrics


def _served_model_names(config: Mapping[str, Any] | None) -> list[str]:
    names: list[str] = []
    for key in ("ProductionVariants", "ShadowProductionVariants"):
        for variant in (config or {}).get(key) or ():
            if isinstance(variant, Mapping) and isinstance(variant.get("ModelName"), str):
                names.append(variant["ModelName"])
    return list(dict.fromkeys(names))


class MalformedAnswer(ValueError):
    """An API answer without the field every real answer has: truncated, empty, HTML or not JSON.

    botocore turns a 200 answer whose body is not JSON into ``{"message": body}``, so without
    this check a broken ListEndpoints reads as "no endpoints" and a broken describe as a
    resource with every setting unknown. Raised, it becomes the listing's or resource's error entry.
    """


def _answered(response: Any, key: str, operation: str) -> dict[str, Any]:
    """``response`` when it carries ``key``; :class:`MalformedAnswer` naming the operation otherwise."""
    if not isinstance(response, Mapping) or key not in response:
        raise MalformedAnswer(f"{operation} answer has no {key} (truncated, empty or not JSON)")
    return dict(response)


def _clean(response: Any) -> dict[str, Any]:
    """The response without transport metadata; a non-mapping (malformed) response becomes empty."""
    if not isinstance(response, Mapping):
        return {}
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}

"""A realistic mixed SageMaker estate seeded into moto, for `mlscan demo`, tests and the benchmark.

``seed_aws(endpoint_url)`` talks to a moto server over HTTP; ``seed_aws(None)`` to whatever boto3
reaches by default (an in-process ``mock_aws()`` in tests). The estate mixes compliant and
non-compliant resources on purpose: every built-in AWS policy has something to pass and to fail.
Set ``MOTO_IAM_LOAD_MANAGED_POLICIES=true`` before moto starts to get the real AWS-managed
AdministratorAccess / AmazonSageMakerFullAccess policies; without it the admin role gets an
inline ``Action: "*"`` policy instead (same verdict, different evidence).
"""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

DEMO_REGIONS = ("us-east-1", "eu-west-1")
BENCH_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2")
INSTANCE = "ml.m5.large"
IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-gpu-py310"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sagemaker.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
DP_HYPERPARAMETERS = {
    "noise_multiplier": "1.1",
    "max_grad_norm": "1.0",
    "batch_size": "256",
    "epochs": "60",
    "dataset_size": "60000",
    "delta": "1e-5",
}
PLAIN_HYPERPARAMETERS = {"epochs": "10", "batch_size": "128", "learning_rate": "0.001", "optimizer": "adam"}


@dataclass(frozen=True)
class Scale:
    """How many of each resource per region."""

    regions: tuple[str, ...]
    endpoints: int
    training_jobs: int
    notebooks: int
    domains: int


SCALES = {
    "demo": Scale(DEMO_REGIONS, endpoints=4, training_jobs=4, notebooks=2, domains=2),
    "bench": Scale(BENCH_REGIONS, endpoints=250, training_jobs=250, notebooks=50, domains=1),
}


def seed_aws(
    endpoint_url: str | None,
    *,
    scale: str = "demo",
    regions: Sequence[str] | None = None,
    per_region: Mapping[str, int] | None = None,
    workers: int = 16,
) -> dict[str, Any]:
    """Create the estate and return what was created (account, regions, counts, role ARNs).

    ``scale`` picks a preset (``demo``, ``bench``); ``regions`` and ``per_region`` (keys
    endpoints / training_jobs / notebooks / domains) override it.
    """
    from scanner.sandbox.moto_sagemaker import install

    install()  # the SageMaker operations moto lacks, so the live scan of this estate lists them all
    import boto3

    plan = SCALES[scale]
    if regions:
        plan = dataclasses.replace(plan, regions=tuple(regions))
    if per_region:
        plan = dataclasses.replace(plan, **dict(per_region))
    session = boto3.Session(region_name=plan.regions[0])
    kwargs = {"endpoint_url": endpoint_url} if endpoint_url else {}
    account = session.client("sts", **kwargs).get_caller_identity()["Account"]
    roles = _seed_iam(session.client("iam", **kwargs), account)
    counts = {"endpoints": 0, "models": 0, "training_jobs": 0, "notebooks": 0, "domains": 0}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for region in plan.regions:
            sm = session.client("sagemaker", region_name=region, **kwargs)
            key = session.client("kms", region_name=region, **kwargs).create_key(
                Description="mlscan demo CMK"
            )
            key_arn = key["KeyMetadata"]["Arn"]
            jobs = [_job_task(sm, region, i, roles, key_arn) for i in range(plan.training_jobs)]
            list(pool.map(lambda task: task(), jobs))
            eps = [_endpoint_task(sm, region, i, roles, key_arn) for i in range(plan.endpoints)]
            list(pool.map(lambda task: task(), eps))
            nbs = [_notebook_task(sm, region, i, roles, key_arn) for i in range(plan.notebooks)]
            list(pool.map(lambda task: task(), nbs))
            for i in range(plan.domains):
                _domain(sm, region, i, roles, key_arn)
            counts["training_jobs"] += plan.training_jobs
            counts["endpoints"] += plan.endpoints
            counts["models"] += plan.endpoints
            counts["notebooks"] += plan.notebooks
            counts["domains"] += plan.domains
    return {"account": account, "regions": list(plan.regions), "roles": roles, **counts}


def _seed_iam(iam: Any, account: str) -> dict[str, str]:
    """Four execution roles: admin, *FullAccess, a service wildcard on *, and a scoped one."""
    roles: dict[str, str] = {}
    for name in ("sm-admin", "sm-fullaccess", "sm-wildcard", "sm-scoped"):
        roles[name] = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    if not _attach(iam, "sm-admin", "arn:aws:iam::aws:policy/AdministratorAccess"):
        _inline(iam, "sm-admin", "admin", [{"Effect": "Allow", "Action": "*", "Resource": "*"}])
    if not _attach(iam, "sm-fullaccess", "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"):
        doc = json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}],
            }
        )
        arn = iam.create_policy(PolicyName="TeamSageMakerFullAccess", PolicyDocument=doc)["Policy"]["Arn"]
        iam.attach_role_policy(RoleName="sm-fullaccess", PolicyArn=arn)
    _inline(iam, "sm-wildcard", "data", [{"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}])
    scoped = [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::ml-data/*"},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": f"arn:aws:kms:*:{account}:key/*"},
    ]
    doc = json.dumps({"Version": "2012-10-17", "Statement": scoped})
    arn = iam.create_policy(PolicyName="ml-training-scoped", PolicyDocument=doc)["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="sm-scoped", PolicyArn=arn)
    return roles


def _attach(iam: Any, role: str, policy_arn: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        iam.attach_role_policy(RoleName=role, PolicyArn=policy_arn)
        return True
    except ClientError:
        return False


def _inline(iam: Any, role: str, name: str, statements: list[dict[str, Any]]) -> None:
    doc = json.dumps({"Version": "2012-10-17", "Statement": statements})
    iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=doc)


def _tags(i: int, secure: bool) -> list[dict[str, str]]:
    classification = ("phi", "pii", "internal", "public")[i % 4]
    return [
        {"Key": "data-classification", "Value": classification},
        {"Key": "team", "Value": "ml-platform" if secure else "research"},
    ]


def _job_task(sm: Any, region: str, i: int, roles: dict[str, str], key: str) -> Callable[[], None]:
    """Even jobs: DP-SGD, VPC, isolated, encrypted. Odd jobs: plain training with defaults."""

    def run() -> None:
        secure = i % 2 == 0
        name = f"train-{region}-{i:04d}"
        args: dict[str, Any] = {
            "TrainingJobName": name,
            "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
            "RoleArn": roles["sm-scoped" if secure else ("sm-admin" if i % 4 == 1 else "sm-fullaccess")],
            "OutputDataConfig": {"S3OutputPath": f"s3://ml-artifacts-{region}/models"},
            "ResourceConfig": {"InstanceType": INSTANCE, "InstanceCount": 1, "VolumeSizeInGB": 50},
            "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
            "HyperParameters": dict(DP_HYPERPARAMETERS if secure else PLAIN_HYPERPARAMETERS),
            "Tags": _tags(i, secure),
        }
        if secure:
            args["OutputDataConfig"]["KmsKeyId"] = key
            args["ResourceConfig"]["VolumeKmsKeyId"] = key
            args["VpcConfig"] = {"SecurityGroupIds": ["sg-0a1b2c3d"], "Subnets": ["subnet-0a1b2c3d"]}
            args["EnableNetworkIsolation"] = True
            args["EnableInterContainerTrafficEncryption"] = True
            args["AlgorithmSpecification"]["ContainerArguments"] = ["--dp", "--target-epsilon", "3"]
        elif i % 4 == 3:  # a credential passed on the command line: it must never reach an output
            args["AlgorithmSpecification"]["ContainerArguments"] = ["--hf-token=hf_aws_argument_secret"]
        sm.create_training_job(**args)

    return run


def _endpoint_task(sm: Any, region: str, i: int, roles: dict[str, str], key: str) -> Callable[[], None]:
    """Model i serves the artifact of training job i; even endpoints are compliant, odd ones are not."""

    def run() -> None:
        secure = i % 2 == 0
        job = f"train-{region}-{i:04d}"
        model = f"model-{region}-{i:04d}"
        container = {
            "Image": IMAGE,
            "ModelDataUrl": f"s3://ml-artifacts-{region}/models/{job}/output/model.tar.gz",
            "Environment": {"SAGEMAKER_PROGRAM": "inference.py", "HF_API_TOKEN": "hf_not_a_real_token"},
        }
        model_args: dict[str, Any] = {
            "ModelName": model,
            "PrimaryContainer": container,
            "ExecutionRoleArn": roles["sm-scoped" if secure else "sm-admin"],
            "Tags": _tags(i, secure),
        }
        if secure:
            model_args["EnableNetworkIsolation"] = True
            model_args["VpcConfig"] = {"SecurityGroupIds": ["sg-0a1b2c3d"], "Subnets": ["subnet-0a1b2c3d"]}
        sm.create_model(**model_args)
        config: dict[str, Any] = {
            "EndpointConfigName": f"config-{region}-{i:04d}",
            "ProductionVariants": [
                {
                    "VariantName": "main",
                    "ModelName": model,
                    "InitialInstanceCount": 2 if secure else 1,
                    "InstanceType": INSTANCE,
                }
            ],
            "Tags": _tags(i, secure),
        }
        if secure:
            config["KmsKeyId"] = key
            config["DataCaptureConfig"] = {
                "EnableCapture": True,
                "InitialSamplingPercentage": 20,
                "DestinationS3Uri": f"s3://ml-capture-{region}/",
                "KmsKeyId": key,
                "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
            }
        sm.create_endpoint_config(**config)
        sm.create_endpoint(
            EndpointName=f"endpoint-{region}-{i:04d}",
            EndpointConfigName=config["EndpointConfigName"],
            Tags=_tags(i, secure),
        )

    return run


CLEAN_SCRIPT = "#!/bin/bash\nset -e\npip install --quiet opacus==1.5.2\n"
LEAKY_SCRIPT = '#!/bin/bash\nexport WANDB_API_KEY="0123456789abcdef0123"\npip install --quiet wandb\n'


def _notebook_task(sm: Any, region: str, i: int, roles: dict[str, str], key: str) -> Callable[[], None]:
    """Even notebooks hardened (KMS, subnet, no direct internet, no root); odd ones on AWS defaults.

    Notebooks 0 and 1 of a region run a lifecycle script: a clean one, and one with a pasted API key.
    """

    def run() -> None:
        secure = i % 2 == 0
        args: dict[str, Any] = {
            "NotebookInstanceName": f"notebook-{region}-{i:04d}",
            "InstanceType": "ml.t3.medium",
            "RoleArn": roles["sm-scoped" if secure else "sm-wildcard"],
            "Tags": _tags(i, secure),
        }
        if secure:
            args.update(
                KmsKeyId=key,
                SubnetId="subnet-0a1b2c3d",
                SecurityGroupIds=["sg-0a1b2c3d"],
                DirectInternetAccess="Disabled",
                RootAccess="Disabled",
                InstanceMetadataServiceConfiguration={"MinimumInstanceMetadataServiceVersion": "2"},
            )
        if i < 2:
            config = f"lifecycle-{region}-{i}"
            script = base64.b64encode((CLEAN_SCRIPT if secure else LEAKY_SCRIPT).encode()).decode()
            sm.create_notebook_instance_lifecycle_config(
                NotebookInstanceLifecycleConfigName=config, OnStart=[{"Content": script}]
            )
            args["LifecycleConfigName"] = config
        sm.create_notebook_instance(**args)

    return run


def _domain(sm: Any, region: str, i: int, roles: dict[str, str], key: str) -> None:
    secure = i % 2 == 0
    args: dict[str, Any] = {
        "DomainName": f"studio-{region}-{i}",
        "AuthMode": "IAM",
        "DefaultUserSettings": {"ExecutionRole": roles["sm-scoped" if secure else "sm-fullaccess"]},
        "SubnetIds": ["subnet-0a1b2c3d"],
        "VpcId": "vpc-0a1b2c3d",
        "Tags": _tags(i, secure),
    }
    if secure:
        args.update(AppNetworkAccessType="VpcOnly", KmsKeyId=key)
    sm.create_domain(**args)

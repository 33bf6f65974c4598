"""IAM scope and KMS keys in Terraform: what an execution role may do, whether a key is customer-managed.

A role is followed by reference: ``execution_role_arn = aws_iam_role.x.arn`` → the role's
``inline_policy`` / ``managed_policy_arns`` → ``aws_iam_role_policy``, ``aws_iam_role_policy_attachment``
and ``aws_iam_policy_attachment`` blocks naming it → ``aws_iam_policy`` documents (jsonencode, heredoc
JSON, or ``data.aws_iam_policy_document``). A role that is not in the scanned files is unknown, never
"not overprivileged". The verdict itself comes from :mod:`policy_grants`, as live.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from scanner.clouds.aws.kms import literal_key_is_cmk
from scanner.clouds.aws.policy_grants import RoleVerdict, statement_grants, verdict
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Ref, Unknown, blocks

CUSTOMER_KEY_TYPES = ("aws_kms_key", "aws_kms_replica_key", "aws_kms_external_key", "aws_kms_alias")
_POLICY_NAME = re.compile(r":policy/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)")
ATTACHMENT_TYPES = ("aws_iam_role_policy_attachment", "aws_iam_role_policy", "aws_iam_policy_attachment")


class TfKeyJudge:
    """Customer-managed or not, for a Terraform key value.

    A reference to ``aws_kms_key`` (or a customer alias) is customer-managed; ``alias/aws/...``
    is AWS-managed; a literal key ARN is taken as customer-managed (AWS-managed keys are named
    by their ``alias/aws/`` alias in practice); a reference mlscan cannot follow is unknown.
    """

    def __init__(self, index: TfIndex, origin: TfResource) -> None:
        self._index = index
        self._origin = origin

    def __call__(self, key: Any) -> bool | None:
        if isinstance(key, str):
            literal = literal_key_is_cmk(key)
            return True if literal is None else literal
        if not isinstance(key, Ref):
            return None
        target = self._index.resolve(key, self._origin)
        if target is None:
            # Not in the scanned files, but the reference still names the kind of block it points at.
            return True if key.target.split(".")[0] in CUSTOMER_KEY_TYPES else None
        if (
            target.type in ("aws_kms_key", "aws_kms_replica_key", "aws_kms_external_key")
            and target.mode == "managed"
        ):
            return True
        if target.type == "aws_kms_alias":
            name = target.attrs.get("name")
            if isinstance(name, str):
                return literal_key_is_cmk(name) is not False
            return True if target.mode == "managed" else None  # alias/aws/ is reserved for AWS
        if target.type == "aws_kms_key":  # data source: an existing key looked up by id or alias
            key_id = target.attrs.get("key_id")
            return literal_key_is_cmk(key_id) is not False if isinstance(key_id, str) else None
        return None


class TfRoleJudge:
    """What an execution role may do, from the IAM blocks of the same scan."""

    def __init__(self, index: TfIndex, origin: TfResource) -> None:
        self._index = index
        self._origin = origin

    def __call__(self, value: Any) -> RoleVerdict:
        role = self._role(value)
        if role is None:
            principal = value if isinstance(value, str) else (str(value) if isinstance(value, Ref) else None)
            return RoleVerdict(principal, None)
        return role_verdict(role, self._index)

    def _role(self, value: Any) -> TfResource | None:
        if isinstance(value, Ref):
            target = self._index.resolve(value, self._origin)
            return target if target is not None and target.type == "aws_iam_role" else None
        if isinstance(value, str) and ":role/" in value:
            return self._index.named(self._origin.module, "aws_iam_role", value.rsplit("/", 1)[-1])
        return None


def role_verdict(role: TfResource, index: TfIndex) -> RoleVerdict:
    """The verdict for one ``aws_iam_role`` block and everything attached to it in the scan."""
    managed: list[str] = []
    documents: list[Any] = []
    complete = True

    def add_policy_arn(arn: Any, origin: TfResource) -> None:
        nonlocal complete
        if isinstance(arn, str):
            managed.append(arn)
            return
        if isinstance(arn, Unknown):
            # e.g. format("arn:%s:iam::aws:policy/AmazonSageMakerFullAccess", partition): the name is literal.
            names = _POLICY_NAME.findall(arn.expression)
            managed.extend(f"policy/{name}" for name in names)
            complete = complete and bool(names)
            return
        policy = index.resolve(arn, origin)
        if policy is not None and policy.type == "aws_iam_policy":
            name = policy.attrs.get("name")
            if isinstance(name, str):
                managed.append(f"policy/{name}")
            add_document(policy.attrs.get("policy"), policy)
        elif isinstance(arn, Ref) and arn.target.startswith("data.aws_iam_policy."):
            data = index.resolve(arn, origin)
            name = data.attrs.get("name") if data else None
            if isinstance(name, str):
                managed.append(f"policy/{name}")
            complete = False
        else:
            complete = False

    def add_document(document: Any, origin: TfResource) -> None:
        nonlocal complete
        parsed = _document(document, origin, index)
        if parsed is None:
            complete = False
        else:
            documents.append(parsed)

    for inline in (
        blocks(role.attrs, "inline_policy")
        if not isinstance(role.attrs.get("inline_policy"), Unknown)
        else []
    ):
        if inline.get("policy") is not None:
            add_document(inline.get("policy"), role)
    if isinstance(role.attrs.get("inline_policy"), Unknown):
        complete = False
    arns = role.attrs.get("managed_policy_arns")
    if isinstance(arns, list):
        for arn in arns:
            add_policy_arn(arn, role)
    elif arns is not None:
        complete = False
    for attachment in index.referencing(role, *ATTACHMENT_TYPES):
        if attachment.type == "aws_iam_role_policy":
            add_document(attachment.attrs.get("policy"), attachment)
        else:
            add_policy_arn(attachment.attrs.get("policy_arn"), attachment)
    name = role.attrs.get("name")
    return verdict(role.address if not isinstance(name, str) else name, managed, documents, complete=complete)


def _document(value: Any, origin: TfResource, index: TfIndex) -> Any:
    """A policy document as a dict (jsonencode / heredoc) or a synthetic one from a policy-document data block."""
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str):
        import json

        try:
            return json.loads(value)
        except ValueError:
            return None
    if isinstance(value, Ref):
        data = index.resolve(value, origin)
        if data is not None and data.type == "aws_iam_policy_document":
            return _policy_document_data(data)
    return None


def _policy_document_data(data: TfResource) -> Any:
    statements = blocks(data.attrs, "statement")
    if isinstance(statements, Unknown):
        return None
    out = []
    for statement in statements:
        effect = statement.get("effect", "Allow")
        if not isinstance(effect, str):
            return None
        if statement_grants(
            statement.get("actions"), statement.get("resources"), statement.get("not_actions")
        ) or (effect == "Deny"):
            out.append(
                {
                    "Effect": effect,
                    "Action": statement.get("actions"),
                    "Resource": statement.get("resources"),
                    "NotAction": statement.get("not_actions"),
                }
            )
        elif any(isinstance(statement.get(k), Unknown) for k in ("actions", "resources")):
            return None
    return {"Statement": out}

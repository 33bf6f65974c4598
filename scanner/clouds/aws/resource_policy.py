"""Whether an AWS resource policy (bucket policy, model package group policy) lets anyone in.

A statement that Allows ``Principal: "*"`` (or ``{"AWS": "*"}``) with no Condition grants access to
every AWS account and, for S3, anonymous callers. Conditions (``aws:SourceVpce``, ``aws:PrincipalOrgID``,
``aws:SourceAccount``...) narrow it, and mlscan does not try to prove they narrow enough: a conditional
wildcard is not counted public. The same rule as S3's own ``PolicyStatus.IsPublic`` for the common cases.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Ref, Unknown, blocks


def document(value: Any) -> Mapping[str, Any] | None:
    """A policy document from a JSON string or an already-decoded mapping; None when unreadable."""
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except ValueError:
            return None
        return decoded if isinstance(decoded, Mapping) else None
    return None


def _wildcard(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        aws = principal.get("AWS")
        values = aws if isinstance(aws, list) else [aws]
        return "*" in values
    return False


def is_public(value: Any) -> bool | None:
    """True when an Allow statement has a wildcard principal and no Condition; None when unreadable.

    No policy at all (None) is not public.
    """
    if value is None:
        return False
    if isinstance(value, (Ref, Unknown)):
        return None
    policy = document(value)
    if policy is None:
        return None
    statements = policy.get("Statement")
    statements = statements if isinstance(statements, list) else [statements]
    for statement in statements:
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        if isinstance(statement.get("Principal"), (Ref, Unknown)):
            return None
        if _wildcard(statement.get("Principal")) and not statement.get("Condition"):
            return True
    return False


def tf_document(value: Any, origin: TfResource, index: TfIndex) -> Any:
    """A Terraform policy value as a document: JSON text, jsonencode, or a ``data.aws_iam_policy_document``
    (its statements' effect, principals and conditions); other references stay as they are (unknown)."""
    if not isinstance(value, Ref):
        return value
    data = index.resolve(value, origin)
    if data is None or data.type != "aws_iam_policy_document":
        return value
    statements = blocks(data.attrs, "statement")
    if isinstance(statements, Unknown):
        return statements
    out = []
    for statement in statements:
        principals = blocks(statement, "principals")
        if isinstance(principals, Unknown):
            return principals
        identifiers: list[Any] = []
        for principal in principals:
            ids = principal.get("identifiers")
            identifiers.extend(ids if isinstance(ids, list) else [ids])
            if principal.get("type") == "*":
                identifiers.append("*")
        conditions = blocks(statement, "condition")
        out.append(
            {
                "Effect": statement.get("effect", "Allow"),
                "Principal": {"AWS": identifiers} if identifiers else None,
                "Condition": conditions if not isinstance(conditions, Unknown) and conditions else None,
            }
        )
    return {"Statement": out}

"""Policy selection options shared by ``mlscan iac``, ``mlscan scan`` and ``mlscan demo``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from scanner.model import CATEGORIES, InputError
from scanner.policy.loader import load_policies
from scanner.policy.model import PolicySet
from scanner.policy.select import Selection, parse_parameters, select


def policy_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a command with --policies, --no-builtin, --policy, --skip-policy, --category, --severity, --param."""
    decorators = [
        click.option(
            "--policies",
            "policy_dirs",
            multiple=True,
            type=click.Path(exists=True),
            help="Extra policy directory (repeatable).",
        ),
        click.option("--no-builtin", is_flag=True, help="Do not load the built-in policy pack."),
        click.option(
            "--policy", "include", multiple=True, help="Run only these policy ids or globs (repeatable)."
        ),
        click.option(
            "--skip-policy", "skip", multiple=True, help="Never run these policy ids or globs (repeatable)."
        ),
        click.option(
            "--category",
            "categories",
            multiple=True,
            type=click.Choice(CATEGORIES, case_sensitive=False),
            help="Run only policies of this category (repeatable).",
        ),
        click.option(
            "--severity",
            "min_severity",
            type=click.Choice(["critical", "high", "medium", "low", "info"], case_sensitive=False),
            help="Run only policies at or above this severity.",
        ),
        click.option(
            "--param",
            "params",
            multiple=True,
            metavar="NAME=VALUE",
            help="Override a policy parameter, e.g. max_epsilon=4 (repeatable).",
        ),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def collect_policies(kwargs: dict[str, Any]) -> tuple[PolicySet, dict[str, object]]:
    """Pop the policy options out of ``kwargs``; load and select the policies."""
    selection = Selection(
        include=tuple(kwargs.pop("include")),
        skip=tuple(kwargs.pop("skip")),
        categories=tuple(kwargs.pop("categories")),
        min_severity=kwargs.pop("min_severity"),
    )
    policy_set = load_policies(kwargs.pop("policy_dirs"), builtin=not kwargs.pop("no_builtin"))
    if policy_set.errors:  # an invalid or missing policy file is an input error (exit 2), each one shown
        *others, last = policy_set.errors
        for error in others:
            click.echo(f"mlscan: error: {error.where}: {error.reason}", err=True)
        raise InputError(last.where, last.reason)
    try:
        parameters = parse_parameters(kwargs.pop("params"))
    except ValueError as exc:
        raise InputError("--param", str(exc)) from exc
    return select(policy_set, selection), parameters

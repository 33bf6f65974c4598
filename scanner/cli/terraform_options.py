"""``--var-file FILE`` and ``--var NAME=VALUE`` for the commands that read Terraform (``iac``, ``fix``).

Terraform applies them in command-line order, so the command records the order in which they
were typed (:class:`TerraformCommand`); click itself only keeps each option's values. A var file
that cannot be read or parsed is exit 2 naming ``file:line`` before anything is scanned.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from scanner.iac.hcl_loader import HclError, parse_file
from scanner.iac.variables import VariableSource, VarValue, ordered_sources
from scanner.model import InputError

_ORDER = "mlscan.terraform_variable_order"
_NAMES = ("var_file", "var")


class TerraformCommand(click.Command):
    """A command that remembers the command-line order of its ``--var-file`` / ``--var`` occurrences."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Record the order (click's parser reports one entry per occurrence), then parse as usual."""
        _, _, order = self.make_parser(ctx).parse_args(args=list(args))
        ctx.meta[_ORDER] = [p.name for p in order if p.name in _NAMES]
        return super().parse_args(ctx, args)


def terraform_variable_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a command with ``--var-file`` and ``--var`` (repeatable)."""
    decorators = [
        click.option(
            "--var-file",
            "var_file",
            multiple=True,
            type=click.Path(exists=True, dir_okay=False),
            help="Terraform variable file (.tfvars or .tfvars.json) for the root modules, after "
            "terraform.tfvars and *.auto.tfvars (repeatable; applied in command-line order with --var).",
        ),
        click.option(
            "--var",
            "var",
            multiple=True,
            metavar="NAME=VALUE",
            help="Set a root-module Terraform variable, as terraform -var does (repeatable). "
            "TF_VAR_<name> environment variables are read too, below every tfvars file and --var.",
        ),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def collect_variables(kwargs: dict[str, Any]) -> list[VariableSource]:
    """The ``--var-file`` / ``--var`` values in Terraform's order; every var file checked now (exit 2)."""
    var_files = tuple(kwargs.pop("var_file", ()) or ())
    values = tuple(kwargs.pop("var", ()) or ())
    context = click.get_current_context(silent=True)
    order = context.meta.get(_ORDER, []) if context is not None else []
    sources = ordered_sources(var_files, values, order)
    for source in sources:
        if isinstance(source, VarValue):
            continue
        try:
            parse_file(source)
        except HclError as exc:
            error = exc.to_scan_error()
            raise InputError(error.where, f"--var-file: {error.reason}") from exc
    return sources

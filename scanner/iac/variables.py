"""Root-module variable values given the way Terraform takes them: ``-var-file FILE`` and ``-var NAME=VALUE``.

A CI job that runs ``terraform plan -var-file=prod.tfvars`` must be able to scan what that plan
would build, so ``mlscan iac --var-file prod.tfvars --var region=eu-west-1`` sets the same values.
Precedence is Terraform's: defaults, ``terraform.tfvars``, ``terraform.tfvars.json``,
``*.auto.tfvars`` / ``*.auto.tfvars.json`` in lexical order, then every ``--var-file`` and
``--var`` in command-line order (a later one wins). Below all of them (above defaults) come
``TF_VAR_<name>`` environment variables, as Terraform reads them (:func:`environment_values`). They apply to every root module scanned
(each directory walked or file named), never to child modules, which get their caller's inputs.

A ``--var`` value is a string unless the variable declares a type: ``bool`` and ``number`` convert
the text, and a complex type (``list(...)``, ``map(...)``, ``object(...)``, ...) parses it as an HCL
expression, as Terraform does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.iac.literals import number
from scanner.iac.values import Unknown
from scanner.model import InputError, ScanError

_COMPLEX = ("list", "set", "map", "object", "tuple")


@dataclass(frozen=True)
class VarValue:
    """One ``--var NAME=VALUE``: the text as typed, typed once the variable's declaration is known."""

    name: str
    text: str
    origin: str = "--var"
    """``--var`` (command line, ``MLSCAN_VAR``, ``.mlscan.yaml``) or ``env`` (a ``TF_VAR_<name>`` variable)."""

    @property
    def label(self) -> str:
        """How provenance names where the value came from."""
        return f"TF_VAR_{self.name}" if self.origin == "env" else f"--var {self.name}"


VariableSource = Path | VarValue
"""A tfvars file (automatic or ``--var-file``) or one ``--var``, applied in the order given."""


def parse_var(text: str) -> VarValue:
    """``NAME=VALUE`` → :class:`VarValue`; :class:`InputError` (exit 2) for anything else."""
    name, equals, value = text.partition("=")
    name = name.strip()
    if not equals or not name or not name.replace("_", "a").replace("-", "a").isalnum() or name[0].isdigit():
        raise InputError(f"--var {text}", "expected NAME=VALUE (a variable name, '=', its value)")
    return VarValue(name, value)


TF_VAR_PREFIX = "TF_VAR_"


def environment_values(environ: Mapping[str, str]) -> list[VarValue]:
    """``TF_VAR_<name>=VALUE`` environment variables as values of root-module variable ``<name>``.

    Terraform reads them below every tfvars file and ``-var`` (so a CI job that exports
    ``TF_VAR_region`` plans with it, and mlscan must judge the same value); the name after the
    prefix is case-sensitive, as in Terraform. Sorted by name, so the result does not depend on the
    environment's order.
    """
    return [
        VarValue(key[len(TF_VAR_PREFIX) :], value, origin="env")
        for key, value in sorted(environ.items())
        if key.startswith(TF_VAR_PREFIX) and len(key) > len(TF_VAR_PREFIX)
    ]


def ordered_sources(
    var_files: Sequence[str], variables: Sequence[str], order: Sequence[str]
) -> list[VariableSource]:
    """``--var-file`` and ``--var`` values in command-line order.

    ``order`` names the option of each command-line occurrence (``var_file`` / ``var``); values
    that did not come from the command line (``MLSCAN_*`` or ``.mlscan.yaml``) come first, files
    before single values.
    """
    files = [Path(f) for f in var_files]
    values = [parse_var(v) for v in variables]
    on_line = {"var_file": order.count("var_file"), "var": order.count("var")}
    from_line_files = files[len(files) - on_line["var_file"] :] if on_line["var_file"] else []
    from_line_values = values[len(values) - on_line["var"] :] if on_line["var"] else []
    result: list[VariableSource] = [
        *(files[: len(files) - len(from_line_files)]),
        *(values[: len(values) - len(from_line_values)]),
    ]
    file_iter, value_iter = iter(from_line_files), iter(from_line_values)
    for name in order:
        result.append(next(file_iter) if name == "var_file" else next(value_iter))
    return result


def typed_value(variable: VarValue, declared_type: str | None, errors: list[ScanError]) -> Any:
    """The value of ``--var NAME=VALUE`` for a variable declared with ``declared_type`` (HCL text)."""
    kind = (declared_type or "").strip()
    if kind == "bool" and variable.text in ("true", "false"):
        return variable.text == "true"
    if kind == "number":
        value = number(variable.text.strip())
        return variable.text if isinstance(value, Unknown) else value
    if kind.startswith(_COMPLEX):
        from scanner.iac.expressions import Scope, evaluate
        from scanner.iac.hcl_syntax import parse_hcl

        document = parse_hcl(Path(variable.label), f"value = {variable.text}\n".encode())
        attribute = document.body.attributes.get("value")
        if document.problem is not None or attribute is None:
            errors.append(ScanError(where=variable.label, reason=f"not a valid {kind} value; unknown"))
            return Unknown(variable.label)
        return evaluate(attribute.node, document.source, Scope(errors=errors))
    return variable.text

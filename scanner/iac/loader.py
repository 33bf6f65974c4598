"""Entry point of the Terraform input: turn the paths a user gave into TfResources, grouped by module.

A directory is searched recursively; every directory holding .tf (or .tf.json, Terraform's
JSON syntax) files is one module (its own variables, locals and names). A .tf file alone is a
module of one file. Any other .json file is a ``terraform show -json`` plan. Bad files become
errors; the rest loads.

A plan and the .tf files it was made from describe the same resources, so a walked directory
never yields both: its plan files are read only when the tree holds no .tf file at all (a
folder of plans); beside .tf sources a plan is read only when named on the command line
(``mlscan iac infra/ infra/plan.json`` scans both faces on purpose).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from scanner.iac.hcl_loader import Parse, ParseCache, load_module
from scanner.iac.modules import called_directories, load_tree
from scanner.iac.plan_loader import load_plan
from scanner.iac.types import TfResource
from scanner.iac.variables import VariableSource, environment_values
from scanner.jsondoc import input_file_problem
from scanner.model import ScanError

_SKIPPED_DIRS = {".terraform", ".git", "node_modules", ".venv"}


@dataclass(frozen=True)
class ModuleLoad:
    """The resources of one module scope (a directory, a lone file or a plan): names resolve within it."""

    scope: str
    resources: tuple[TfResource, ...]


@dataclass(frozen=True)
class IacLoad:
    """Everything loaded from the user's paths."""

    modules: tuple[ModuleLoad, ...]
    errors: tuple[ScanError, ...]

    @property
    def resources(self) -> tuple[TfResource, ...]:
        """All resources of all modules."""
        return tuple(r for m in self.modules for r in m.resources)


def load_paths(
    paths: Sequence[str | Path],
    variables: Sequence[VariableSource] = (),
    environ: Mapping[str, str] | None = None,
) -> IacLoad:
    """Load .tf directories, .tf files and plan JSON files; never raises for bad input.

    ``variables`` (``--var-file`` / ``--var``, in command-line order) apply to every root module
    after its automatic tfvars files; ``TF_VAR_<name>`` variables of ``environ`` (default: the
    process environment, as Terraform reads it) before them (:mod:`scanner.iac.variables`).
    """
    from_env = environment_values(os.environ if environ is None else environ)
    errors: list[ScanError] = []
    work: list[tuple[str, Path, list[Path]]] = []  # (kind, path, module files)
    for given in paths:
        path = Path(given)
        if not path.exists():
            errors.append(ScanError(where=str(path), reason="no such file or directory"))
        elif path.is_dir():
            tf_files, json_files = _walk(path, errors)
            work += [("dir", directory, files) for directory, files in _module_dirs(tf_files)]
            if not tf_files:  # plans beside .tf sources are read only when named (see module docstring)
                work += [
                    ("plan", plan, []) for plan in sorted(p for p in json_files if _is_candidate_plan(p))
                ]
        elif is_terraform_file(path.name):
            work.append(("file", path, [path]))
        elif path.suffix == ".json":
            work.append(("plan", path, []))
        else:
            errors.append(ScanError(where=str(path), reason="not a .tf file, directory or plan .json"))
    parse = ParseCache()

    def tfvars(directory: Path) -> list[VariableSource]:
        return [*from_env, *_tfvars(directory), *variables]

    called = _called_from_roots(work, parse, tfvars)
    modules: list[ModuleLoad] = []
    for kind, path, files in work:
        if kind == "dir" and path.resolve() in called:
            continue  # loaded as module.<name> of its caller, with the caller's inputs
        if kind == "dir":
            _load_directory(modules, errors, path, files, parse, tfvars(path))
        elif kind == "file":
            _add(modules, errors, str(path), *load_module(files, [*from_env, *variables], parse))
        else:
            planned, plan_errors = load_plan(path)
            _add(modules, errors, str(path), declared_beside(path, planned, parse, tfvars), plan_errors)
    return IacLoad(tuple(modules), tuple(errors))


def declared_beside(
    plan: Path,
    resources: Sequence[TfResource],
    parse: Parse,
    tfvars: Callable[[Path], Sequence[VariableSource]] | None = None,
) -> list[TfResource]:
    """Plan resources with the .tf file and line that declare them, when the plan's sources sit beside it.

    A plan carries no line numbers, so a plan-based CI job could not annotate the pull request;
    the .tf files in the plan's directory (and their local child modules) say where each block
    is. Index keys (``[0]``, ``["a"]``) are ignored: one block declares every instance. Sources
    that cannot be read only leave the plan's resources as they are (the plan is what is judged).
    """
    files = _tf_files(plan.parent)
    if not files:
        return list(resources)
    variables = tfvars(plan.parent) if tfvars is not None else _tfvars(plan.parent)
    declared, _ = load_tree(plan.parent, files, variables, parse, _tf_files)
    lines = {_unindexed(r.address): r.source for r in declared if r.source.file and r.source.line}
    placed = []
    for resource in resources:
        where = lines.get(_unindexed(resource.address))
        if where is not None:
            source = replace(resource.source, declared_file=where.file, declared_line=where.line)
            resource = replace(resource, source=source)
        placed.append(resource)
    return placed


def _unindexed(address: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", address)


def _called_from_roots(
    work: list[tuple[str, Path, list[Path]]],
    parse: Parse,
    tfvars: Callable[[Path], Sequence[VariableSource]],
) -> set[Path]:
    """Scanned directories that another scanned directory instantiates as a child module.

    Directories that only call each other (a cycle with no root outside it) are not skipped:
    each is scanned on its own, and the cycle is reported when its calls are expanded.
    """
    directories = {path.resolve(): (path, files) for kind, path, files in work if kind == "dir"}
    calls = {
        key: called_directories(path, files, tfvars(path), parse) & directories.keys()
        for key, (path, files) in directories.items()
    }
    called_by_someone = {child for children in calls.values() for child in children}
    reached: set[Path] = set()
    pending = [key for key in directories if key not in called_by_someone]
    while pending:
        for child in calls[pending.pop()]:
            if child not in reached:
                reached.add(child)
                pending.append(child)
    return reached


def _load_directory(
    modules: list[ModuleLoad],
    errors: list[ScanError],
    directory: Path,
    files: list[Path],
    parse: Parse,
    tfvars: Sequence[VariableSource],
) -> None:
    """One module per directory; if it declares an address twice (Terraform would refuse it, as in
    collections of unrelated examples), each file is loaded as a module of its own instead."""
    resources, new_errors = load_tree(directory, files, tfvars, parse, _tf_files)
    addresses = [r.address for r in resources]
    if len(files) > 1 and len(addresses) != len(set(addresses)):
        for tf_file in files:
            _add(modules, errors, str(tf_file), *load_module([tf_file], tfvars, parse))
        return
    _add(modules, errors, str(directory), resources, new_errors)


def _add(
    modules: list[ModuleLoad],
    errors: list[ScanError],
    scope: str,
    resources: list[TfResource],
    new_errors: list[ScanError],
) -> None:
    modules.append(ModuleLoad(scope, tuple(resources)))
    errors.extend(new_errors)


def _skipped(directories: tuple[str, ...]) -> bool:
    """Hidden directories (.terraform, .git, .venv, ...) and vendored trees are not scanned."""
    return any(
        part.startswith(".") and part not in (".", "..") or part in _SKIPPED_DIRS for part in directories
    )


def is_terraform_file(name: str) -> bool:
    """A configuration file Terraform reads: ``*.tf``, or ``*.tf.json`` (JSON syntax)."""
    return name.endswith((".tf", ".tf.json"))


def _tf_files(directory: Path) -> list[Path]:
    return sorted([*directory.glob("*.tf"), *directory.glob("*.tf.json")])


def _module_dirs(tf_files: list[Path]) -> list[tuple[Path, list[Path]]]:
    by_dir: dict[Path, list[Path]] = {}
    for tf in sorted(tf_files):
        by_dir.setdefault(tf.parent, []).append(tf)
    return sorted(by_dir.items())


def _walk(root: Path, errors: list[ScanError]) -> tuple[list[Path], list[Path]]:
    """(.tf files, .json files) below ``root``, never descending into skipped directories.

    Nothing is passed over in silence: a directory that cannot be listed, a directory named
    ``*.tf`` and a directory symlink that loops back are error entries. Directory symlinks are
    followed (as Terraform does), each real directory once. Non-regular files named ``*.tf``
    (FIFOs, dangling symlinks, symlink loops) are kept: reading them reports each one.
    """
    tf_files: list[Path] = []
    json_files: list[Path] = []
    seen: set[str] = set()

    def unreadable(exc: OSError) -> None:
        errors.append(ScanError(where=str(exc.filename), reason=f"cannot list directory: {exc.strerror}"))

    for directory, subdirs, files in os.walk(root, onerror=unreadable, followlinks=True):
        seen.add(os.path.realpath(directory))
        kept = []
        for name in subdirs:
            path = Path(directory) / name
            if _skipped((name,)):
                continue
            if path.is_symlink() and _is_ancestor(path):
                errors.append(ScanError(where=str(path), reason="symlink loop (links to a parent directory)"))
                continue
            if path.is_symlink() and os.path.realpath(path) in seen:
                reason = f"links to {os.path.realpath(path)}, already scanned; not scanned twice"
                errors.append(ScanError(where=str(path), reason=reason))
                continue
            if is_terraform_file(name):
                errors.append(
                    ScanError(where=str(path), reason="is a directory named *.tf, not a Terraform file")
                )
            kept.append(name)
        subdirs[:] = kept
        tf_files += [Path(directory) / name for name in files if is_terraform_file(name)]
        json_files += [
            Path(directory) / name
            for name in files
            if name.endswith(".json") and not name.endswith((".tf.json", ".tfvars.json"))
        ]
    return tf_files, json_files


def _is_ancestor(path: Path) -> bool:
    """Whether a (symlinked) directory resolves to one of its own parents."""
    real = os.path.realpath(path)
    return any(os.path.realpath(parent) == real for parent in path.parents)


def _tfvars(directory: Path) -> list[Path]:
    """The variable files Terraform reads by itself, in its order: terraform.tfvars, terraform.tfvars.json,
    then *.auto.tfvars and *.auto.tfvars.json by file name (a FIFO or a directory is reported when read)."""
    named = [directory / "terraform.tfvars", directory / "terraform.tfvars.json"]
    found = [path for path in named if path.exists() or path.is_symlink()]
    automatic = [*directory.glob("*.auto.tfvars"), *directory.glob("*.auto.tfvars.json")]
    return found + sorted(automatic, key=lambda path: path.name)


def _is_candidate_plan(path: Path) -> bool:
    """Plan files found while walking a directory: regular .json files that start like a plan document."""
    if input_file_problem(path):
        return False  # not a regular file: never opened (a FIFO would block); .json is not a .tf input
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return '"format_version"' in head and ('"planned_values"' in head or '"terraform_version"' in head)

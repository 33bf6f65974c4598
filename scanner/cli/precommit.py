"""pre-commit entry point: scan the Terraform modules that contain the changed files.

pre-commit passes the changed file names; a Terraform module is a directory
(an endpoint in ``main.tf`` references a configuration in ``endpoint.tf``), so
each changed ``.tf`` file is widened to its directory, while plan JSON files are
scanned as they are. Everything after the file names is handed to ``mlscan iac``
unchanged, so hook ``args`` such as ``--fail-on medium`` work.

Usage (what .pre-commit-hooks.yaml runs): ``python -m scanner.cli.precommit [mlscan iac options] FILE...``
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path


def targets_for(files: Sequence[str]) -> list[str]:
    """Unique scan targets, in order: the directory of each .tf / .tf.json / tfvars file, plan JSON files as given."""
    targets: dict[str, None] = {}
    for name in files:
        path = Path(name)
        if path.name.endswith(
            (".tf", ".tf.json", ".tfvars", ".tfvars.json")
        ):  # a module's file: its directory
            targets[str(path.parent) if str(path.parent) else "."] = None
        elif path.suffix == ".json":
            targets[str(path)] = None
    return list(targets)


def split_arguments(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """(options for mlscan iac, file names): files are the arguments that exist as .tf / .json files."""
    options: list[str] = []
    files: list[str] = []
    for arg in argv:
        if (
            not arg.startswith("-")
            and Path(arg).suffix in (".tf", ".json", ".tfvars")
            and Path(arg).is_file()
        ):
            files.append(arg)
        else:
            options.append(arg)
    return options, files


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``mlscan iac`` over the modules of the changed files; 0 when nothing Terraform changed."""
    options, files = split_arguments(sys.argv[1:] if argv is None else argv)
    targets = targets_for(files)
    if not targets:
        return 0
    from scanner.cli import main as mlscan

    try:
        mlscan.main(["iac", *targets, *options], prog_name="mlscan", standalone_mode=False)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

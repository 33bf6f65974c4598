"""The two kinds of source every scan is built from: Terraform paths and one cloud's live account.

Terraform: load the paths (``scanner.iac``), map every block through the cloud mappers.

Each module is mapped with its own :class:`TfIndex` (names resolve within a module),
and resource ids are prefixed with the module scope so two modules that both
declare ``aws_sagemaker_model.this`` stay two resources.

Ids, files and therefore fingerprints do not depend on how the paths were typed
(``terraform/``, ``./terraform``, an absolute path, ``cd terraform && mlscan iac .``, one
file of a module): the loader reads resolved paths, and every path it reports is made
relative to the git checkout the files are in, else to the scan root (:mod:`scanner.clouds.paths`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from scanner import install_hint
from scanner.clouds import live_scanner, terraform_mappers
from scanner.clouds.base import LiveOptions, Progress, SourceResult
from scanner.clouds.paths import Rebase, display_root
from scanner.clouds.recent import keep_recent_jobs
from scanner.iac.graph import TfIndex
from scanner.iac.loader import is_terraform_file, load_paths
from scanner.iac.variables import VariableSource
from scanner.model import Resource, ScanError


def terraform_source(paths: Sequence[str | Path], variables: Sequence[VariableSource] = ()) -> SourceResult:
    """All normalized resources found in the given Terraform paths, plus load and mapping errors.

    ``variables``: ``--var-file`` / ``--var`` values for the root modules (:mod:`scanner.iac.variables`).
    """
    given = [Path(p) for p in paths]
    rebase = Rebase(display_root(given))
    lone_files = {p.resolve() for p in given if is_terraform_file(p.name) and p.is_file()}
    load = load_paths([p.resolve() if p.exists() else p for p in given], variables)
    mappers = terraform_mappers()
    resources: list[Resource] = []
    errors = [rebase.error(e) for e in load.errors]
    for module in load.modules:
        index = TfIndex(module.resources)
        mapped: list[Resource] = []
        for tf in module.resources:
            mapper = mappers.get(tf.type) if tf.mode == "managed" else None
            if mapper is None:
                continue
            try:
                mapped.extend(mapper(tf, index))
            except Exception as exc:  # noqa: BLE001 - one bad block must not stop the scan
                where = rebase.text(str(tf.source))
                errors.append(ScanError(where=where, reason=f"{tf.address}: cannot map: {exc}"))
        scope = Path(module.scope)
        scope = scope.parent if scope in lone_files else scope  # one file of a module: the module's ids
        resources.extend(_scoped(rebase.scope(scope), [rebase.resource(r) for r in mapped]))
    return SourceResult(tuple(resources), tuple(errors))


def live_source(cloud: str, options: LiveOptions, progress: Progress) -> SourceResult:
    """One cloud's live scan; a failure of the whole cloud (no SDK, no credentials) becomes an error.

    With ``options.training_jobs_since``, training jobs older than that are left out unless a
    deployed model needs them (:mod:`scanner.clouds.recent`).
    """
    try:
        result = live_scanner(cloud)(options, progress)
    except ImportError as exc:
        reason = f"the {cloud} SDK is not installed ({exc.name}): {install_hint(cloud)}"
    except Exception as exc:  # noqa: BLE001 - credentials, network: report and go on with other clouds
        reason = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    else:
        if options.training_jobs_since is None:
            return result
        return replace(
            result, resources=tuple(keep_recent_jobs(result.resources, options.training_jobs_since))
        )
    return SourceResult(errors=(ScanError(where=cloud, reason=reason),))


def _scoped(scope: str, resources: list[Resource]) -> list[Resource]:
    """Prefix ids and same-module links with the module scope (``dir:address``)."""
    local_ids = {r.id for r in resources}
    return [
        replace(
            r,
            id=f"{scope}:{r.id}",
            links=tuple(
                f"{scope}:{link}" if link in local_ids or _is_address(link) else link for link in r.links
            ),
        )
        for r in resources
    ]


def _is_address(link: str) -> bool:
    head = link.split(".", 1)[0]
    return "." in link and ":" not in link and "/" not in link and ("_" in head or head in ("data", "module"))

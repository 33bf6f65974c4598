"""How Terraform paths are shown: relative to the git checkout, else to the scan root, however typed.

A resource's id (``dir:address``), its file and so its fingerprint must be the same for
``mlscan iac terraform/``, ``mlscan iac ./terraform``, an absolute path and
``cd terraform && mlscan iac .``, so that a baseline made one way matches a scan run
another way. The loader is given resolved (absolute) paths; :class:`Rebase` turns every
path it reports back into one relative to :func:`display_root`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from scanner.model import Provenance, Resource, ScanError, Source


def git_root(path: Path) -> Path | None:
    """The top of the git checkout holding ``path`` (a ``.git`` directory, or file in a worktree)."""
    for parent in (path, *path.parents):
        if (parent / ".git").exists():
            return parent
    return None


def display_root(paths: Sequence[Path]) -> Path:
    """The directory every reported path is relative to: the checkout of the inputs, else the scan root.

    The scan root of a directory is itself, of a file its directory; several inputs share
    their common ancestor.
    """
    roots = []
    for given in paths:
        if not given.exists():
            continue
        resolved = given.resolve()
        roots.append(git_root(resolved) or (resolved if resolved.is_dir() else resolved.parent))
    return Path(os.path.commonpath(roots)) if roots else Path.cwd().resolve()


def history_targets(paths: Sequence[str | Path]) -> tuple[str, ...]:
    """What makes two ``mlscan iac`` runs "the same targets" for history, however the paths were typed.

    Inside a git checkout: ``git:<checkout directory name>:<path relative to it>`` (so clones at
    different places — CI runners, laptops — share a team store's history); elsewhere the resolved path.
    """
    keys = []
    for given in paths:
        resolved = Path(given).resolve()
        root = git_root(resolved)
        if root is None:
            keys.append(str(resolved))
        else:
            keys.append(f"git:{root.name}:{resolved.relative_to(root).as_posix()}")
    return tuple(keys)


@dataclass(frozen=True)
class Rebase:
    """Rewrites absolute paths under ``root`` as relative ones in everything a Terraform source reports.

    Sources and provenance are frozen values that repeat (every resource of a plan names the same
    file, a module's defaults the same sentences), so each distinct one is rebased once.
    """

    root: Path
    _memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def text(self, text: str) -> str:
        """Every occurrence of the root in ``text`` removed (``/repo/tf/main.tf:3`` → ``tf/main.tf:3``)."""
        prefix = str(self.root).rstrip(os.sep) + os.sep
        return text.replace(prefix, "") if prefix in text else text

    def path(self, path: str) -> str:
        """One path, normalized (``a/../b`` → ``b``) and relative to the root when inside it."""
        found = self._memo.get(path)
        if found is None:
            found = self._memo[path] = self._path(path)
        return found

    def _path(self, path: str) -> str:
        normal = os.path.normpath(path)
        if normal == str(self.root):
            return "."
        return self.text(normal)

    def scope(self, scope: Path) -> str:
        """A module scope (directory, lone file or plan) as shown in resource ids."""
        return self.path(str(scope))

    def source(self, source: Source | None) -> Source | None:
        """A source location with its file relative to the root."""
        if source is None or source.file is None:
            return source
        key = ("source", source, source.root)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._source(source)
        return found

    def _source(self, source: Source) -> Source:
        assert source.file is not None
        relative = self.path(source.file)
        inside = not os.path.isabs(relative)
        declared = self.path(source.declared_file) if source.declared_file else None
        return replace(source, file=relative, root=str(self.root) if inside else None, declared_file=declared)

    def provenance(self, provenance: Provenance) -> Provenance:
        """Provenance with its location, the variables it went through and its sentence rebased."""
        key = ("provenance", provenance, provenance.location.root if provenance.location else None)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._provenance(provenance)
        return found

    def _provenance(self, provenance: Provenance) -> Provenance:
        return replace(
            provenance,
            location=self.source(provenance.location),
            via=tuple(self.text(v) for v in provenance.via),
            detail=self.text(provenance.detail),
        )

    def resource(self, resource: Resource) -> Resource:
        """A mapped Terraform resource with every path it carries relative to the root."""
        return replace(
            resource,
            source=self.source(resource.source) or resource.source,
            provenance={k: self.provenance(p) for k, p in resource.provenance.items()},
        )

    def error(self, error: ScanError) -> ScanError:
        """A load or mapping error naming the file as the rest of the scan does."""
        return replace(error, where=self.text(error.where), reason=self.text(error.reason))

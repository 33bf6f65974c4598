"""Framework files (``policies/frameworks/*.yaml``) → validated :class:`Framework` objects.

Frameworks are data, not code, so that an auditor can read and extend the mapping
without touching Python. Every file is validated against ``framework.schema.json``
(shipped in the package); a bad file becomes a :class:`~scanner.model.ScanError`
naming the file, the line and the reason, and the other files still load.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner.datacache import cached_outcomes
from scanner.model import ScanError
from scanner.paths import frameworks_dir
from scanner.yamldoc import YamlDocument, YamlFileError

_SCHEMA_FILE = Path(__file__).with_name("framework.schema.json")

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator


@dataclass(frozen=True)
class Control:
    """One requirement of a framework and the policies whose findings evidence it."""

    id: str
    """The framework's own identifier, e.g. ``164.312(a)(2)(iv)`` or ``CC6.1``."""
    title: str
    policies: tuple[str, ...]
    """mlscan policy ids; empty means no automated check (the control is reported "not assessed")."""
    description: str = ""
    section: str = ""


@dataclass(frozen=True)
class Framework:
    """A compliance framework: a named, versioned list of controls."""

    id: str
    """Short name used on the command line (``mlscan frameworks show ID``)."""
    name: str
    version: str
    controls: tuple[Control, ...]
    description: str = ""
    url: str = ""
    providers: tuple[str, ...] = ()
    """Clouds the framework applies to; empty = all."""
    path: str = ""
    """The file it was loaded from."""
    not_applicable: tuple[tuple[str, str], ...] = ()
    """(policy id, reason) for policies deliberately left unmapped: no control of this framework applies."""

    def policy_ids(self) -> set[str]:
        """Every policy id any control of this framework names."""
        return {pid for control in self.controls for pid in control.policies}


@dataclass(frozen=True)
class FrameworkSet:
    """The frameworks that loaded, plus one error per file that did not."""

    frameworks: tuple[Framework, ...]
    errors: tuple[ScanError, ...] = ()

    def get(self, name: str) -> Framework | None:
        """The framework whose id (or name, case-insensitively) is ``name``."""
        wanted = name.lower()
        for framework in self.frameworks:
            if framework.id == wanted or framework.name.lower() == wanted:
                return framework
        return None


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator  # only when a file is validated (not from the cache)

    return Draft202012Validator(json.loads(_SCHEMA_FILE.read_text(encoding="utf-8")))


def load_frameworks(extra_dirs: Sequence[str | Path] = (), *, builtin: bool = True) -> FrameworkSet:
    """Load the built-in frameworks (unless ``builtin`` is false) and every YAML file in ``extra_dirs``.

    A user file with the same ``id`` as a built-in one replaces it, so teams can
    tailor a mapping without forking the package.
    """
    dirs: list[Path] = [frameworks_dir()] if builtin else []
    dirs.extend(Path(d) for d in extra_dirs)
    by_id: dict[str, Framework] = {}
    errors: list[ScanError] = []
    files = _yaml_files(dirs, errors)
    bundled = files[: len(_yaml_files(dirs[:1], []))] if builtin else []
    outcomes = cached_outcomes("frameworks", bundled, [_SCHEMA_FILE, Path(__file__)], _outcome)
    outcomes += [_outcome(path) for path in files[len(bundled) :]]
    for path, outcome in zip(files, outcomes, strict=True):
        framework = _from_outcome(outcome, path, errors)
        if framework is not None:
            by_id[framework.id] = framework
    return FrameworkSet(tuple(by_id.values()), tuple(errors))


def _yaml_files(dirs: Iterable[Path], errors: list[ScanError]) -> list[Path]:
    files: list[Path] = []
    for directory in dirs:
        if directory.is_file():
            files.append(directory)
        elif directory.is_dir():
            files.extend(sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml")))
        else:
            errors.append(ScanError(str(directory), "framework directory not found", stage="compliance"))
    return files


def load_framework_file(path: Path, errors: list[ScanError]) -> Framework | None:
    """Parse and validate one framework file; on failure append a located error and return None."""
    return _from_outcome(_outcome(path), path, errors)


def _outcome(path: Path) -> dict[str, Any]:
    """``{"data": document}`` for a valid framework file, else ``{"error": [where, reason]}``: plain
    JSON, so that the verdict on a bundled file can be cached (scanner/datacache.py)."""
    try:
        doc = YamlDocument.read(path)
    except YamlFileError as exc:
        return {"error": [exc.where, exc.reason]}
    data = doc.data
    problems = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if problems:
        first = problems[0]
        line = doc.line(list(first.absolute_path))
        location = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        return {"error": [f"{path}:{line}", f"{location}: {first.message}"]}
    duplicate = _first_duplicate(c["id"] for c in data["controls"])
    if duplicate:
        return {"error": [str(path), f"control id {duplicate!r} appears twice"]}
    return {"data": data}


def _from_outcome(outcome: dict[str, Any], path: Path, errors: list[ScanError]) -> Framework | None:
    if "data" in outcome:
        return _framework_from_data(outcome["data"], path)
    where, reason = outcome["error"]
    errors.append(ScanError(where, reason, stage="compliance"))
    return None


def _framework_from_data(data: dict[str, Any], path: Path) -> Framework:
    controls = tuple(
        Control(
            id=str(c["id"]),
            title=c["title"],
            policies=tuple(c.get("policies", ())),
            description=c.get("description", ""),
            section=c.get("section", ""),
        )
        for c in data["controls"]
    )
    return Framework(
        id=data["id"],
        name=data["name"],
        version=str(data["version"]),
        controls=controls,
        description=data.get("description", ""),
        url=data.get("url", ""),
        providers=tuple(data.get("providers", ())),
        path=str(path),
        not_applicable=tuple((item["policy"], item["reason"]) for item in data.get("not_applicable", ())),
    )


def _first_duplicate(values: Iterable[str]) -> str | None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            return value
        seen.add(value)
    return None

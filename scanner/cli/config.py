"""Settings from ``.mlscan.yaml`` and ``MLSCAN_*`` environment variables, for every option of every command.

A team writes its choices once (``fail-on: medium``, its waivers and baseline files,
extra policy directories) in ``.mlscan.yaml`` at the repository root, and CI overrides
one with an environment variable. Precedence is click's own: command line, then
environment variable, then the config file (click's ``default_map``), then the
built-in default.

Naming, so that one exported variable never breaks another command:

- an option of a top-level command (``iac``, ``scan``, ``demo``, ``report``, ``facts``)
  reads ``MLSCAN_<OPTION>``: ``--fail-on`` → ``MLSCAN_FAIL_ON``;
- an option of a subcommand reads ``MLSCAN_<GROUP>_<SUB>_<OPTION>``:
  ``mlscan policy list --format`` → ``MLSCAN_POLICY_LIST_FORMAT``.

The file mirrors that: top-level keys are options of the top-level commands (spelt as on
the command line, without dashes in front), and a section named after a command applies
to that command only (``iac: {fail-on: low}``, ``policy: {list: {format: json}}``).
Relative paths in the file are relative to the file. The file is found by walking up
from the working directory, or named with ``--config FILE`` / ``MLSCAN_CONFIG``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from scanner.yamldoc import YamlDocument, YamlFileError

ENV_PREFIX = "MLSCAN"
CONFIG_NAMES = (".mlscan.yaml", ".mlscan.yml")
SHARED_KEYS = frozenset({"store"})
"""Top-level keys that also reach subcommands (``store:`` is the store of ``history list`` too)."""


def find_config(start: Path) -> Path | None:
    """The nearest ``.mlscan.yaml`` in ``start`` or a directory above it."""
    for directory in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                return candidate
    return None


def option_key(option: click.Option) -> str:
    """The option's longest ``--long-name`` without dashes: its key in the file and in the variable name."""
    longs = [name for name in option.opts if name.startswith("--")]
    return max(longs, key=len)[2:] if longs else option.name or ""


def envvar_for(path: tuple[str, ...], option: click.Option) -> str:
    """``MLSCAN_FAIL_ON`` for ``iac --fail-on``; ``MLSCAN_POLICY_LIST_FORMAT`` for ``policy list --format``."""
    scope = path if len(path) > 1 else ()
    words = [ENV_PREFIX, *scope, option_key(option)]
    return "_".join(words).upper().replace("-", "_")


def configure(command: click.Command, path: tuple[str, ...]) -> click.Command:
    """Give every option of ``command`` (and of its subcommands) its variable and the ``--config`` option."""
    if getattr(command, "_mlscan_configured", False):
        return command
    command._mlscan_configured = True  # type: ignore[attr-defined]
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            configure(sub, (*path, name))
        return command
    for param in command.params:
        if isinstance(param, click.Option) and param.envvar is None and not param.hidden:
            param.envvar = envvar_for(path, param)
            param.show_envvar = True
    command.params.insert(0, config_option())
    return command


def config_option() -> click.Option:
    """``--config FILE``: eager, so the file's defaults are in place before any other option is read."""
    return click.Option(
        ["--config", "config_file"],
        type=click.Path(dir_okay=False, exists=True),
        envvar=f"{ENV_PREFIX}_CONFIG",
        show_envvar=True,
        is_eager=True,
        expose_value=False,
        callback=_apply_config,
        help="Settings file (default: the nearest .mlscan.yaml at or above the working directory).",
    )


def _apply_config(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """Load the file and make its settings this command's defaults (click's ``default_map``)."""
    path = Path(value) if value else find_config(Path.cwd())
    if path is None:
        return
    try:
        document = YamlDocument.read(path)
    except YamlFileError as exc:
        raise click.UsageError(f"config {exc}") from exc
    names = tuple(ctx.command_path.split()[1:])
    ctx.default_map = {**settings_for(document, names, ctx), **(ctx.default_map or {})}


def settings_for(document: YamlDocument, names: tuple[str, ...], ctx: click.Context) -> dict[str, Any]:
    """The defaults the file gives command ``names`` (e.g. ``("iac",)``), keyed by click parameter name."""
    data = document.data if document.data is not None else {}
    if not isinstance(data, dict):
        raise click.UsageError(f"config {document.path}:1: expected a mapping of option: value")
    commands = _top_level_commands(ctx)
    known_top = {key for command in commands.values() for key in _options(command)}
    settings: dict[str, tuple[tuple[Any, ...], Any]] = {}
    for key, value in data.items():
        if key in commands and isinstance(value, dict):
            continue  # a section (``iac: {...}``); ``policy: [ids]`` is the --policy option
        if _normal(key) not in known_top:
            _unknown(document, (key,), key)
        if len(names) == 1 or _normal(key) in SHARED_KEYS:
            settings[_normal(key)] = ((key,), value)
    section: Any = data
    for depth, name in enumerate(names):
        section = section.get(name) if isinstance(section, dict) else None
        if not isinstance(section, dict):
            break
        if depth == len(names) - 1:
            subcommands = set(getattr(ctx.command, "commands", {}))
            for key, value in section.items():
                if key not in subcommands:
                    settings[_normal(key)] = ((*names, key), value)
    options = _options(ctx.command)
    result: dict[str, Any] = {}
    for key, (where, value) in settings.items():
        option = options.get(key)
        if option is None:
            if len(where) > 1:
                _unknown(document, where, where[-1])
            continue
        result[option.name] = _value(document, where, option, value, ctx)
    return result


def _top_level_commands(ctx: click.Context) -> dict[str, click.Command]:
    root = ctx.find_root()
    group = root.command
    assert isinstance(group, click.Group)
    found = {name: group.get_command(root, name) for name in group.list_commands(root)}
    return {name: command for name, command in found.items() if command is not None}


def _options(command: click.Command) -> dict[str, click.Option]:
    """Options by their file key (``fail-on``), skipping ``--config`` itself and ``--help``."""
    return {
        _normal(option_key(p)): p
        for p in command.params
        if isinstance(p, click.Option) and p.name not in ("config_file", "help") and p.expose_value
    }


def _normal(key: object) -> str:
    return str(key).strip().lstrip("-").replace("_", "-").lower()


def _unknown(document: YamlDocument, where: tuple[Any, ...], key: object) -> None:
    raise click.UsageError(f"config {document.path}:{document.line(where)}: unknown option {key!r}")


def _value(
    document: YamlDocument, where: tuple[Any, ...], option: click.Option, value: Any, ctx: click.Context
) -> Any:
    """The value checked against the option's type now, so a bad one is reported at its file line."""
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    if not option.multiple and len(values) != 1:
        raise click.UsageError(f"config {document.path}:{document.line(where)}: {where[-1]} takes one value")
    if isinstance(option.type, click.Path):
        values = [str(_relative_to(document, v)) for v in values]
    elif isinstance(option.type, StoreUrl):
        values = [option.type.relative_to(Path(document.path).parent, v) for v in values]
    try:
        checked = [option.type.convert(v, option, ctx) for v in values]
    except click.BadParameter as exc:
        raise click.UsageError(
            f"config {document.path}:{document.line(where)}: {where[-1]}: {exc.message}"
        ) from exc
    return tuple(checked) if option.multiple else checked[0]


class StoreUrl(click.ParamType):
    """A history store: a URL (``sqlite:///…``, ``postgresql://…``), ``default``, or a path to an SQLite file.

    In ``.mlscan.yaml`` a bare path is relative to the file, like every other path there."""

    name = "url"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        return str(value)

    @staticmethod
    def relative_to(base: Path, value: Any) -> str:
        text = str(value)
        if text == "default" or "://" in text:
            return text
        path = Path(text).expanduser()
        return str(path if path.is_absolute() else base / path)


def _relative_to(document: YamlDocument, value: Any) -> Path:
    path = Path(str(value)).expanduser()
    return path if path.is_absolute() else Path(document.path).parent / path

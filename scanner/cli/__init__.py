"""The ``mlscan`` command line: parse options, call the pipeline and ``scanner.app``, print, exit.

Subcommands live one per module and are imported only when invoked, so that
``mlscan iac`` never pays for a cloud SDK import. Exit codes are decided in two
places only: the gate (0/1, ``scanner.gate.decide``) and :meth:`LazyGroup.invoke`
here, the one handler that turns an :class:`~scanner.model.InputError` (or a missing
extra) into exit 2 and any other exception, a bug, into exit 3 with one line naming
what failed (``--debug`` prints the traceback). An unexpected exception never exits 0 or 1.
Nothing outside ``scanner/cli`` imports this package.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import traceback

import click

from scanner import __version__, extra_for, install_hint
from scanner.model import InputError
from scanner.redact import redact_text

INPUT_ERROR = 2
"""Exit code of a usage or input error (click uses 2 for its own option errors too)."""
INTERNAL_ERROR = 3
"""Exit code of a bug: an exception nobody expected. Never 0 or 1, which a gate would read as a verdict."""

# name -> "module:attribute" of the click command implementing it.
COMMANDS: dict[str, str] = {
    "iac": "scanner.cli.iac_cmd:iac",
    "scan": "scanner.cli.scan_cmd:scan",
    "demo": "scanner.cli.demo_cmd:demo",
    "policy": "scanner.cli.policy_cmd:policy",
    "facts": "scanner.cli.facts_cmd:facts",
    "privacy": "scanner.cli.privacy_cmd:privacy",
    "report": "scanner.cli.report_cmd:report",
    "frameworks": "scanner.cli.frameworks_cmd:frameworks",
    "evidence": "scanner.cli.evidence_cmd:evidence",
    "fix": "scanner.cli.fix_cmd:fix",
    "queries": "scanner.cli.queries_cmd:queries",
    "history": "scanner.cli.history_cmd:history",
    "watch": "scanner.cli.watch_cmd:watch",
}


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module only when that subcommand runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if _available(name))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return None
            raise
        from scanner.cli.config import configure

        return configure(getattr(module, attribute), (cmd_name,))

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Accept ``--debug`` anywhere on the line (``mlscan iac . --debug`` too), or MLSCAN_DEBUG=1."""
        end = args.index("--") if "--" in args else len(args)
        debug = "--debug" in args[:end] or os.environ.get("MLSCAN_DEBUG", "") not in ("", "0")
        ctx.meta["mlscan.debug"] = debug
        kept = [a for a in args[:end] if a != "--debug"] + args[end:]
        return super().parse_args(ctx, kept)

    def invoke(self, ctx: click.Context) -> object:
        """Run the subcommand; the one place where an input error becomes a one-line message and exit 2."""
        try:
            return super().invoke(ctx)
        except InputError as exc:
            click.echo(f"mlscan: error: {redact_text(str(exc))}", err=True)
            raise SystemExit(INPUT_ERROR) from exc
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except ModuleNotFoundError as exc:
            extra = extra_for(exc.name)
            if extra is None:
                _internal_error(ctx, exc)
            command = ctx.invoked_subcommand or "this command"
            click.echo(
                f"mlscan: error: mlscan {command} needs the {extra} extra ({exc.name} is not installed): "
                f"{install_hint(extra)}",
                err=True,
            )
            raise SystemExit(INPUT_ERROR) from exc
        except Exception as exc:  # noqa: BLE001 - the one place a bug becomes exit 3, not a verdict
            _internal_error(ctx, exc)


def _internal_error(ctx: click.Context, exc: BaseException) -> None:
    """One line naming what failed and where in mlscan (the traceback with ``--debug``); exit 3."""
    if ctx.meta.get("mlscan.debug"):
        traceback.print_exception(exc, file=sys.stderr)
    frames = [
        f for f in traceback.extract_tb(exc.__traceback__) if "/scanner/" in f.filename.replace("\\", "/")
    ]
    where = ""
    if frames:
        frame = frames[-1]
        module = frame.filename.replace("\\", "/").rsplit("/scanner/", 1)[-1]
        where = f" in scanner/{module}:{frame.lineno} ({frame.name})"
    message = str(exc).splitlines()[0] if str(exc) else ""
    hint = "" if ctx.meta.get("mlscan.debug") else "; run with --debug for the traceback"
    click.echo(
        f"mlscan: internal error (a bug, please report it): {type(exc).__name__}: {message}{where}{hint}",
        err=True,
    )
    raise SystemExit(INTERNAL_ERROR) from exc


def _available(name: str) -> bool:
    module_name = COMMANDS[name].split(":")[0]
    return importlib.util.find_spec(module_name) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mlscan")
@click.option("--debug", is_flag=True, help="On an internal error (exit 3), print the full traceback.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """mlscan: compliance scanner for ML services (SageMaker, Azure ML, Vertex AI), live and in Terraform.

    Exit codes: 0 no failing finding at or above --fail-on; 1 failing findings (or an
    expired waiver); 2 usage or input errors (or, with --strict, any scan error);
    3 an internal error (a bug; --debug prints the traceback).

    Every option can also be set in .mlscan.yaml (found upward from the working
    directory, or --config FILE) or as MLSCAN_<OPTION>; the command line wins over the
    environment, which wins over the file.
    """
    ctx.meta["mlscan.debug"] = ctx.meta.get("mlscan.debug") or debug

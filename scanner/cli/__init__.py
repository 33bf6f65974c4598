"""The ``mlscan`` command line: parse options, call the pipeline and ``scanner.app``, print, exit.

Subcommands live one per module and are imported only when invoked, so that
``mlscan iac`` never pays for a cloud SDK import. Exit codes are decided in two
places only: the gate (0/1, ``scanner.gate.decide``) and :meth:`LazyGroup.invoke`
here, the one handler that turns an :class:`~scanner.model.InputError` into exit 2.
Nothing outside ``scanner/cli`` imports this package.
"""

from __future__ import annotations

import importlib
import importlib.util

import click

from scanner import __version__
from scanner.model import InputError

INPUT_ERROR = 2
"""Exit code of a usage or input error (click uses 2 for its own option errors too)."""

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

    def invoke(self, ctx: click.Context) -> object:
        """Run the subcommand; the one place where an input error becomes a one-line message and exit 2."""
        try:
            return super().invoke(ctx)
        except InputError as exc:
            click.echo(f"mlscan: error: {exc}", err=True)
            raise SystemExit(INPUT_ERROR) from exc


def _available(name: str) -> bool:
    module_name = COMMANDS[name].split(":")[0]
    return importlib.util.find_spec(module_name) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mlscan")
def main() -> None:
    """mlscan: compliance scanner for ML services (SageMaker, Azure ML, Vertex AI), live and in Terraform.

    Exit codes: 0 no failing finding at or above --fail-on; 1 failing findings;
    2 usage or input errors that stopped the scan.

    Every option can also be set in .mlscan.yaml (found upward from the working
    directory, or --config FILE) or as MLSCAN_<OPTION>; the command line wins over the
    environment, which wins over the file.
    """

"""``mlscan privacy``: privacy tools that need no cloud, starting with the ε calculator.

``mlscan privacy epsilon`` answers "what does this DP-SGD configuration guarantee?" with
the same accounting the scanner applies to training jobs, so a team can check a
configuration before it trains, and an auditor can reproduce a reported ε.
"""

from __future__ import annotations

import json

import click

from scanner.model import InputError
from scanner.privacy.epsilon import ACCOUNTANTS, EpsilonError, dp_sgd_epsilon


@click.group()
def privacy() -> None:
    """Differential-privacy tools (ε accounting for DP-SGD)."""


@privacy.command()
@click.option("--noise-multiplier", "-s", type=float, required=True, help="σ: noise std / clipping norm.")
@click.option("--batch-size", "-b", type=click.IntRange(min=1), help="Examples per step (global batch).")
@click.option("--dataset-size", "-n", type=click.IntRange(min=1), help="Training examples N.")
@click.option("--sample-rate", "-q", type=float, help="Sampling rate q (instead of batch size / N).")
@click.option("--epochs", "-e", type=float, help="Passes over the data (steps = ceil(epochs × N / batch)).")
@click.option("--steps", type=click.IntRange(min=1), help="Optimizer steps (instead of epochs).")
@click.option("--delta", "-d", type=float, help="δ; default min(1e-5, 1/N), reported as assumed.")
@click.option(
    "--microbatches", type=click.IntRange(min=1), help="TF Privacy num_microbatches (>1 example each: σ/2)."
)
@click.option(
    "--no-poisson", is_flag=True, help="Batches were shuffled, not Poisson-sampled (noted; ε understated)."
)
@click.option(
    "--accountant", type=click.Choice(ACCOUNTANTS, case_sensitive=False), default="pld", show_default=True
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of text.")
def epsilon(
    noise_multiplier: float,
    batch_size: int | None,
    dataset_size: int | None,
    sample_rate: float | None,
    epochs: float | None,
    steps: int | None,
    delta: float | None,
    microbatches: int | None,
    no_poisson: bool,
    accountant: str,
    as_json: bool,
) -> None:
    """Print the ε of a DP-SGD run, with the steps and sampling rate it used.

    Example: mlscan privacy epsilon --noise-multiplier 1.1 --batch-size 256 --dataset-size 60000
    --epochs 60 --delta 1e-5
    """
    try:
        result = dp_sgd_epsilon(
            noise_multiplier,
            batch_size=batch_size,
            dataset_size=dataset_size,
            sample_rate=sample_rate,
            epochs=epochs,
            steps=steps,
            delta=delta,
            microbatches=microbatches,
            poisson=False if no_poisson else None,
            accountant=accountant,
        )
    except EpsilonError as exc:
        raise InputError("privacy epsilon", str(exc)) from exc
    if as_json:
        payload = {
            "epsilon": result.epsilon,
            "delta": result.delta,
            "delta_assumed": result.delta_assumed,
            "accountant": result.accountant,
            "noise_multiplier": noise_multiplier,
            "effective_noise_multiplier": result.noise_multiplier,
            "sample_rate": result.sample_rate,
            "steps": result.steps,
            "assumptions": list(result.assumptions),
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    click.echo(
        f"ε = {result.epsilon:.4f} at δ = {result.delta:g}{' (assumed)' if result.delta_assumed else ''}"
    )
    click.echo(f"accountant: {result.accountant.upper()}")
    click.echo(f"steps: {result.steps}")
    click.echo(f"sampling rate q: {result.sample_rate:.6g}")
    if result.noise_multiplier != noise_multiplier:
        click.echo(f"effective noise multiplier: {result.noise_multiplier:g}")
    for line in result.assumptions:
        click.echo(f"assumption: {line}")


@privacy.command()
@click.argument("results", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the summaries as JSON instead of a table.")
def risk(results: str, as_json: bool) -> None:
    """Show the training-data leakage risk per endpoint from a saved scan (``--format json`` output).

    Uses the scan's ``privacy_risk`` section; for a result without one, joins its resources again.
    """
    from rich.console import Console

    from scanner.privacy.risk import join_served_privacy, risk_from_dict, risk_to_dict
    from scanner.report.console import render_risk
    from scanner.report.json_contract import result_from_dict

    try:
        with open(results, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as exc:
        raise InputError(results, f"not a readable mlscan JSON result ({exc})") from exc
    if not isinstance(data, dict) or "resources" not in data:
        raise InputError(results, "not an mlscan JSON result (no 'resources')")
    resources = result_from_dict(data).resources
    if isinstance(data.get("privacy_risk"), list):
        summaries = [risk_from_dict(item) for item in data["privacy_risk"]]
    else:
        _, summaries = join_served_privacy(resources)
    if as_json:
        click.echo(json.dumps([risk_to_dict(s) for s in summaries], indent=2, ensure_ascii=False))
        return
    if not summaries:
        click.echo("no endpoints in this result")
        return
    render_risk(summaries, {r.id: r for r in resources}, Console())

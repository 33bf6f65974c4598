"""Answers botocore cannot use (issue 11): clean error entries, never a parser's KeyError in disguise.

The real botocore client talks to a moto server through the fault-injecting proxy: a malformed
GetCallerIdentity is an ``aws/credentials`` error with a reason; a ``ThrottlingException`` sent as
HTTP 400 (as AWS sends it) is retried like a 429; a stalled connection ends at the read timeout;
the same ``NextToken`` forever is reported, not followed. Sleeps are recorded, not slept.
"""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from scanner.cli import main
from tests.aws.aws_helpers import by_name, fake_aws_credentials, live_scan, reset_moto
from tests.fuzz.fault_proxy import Fault, FaultProxy

IDENTITY = "GetCallerIdentity"


@pytest.fixture(scope="module")
def seeded(moto_server: str) -> dict[str, Any]:
    from scanner.sandbox.aws_estate import seed_aws

    reset_moto(moto_server)  # moto's backends live in the process: an earlier module's estate is still there
    with pytest.MonkeyPatch.context() as mp:
        fake_aws_credentials(mp)
        return seed_aws(moto_server, regions=("us-east-1",))


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    fake_aws_credentials(monkeypatch)
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    return waits


def _scan(upstream: str, *faults: Fault, **extra: Any) -> tuple[Any, FaultProxy]:
    with FaultProxy(upstream, faults) as proxy:
        result = live_scan(endpoint_url=proxy.url, regions=("us-east-1",), extra={"max_attempts": 2, **extra})
    return result, proxy


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (Fault(IDENTITY, "html"), "unreadable answer: HTTP 200 text/html"),
        (Fault(IDENTITY, "truncate"), "unreadable answer: HTTP 200"),
        (Fault(IDENTITY, "empty"), "unreadable answer: HTTP 200"),
        (Fault(IDENTITY, "status", status=403, code="AccessDenied"), "AccessDenied"),
    ],
)
def test_a_malformed_caller_identity_is_a_credentials_error(
    seeded: dict[str, Any], moto_server: str, slept: list[float], fault: Fault, reason: str
) -> None:
    result, proxy = _scan(moto_server, fault)
    (error,) = result.errors
    assert error.where == "aws/credentials" and reason in error.reason, error
    assert "KeyError" not in error.reason.split(":", 1)[0] and "\n" not in error.reason
    assert "b'" not in error.reason  # botocore's copy of the body (which may hold secrets) is not repeated
    assert proxy.applied and not result.resources


def test_the_cli_exits_2_with_one_line_naming_the_credentials(
    seeded: dict[str, Any], moto_server: str, slept: list[float]
) -> None:
    with FaultProxy(moto_server, [Fault(IDENTITY, "html")]) as proxy:
        run = CliRunner().invoke(
            main, ["scan", "--cloud", "aws", "--endpoint-url", proxy.url, "--regions", "us-east-1"]
        )
    assert run.exit_code == 2, run.output
    assert "aws/credentials: ResponseParserError: unreadable answer" in run.output
    assert "Traceback" not in run.output


def test_throttling_exception_as_http_400_is_retried(
    seeded: dict[str, Any], moto_server: str, slept: list[float]
) -> None:
    json_api = Fault("SageMaker.ListEndpoints", "status", status=400, code="ThrottlingException", times=2)
    xml_api = Fault(IDENTITY, "status", status=400, code="Throttling", times=1)
    result, proxy = _scan(moto_server, json_api, xml_api)
    assert result.errors == ()
    assert len(by_name(result, "endpoint")) == seeded["endpoints"]
    assert len(proxy.applied) == 3 and len(slept) >= 3  # each answer backed off, then retried


def test_throttling_exception_as_http_400_without_end_gives_up(
    seeded: dict[str, Any], moto_server: str, slept: list[float]
) -> None:
    result, proxy = _scan(
        moto_server, Fault("SageMaker.ListEndpoints", "status", status=400, code="ThrottlingException")
    )
    (error,) = result.errors
    assert len(proxy.applied) == 1 + 2 and "ThrottlingException" in error.reason
    assert len(by_name(result, "notebook")) == seeded["notebooks"]


def test_a_stalled_describe_ends_at_the_read_timeout(
    seeded: dict[str, Any], moto_server: str, slept: list[float]
) -> None:
    stall = Fault("SageMaker.DescribeNotebookInstance", "stall", seconds=60)
    result, proxy = _scan(moto_server, stall, aws_read_timeout=0.5)
    assert len(proxy.applied) == seeded["notebooks"] * (1 + 2)  # each attempt timed out, then retried
    reasons = [e.reason for e in result.errors]
    assert len(reasons) == seeded["notebooks"] and all("Read timeout" in r for r in reasons), reasons
    assert all(r.startswith("notebook ") for r in reasons)  # each error names the notebook it lost
    assert len(by_name(result, "endpoint")) == seeded["endpoints"]


def test_the_same_next_token_forever_is_reported(
    seeded: dict[str, Any], moto_server: str, slept: list[float]
) -> None:
    result, proxy = _scan(moto_server, Fault("SageMaker.ListNotebookInstances", "repeat_token"))
    (error,) = result.errors
    assert error.reason.startswith("list_notebook_instances: ") and "same next token" in error.reason.lower()
    assert 2 <= len(proxy.applied) < 10
    assert len(by_name(result, "endpoint")) == seeded["endpoints"]


def test_an_html_answer_to_a_supporting_read_is_an_error_entry(
    seeded: dict[str, Any], moto_server: str, slept: list[float]
) -> None:
    """A 200 whose body is an HTML page was parsed by botocore as an empty answer, "no usage plans",
    with no error. Now it is an error entry; an endpoint no API fronts stays not rate-limited (that
    verdict rests on the API integrations, which were read), and none becomes rate-limited."""
    clean, _ = _scan(moto_server)
    result, proxy = _scan(moto_server, Fault("GET /usageplans", "html"))
    assert proxy.applied
    (error,) = result.errors
    assert "GetUsagePlans" in error.reason and "HTML" in error.reason and "\n" not in error.reason
    endpoints = by_name(result, "endpoint")
    assert len(endpoints) == seeded["endpoints"]
    before = {name: e.facts["exposure.rate_limited"] for name, e in by_name(clean, "endpoint").items()}
    after = {name: e.facts["exposure.rate_limited"] for name, e in endpoints.items()}
    assert all(before[name] is True for name, value in after.items() if value is True)
    assert all(after[name] is not True for name, value in before.items() if value is not True)


@pytest.mark.parametrize("kind", ["html", "truncate", "empty"])
def test_an_unreadable_describe_model_keeps_the_endpoints_and_names_the_models(
    seeded: dict[str, Any], moto_server: str, slept: list[float], kind: str
) -> None:
    result, proxy = _scan(moto_server, Fault("SageMaker.DescribeModel", kind))
    assert proxy.applied
    assert len(by_name(result, "endpoint")) == seeded["endpoints"]  # their model facts are unknown
    assert not by_name(result, "model")
    reasons = [e.reason for e in result.errors]
    assert len(reasons) == seeded["models"] and all(r.startswith("model ") for r in reasons), reasons
    assert all("DescribeModel" in r and "\n" not in r for r in reasons)


def test_an_unreadable_lifecycle_config_is_an_error_and_its_secrets_unknown(
    seeded: dict[str, Any], moto_server: str, slept: list[float]
) -> None:
    """Found by make fuzz: a lifecycle configuration throttled past every retry left "does its script
    hold secrets" unknown with no error entry. Each config is one error; the notebooks are all kept."""
    result, proxy = _scan(moto_server, Fault("DescribeNotebookInstanceLifecycleConfig", "status", status=429))
    assert proxy.applied
    notebooks = by_name(result, "notebook")
    assert len(notebooks) == seeded["notebooks"]
    configs = {n.raw.get("NotebookInstanceLifecycleConfigName") for n in notebooks.values()} - {None}
    reasons = [e.reason for e in result.errors]
    assert configs and len(reasons) == len(configs), reasons
    assert all(r.startswith("DescribeNotebookInstanceLifecycleConfig ") and "\n" not in r for r in reasons)
    with_config = [n for n in notebooks.values() if n.raw.get("NotebookInstanceLifecycleConfigName")]
    assert with_config and all(n.facts["notebook.lifecycle_secrets"] is None for n in with_config)

"""Alerts: a generic webhook and Slack (a local HTTP server) get new and regressed failures, once.

Runs on SQLite and PostgreSQL (alerts are computed from the history store). Expected findings come
from the scans' own history sections, never from constants.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from click.testing import CliRunner

from scanner.cli import main
from tests.history.estate import write_estate
from tests.history.receiver import capture_server


def _scan(estate, store_url, tmp_path, *extra: str, **state) -> tuple[int, dict, str]:
    write_estate(estate, **state)
    out = tmp_path / "out.json"
    args = [
        "iac",
        str(estate),
        "--store",
        store_url,
        "--format",
        "json",
        "-o",
        str(out),
        "--fail-on",
        "never",
    ]
    result = CliRunner().invoke(main, [*args, *extra], catch_exceptions=False)
    return result.exit_code, json.loads(out.read_text()), result.stderr


def test_webhook_and_slack_get_new_then_regressed_only(store_url, tmp_path):
    estate = tmp_path / "estate"
    with capture_server() as hook:
        channels = ["--notify-webhook", f"{hook.url}/hook?k=1", "--notify-slack", f"{hook.url}/slack/T/B/x"]
        channels += ["--notify-secret", "s3cret"]
        code, first, err = _scan(
            estate, store_url, tmp_path, *channels, secure_notebook=False, with_config=False
        )
        assert code == 0, err
        new = first["history"]["since_last"]["new"]
        assert new and len(hook.posts) == 2
        generic = next(p for p in hook.posts if p["path"].startswith("/hook"))
        assert {a["policy_id"] for a in generic["json"]["alerts"]} == {f["policy_id"] for f in new}
        assert {a["change"] for a in generic["json"]["alerts"]} == {"new"}
        signature = hmac.new(b"s3cret", generic["body"], hashlib.sha256).hexdigest()
        assert generic["headers"]["X-Mlscan-Signature"] == f"sha256={signature}"
        slack = next(p for p in hook.posts if p["path"].startswith("/slack"))
        assert f"{len(new)} new and 0 regressed" in slack["json"]["text"]
        assert slack["json"]["blocks"][0]["text"]["type"] == "mrkdwn"
        assert "X-Mlscan-Signature" not in slack["headers"]

        hook.posts.clear()  # the same state again: nothing new, nothing sent
        code, same, err = _scan(
            estate, store_url, tmp_path, *channels, secure_notebook=False, with_config=False
        )
        assert not same["history"]["since_last"]["new"] and hook.posts == []
        assert "nothing sent" in err

        _scan(estate, store_url, tmp_path, *channels, secure_notebook=True, with_config=False)  # fixed
        hook.posts.clear()
        code, again, err = _scan(
            estate, store_url, tmp_path, *channels, secure_notebook=False, with_config=False
        )
        regressed = again["history"]["since_last"]["regressed"]
        assert regressed and len(hook.posts) == 2
        generic = next(p for p in hook.posts if p["path"].startswith("/hook"))
        assert [a["change"] for a in generic["json"]["alerts"]] == ["regressed"] * len(regressed)


def test_an_unreachable_receiver_is_an_error_entry_not_a_crash(store_url, tmp_path):
    estate = tmp_path / "estate"
    with capture_server() as hook:
        hook.status = 500
        code, document, err = _scan(
            estate,
            store_url,
            tmp_path,
            "--notify-webhook",
            f"{hook.url}/secret-path",
            secure_notebook=False,
            with_config=False,
        )
    assert code == 0
    errors = [e for e in document["errors"] if e["where"].startswith("webhook ")]
    assert len(errors) == 1 and "HTTP 500" in errors[0]["reason"]
    assert "secret-path" not in json.dumps(document) + err  # the URL's path is the credential


def test_notify_without_a_store_is_a_usage_error(tmp_path):
    write_estate(tmp_path, secure_notebook=False, with_config=False)
    result = CliRunner().invoke(main, ["iac", str(tmp_path), "--notify-slack", "http://127.0.0.1:9/x"])
    assert result.exit_code == 2 and "needs --store" in result.stderr

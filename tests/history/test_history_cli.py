"""``mlscan iac --store`` then ``mlscan history ...`` through click, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from click.testing import CliRunner

from scanner.cli import main
from tests.history.estate import NOTEBOOK_ID, write_estate


def _mlscan(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _scan(estate, store_url, tmp_path, **state) -> dict:
    write_estate(estate, **state)
    out = tmp_path / "out.json"
    code, _, err = _mlscan("iac", str(estate), "--store", store_url, "--format", "json", "-o", str(out))
    assert code == 1, err  # the estate has failing findings
    assert "history: recorded scan" in err
    return json.loads(out.read_text())


def test_store_then_history_commands(store_url, tmp_path):
    estate = tmp_path / "estate"
    first = _scan(estate, store_url, tmp_path, secure_notebook=False, with_config=False)
    assert first["history"]["since_last"]["base"] is None
    second = _scan(estate, store_url, tmp_path, secure_notebook=True, with_config=True)
    since = second["history"]["since_last"]
    assert since["base"]["id"] == first["history"]["scan_id"]
    fixed_now = {f["policy_id"] for f in since["fixed"]}
    failing_before = {f["policy_id"] for f in first["findings"] if f["status"] == "fail"}
    failing_after = {
        f["policy_id"]
        for f in second["findings"]
        if f["resource_id"].endswith(NOTEBOOK_ID) and f["status"] == "fail"
    }
    assert fixed_now == failing_before - failing_after
    third = _scan(estate, store_url, tmp_path, secure_notebook=False, with_config=False)
    assert {f["policy_id"] for f in third["history"]["since_last"]["regressed"]} == fixed_now

    code, out, _ = _mlscan("history", "diff", "--store", store_url, "--format", "json")
    assert code == 0
    diff = json.loads(out)
    assert {f["policy_id"] for f in diff["regressed"]} == fixed_now
    assert all(isinstance(diff[key], list) for key in ("new", "fixed", "regressed"))

    code, out, _ = _mlscan("history", "list", "--store", store_url, "--format", "json")
    assert [s["id"] for s in json.loads(out)] == [3, 2, 1]
    code, out, _ = _mlscan("history", "show", "2", "--store", store_url, "--format", "json")
    shown = json.loads(out)
    assert len(shown["findings"]) == len(second["findings"]) and len(shown["resources"]) == len(
        second["resources"]
    )
    code, out, _ = _mlscan("history", "trend", "--store", store_url, "--format", "json")
    assert [p["scan_id"] for p in json.loads(out)] == [1, 2, 3]
    code, out, _ = _mlscan("history", "diff", "1", "3", "--store", store_url)
    assert code == 0 and "scan 1 -> scan 3" in out
    code, out, _ = _mlscan("history", "prune", "--keep", "90d", "--store", store_url, "--format", "json")
    assert json.loads(out) == {**json.loads(out), "removed": 0, "kept": 3}


def test_unknown_scan_and_bad_age_are_exit_2(store_url):
    code, _, err = _mlscan("history", "show", "7", "--store", store_url)
    assert code == 2 and "no scan 7" in err and "secret" not in err
    code, _, err = _mlscan("history", "prune", "--keep", "ninety", "--store", store_url)
    assert code == 2 and "--keep" in err


def test_a_store_that_cannot_be_written_still_writes_the_report_and_exits_2(tmp_path):
    estate = write_estate(tmp_path / "estate", secure_notebook=False, with_config=False)
    out = tmp_path / "out.json"
    bad = f"postgresql://mlscan:hunter2@/nowhere?host={tmp_path}"
    code, _, err = _mlscan("iac", str(estate), "--store", bad, "--format", "json", "-o", str(out))
    assert code == 2
    assert "hunter2" not in err and "hunter2" not in out.read_text()
    errors = json.loads(out.read_text())["errors"]
    assert any(e["stage"] == "output" and "scan not recorded" in e["reason"] for e in errors)


def test_a_path_typed_two_ways_shares_one_history(store_url, tmp_path, monkeypatch):
    estate = write_estate(tmp_path / "estate", secure_notebook=False, with_config=False)
    monkeypatch.chdir(estate)
    for target in (".", str(estate), "../estate/"):
        code, _, err = _mlscan("iac", target, "--store", store_url, "--quiet", "--fail-on", "never")
        assert code == 0, err
    code, out, _ = _mlscan("history", "list", "--store", store_url, "--format", "json")
    scans = json.loads(out)
    assert [s["targets"] for s in scans] == [["../estate/"], [str(estate)], ["."]]  # shown as typed
    code, out, _ = _mlscan("history", "diff", "--store", store_url, "--format", "json")
    assert json.loads(out)["base"]["id"] == scans[1]["id"]  # compared with the absolute-path scan
    code, out, _ = _mlscan("history", "trend", "--store", store_url, "--format", "json")
    assert len(json.loads(out)) == 3


def test_store_and_alerts_from_the_config_file_and_environment(tmp_path, monkeypatch):
    from tests.history.receiver import capture_server

    estate = write_estate(tmp_path / "repo" / "estate", secure_notebook=False, with_config=False)
    (tmp_path / "repo" / ".mlscan.yaml").write_text("store: state/history.db\nfail-on: never\n")
    monkeypatch.chdir(estate)
    with capture_server() as hook:
        monkeypatch.setenv("MLSCAN_NOTIFY_WEBHOOK", hook.url)
        code, _, err = _mlscan("iac", ".", "--quiet")
        assert code == 0, err
        assert len(hook.posts) == 1 and hook.bodies()[0]["counts"]["new"] > 0
    assert (tmp_path / "repo" / "state" / "history.db").is_file()  # relative to the file, not the cwd
    code, out, _ = _mlscan("history", "list", "--format", "json")  # the file's store for history too
    assert code == 0 and len(json.loads(out)) == 1

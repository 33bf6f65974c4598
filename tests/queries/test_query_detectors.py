"""Detectors on traffic with known attackers: each fires on its attack, none on benign clients."""

from __future__ import annotations

import numpy as np

from scanner.queries.run import run_queries
from scanner.sandbox.query_logs import write_sagemaker
from tests.queries.traffic import exchanges, population, sign_steps


def _alerts(tmp_path, seed=0, anonymous=False):
    rng = np.random.default_rng(seed)
    traffic = population(rng)
    if anonymous:
        traffic = [type(e)(None, e.time, e.instances, e.response) for e in traffic]
    write_sagemaker(tmp_path, "ep", traffic)
    return run_queries([str(tmp_path)]), traffic


def test_each_attacker_is_caught_by_its_detector_and_no_benign_client_alarms(tmp_path):
    report, traffic = _alerts(tmp_path)
    assert report.errors == ()
    by_client = {}
    for alert in report.alerts:
        if alert.attack != "volume":
            by_client.setdefault(alert.client, set()).add(alert.detector)
    assert "near_duplicate" in by_client.pop("prober")
    assert "out_of_distribution" in by_client.pop("uniform")
    assert by_client == {}, "benign clients (and the exact-repeat retrier) must not alarm"
    (endpoint,) = report.endpoints
    assert endpoint.queries == len(traffic)
    assert endpoint.clients == len({e.client for e in traffic})


def test_alerts_explain_themselves(tmp_path):
    report, _ = _alerts(tmp_path, seed=1)
    alert = next(a for a in report.alerts if a.client == "prober")
    data = alert.to_dict()
    assert data["attack"] == "membership"
    assert 1 <= data["query_index"] <= 80 and data["score"] > data["threshold"]
    evidence = data["evidence"]
    assert evidence["statistic"] and evidence["calibration"]["calibrated"] is True
    assert evidence["near_duplicates"] >= 5 and evidence["exact_repeats_ignored"] == 0
    assert all(q["location"].endswith(tuple("0123456789")) for q in evidence["queries"])
    assert evidence["location"] == evidence["queries"][-1]["location"]


def test_logs_without_identity_get_the_account_agnostic_detector(tmp_path):
    report, traffic = _alerts(tmp_path, seed=2, anonymous=True)
    assert {a.client for a in report.alerts} == {None}
    detectors = {a.detector for a in report.alerts}
    assert detectors == {"blacklight"}
    (alert,) = report.alerts
    assert alert.query_index <= len(traffic)
    assert report.endpoints[0].clients == 0


def test_repeated_sign_steps_are_caught_by_the_step_pattern_detector(tmp_path):
    rng = np.random.default_rng(3)
    augmented = sign_steps(rng)
    traffic = sorted(population(rng) + exchanges(rng, "augmenter", augmented, minute=7), key=lambda e: e.time)
    write_sagemaker(tmp_path, "ep", traffic)
    report = run_queries([str(tmp_path)])
    fired = {(a.client, a.detector) for a in report.alerts if a.severity == "high"}
    assert ("augmenter", "step_pattern") in fired
    assert {c for c, _ in fired} == {"augmenter", "prober", "uniform"}
    (alert,) = [a for a in report.alerts if a.detector == "step_pattern"]
    evidence = alert.to_dict()["evidence"]
    assert evidence["repeated_steps"] >= 5 and evidence["tau"] >= 0.5
    assert alert.query_index <= len(augmented)

"""The history store on SQLite and PostgreSQL: round trip, migrations, atomic writes, crash safety, prune."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import datetime

import pytest
from sqlalchemy import func, select

from scanner.history import schema
from scanner.history.migrate import current_revision, head_revision
from scanner.history.store import Store, StoreError, targets_key
from tests.history.estate import at, scan_document, write_estate


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    estate = write_estate(tmp_path_factory.mktemp("estate"), secure_notebook=False, with_config=True)
    doc = scan_document(estate)
    doc["errors"] = [{"where": "main.tf:3", "reason": "an error to store", "stage": "source"}]
    return doc


def _rows(store: Store, table) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_recorded_scan_reads_back_whole(store_url, document):
    with Store.open(store_url) as store:
        scan_id = store.record(at(document, 3))
        scan = store.scan(scan_id)
        assert scan.targets == tuple(document["targets"])
        assert scan.targets_key == targets_key(document["targets"])
        assert scan.started_at == datetime(2026, 11, 3)
        assert scan.summary == document["summary"]
        assert scan.tool_version == document["tool"]["version"]
        resources = store.resources(scan_id)
        assert [r.to_dict()["id"] for r in resources] == [r["id"] for r in document["resources"]]
        assert [r.facts for r in resources] == [r["facts"] for r in document["resources"]]
        assert [r.raw for r in resources] == [r["raw"] for r in document["resources"]]
        findings = store.findings([scan_id])
        assert [f.document for f in findings] == document["findings"]
        assert all(len(f.fingerprint) == 64 for f in findings)
        assert store.errors(scan_id) == document["errors"]
        controls = store.controls([scan_id])
        assert len(controls) == sum(len(fw["controls"]) for fw in document["compliance"])
        assert {c.framework_id for c in controls} == {fw["id"] for fw in document["compliance"]}


def test_opening_migrates_to_the_shipped_head_once(store_url):
    for _ in range(2):
        with Store.open(store_url) as store, store.engine.connect() as connection:
            assert current_revision(connection) == head_revision()


def test_an_error_while_recording_leaves_no_half_scan(store_url, document):
    broken = at(document, 4)
    broken["findings"] = [*document["findings"], {"policy_id": "X", "resource_id": "r"}]  # no status
    with Store.open(store_url) as store:
        with pytest.raises(KeyError):
            store.record(broken)
        assert store.count() == 0
        for table in (schema.resources, schema.findings, schema.errors, schema.controls):
            assert _rows(store, table) == 0


CRASH = textwrap.dedent(
    """
    import json, os, sys
    from sqlalchemy import event
    from scanner.history.store import Store

    store = Store.open(sys.argv[1])

    @event.listens_for(store.engine, "before_cursor_execute")
    def die(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO FINDINGS"):
            os._exit(9)  # the process dies mid-transaction: no rollback, no cleanup

    store.record(json.load(sys.stdin))
    """
)


def test_a_process_killed_mid_write_leaves_no_half_scan(store_url, document):
    import json

    done = subprocess.run(
        [sys.executable, "-c", CRASH, store_url],
        input=json.dumps(at(document, 5)),
        text=True,
        capture_output=True,
    )
    assert done.returncode == 9, done.stderr
    with Store.open(store_url) as store:
        assert store.count() == 0
        assert _rows(store, schema.resources) == 0


def test_prune_removes_old_scans_and_everything_they_hold(store_url, document):
    with Store.open(store_url) as store:
        old, new = store.record(at(document, 1)), store.record(at(document, 20))
        assert store.prune(datetime(2026, 11, 10)) == 1
        assert [s.id for s in store.scans()] == [new]
        for table in (schema.resources, schema.findings, schema.controls):
            with store.engine.connect() as connection:
                scan_ids = set(connection.scalars(select(table.c.scan_id)))
            assert old not in scan_ids and new in scan_ids


def test_a_missing_scan_and_an_unreachable_store_are_one_line_errors(store_url, tmp_path):
    with Store.open(store_url) as store, pytest.raises(StoreError, match="no scan 42"):
        store.scan(42)
    with pytest.raises(StoreError) as caught:
        Store.open("postgresql+psycopg://nobody:secret@/nowhere?host=" + str(tmp_path))
    assert "secret" not in str(caught.value) and "\n" not in str(caught.value)

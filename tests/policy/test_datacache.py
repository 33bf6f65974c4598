"""The cache of validated bundled data (scanner/datacache.py): same content, same verdict; new content, new work."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner import datacache
from scanner.compliance.frameworks import load_frameworks
from scanner.policy.loader import _outcome, load_policies


def _loads(files: list[Path], calls: list[Path]) -> list[object]:
    def load(path: Path) -> object:
        calls.append(path)
        return _outcome(path)

    return datacache.cached_outcomes("policies", files, [], load)


def test_a_second_load_of_the_same_bytes_reads_the_cache_and_an_edit_reads_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, repo_root: Path
) -> None:
    monkeypatch.setenv("MLSCAN_CACHE_DIR", str(tmp_path / "cache"))
    policy = tmp_path / "p.yaml"
    policy.write_text((repo_root / "policies" / "MLS-NET-003.yaml").read_text(encoding="utf-8"))
    calls: list[Path] = []
    first = _loads([policy], calls)
    second = _loads([policy], calls)
    assert calls == [policy] and first == second and "data" in first[0]  # type: ignore[operator]
    policy.write_text("id: [broken\n")
    third = _loads([policy], calls)
    assert calls == [policy, policy]
    assert "errors" in third[0] and third[0]["errors"][0][0].startswith(str(policy))  # type: ignore[index]
    assert len(list((tmp_path / "cache").glob("policies-*.json"))) == 1  # the stale entry is gone


def test_a_value_json_cannot_hold_is_never_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    monkeypatch.setenv("MLSCAN_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "d.yaml"
    data.write_text("x")
    calls: list[Path] = []
    for _ in range(2):
        datacache.cached_outcomes(
            "dates", [data], [], lambda p: calls.append(p) or {"d": str(dt.date.today())}
        )
    assert len(calls) == 1
    for _ in range(2):
        datacache.cached_outcomes(
            "raw-dates", [data], [], lambda p: calls.append(p) or {"d": dt.date.today()}
        )
    assert len(calls) == 3 and not list((tmp_path / "cache").glob("raw-dates-*"))


def test_an_unwritable_or_corrupt_cache_is_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("MLSCAN_CACHE_DIR", str(blocker / "cache"))
    builtin = load_policies()
    monkeypatch.setenv("MLSCAN_CACHE_DIR", str(tmp_path / "cache"))
    load_policies()
    for entry in (tmp_path / "cache").glob("policies-*.json"):
        entry.write_bytes(b"{not json")
    assert load_policies() == builtin and not builtin.errors and builtin.policies
    monkeypatch.setenv("MLSCAN_CACHE_DIR", "off")
    assert load_policies() == builtin and datacache.cache_dir() is None


def test_cached_frameworks_and_policies_equal_freshly_validated_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLSCAN_CACHE_DIR", "off")
    fresh = (load_policies(), load_frameworks())
    monkeypatch.setenv("MLSCAN_CACHE_DIR", str(tmp_path / "cache"))
    assert (load_policies(), load_frameworks()) == fresh  # written
    assert (load_policies(), load_frameworks()) == fresh  # read back
    assert {p.name.split("-")[0] for p in (tmp_path / "cache").iterdir()} == {"policies", "frameworks"}


@pytest.mark.parametrize("name", ["redaction.yaml", "type_facts.yaml", "fact_sources.yaml"])
def test_a_bundled_data_table_reads_the_same_from_the_file_and_from_the_cache(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    from scanner.paths import data_file

    monkeypatch.setenv("MLSCAN_CACHE_DIR", str(tmp_path / "cache"))
    expected = yaml.safe_load(data_file(name).read_text(encoding="utf-8"))
    cold = datacache.bundled_yaml(data_file(name))
    assert list((tmp_path / "cache").glob(f"data-{data_file(name).stem}-*.json"))
    assert cold == expected and datacache.bundled_yaml(data_file(name)) == expected

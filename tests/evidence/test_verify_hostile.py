"""`evidence verify` against hostile packs (issue 11): every kind of edit is one named line; no folder is exit 2."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from report.sample import sample_result

from scanner.cli import main
from scanner.evidence import write_evidence_pack


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    write_evidence_pack(tmp_path / "pack", sample_result(), (), include_html=False)
    return tmp_path / "pack"


def _verify(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["evidence", "verify", str(path)])
    return result.exit_code, result.output


def test_missing_folder_is_a_usage_error_not_tampering(tmp_path: Path) -> None:
    code, output = _verify(tmp_path / "nowhere")
    assert code == 2 and "no such directory" in output and "does not match" not in output


def test_untouched_pack_verifies(pack: Path) -> None:
    assert _verify(pack)[0] == 0


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (
            lambda p, out: (p / "linked").symlink_to(out, target_is_directory=True),
            "symlink not allowed in a pack: linked",
        ),
        (
            lambda p, out: (p / "copy.json").symlink_to(p / "scan.json"),
            "symlink not allowed in a pack: copy.json",
        ),
        (lambda p, out: (p / "dangling").symlink_to(p / "gone"), "symlink not allowed in a pack: dangling"),
        (lambda p, out: os.mkfifo(p / "pipe"), "special file not allowed in a pack: pipe (fifo)"),
        (lambda p, out: (p / "scan.json").write_text("{}"), "changed: scan.json"),
        (lambda p, out: (p / "scan.json").unlink(), "missing: scan.json"),
        (lambda p, out: (p / "extra.txt").write_text("x"), "added:   extra.txt"),
    ],
)
def test_each_edit_is_one_named_line(pack: Path, tmp_path: Path, make, expected: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.json").write_text("{}")
    make(pack, outside)
    code, output = _verify(pack)
    assert code == 1 and expected in output.splitlines()[0]


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("../outside.json", "parent reference (..) in path"),
        ("/etc/passwd", "absolute path"),
        ("frameworks\\x.json", "backslash in path"),
        ("C:/x.json", "absolute path"),
        ("./scan.json", "path not in normal form"),
    ],
)
def test_unsafe_manifest_entries_are_rejected(pack: Path, entry: str, reason: str) -> None:
    manifest = pack / "manifest.json"
    document = json.loads(manifest.read_text())
    document["files"][entry] = "0" * 64
    manifest.write_text(json.dumps(document))
    code, output = _verify(pack)
    assert code == 1 and any(reason in line for line in output.splitlines())


def test_malformed_digest_is_rejected(pack: Path) -> None:
    manifest = pack / "manifest.json"
    document = json.loads(manifest.read_text())
    document["files"]["scan.json"] = 42
    manifest.write_text(json.dumps(document))
    code, output = _verify(pack)
    assert code == 1 and "malformed digest for scan.json" in output

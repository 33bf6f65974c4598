"""Fuzz family evidence: any edit of an evidence pack is caught by ``evidence verify``, one line each.

Edits: a changed, removed or added file; a symlink to an outside directory, to a file inside,
or dangling; a FIFO; manifest entries with ``..``, an absolute path, a backslash, a malformed
or edited digest; an entry removed from the manifest. Each must make verification fail with a
line naming it; an untouched copy verifies.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from fuzz_harness import budget, count
from hypothesis import given
from hypothesis import strategies as st

from scanner.evidence import verify_pack, write_evidence_pack

EDITS = (
    "change",
    "remove",
    "add",
    "symlink-outside-dir",
    "symlink-inside-file",
    "symlink-dangling",
    "fifo",
    "entry-dotdot",
    "entry-absolute",
    "entry-backslash",
    "entry-bad-digest",
    "entry-edited-digest",
    "entry-removed",
)


def _pack(base: Path) -> Path:
    from compliance.fixtures import FRAMEWORK_YAML
    from report.sample import sample_result

    from scanner.compliance import load_frameworks, roll_up_all

    pack = base / "pristine"
    if not pack.is_dir():
        (base / "fw.yaml").write_text(FRAMEWORK_YAML, encoding="utf-8")
        frameworks = load_frameworks([base / "fw.yaml"], builtin=False).frameworks
        result = sample_result()
        write_evidence_pack(pack, result, roll_up_all(frameworks, result.findings), include_html=False)
    return pack


def _apply(edit: str, pack: Path, victim: str, outside: Path) -> str:
    """Make one edit; return the name the verification must mention."""
    manifest = pack / "manifest.json"
    document = json.loads(manifest.read_text())
    target = pack / victim
    name = f"zz-{edit}"
    if edit == "change":
        target.write_bytes(target.read_bytes() + b" ")
        return victim
    if edit == "remove":
        target.unlink()
        return victim
    if edit == "add":
        (pack / name).write_text("{}")
        return name
    if edit.startswith("symlink"):
        source = {"symlink-outside-dir": outside, "symlink-inside-file": target}.get(edit, pack / "nowhere")
        (target.parent / name).symlink_to(source)
        return name
    if edit == "fifo":
        os.mkfifo(target.parent / name)
        return name
    entries = document["files"]
    if edit in ("entry-removed", "entry-bad-digest", "entry-edited-digest"):
        name = victim
    if edit == "entry-removed":
        del entries[victim]
    elif edit == "entry-bad-digest":
        entries[victim] = "not-a-digest"
    elif edit == "entry-edited-digest":
        entries[victim] = "0" * 64
    else:
        name = {"entry-dotdot": "../outside.json", "entry-absolute": "/etc/passwd"}.get(edit, "a\\b.json")
        entries[name] = "0" * 64
    manifest.write_text(json.dumps(document))
    return name


@given(st.lists(st.sampled_from(EDITS), max_size=3, unique=True), st.integers(0, 10**6))
@budget(40)
def test_evidence(tmp_path_factory, edits: list[str], pick: int) -> None:
    count("evidence")
    base = tmp_path_factory.getbasetemp() / "evidence-fuzz"
    base.mkdir(exist_ok=True)
    pristine = _pack(base)
    work = tmp_path_factory.mktemp("pack") / "pack"
    shutil.copytree(pristine, work, symlinks=True)
    files = sorted(json.loads((work / "manifest.json").read_text())["files"])
    victims = [files[(pick + i) % len(files)] for i in range(len(edits))]  # distinct files
    outside = tmp_path_factory.mktemp("outside")
    expected = [_apply(edit, work, victim, outside) for edit, victim in zip(edits, victims, strict=True)]
    from scanner.evidence.manifest import sha256_file

    recorded = verify_pack(work, sha256_file(pristine / "manifest.json"))
    assert recorded.ok == (not edits), recorded.lines()  # with the recorded digest, any edit shows
    outcome = verify_pack(work)
    lines = outcome.lines()
    assert all("\n" not in line for line in lines)
    if not edits:
        assert outcome.ok, lines
        return
    assert not outcome.ok
    for edit, name in zip(edits, expected, strict=True):
        if edit in ("change", "remove") and any(e.startswith("entry") for e in edits):
            continue  # the same file's entry may also have been edited: that line names it instead
        assert any(name.split("/")[-1] in line for line in lines), (edit, name, lines)

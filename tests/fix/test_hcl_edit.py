"""The HCL editor: exact edits that keep everything else, and honest refusals where it cannot edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.fix.hcl_edit import FileEditor, ManualFix
from scanner.fix.hcl_tree import HclFile
from scanner.fix.metadata import Setting, Variable


def _editor(tmp_path: Path, text: str) -> tuple[FileEditor, object]:
    path = tmp_path / "main.tf"
    path.write_text(text)
    editor = FileEditor(HclFile.parse(path))
    return editor, editor.hcl.blocks("resource")[0]


def test_a_new_attribute_goes_in_one_aligned_group_and_nothing_else_moves(tmp_path):
    text = 'resource "t" "n" {\n  name = "x" # keep me\n  long_name = 1\n}\n'
    editor, block = _editor(tmp_path, text)
    editor.set(block, Setting(("root_access",), value="Disabled"))
    editor.set(block, Setting(("kms_key_id",), variable=Variable("key", "a key for tests")))
    out = editor.render().decode()
    assert out.startswith('resource "t" "n" {\n  name = "x" # keep me\n  long_name = 1\n')
    assert '\n\n  root_access = "Disabled"\n  kms_key_id  = var.key\n}\n' in out


def test_an_existing_value_is_replaced_in_its_byte_range(tmp_path):
    editor, block = _editor(tmp_path, 'resource "t" "n" {\n  root_access   = "Enabled" # why\n}\n')
    assert editor.set(block, Setting(("root_access",), value="Disabled")) == "set"
    assert editor.render().decode() == 'resource "t" "n" {\n  root_access   = "Disabled" # why\n}\n'


def test_a_value_already_right_is_left_alone(tmp_path):
    editor, block = _editor(tmp_path, 'resource "t" "n" {\n  count = 3\n}\n')
    assert editor.set(block, Setting(("count",), minimum=2)) == "already"
    assert not editor.changed


def test_one_line_blocks_and_objects_are_opened_up(tmp_path):
    editor, block = _editor(tmp_path, 'resource "t" "n" {\n  gce {}\n  metadata = { a = "1" }\n}\n')
    editor.set(block, Setting(("gce", "disable_public_ip"), value=True))
    editor.set(block, Setting(("metadata",), key="notebook-disable-root", value="true"))
    out = editor.render().decode()
    assert "  gce {\n    disable_public_ip = true\n  }\n" in out
    assert '  metadata = {\n    a = "1"\n\n    notebook-disable-root = "true"\n  }\n' in out
    assert not HclFile.parse(Path("x.tf"), out.encode()).broken


def test_nested_blocks_and_object_attributes_are_created(tmp_path):
    editor, block = _editor(tmp_path, 'resource "t" "n" {\n  name = "x"\n}\n')
    editor.set(block, Setting(("gce_setup", "shielded", "enable_vtpm"), value=True))
    editor.set(block, Setting(("gce_setup", "metadata"), key="k", value="v"))
    out = editor.render().decode()
    assert (
        '  gce_setup {\n    metadata = {\n      k = "v"\n    }\n\n    shielded {\n      enable_vtpm = true\n    }\n  }\n'
        in out
    )


def test_a_value_from_a_reference_or_a_dynamic_block_is_manual(tmp_path):
    editor, block = _editor(tmp_path, 'resource "t" "n" {\n  metadata = local.meta\n}\n')
    with pytest.raises(ManualFix, match="not a literal object"):
        editor.set(block, Setting(("metadata",), key="k", value="v"))
    editor, block = _editor(tmp_path, 'resource "t" "n" {\n  dynamic "cfg" {\n    for_each = []\n  }\n}\n')
    with pytest.raises(ManualFix, match="dynamic"):
        editor.set(block, Setting(("cfg", "x"), value=1))


def test_a_removed_block_takes_its_comment_and_one_blank_line(tmp_path):
    text = 'resource "t" "n" {\n  a = 1\n\n  # explain\n  explainer {\n    x = 1\n  }\n\n  b = 2\n}\n'
    editor, block = _editor(tmp_path, text)
    editor.remove(block, ("explainer",))
    assert editor.render().decode() == 'resource "t" "n" {\n  a = 1\n\n  b = 2\n}\n'


def test_rollback_forgets_a_half_planned_fix(tmp_path):
    editor, block = _editor(tmp_path, 'resource "t" "n" {\n  a = 1\n}\n')
    state = editor.checkpoint()
    editor.set(block, Setting(("b",), value=2))
    editor.rollback(state)
    assert not editor.changed

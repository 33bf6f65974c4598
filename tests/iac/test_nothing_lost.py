"""Nothing lost (issue 11): every block of a known ML resource type yields a Resource or an errors entry.

Counted over the bundled stacks and ../shared/corpus: each ``resource`` block whose type has a
mapper (and that mapper yields resources at all) is matched to a Resource declared at its
file:line or to an error naming that file. An endpoint configuration is folded into the endpoint
that references it, so such a configuration counts as covered by that endpoint.
"""

from __future__ import annotations

from pathlib import Path

from scanner.clouds import terraform_mappers
from scanner.clouds.sources import terraform_source
from scanner.iac.hcl_syntax import parse_hcl
from scanner.iac.loader import _walk, load_paths

REPO = Path(__file__).resolve().parents[2]


def _blocks(root: Path) -> dict[tuple[str, int], tuple[str, str]]:
    """(file, line) → (type, name) of every resource block of a mapped type under ``root``."""
    mappers = terraform_mappers()
    tf_files, _ = _walk(root, [])
    found = {}
    for path in tf_files:
        for block in parse_hcl(path).body.blocks:
            if block.type == "resource" and len(block.labels) == 2 and block.labels[0] in mappers:
                found[(str(path.resolve()), block.span.start_line)] = (block.labels[0], block.labels[1])
    return found


def _absolute(file: str | None, root: Path) -> Path:
    """A resource's file as an absolute path (ids and files are relative to the repository or scan root)."""
    path = Path(file or "")
    if path.is_absolute():
        return path.resolve()
    for base in (Path.cwd(), REPO, root, *root.parents):
        if (base / path).is_file():
            return (base / path).resolve()
    return path


def _lost(root: Path) -> list[str]:
    source = terraform_source([root])
    declared = {(str(_absolute(r.source.file, root)), r.source.line) for r in source.resources}
    producing = {r.resource_type for r in source.resources}
    folded = {
        (str(_absolute(tf.source.file, root)), ref)
        for tf in load_paths([root]).resources
        if tf.type == "aws_sagemaker_endpoint"
        for ref in tf.references
    }
    errors = [str(_absolute(e.where.split(":")[0], root)) for e in source.errors]
    lost = []
    for (file, line), (rtype, name) in sorted(_blocks(root).items()):
        if rtype not in producing or (file, line) in declared:
            continue
        if (file, f"{rtype}.{name}") in folded or file in errors:
            continue
        lost.append(f"{file}:{line} {rtype}.{name}")
    return lost


def test_bundled_stacks_lose_no_block() -> None:
    assert _blocks(REPO / "terraform"), "the count must see blocks"
    assert _lost(REPO / "terraform") == []


def test_corpus_loses_no_block(corpus_dir: Path) -> None:
    assert _lost(corpus_dir / "terraform") == []


def test_unresolvable_dynamic_block_keeps_the_notebook_runtime(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "configs" {}\n'
        'resource "google_notebooks_runtime" "rt" {\n'
        '  name     = "rt"\n  location = "us-central1"\n'
        '  dynamic "virtual_machine" {\n    for_each = var.configs\n'
        "    content {\n      virtual_machine_config {\n        machine_type = virtual_machine.value.type\n"
        "      }\n    }\n  }\n}\n"
    )
    source = terraform_source([tmp_path])
    assert [r.resource_type for r in source.resources] == ["google_notebooks_runtime"]
    assert not [e for e in source.errors if "has no attribute" in e.reason]

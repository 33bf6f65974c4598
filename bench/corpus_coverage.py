"""How many ML resource blocks of the real-world corpus mlscan maps to a Resource (issue 13's coverage target).

Every ``resource`` block of an ML type in ``corpus/terraform/**/*.tf`` is counted from the source text (so a
block in a file that does not parse still counts, as unmapped): ``aws_sagemaker_*``,
``azurerm_machine_learning_*``, ``google_vertex_ai_*``, ``google_notebooks_*``, ``google_workbench_*``,
``google_colab_*``, and ``azapi_resource`` blocks whose ``type`` is a ``Microsoft.MachineLearningServices``
type. A block is *mapped* when it loaded and a Terraform mapper handles its type (for azapi, its body
type). Unmapped blocks are listed by type.

    .venv/bin/python bench/corpus_coverage.py [--corpus DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scanner.clouds import terraform_mappers  # noqa: E402
from scanner.clouds.azure.terraform import AZAPI_TYPES  # noqa: E402
from scanner.iac.loader import load_paths  # noqa: E402

ML_PREFIXES = (
    "aws_sagemaker_",
    "azurerm_machine_learning_",
    "google_vertex_ai_",
    "google_notebooks_",
    "google_workbench_",
    "google_colab_",
)
AZAPI_ML = "microsoft.machinelearningservices/"
_HEADER = re.compile(r'^\s*resource\s+"([A-Za-z0-9_]+)"\s+"([A-Za-z0-9_-]+)"', re.MULTILINE)
_AZAPI_TYPE = re.compile(r'^\s*type\s*=\s*"([^"@]+)', re.MULTILINE)


@dataclass(frozen=True)
class Block:
    """One ML resource block as written: file (relative to the corpus's terraform/), type label, name."""

    file: str
    type: str
    """The Terraform type, or ``azapi_resource:<ARM type>`` for azapi."""
    name: str


@dataclass(frozen=True)
class Coverage:
    """Blocks counted and those mapped."""

    blocks: tuple[Block, ...]
    mapped: tuple[Block, ...]
    unmapped_types: Counter = field(default_factory=Counter)

    @property
    def ratio(self) -> float:
        return len(self.mapped) / len(self.blocks) if self.blocks else 0.0


def ml_blocks(root: Path) -> list[Block]:
    """Every ML resource block in the .tf files under ``root``, read from the text."""
    blocks = []
    for path in sorted(root.rglob("*.tf")):
        text = path.read_text(encoding="utf-8", errors="replace")
        headers = list(_HEADER.finditer(text))
        for index, match in enumerate(headers):
            tf_type, name = match.groups()
            end = headers[index + 1].start() if index + 1 < len(headers) else len(text)
            if tf_type == "azapi_resource":
                arm = _AZAPI_TYPE.search(text, match.end(), end)
                if arm is None or not arm.group(1).lower().startswith(AZAPI_ML):
                    continue
                tf_type = f"azapi_resource:{arm.group(1).lower()}"
            elif not tf_type.startswith(ML_PREFIXES):
                continue
            blocks.append(Block(str(path.relative_to(root)), tf_type, name))
    return blocks


def _handled(block: Block, mappers: Iterable[str]) -> bool:
    if block.type.startswith("azapi_resource:"):
        return block.type.split(":", 1)[1] in AZAPI_TYPES
    return block.type in mappers


def measure(root: Path) -> Coverage:
    """Count the ML blocks under ``root`` and those that loaded with a mapper for their type."""
    blocks = ml_blocks(root)
    load = load_paths([root])
    loaded = {
        (str(Path(r.source.file).resolve().relative_to(root.resolve())), r.type, r.name)
        for r in load.resources
        if r.source.file
    }
    mappers = set(terraform_mappers())
    mapped = [
        b for b in blocks if _handled(b, mappers) and (b.file, b.type.split(":", 1)[0], b.name) in loaded
    ]
    unmapped = Counter(b.type for b in blocks if b not in mapped)
    return Coverage(tuple(blocks), tuple(mapped), unmapped)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    result = measure(args.corpus / "terraform")
    types = {b.type for b in result.blocks}
    if args.json:
        print(
            json.dumps(
                {
                    "blocks": len(result.blocks),
                    "types": len(types),
                    "mapped": len(result.mapped),
                    "ratio": round(result.ratio, 4),
                    "unmapped": dict(result.unmapped_types),
                },
                indent=2,
            )
        )
    else:
        print(
            f"{len(result.mapped)}/{len(result.blocks)} ML resource blocks mapped ({result.ratio:.1%}) "
            f"over {len(types)} types"
        )
        for tf_type, count in result.unmapped_types.most_common():
            print(f"  unmapped: {tf_type} x{count}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Test helper: rewrite HCL .tf files in Terraform's JSON syntax (what CDK for Terraform writes).

Every argument becomes ``"${<expression as written>}"`` (a lone interpolation keeps the value's
type, as in Terraform), plain strings stay strings, nested blocks become objects (one block) or
arrays of objects (repeated blocks), ``dynamic`` blocks keep their JSON form, and ``mlscan:skip``
comments become ``"//"`` entries of the resource.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from scanner.iac.expressions import Scope, evaluate
from scanner.iac.hcl_syntax import Attribute, Block, HclDocument, parse_hcl

_ONE_LABEL = ("module", "variable", "output", "provider")


def convert_tree(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` with every .tf file as .tf.json (other files copied as they are)."""
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_dir():
            (target / relative).mkdir(parents=True, exist_ok=True)
        elif path.suffix == ".tf":
            document = parse_hcl(path)
            out = target / relative.with_suffix(".tf.json")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(to_json(document), indent=2) + "\n")
        else:
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            (target / relative).write_bytes(path.read_bytes())


def to_json(document: HclDocument) -> dict[str, Any]:
    """One parsed .tf file as a Terraform JSON document."""
    out: dict[str, Any] = {}
    for block in document.body.blocks:
        if block.type == "locals":
            out.setdefault("locals", {}).update({n: _expr(document, a) for n, a in block.attributes.items()})
        elif block.type in ("resource", "data"):
            kind, name = block.labels
            out.setdefault(block.type, {}).setdefault(kind, {})[name] = _body(document, block)
        elif block.type == "variable":
            body: dict[str, Any] = {}
            for name, attribute in block.attributes.items():
                if name == "type":
                    body[name] = document.text(attribute.value_span)
                else:
                    body[name] = evaluate(attribute.node, document.source, Scope())
            out.setdefault("variable", {})[block.labels[0]] = body
        elif block.type in _ONE_LABEL:
            args = {
                n: (evaluate(a.node, document.source, Scope()) if n == "source" else _expr(document, a))
                for n, a in block.attributes.items()
            }
            out.setdefault(block.type, {})[block.labels[0]] = args
    return out


def _body(document: HclDocument, block: Block) -> dict[str, Any]:
    body: dict[str, Any] = {}
    skips = [c.lstrip("#/ ").rstrip() for c in block.comments if "mlscan:skip" in c]
    if skips:
        body["//"] = skips if len(skips) > 1 else skips[0]
    for name, attribute in block.attributes.items():
        body[name] = _expr(document, attribute)
    grouped: dict[str, list[dict[str, Any]]] = {}
    for nested in block.blocks:
        if nested.type == "dynamic":
            content = next(nested.blocks_of("content"), None)
            entry = {n: _expr(document, a) for n, a in nested.attributes.items()}
            entry["content"] = _body(document, content) if content is not None else {}
            body.setdefault("dynamic", {})[nested.labels[0]] = entry
            continue
        inner = _body(document, nested)
        inner.pop("//", None)
        grouped.setdefault(nested.type, []).append(inner)
    for name, items in grouped.items():
        body[name] = items[0] if len(items) == 1 else items
    return body


def _expr(document: HclDocument, attribute: Attribute) -> Any:
    text = document.text(attribute.value_span)
    value = evaluate(attribute.node, document.source, Scope())
    if isinstance(value, str) and text.startswith('"') and "${" not in text and "%{" not in text:
        return value  # a plain quoted string
    if text.startswith("<<"):  # a heredoc is a multi-line template string in JSON
        lines = text.splitlines()
        body = "\n".join(lines[1:-1]) + "\n"
        return textwrap.dedent(body) if lines[0].startswith("<<-") else body
    return "${" + text + "}"

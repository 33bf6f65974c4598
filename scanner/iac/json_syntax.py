"""Terraform's JSON syntax (``*.tf.json``, ``*.tfvars.json``) read into the same blocks and attributes as HCL.

Generators (CDK for Terraform, Terragrunt, in-house tools) write ``.tf.json``; Terraform reads it
exactly like ``.tf``, so mlscan must too, or a whole generated stack would scan as "all clear".
Every JSON string in a configuration is a template (``"${var.kms_key}"``), so the values must be
evaluated by the same code as HCL. The trick: each JSON value is translated into an HCL expression,
all of a file's expressions are parsed at once by tree-sitter into a synthetic HCL text (the
:attr:`HclDocument.source`), and every :class:`Attribute` keeps its **JSON** range. The evaluator
sees ordinary HCL nodes; findings, provenance and errors point at the JSON file's own lines.

Without provider schemas a JSON object inside a resource is ambiguous (a nested block, or a map such
as ``tags``): it becomes a :class:`Block` marked ``json_object``, materialized as one mapping, which
:func:`scanner.iac.values.block` / ``blocks`` read as one block and mappers read as a map; an array
of objects is a list of blocks. ``"//"`` keys are comments (``mlscan:skip=`` works in them).
``*.tfvars.json`` and variable defaults are literal JSON: ``${`` in them is text, not a template.
"""

from __future__ import annotations

import codecs
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import accumulate
from json.decoder import scanstring
from pathlib import Path
from typing import Any

from scanner.iac.hcl_syntax import Attribute, Block, HclDocument, Span, SyntaxProblem, parse_hcl
from scanner.jsondoc import InputFileError, decode, parse_json

_WS = re.compile(r"[ \t\r\n]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_TRAVERSAL = re.compile(r"^[A-Za-z_][\w-]*(?:\.[\w-]+|\[[^\]]*\])*$")
_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1}
_EXPRESSION_BODIES = frozenset({"locals", "module", "output"})
"""Blocks whose every member is an argument (an object there is a map value, never a nested block)."""
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


@dataclass(frozen=True)
class _Node:
    """One JSON value with its character range: ``value`` is the scalar, a list of nodes (array) or
    a list of ``(key, key_start, node)`` (object, duplicates kept in order)."""

    kind: str
    value: Any
    start: int
    end: int
    raw: str = ""


def is_json_syntax(path: Path) -> bool:
    """``*.tf.json`` and ``*.tfvars.json``: Terraform's JSON syntax, not a plan."""
    return path.name.endswith((".tf.json", ".tfvars.json"))


def parse_json_syntax(path: Path, source: bytes) -> HclDocument:
    """An :class:`HclDocument` for a JSON-syntax file; bad JSON or a bad template is its ``problem``."""
    try:
        text = decode(source, str(path))
        parse_json(text, str(path))  # bounds and a located error first; the scan below trusts the text
    except InputFileError as exc:
        return _broken(path, exc)
    root, _ = _value(text, _WS.match(text).end())
    bom = len(codecs.BOM_UTF8) if source.startswith(codecs.BOM_UTF8) else 0
    builder = _Builder(path, text, bom, literal=path.name.endswith(".tfvars.json"))
    if root.kind != "object":
        return HclDocument(path, b"", _empty(path), SyntaxProblem(1, 1, "expected a JSON object"))
    body = builder.file_body(root)
    lines = [f"a{i} = {expression}\n" for i, expression in enumerate(builder.expressions)]
    first_lines = list(accumulate((line.count("\n") for line in lines), initial=1))
    # a lone surrogate (valid in JSON escapes, not in UTF-8) becomes U+FFFD, as everywhere else
    data = "".join(lines).encode("utf-8", "surrogatepass").decode("utf-8", "replace").encode("utf-8")
    parsed = parse_hcl(path, data)
    nodes = [a.node for a in parsed.body.attributes.values()]
    if parsed.problem is not None or len(nodes) != len(builder.expressions):
        line = parsed.problem.line if parsed.problem else 1
        index = max(bisect_right(first_lines, line) - 1, 0)
        span = builder.spans[index] if index < len(builder.spans) else None
        reason = parsed.problem.reason if parsed.problem else "syntax error"
        at = (span.start_line, span.start_column) if span else (1, 1)
        return HclDocument(path, b"", _empty(path), SyntaxProblem(*at, f"invalid expression: {reason}"))
    return HclDocument(path, parsed.source, _bind(body, nodes))


def _broken(path: Path, exc: InputFileError) -> HclDocument:
    line = exc.where.rsplit(":", 1)[-1]
    return HclDocument(
        path, b"", _empty(path), SyntaxProblem(int(line) if line.isdigit() else 1, 1, exc.reason)
    )


def _empty(path: Path) -> Block:
    return Block("", (), Span(str(path), 0, 0, 1, 1, 1, 1), {}, ())


def _bind(block: Block, nodes: list[Any]) -> Block:
    """Replace each attribute's expression index by its tree-sitter node."""
    attributes = {name: replace(a, node=nodes[a.node]) for name, a in block.attributes.items()}
    return replace(block, attributes=attributes, blocks=tuple(_bind(b, nodes) for b in block.blocks))


# -- a JSON scan that keeps positions (the text is already known to be valid, bounded JSON) ---------


def _value(text: str, pos: int) -> tuple[_Node, int]:
    char = text[pos]
    if char == "{":
        return _object(text, pos)
    if char == "[":
        return _array(text, pos)
    if char == '"':
        value, end = scanstring(text, pos + 1)
        return _Node("string", value, pos, end), end
    for word, value in (("true", True), ("false", False), ("null", None)):
        if text.startswith(word, pos):
            return _Node("literal", value, pos, pos + len(word), word), pos + len(word)
    match = _NUMBER.match(text, pos)
    assert match is not None  # valid JSON: nothing else can start a value
    return _Node("number", match.group(), pos, match.end(), match.group()), match.end()


def _object(text: str, pos: int) -> tuple[_Node, int]:
    members: list[tuple[str, int, _Node]] = []
    start = pos
    pos = _WS.match(text, pos + 1).end()
    while text[pos] != "}":
        key, after = scanstring(text, pos + 1)
        colon = _WS.match(text, after).end()
        node, end = _value(text, _WS.match(text, colon + 1).end())
        members.append((key, pos, node))
        pos = _WS.match(text, end).end()
        if text[pos] == ",":
            pos = _WS.match(text, pos + 1).end()
    return _Node("object", members, start, pos + 1), pos + 1


def _array(text: str, pos: int) -> tuple[_Node, int]:
    items: list[_Node] = []
    start = pos
    pos = _WS.match(text, pos + 1).end()
    while text[pos] != "]":
        node, end = _value(text, pos)
        items.append(node)
        pos = _WS.match(text, end).end()
        if text[pos] == ",":
            pos = _WS.match(text, pos + 1).end()
    return _Node("array", items, start, pos + 1), pos + 1


# -- JSON values → blocks, attributes and HCL expression text ---------------------------------------


class _Builder:
    """Walks one file's JSON: blocks and attributes with JSON ranges, expressions collected in order."""

    def __init__(self, path: Path, text: str, bom: int, *, literal: bool) -> None:
        self.file, self.text, self.bom, self.literal = str(path), text, bom, literal
        self.expressions: list[str] = []
        self.spans: list[Span] = []
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._ascii = text.isascii()
        self._bytes = self._starts if self._ascii else _byte_starts(text, self._starts)

    def file_body(self, root: _Node) -> Block:
        """The file as a block: top-level block types, or (tfvars) literal attributes."""
        if self.literal:
            attributes, _, _ = self._members(root, "literal")
            return Block("", (), self.span(root.start, root.end), attributes, ())
        blocks: list[Block] = []
        for key, key_start, node in root.value:
            if key == "//":
                continue
            for item in _objects(node):
                blocks += self._labeled(key, _LABELS.get(key, 0), item, (), key_start)
        return Block("", (), self.span(root.start, root.end), {}, tuple(blocks))

    def _labeled(
        self, block_type: str, wanted: int, node: _Node, labels: tuple[str, ...], start: int
    ) -> list[Block]:
        if len(labels) == wanted:
            return [self._block(block_type, labels, node, start)]
        found: list[Block] = []
        for label, label_start, child in node.value:
            if label == "//":
                continue
            for item in _objects(child):
                found += self._labeled(block_type, wanted, item, (*labels, label), label_start)
        return found

    def _block(self, block_type: str, labels: tuple[str, ...], node: _Node, start: int) -> Block:
        mode = (
            "args" if block_type in _EXPRESSION_BODIES else "literal" if block_type == "variable" else "body"
        )
        attributes, blocks, comments = self._members(node, mode)
        return Block(block_type, labels, self.span(start, node.end), attributes, blocks, comments)

    def _members(
        self, node: _Node, mode: str
    ) -> tuple[dict[str, Attribute], tuple[Block, ...], tuple[str, ...]]:
        attributes: dict[str, Attribute] = {}
        blocks: list[Block] = []
        comments: list[str] = []
        for key, key_start, value in node.value:
            if key == "//":
                comments += [v.value for v in _strings(value)]
                continue
            if mode != "body":
                literal = mode == "literal" or key in ("source", "version")
                attributes.pop(key, None)
                attributes[key] = self._attribute(key, key_start, value, literal=literal)
            elif key == "dynamic" and value.kind == "object":
                for label, label_start, inner in value.value:
                    blocks += [self._dynamic(label, label_start, item) for item in _objects(inner)]
            elif value.kind == "object":
                inner_attributes, inner_blocks, inner_comments = self._members(value, "body")
                span = self.span(key_start, value.end)
                blocks.append(
                    Block(key, (), span, inner_attributes, inner_blocks, inner_comments, json_object=True)
                )
            elif value.kind == "array" and value.value and all(i.kind == "object" for i in value.value):
                for item in value.value:
                    inner_attributes, inner_blocks, inner_comments = self._members(item, "body")
                    span = self.span(item.start, item.end)
                    blocks.append(Block(key, (), span, inner_attributes, inner_blocks, inner_comments))
            else:
                attributes.pop(key, None)
                attributes[key] = self._attribute(key, key_start, value, bare=key == "depends_on")
        comments += [c for b in blocks for c in b.comments]
        return attributes, tuple(blocks), tuple(comments)

    def _dynamic(self, label: str, start: int, node: _Node) -> Block:
        """``"dynamic": {"x": {"for_each": ..., "content": {...}}}`` as HCL's ``dynamic "x"`` block."""
        attributes: dict[str, Attribute] = {}
        blocks: list[Block] = []
        for key, key_start, value in node.value:
            if key == "content" and value.kind == "object":
                inner_attributes, inner_blocks, comments = self._members(value, "body")
                span = self.span(key_start, value.end)
                blocks.append(Block("content", (), span, inner_attributes, inner_blocks, comments))
            elif key != "//":
                attributes[key] = self._attribute(key, key_start, value)
        return Block("dynamic", (label,), self.span(start, node.end), attributes, tuple(blocks))

    def _attribute(
        self, name: str, start: int, node: _Node, *, literal: bool = False, bare: bool = False
    ) -> Attribute:
        span = self.span(start, node.end)
        self.expressions.append(_expression(node, literal=literal or self.literal, bare=bare))
        self.spans.append(span)
        return Attribute(name, span, self.span(node.start, node.end), len(self.expressions) - 1)

    def span(self, start: int, end: int) -> Span:
        """The JSON file's range of characters ``start``..``end`` (lines, byte columns, byte offsets)."""
        start_line, start_column, start_byte = self._point(start)
        end_line, end_column, end_byte = self._point(end)
        return Span(self.file, start_byte, end_byte, start_line, start_column, end_line, end_column)

    def _point(self, offset: int) -> tuple[int, int, int]:
        line = bisect_right(self._starts, offset)
        line_start = self._starts[line - 1]
        column = (
            offset - line_start
            if self._ascii
            else len(self.text[line_start:offset].encode("utf-8", "replace"))
        )
        return line, column + 1, self._bytes[line - 1] + column + self.bom


def _byte_starts(text: str, starts: list[int]) -> list[int]:
    result, total = [], 0
    for index, start in enumerate(starts):
        result.append(total)
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        total += len(text[start:end].encode("utf-8", "replace"))
    return result


def _objects(node: _Node) -> Iterator[_Node]:
    """A block's JSON: one object, or an array of objects (several blocks of one type)."""
    if node.kind == "object":
        yield node
    elif node.kind == "array":
        yield from (item for item in node.value if item.kind == "object")


def _strings(node: _Node) -> Iterator[_Node]:
    if node.kind == "string":
        yield node
    elif node.kind == "array":
        yield from (item for item in node.value if item.kind == "string")


def _expression(node: _Node, *, literal: bool, bare: bool = False) -> str:
    """The HCL text of a JSON value: strings are templates unless ``literal`` (tfvars, defaults)."""
    if node.kind == "string":
        if bare and _TRAVERSAL.match(node.value):
            return node.value
        return _literal_string(node.value) if literal else _template_string(node.value)
    if node.kind == "array":
        return "[" + ", ".join(_expression(i, literal=literal, bare=bare) for i in node.value) + "]"
    if node.kind == "object":
        elements = (f"{_literal_string(k)} = {_expression(v, literal=literal)}" for k, _, v in node.value)
        return "{" + ", ".join(elements) + "}"
    return node.raw


def _escape(char: str) -> str:
    escaped = _ESCAPES.get(char)
    if escaped is not None:
        return escaped
    code = ord(char)
    if code < 0x20 or code == 0x7F:
        return f"\\u{code:04x}"
    return "\ufffd" if 0xD800 <= code <= 0xDFFF else char


def _literal_string(value: str) -> str:
    text = "".join(_escape(c) for c in value)
    return '"' + text.replace("${", "$${").replace("%{", "%%{") + '"'


def _template_string(value: str) -> str:
    """A JSON-syntax string as an HCL quoted template: text escaped, ``${...}`` / ``%{...}`` kept."""
    out = ['"']
    index, size = 0, len(value)
    while index < size:
        if value.startswith(("$${", "%%{"), index):
            out.append(value[index : index + 3])
            index += 3
        elif value.startswith(("${", "%{"), index):
            end = _closing(value, index + 2)
            if end < 0:  # unterminated: left as written, so the parser reports it
                out.append("".join(_escape(c) for c in value[index:]))
                break
            out.append(value[index : end + 1])
            index = end + 1
        else:
            out.append(_escape(value[index]))
            index += 1
    out.append('"')
    return "".join(out)


def _closing(value: str, index: int) -> int:
    """The index of the ``}`` closing an interpolation opened just before ``index`` (-1 if none)."""
    depth = 1
    while index < len(value):
        char = value[index]
        if char == '"':
            index += 1
            while index < len(value) and value[index] != '"':
                index += 2 if value[index] == "\\" else 1
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1

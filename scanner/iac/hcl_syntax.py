"""HCL source as tree-sitter sees it: blocks and attributes with their exact byte and line/column ranges.

This is the one Terraform parser of mlscan. The loader evaluates what it returns, findings
point at the ranges it records, and remediation edits replace exactly one attribute's bytes
(see :func:`parse_hcl`). tree-sitter never raises on bad syntax: it marks error nodes, which
become :class:`SyntaxProblem` with the first bad token's line and column.

Lines and columns are 1-based; columns count bytes (as tree-sitter and most editors' "byte
column" do; for ASCII source that is the character column). A UTF-8 byte-order mark is
parsed as three spaces so that byte offsets still match the file on disk.
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_BOM = b"\xef\xbb\xbf"
MAX_NESTING = 200
"""Blocks nested deeper than this are hostile input, not Terraform: the file becomes an error."""


@dataclass(frozen=True)
class Span:
    """Where a piece of HCL sits in its file: byte offsets and 1-based line/column, end exclusive."""

    file: str
    start_byte: int
    end_byte: int
    start_line: int
    start_column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.start_line}:{self.start_column}"

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the SARIF region fields plus the file and byte offsets)."""
        return {
            "file": self.file,
            "start_line": self.start_line,
            "start_column": self.start_column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "start_byte": self.start_byte,
            "end_byte": self.end_byte,
        }


@dataclass(frozen=True)
class Attribute:
    """``name = expression`` inside a body."""

    name: str
    span: Span
    """The whole attribute, name to end of value."""
    value_span: Span
    """The expression only: what an edit of the value replaces."""
    node: Any = field(repr=False, compare=False)
    """The tree-sitter ``expression`` node (evaluated by :mod:`scanner.iac.expressions`)."""


@dataclass(frozen=True)
class Block:
    """``type "label" ... { body }``; the file itself is a block with an empty type."""

    type: str
    labels: tuple[str, ...]
    span: Span
    attributes: Mapping[str, Attribute]
    """In source order; a repeated name keeps the last (Terraform refuses repeats anyway)."""
    blocks: tuple[Block, ...]
    """Nested blocks in source order."""
    comments: tuple[str, ...] = ()
    """Text of every comment inside the block (nested blocks included), markers kept."""
    json_object: bool = False
    """Terraform JSON syntax: one JSON object that may be a nested block or a map (``tags``); without
    provider schemas it is materialized as one mapping (see :mod:`scanner.iac.json_syntax`)."""

    def blocks_of(self, block_type: str) -> Iterator[Block]:
        """The nested blocks of one type, in order."""
        return (b for b in self.blocks if b.type == block_type)


@dataclass(frozen=True)
class SyntaxProblem:
    """The first syntax error of a file: where and what."""

    line: int
    column: int
    reason: str


@dataclass(frozen=True)
class HclDocument:
    """One parsed file: its top-level body and, when it has any, the first syntax error."""

    path: Path
    source: bytes = field(repr=False)
    body: Block
    problem: SyntaxProblem | None = None

    def text(self, span: Span) -> str:
        """The source text of a span."""
        return self.source[span.start_byte : span.end_byte].decode("utf-8", errors="replace")


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    import tree_sitter_hcl
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_hcl.language()))


def syntax_tree(data: bytes) -> Any:
    """The raw tree-sitter tree of HCL bytes, for code that edits exact node ranges (scanner.fix)."""
    return _parser().parse(data)


def parse_hcl(path: Path, source: bytes | None = None) -> HclDocument:
    """Parse a file (or ``source`` given for it); never raises on bad syntax (see ``problem``).

    Reading the file may raise :class:`OSError`; the caller decides how to report it.
    """
    data = path.read_bytes() if source is None else source
    if data.startswith(_BOM):
        data = b"   " + data[len(_BOM) :]
    tree = _parser().parse(data)
    root = tree.root_node
    file = str(path)
    body_node = next((c for c in root.named_children if c.type == "body"), None)
    problem = _encoding_problem(data) or (_first_problem(root, data) if root.has_error else None)
    empty = Block("", (), _span(root, file), {}, ())
    try:
        notes = _all_comments(root, data)
        body = _block(body_node, file, data, "", (), _span(root, file), notes) if body_node else empty
    except RecursionError:
        body, problem = empty, SyntaxProblem(1, 1, f"blocks nested deeper than {MAX_NESTING} levels")
    except HeaderProblem as exc:
        body, problem = empty, problem or exc.problem
    return HclDocument(path, data, body, problem)


def node_text(node: Any, source: bytes) -> str:
    """The source text of a tree-sitter node."""
    return source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")


def node_span(node: Any, file: str) -> Span:
    """The :class:`Span` of a tree-sitter node."""
    return _span(node, file)


def _span(node: Any, file: str) -> Span:
    start, end = node.start_point, node.end_point
    return Span(file, node.start_byte, node.end_byte, start[0] + 1, start[1] + 1, end[0] + 1, end[1] + 1)


def _block(
    body: Any,
    file: str,
    source: bytes,
    block_type: str,
    labels: tuple[str, ...],
    span: Span,
    notes: tuple[list[int], list[str]],
    owner: Any = None,
    depth: int = 0,
) -> Block:
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    for child in body.named_children if body is not None else ():
        if child.type == "attribute":
            name_node, expr = child.named_children[0], child.named_children[-1]
            name = node_text(name_node, source)
            attributes.pop(name, None)
            attributes[name] = Attribute(name, _span(child, file), _span(expr, file), expr)
        elif child.type == "block":
            blocks.append(_nested(child, file, source, notes, depth + 1))
    comments: tuple[str, ...] = ()
    if owner is not None and notes[0]:
        starts, texts = notes
        comments = tuple(texts[bisect_left(starts, owner.start_byte) : bisect_left(starts, owner.end_byte)])
    return Block(block_type, labels, span, attributes, tuple(blocks), comments)


class HeaderProblem(ValueError):
    """A block header tree-sitter-hcl accepts but Terraform does not (it spans lines)."""

    def __init__(self, problem: SyntaxProblem) -> None:
        super().__init__(problem.reason)
        self.problem = problem


def _one_line_header(node: Any, children: list[Any]) -> None:
    """Terraform ends a block header at a newline: ``variable\nresource "t" "n" {`` is an error there,
    not a variable with three labels (which would hide the resource), nor is a label holding a newline."""
    line = node.start_point[0]
    for child in children[1:]:
        if child.type not in ("identifier", "string_lit", "block_start"):
            break
        if child.start_point[0] != line or child.end_point[0] != line:
            where = child if child.start_point[0] != line else node
            raise HeaderProblem(
                _problem(where, "a block header must be on one line (Terraform: Invalid block definition)")
            )


def _nested(node: Any, file: str, source: bytes, notes: tuple[list[int], list[str]], depth: int) -> Block:
    if depth > MAX_NESTING:
        raise RecursionError
    children = node.named_children
    _one_line_header(node, children)
    block_type = node_text(children[0], source)
    labels = tuple(_label(c, source) for c in children[1:] if c.type in ("string_lit", "identifier"))
    body = next((c for c in children if c.type == "body"), None)
    return _block(body, file, source, block_type, labels, _span(node, file), notes, owner=node, depth=depth)


def _label(node: Any, source: bytes) -> str:
    if node.type == "identifier":
        return node_text(node, source)
    literal = next((c for c in node.named_children if c.type == "template_literal"), None)
    return node_text(literal, source) if literal is not None else ""


def _all_comments(root: Any, source: bytes) -> tuple[list[int], list[str]]:
    """Every comment of a file (start bytes, texts), in order: one tree-sitter query, run in C."""
    from tree_sitter import QueryCursor

    nodes = QueryCursor(_comment_query()).captures(root).get("comment", [])
    nodes.sort(key=lambda n: n.start_byte)
    return [n.start_byte for n in nodes], [node_text(n, source) for n in nodes]


@functools.lru_cache(maxsize=1)
def _comment_query() -> Any:
    import tree_sitter_hcl
    from tree_sitter import Language, Query

    return Query(Language(tree_sitter_hcl.language()), "(comment) @comment")


def _encoding_problem(data: bytes) -> SyntaxProblem | None:
    """Terraform reads .tf files as UTF-8 only and refuses any other byte ("Invalid character encoding");
    decoded leniently, a bad byte inside a resource type would turn the resource into an unknown type."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line, column = data.count(b"\n", 0, exc.start) + 1, exc.start - line_start + 1
        return SyntaxProblem(
            line, column, f"invalid UTF-8 (byte 0x{data[exc.start]:02x}); Terraform reads UTF-8 only"
        )
    return None


def _first_problem(root: Any, source: bytes) -> SyntaxProblem:
    """The first ERROR or MISSING node in document order, as a one-line reason."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_missing:
            rest = source[node.start_byte :].split(b"\n", 1)[0].decode("utf-8", errors="replace").strip()
            return _problem(node, f"unexpected {rest[:60]!r}" if rest else f"missing {node.type!r}")
        if node.is_error:
            text = node_text(node, source).strip().splitlines()
            snippet = text[0][:60] if text else ""
            return _problem(node, f"unexpected {snippet!r}" if snippet else "unexpected end of input")
        if node.has_error:
            stack.extend(reversed(node.children))
    return _problem(root, "syntax error")


def _problem(node: Any, reason: str) -> SyntaxProblem:
    line, column = node.start_point
    return SyntaxProblem(line + 1, column + 1, reason)

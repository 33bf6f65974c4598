"""Fuzz family outputs: hostile text in any field of a result is escaped in every format.

Resource names, ids, tags, finding messages, file paths and error reasons carry rich markup
(``[/b]``), HTML (``<script>``), XML breakers (``]]>``, control characters, lone surrogates),
CSV formulas and ANSI escapes. Every file format renders; JSON, SARIF and OCSF parse; JUnit
is well-formed XML; HTML never carries the injected tag raw; the console prints the text
literally instead of parsing it.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from dataclasses import replace

from fuzz_harness import budget, count
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from scanner.model import ScanError
from scanner.report.console import render_console
from scanner.report.context import ReportContext
from scanner.report.formats import FILE_FORMATS

SCRIPT = "<script>alert(1)</script>"
INJECTIONS = st.sampled_from(
    [
        "[/b]",
        "[bold red]x",
        "[link=javascript:alert(1)]x[/link]",
        SCRIPT,
        '"><img src=x onerror=alert(1)>',
        "]]><!--",
        "\x00\x01\x1b[31m\x7f",
        "\ud800",
        '=HYPERLINK("http://x")',
        "{{ 7*7 }}{% raw %}",
        "\\u0000\\",
        "line\nbreak\r\n",
    ]
)
TEXT = st.lists(st.one_of(INJECTIONS, st.text(max_size=8)), min_size=1, max_size=3).map("".join)
FIELDS = ("resource_name", "message", "policy_title", "tag", "file", "error", "resource_id")


@given(st.dictionaries(st.sampled_from(FIELDS), TEXT, min_size=1))
@budget(30)
def test_outputs(hostile: dict[str, str]) -> None:
    count("outputs")
    from report.sample import sample_result

    result = sample_result()
    resources = list(result.resources)
    first = resources[0]
    source = replace(first.source, file=hostile.get("file", first.source.file))
    resources[0] = replace(
        first,
        name=hostile.get("resource_name", first.name),
        id=hostile.get("resource_id", first.id),
        tags={**first.tags, "owner": hostile.get("tag", "x")},
        source=source,
    )
    findings = [
        replace(
            f,
            resource_name=resources[0].name,
            resource_id=resources[0].id,
            message=hostile.get("message", f.message),
            title=hostile.get("policy_title", f.title),
            source=source if f.resource_id == first.id else f.source,
        )
        if f.resource_id == first.id
        else f
        for f in result.findings
    ]
    errors = (ScanError(where=hostile.get("file", "f.tf"), reason=hostile.get("error", "bad")),)
    result = replace(result, resources=tuple(resources), findings=tuple(findings), errors=errors)
    ctx = ReportContext(result, [])
    for name, fmt in FILE_FORMATS.items():
        text = fmt.render(ctx)
        text.encode("utf-8")  # every file is written as UTF-8
        if fmt.is_json:
            json.loads(text)
        elif name == "junit":
            ET.fromstring(text.encode("utf-8"))
        elif name == "html":
            assert SCRIPT not in text and "<img src=x" not in text, name
        elif name == "csv":
            assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    buffer = io.StringIO()
    render_console(result, Console(file=buffer, width=200, color_system=None))
    printed = buffer.getvalue()
    if "resource_name" in hostile and "[/b]" in hostile["resource_name"]:
        assert "[/b]" in printed

"""Fuzz family cli_hcl: ``mlscan iac`` over a good module beside a mutated one, end to end.

The mutated module is a bundled stack cut, spliced with syntax characters, given a BOM or
invalid UTF-8, a self-referencing variable, a cycle of locals, an unresolvable ``dynamic``
block, 2000-deep nesting or a module that calls itself, plus resources whose secret-named
tags and environment carry seeded secrets. Invariants: exit code 0, 1 or 2 (never 3, never a
traceback); every resource of the good module is in the JSON result; a mutated file that lost
resources is named in ``errors``; no seeded secret reaches any output file.
"""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner
from fuzz_harness import REPO, budget, count, no_traceback, secrets_absent
from hypothesis import given
from hypothesis import strategies as st

from scanner.cli import main
from scanner.clouds.sources import terraform_source

STACKS = sorted((REPO / "terraform").glob("*/*/main.tf"))
GOOD = REPO / "terraform" / "secure" / "gcp"
SECRET = "SEEDSECRETq7Z9"
SECRET_KEYS = ["db_password", "api_token", "apiKey", "DB-PASSWORD", "clientSecret", "hf_token", "SAS_TOKEN"]
SPLICES = ["{", "}", '"', "${", "[", "]", "=", "\n", "#", "<<EOF\n", "\\", "%{", "(", "/*"]
EXTRAS = {
    "self-variable": 'variable "loop" {\n  default = var.loop\n}\nlocals {\n  a = local.b\n  b = local.a\n}\n',
    "dynamic": (
        'resource "google_notebooks_runtime" "rt" {\n  name = "rt"\n  location = "us-central1"\n'
        '  dynamic "access_config" {\n    for_each = var.unknown_list\n'
        "    content {\n      access_type = access_config.value.type\n    }\n  }\n}\n"
    ),
    "deep": "locals {\n  deep = " + "[" * 2000 + "]" * 2000 + "\n}\n",
    "self-module": 'module "me" {\n  source = "./"\n}\n',
    "none": "",
}


def _secret_block(key: str, cloud: str) -> str:
    tags = "labels" if cloud == "gcp" else "tags"
    resource = {
        "aws": 'resource "aws_sagemaker_model" "seeded" {\n  name = "seeded"\n'
        '  execution_role_arn = "arn:aws:iam::123456789012:role/r"\n'
        f'  primary_container {{\n    image = "i"\n    environment = {{ {key.replace("-", "_")} = "{SECRET}" }}\n  }}\n',
        "azure": 'resource "azurerm_machine_learning_workspace" "seeded" {\n  name = "seeded"\n',
        "gcp": 'resource "google_vertex_ai_endpoint" "seeded" {\n  name = "seeded"\n  location = "us-central1"\n',
    }[cloud]
    return (
        resource
        + f'  {tags} = {{\n    "{key}" = "{SECRET.lower() if cloud == "gcp" else SECRET}"\n  }}\n}}\n'
    )


@st.composite
def mutated_modules(draw: st.DrawFn) -> tuple[bytes, str, str]:
    stack = draw(st.sampled_from(STACKS))
    text = stack.read_text(encoding="utf-8")
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(SPLICES)) + text[at:]
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]
    extra = draw(st.sampled_from(sorted(EXTRAS)))
    cloud = stack.parent.name
    text = text + "\n" + EXTRAS[extra] + _secret_block(draw(st.sampled_from(SECRET_KEYS)), cloud)
    data = text.encode("utf-8")
    encoding = draw(st.sampled_from(["utf-8", "bom", "invalid"]))
    if encoding == "bom":
        data = b"\xef\xbb\xbf" + data
    elif encoding == "invalid":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + b"\xff\xc3(" + data[at:]
    return data, extra, encoding


GOOD_COUNT = len(terraform_source([GOOD]).resources)


@given(mutated_modules())
@budget(6)
def test_cli_hcl(tmp_path_factory, case: tuple[bytes, str, str]) -> None:
    count("cli_hcl")
    data, _extra, _encoding = case
    root = tmp_path_factory.mktemp("cli")
    shutil.copytree(GOOD, root / "good")
    (root / "bad").mkdir()
    (root / "bad" / "main.tf").write_bytes(data)
    out, evidence = root / "out", root / "evidence"
    args = [
        "iac",
        str(root),
        "-q",
        "--fail-on",
        "high",
        "--output-dir",
        str(out),
        "--evidence",
        str(evidence),
    ]
    for fmt in ("json", "sarif", "ocsf", "junit"):
        args += ["--format", fmt]
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output[-2000:])
    no_traceback(result.output)
    document = json.loads((out / "mlscan.json").read_text(encoding="utf-8"))
    good_ids = {r["id"] for r in document["resources"] if "good" in json.dumps(r.get("source"))}
    assert len(good_ids) == GOOD_COUNT, sorted(good_ids)
    bad_resources = [r for r in document["resources"] if "bad" in json.dumps(r.get("source"))]
    if not bad_resources:
        assert any("bad" in e["where"] for e in document["errors"]), document["errors"]
    outputs = [
        (str(p), p.read_text(encoding="utf-8", errors="replace")) for p in root.rglob("*") if p.is_file()
    ]
    secrets_absent([SECRET, SECRET.lower()], [o for o in outputs if "/bad/" not in o[0]])
    secrets_absent([SECRET, SECRET.lower()], [("stdout/stderr", result.output)])

"""The install the README documents works: the wheel carries everything, and runs from a fresh venv.

The ``wheel`` and ``fresh_venv`` fixtures (tests/conftest.py) build the wheel as the README
says and install it into a new virtual environment.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import zipfile
from pathlib import Path


def test_wheel_ships_builtin_policies_templates_schemas_and_examples(repo_root: Path, wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    policies = [n for n in names if n.startswith("scanner/builtin/policies/MLS-") and n.endswith(".yaml")]
    assert len(policies) == len(list((repo_root / "policies").glob("MLS-*.yaml")))
    assert any(n.startswith("scanner/builtin/policies/frameworks/") for n in names)
    assert any(n.startswith("scanner/builtin/reports/") for n in names)
    assert any(n.startswith("scanner/builtin/terraform/") and n.endswith(".tf") for n in names)
    assert "scanner/policy/policy.schema.json" in names
    assert "scanner/data/facts.yaml" in names
    assert "scanner/compliance/framework.schema.json" in names
    assert any(n.startswith("scanner/sandbox/data/") for n in names)
    assert (
        "scanner/history/migrations/versions/0001_initial.py" in names
        and "scanner/history/migrations/env.py" in names
    )
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "mlscan = scanner.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_readme_names_the_wheel_that_is_built(repo_root: Path, wheel: Path) -> None:
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    assert f"./dist/{wheel.name}[aws]" in readme
    assert re.search(r'pip install "mlscan\[aws\] @ git\+https://', readme)


def test_installed_wheel_runs_from_a_fresh_venv(repo_root: Path, fresh_venv: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLSCAN_")}

    def mlscan(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(fresh_venv / "bin" / "mlscan"), *args], cwd=tmp_path, env=env, capture_output=True, text=True
        )

    from scanner import __version__

    version = mlscan("--version")
    assert version.returncode == 0 and __version__ in version.stdout
    where = subprocess.run(
        [str(fresh_venv / "bin" / "python"), "-c", "import scanner.paths as p; print(p.policies_dir())"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where.startswith(str(fresh_venv)) and where.endswith("scanner/builtin/policies")
    scan = mlscan("iac", str(Path(where).parent / "terraform" / "insecure"), "--format", "json", "-q")
    assert scan.returncode == 1, scan.stderr
    result = json.loads(scan.stdout)
    assert result["summary"]["resources"] > 0 and any(f["status"] == "fail" for f in result["findings"])
    catalogue = json.loads(mlscan("policy", "list", "--format", "json").stdout)
    assert len(catalogue) == len(list((repo_root / "policies").glob("MLS-*.yaml")))


DOCUMENTED = ("README.md", "action.yml", ".pre-commit-hooks.yaml", "docs/*.md", "examples/ci/*.yml")


def test_every_documented_install_names_this_repository_extras_it_has_and_refs_that_exist(
    repo_root: Path,
) -> None:
    """Each `pip install "mlscan... @ git+..."`, `uses: mlscan/mlscan@REF` and pre-commit `rev:` in the docs
    parses, names this repository and an extra pyproject.toml defines, and pins a ref that exists
    (``main``, or a tag or commit of this checkout): a pasted install line must work."""
    import tomllib
    from packaging.requirements import Requirement

    from scanner import REPOSITORY

    extras = set(
        tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    )
    texts = {
        p: p.read_text(encoding="utf-8") for pattern in DOCUMENTED for p in sorted(repo_root.glob(pattern))
    }
    requirements, refs = [], []
    for path, text in texts.items():
        for spec in re.findall(r'"(mlscan(?:\[[^\]]*\])? @ git\+[^"]+)"', text):
            if spec.endswith("git+..."):  # an abbreviation in running text
                continue
            requirement = Requirement(spec)
            assert requirement.name == "mlscan" and requirement.extras <= extras, (path, spec)
            url, _, ref = requirement.url.removeprefix("git+").partition("@")
            assert url == REPOSITORY, (path, spec)
            requirements.append(spec)
            refs += [ref] if ref else []
        refs += re.findall(r"uses: mlscan/mlscan@(\S+)", text)
        refs += re.findall(r"repo: https://github\.com/mlscan/mlscan\n\s*#?\s*rev: (\S+)", text)
    assert len(requirements) >= 4 and refs
    for ref in set(refs) - {"main"}:
        found = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd=repo_root
        )
        assert found.returncode == 0, f"documented ref {ref!r} does not exist in this repository"

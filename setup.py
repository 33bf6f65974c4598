"""Build hook: ship the top-level policies/, reports/ and terraform/ inside the wheel as scanner/builtin/.

The repository keeps policies and templates at the top level where users and reviewers
find them; an installed mlscan finds them under ``scanner/builtin`` (see scanner/paths.py).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent


class BuildWithBuiltins(build_py):
    """build_py that also copies policies/, reports/ and terraform/ into the built package."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "scanner" / "builtin"
        for name in ("policies", "reports", "terraform"):
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, target / name, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithBuiltins})

"""The import contract in pyproject.toml fails the build when a seam is crossed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(where: Path, contract: str) -> subprocess.CompletedProcess:
    # Run in the copy: lint-imports puts its working directory first on the import path.
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--contract", contract],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_contract_fails_when_the_server_imports_the_terminal_app(tmp_path):
    for package in ("server", "tui", "shared", "cli"):
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)

    kept = lint_imports(tmp_path, "server-not-tui")
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert "the server does not import the terminal app or the command KEPT" in kept.stdout

    with (tmp_path / "server" / "app.py").open("a") as f:
        f.write("\nimport tui  # noqa: E402,F401\n")
    broken = lint_imports(tmp_path, "server-not-tui")
    assert broken.returncode != 0
    out = " ".join(broken.stdout.split())  # the report wraps long lines
    assert "the server does not import the terminal app or the command BROKEN" in out
    assert "server is not allowed to import tui" in out and "server.app -> tui" in out

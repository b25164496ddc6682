"""The project's own promises: CI runs the README's test command, and the code passes the linter."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    """The shell blocks that open the README."""
    return re.findall(r"```sh\n(.*?)\n```", (ROOT / "README.md").read_text())


def test_readme_opens_with_two_commands():
    """Given the README, when read, then it opens with exactly two set-up commands: serve, then test."""
    head = (ROOT / "README.md").read_text().split("## ")[0]
    commands = re.findall(r"```sh\n(.*?)\n```", head)
    assert len(commands) == 2
    assert commands[0].endswith("realign serve") and "realign seed" in commands[0]
    assert commands[1].endswith("pytest")


def test_ci_runs_the_readme_test_command():
    """Given .ci/run, when read, then its last command is the README's test command, verbatim."""
    lines = [line for line in (ROOT / ".ci/run").read_text().splitlines() if line.strip()]
    assert lines[-1] == readme_commands()[1]


def test_ruff_finds_nothing():
    """Given the source tree, when ruff checks it, then there is nothing to report."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(ROOT)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr

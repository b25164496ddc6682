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


def locked() -> dict[str, str]:
    """The versions requirements.lock pins, by normalised package name."""
    pins = re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", (ROOT / "requirements.lock").read_text(), re.M)
    return {normalise(name): version for name, version in pins}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_setup_command_installs_from_the_lock():
    """Given the README's two commands and the Dockerfile, when read, then each pip install takes requirements.lock."""
    installs = [*readme_commands()[:2], *re.findall(r"pip install[^\n]*", (ROOT / "Dockerfile").read_text())]
    assert len(installs) == 3
    assert all("-c requirements.lock" in command for command in installs), installs


def test_lock_pins_every_dependency_and_the_installed_versions():
    """Given pyproject's dependencies (with the dev extra) and the installed environment, when compared with
    requirements.lock, then every dependency is pinned there and every installed pinned package has its pin
    (regenerate with `uv pip compile pyproject.toml --extra dev --python-version 3.11 --no-header -o
    requirements.lock`)."""
    import tomllib
    from importlib import metadata

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    pins = locked()
    names = [normalise(re.split(r"[\[<>=!~ ;]", requirement, maxsplit=1)[0]) for requirement in wanted]
    assert [n for n in names if n not in pins] == []
    drifted = {}
    for name, version in pins.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # a package for another platform or Python
        if installed != version:
            drifted[name] = (installed, version)
    assert drifted == {}


def test_ruff_finds_nothing():
    """Given the source tree, when ruff checks it, then there is nothing to report."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(ROOT)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr

"""Packaging: `api`, `schema` and `seeds` are this repository's folders (PyPI has a popular `schema`)."""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

import pytest

from seeds.format import FILES
from tests.support import BIN, ROOT

PACKAGES = ["api", "schema", "seeds"]


@pytest.mark.parametrize("name", PACKAGES)
def test_package_resolves_to_this_repository(name):
    """Given the test process, when a top-level package is imported, then it is this repository's folder."""
    module = importlib.import_module(name)
    assert module.__file__ is not None, f"{name} is a namespace package, not the project's"
    assert Path(module.__file__).resolve() == ROOT / name / "__init__.py"


def test_packages_resolve_from_any_folder(tmp_path):
    """Given a fresh interpreter started outside the repository, when the packages are imported, then they are ours."""
    script = (
        "import json, api, schema, seeds; print(json.dumps({m.__name__: m.__file__ for m in (api, schema, seeds)}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    files = json.loads(result.stdout)
    for name in PACKAGES:
        assert Path(files[name]).resolve() == ROOT / name / "__init__.py", files


def test_one_distribution_named_realign_provides_the_packages():
    """Given the environment, when distributions are listed, then only realign provides `schema`."""
    assert importlib.metadata.distribution("realign").entry_points.select(group="console_scripts")["realign"]
    others = sorted(
        dist.metadata["Name"]
        for dist in importlib.metadata.distributions()
        if dist.metadata["Name"] != "realign" and (dist.read_text("top_level.txt") or "").split().count("schema")
    )
    assert others == [], f"installed distributions shadowing `schema`: {others}"


def test_migrations_folder_is_not_a_package():
    """Given the repository, when migrations/ is inspected, then it has no __init__.py (it must not be importable)."""
    assert (ROOT / "migrations" / "env.py").exists()
    assert not (ROOT / "migrations" / "__init__.py").exists()


def test_story_files_ship_with_the_seeds_package():
    """Given the seeds package, when its story folder is listed, then every seed file is there."""
    import seeds.loader

    assert {path.name for path in seeds.loader.STORY.glob("*.jsonl")} == {name for name, _ in FILES}


def test_console_script_is_installed():
    """Given the virtual environment, when its bin folder is listed, then the `realign` command is there."""
    assert (BIN / "realign").exists()

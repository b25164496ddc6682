"""The timeline exports loaded into the real libraries: vis-timeline (with vis-data's DataSet) and TimelineJS 3, in
Debian's Chromium, from a local server (tests/timeline_libs/render.mjs). Shape tests cannot show that a library
accepts a document; these load the whole seed story's timeline, downloaded from a running `realign serve`, and
count what each library rendered.

The packages come from tests/timeline_libs' committed lock file (`npm ci`, run here when node_modules is missing
or stale); the browser is /usr/bin/chromium, never a downloaded one. Missing Node or Chromium fails, never skips.
One SQLite story server: what the libraries do with a document does not depend on the database it came from (the
exports on both backends are tests/api/test_exports.py's business).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.chromium import CHROMIUM, browser_tools
from tests.conftest import Databases
from tests.server import serve

LIBS = Path(__file__).resolve().parent / "timeline_libs"
EXPORTS = ("/export/timelinejs.json", "/export/vis-timeline.json", "/export/vis-timeline.json?groupBy=actor")


def timeline_libs() -> Path:
    """tests/timeline_libs with its packages installed from the lock file (as `browser_tools` does its own)."""
    browser_tools()  # fails, naming what to install, without Node, npm or Chromium
    locked = json.loads((LIBS / "package-lock.json").read_text())["packages"]
    stale = []
    for name in json.loads((LIBS / "package.json").read_text())["dependencies"]:
        installed = LIBS / "node_modules" / name / "package.json"
        version = locked[f"node_modules/{name}"]["version"]
        if not installed.exists() or json.loads(installed.read_text())["version"] != version:
            stale.append(name)
    if stale:
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=LIBS, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"npm ci in {LIBS} failed:\n{done.stderr}"
    return LIBS


@pytest.fixture(scope="module")
def story_url(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seed story on SQLite only (see the module docstring)."""
    return databases.copy("sqlite", "seeded", tmp_path_factory.mktemp("story"))[0]


@pytest.fixture(scope="module")
def rendered(story_url: str) -> dict[str, Any]:
    """What render.mjs found loading each export of the whole story into its library (one browser run)."""
    script = timeline_libs() / "render.mjs"
    with serve(story_url) as base:
        done = subprocess.run(
            ["node", str(script), base, *EXPORTS],
            capture_output=True,
            text=True,
            timeout=180,
            env={**os.environ, "REALIGN_CHROMIUM": str(CHROMIUM)},
        )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, f"render.mjs printed no result (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    found: dict[str, Any] = json.loads(lines[-1])
    assert found["ok"], found.get("error")
    return found


def test_the_pages_ask_nothing_from_outside_and_throw_nothing(rendered: dict[str, Any]):
    """Given the libraries served locally, then no page asked for anything off this machine and none threw."""
    assert rendered["outside"] == []
    assert rendered["pageErrors"] == []


def test_timelinejs_accepts_and_renders_every_event(rendered: dict[str, Any]):
    """Given the whole story's TimelineJS export, when TimelineJS loads it, then its configuration is valid with no
    error, it holds every event, draws a marker for each and a slide for each plus the title slide, and the
    markers' headlines are the exported ones, unescaped once (the export escapes; TimelineJS renders HTML)."""
    found = rendered["exports"]["/export/timelinejs.json"]
    assert found["exported"] == 36  # the seed story: 17 events, 9 statements, 10 reactions
    assert found["valid"] is True and found["errors"] == []
    assert found["configured"] == found["exported"]
    assert found["markers"] == found["exported"]
    assert found["slides"] == found["exported"] + 1
    assert found["titleSlide"] == "Timeline"
    assert sorted(found["headlines"]) == sorted(found["exportedHeadlines"])
    assert "Gideon Sa'ar: speech" in found["headlines"]  # &#x27; in the export, an apostrophe on the page
    assert not found["errorShown"] and found["errorMessages"] == []


def test_timelinejs_shows_the_cited_passage_and_its_source(rendered: dict[str, Any]):
    """Given the TimelineJS export, when its first event's slide is shown, then it shows the event's date label,
    the passage its source gives (as a quote) and the source's title and publisher (as the quote's credit)."""
    slide = rendered["exports"]["/export/timelinejs.json"]["firstSlide"]
    assert slide["headline"] == "Russia's full-scale invasion of Ukraine"
    assert slide["date"] == "2022 – ongoing"
    assert "Following Russia’s 2022 invasion of Ukraine, Israel refrained from taking sides." in slide["quote"]
    assert slide["credit"].startswith("Coalition of the Beleaguered?") and "The New York Sun" in slide["credit"]


@pytest.mark.parametrize("path", EXPORTS[1:])
def test_vis_timeline_accepts_and_renders_every_item(rendered: dict[str, Any], path: str):
    """Given the whole story's vis-timeline export (lanes by item type, then by actor), when its items and groups
    go into vis-data DataSets and a vis Timeline, then the DataSet holds every item, one item element is rendered
    per item with its type (point, range, background) and its classes, every group gets its lane, and the shown
    contents are the exported ones."""
    found = rendered["exports"][path]
    assert found["exported"] == 36
    assert found["dataSet"] == found["exported"]
    assert found["rendered"] == found["exported"]
    expected = {f"vis-{kind}": count for kind, count in found["exportedTypes"].items()}
    assert found["types"] == {**{"vis-point": 0, "vis-range": 0, "vis-background": 0}, **expected}
    assert found["types"]["vis-background"] >= 2  # the ongoing wars, at least
    assert found["classesRendered"] is True
    assert found["renderedGroups"] == found["groups"] > 1
    assert sorted(found["contents"]) == sorted(found["exportedContents"])

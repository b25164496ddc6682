"""Real browser tests: Node scripts under tests/browser/ drive Debian's Chromium with playwright-core.

playwright-core comes from the committed lock file (`npm ci`, run here when node_modules is missing or stale);
the browser is the system's /usr/bin/chromium, never a downloaded one. Missing Node or Chromium fails the
tests with what to install — they never skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

BROWSER = Path(__file__).resolve().parent / "browser"
CHROMIUM = Path(os.environ.get("REALIGN_CHROMIUM", "/usr/bin/chromium"))


def browser_tools() -> Path:
    """The folder of browser scripts, its npm packages installed; fails (never skips) naming what is missing."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not found: install Node.js 20+ with npm (apt-get install nodejs npm)")
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium (or set REALIGN_CHROMIUM)")
    locked = json.loads((BROWSER / "package-lock.json").read_text())["packages"]["node_modules/playwright-core"]
    installed = BROWSER / "node_modules" / "playwright-core" / "package.json"
    if not installed.exists() or json.loads(installed.read_text())["version"] != locked["version"]:
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=BROWSER, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"npm ci in {BROWSER} failed:\n{done.stderr}"
    return BROWSER


def run_script(script: str, *args: str, timeout: float = 120) -> dict[str, Any]:
    """Run ``tests/browser/<script>`` with Node and return the JSON line it prints (its findings)."""
    done = subprocess.run(
        ["node", str(browser_tools() / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "REALIGN_CHROMIUM": str(CHROMIUM)},
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, f"{script} printed no result (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    return json.loads(lines[-1])

"""The playground as files and HTTP: built from web/ and current, served with its assets, switched off cleanly.

The browser side is tests/test_browser.py; these need neither Node nor Chromium.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx

from api.app import create_app
from api.settings import Settings
from api.web import PLAYGROUND
from tests.support import ROOT

WEB = ROOT / "web"


def web_sources_hash() -> str:
    """The hash web/stamp.mjs writes into build.json, computed the same way: every file under web/ except
    node_modules/ and dotfiles, sorted by path, each hashed as "<path>\\0<bytes>\\0"."""
    paths = sorted(
        path.relative_to(WEB).as_posix()
        for path in WEB.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") or part == "node_modules" for part in path.relative_to(WEB).parts)
    )
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.encode() + b"\0" + (WEB / path).read_bytes() + b"\0")
    return digest.hexdigest()


def referenced_assets() -> list[str]:
    """The asset files index.html loads (scripts and stylesheets)."""
    html = (PLAYGROUND / "index.html").read_text()
    return re.findall(r'(?:src|href)="/playground/assets/([^"]+)"', html)


def get(path: str, **settings: object) -> httpx.Response:
    """One GET to an app that never touches its database (the playground and assets need none)."""

    async def go() -> httpx.Response:
        app = create_app(Settings(database_url="sqlite://", **settings))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            return await client.get(path, headers={"accept": "text/html"})

    return asyncio.run(go())


def test_the_build_is_current_with_web_sources():
    """Given web/'s sources and lock file, when hashed, then they match the committed build's stamp — else run
    `npm --prefix web ci && npm --prefix web run build` and commit api/playground/."""
    stamp = json.loads((PLAYGROUND / "build.json").read_text())
    assert stamp["sources"] == web_sources_hash(), (
        "web/ changed since api/playground/ was built: run `npm --prefix web ci && npm --prefix web run build`"
    )


def test_the_stamp_names_the_locked_graphiql():
    """Given the build stamp, then it records the GraphiQL 5 release web/package-lock.json pins."""
    stamp = json.loads((PLAYGROUND / "build.json").read_text())
    lock = json.loads((WEB / "package-lock.json").read_text())["packages"]
    assert stamp["graphiql"] == lock["node_modules/graphiql"]["version"]
    assert stamp["graphiql"].startswith("5.")


def test_index_html_loads_only_its_own_assets():
    """Given the built index.html, then it loads a script and a stylesheet, both in assets/, and no URL elsewhere."""
    names = referenced_assets()
    assert any(n.endswith(".js") for n in names) and any(n.endswith(".css") for n in names)
    assert all((PLAYGROUND / "assets" / name).is_file() for name in names), names
    assert "//" not in (PLAYGROUND / "index.html").read_text().replace("<!doctype", "")


def test_the_bundle_stays_reasonable():
    """Given the built assets (Monaco is most of them), then they stay under 10 MB on disk."""
    size = sum(path.stat().st_size for path in (PLAYGROUND / "assets").iterdir())
    assert size < 10_000_000, f"{size / 1e6:.1f} MB"


def test_get_graphql_as_html_serves_the_built_page_with_a_self_only_policy():
    """Given a browser asking /graphql for HTML, then the built page comes back, not Strawberry's unpkg one,
    with a Content-Security-Policy allowing only this server (and WebSockets to it)."""
    response = get("/graphql")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert response.text == (PLAYGROUND / "index.html").read_text()
    assert "unpkg" not in response.text
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self';" in policy
    assert "connect-src 'self' ws://t wss://t;" in policy
    assert "unsafe-eval" not in policy


def test_a_strange_host_header_is_not_echoed_into_the_policy():
    """Given a Host header that is not host[:port], then the policy's connect-src is 'self' alone."""

    async def go() -> httpx.Response:
        app = create_app(Settings(database_url="sqlite://"))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            return await client.get("/graphql", headers={"accept": "text/html", "host": "evil.org; script-src *"})

    policy = asyncio.run(go()).headers["content-security-policy"]
    assert "connect-src 'self';" in policy and "evil" not in policy


def test_assets_are_served_and_cached_for_good():
    """Given the hashed assets, when fetched, then they answer 200 with a year-long immutable cache."""
    for name in referenced_assets():
        response = get(f"/playground/assets/{name}")
        assert response.status_code == 200, name
        assert response.content == (PLAYGROUND / "assets" / name).read_bytes()
        assert "immutable" in response.headers["cache-control"]
    assert get("/playground/assets/missing.js").status_code == 404


def test_graphiql_false_removes_page_and_assets():
    """Given REALIGN_GRAPHIQL=false, then GET /graphql as HTML gets no page and the assets route is gone."""
    assert get("/graphql", graphiql=False).status_code == 404
    assert get(f"/playground/assets/{referenced_assets()[0]}", graphiql=False).status_code == 404


def test_a_wheel_ships_the_playground(tmp_path: Path):
    """Given a non-editable build (a wheel), then it holds index.html, build.json and every asset."""
    # From a copy of what a source distribution holds: setuptools builds in the source tree and keeps build/
    # between runs, so a wheel built in place could still hold the assets of an earlier build.
    source = tmp_path / "source"
    for name in ("pyproject.toml", "README.md"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, source / name)
    for name in ("api", "schema", "seeds"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    # With build isolation, as `pip install .` does: pip brings the setuptools pyproject.toml asks for.
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("realign-*.whl")
    shipped = {name for name in zipfile.ZipFile(wheel).namelist() if name.startswith("api/playground/")}
    built = {
        f"api/playground/{path.relative_to(PLAYGROUND).as_posix()}" for path in PLAYGROUND.rglob("*") if path.is_file()
    }
    assert shipped == built

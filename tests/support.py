"""Helpers shared by the tests (not fixtures): paths, migrating, loading, running the CLI, counting rows."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from api.db import make_engine
from seeds.format import FILES
from seeds.loader import STORY, load_dir

ROOT = Path(__file__).resolve().parents[1]
ALEMBIC_INI = ROOT / "alembic.ini"
BIN = Path(sys.executable).parent
POSTGRES_URL = os.environ.get("REALIGN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ARTICLE = Path(os.environ.get("REALIGN_STORY_ARTICLE", "/work/shared/seeds/coalition-of-the-beleaguered.txt"))
ARTICLE_SOURCE = "ny-sun-coalition-of-the-beleaguered"


def alembic_config(url: str) -> Config:
    """Alembic's configuration from the repository's alembic.ini, pointed at ``url``."""
    config = Config(str(ALEMBIC_INI))
    config.attributes["url"] = url
    return config


def migrate(url: str, revision: str = "head") -> None:
    """Upgrade the database at ``url`` as an operator would."""
    command.upgrade(alembic_config(url), revision)


def load_story(url: str) -> None:
    """Load the seed story into the database at ``url``; raises on any load error."""
    engine = make_engine(url)
    try:
        result = load_dir(engine)
    finally:
        engine.dispose()
    assert not result.errors, "\n".join(result.errors)


def unique_name(prefix: str) -> str:
    """A database name no other run or test uses: the prefix, this process id and random hex."""
    return f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"


def story_lines(kind: str, folder: Path = STORY) -> list[dict]:
    """The decoded records of one record type in a seed folder."""
    name = next(file for file, k in FILES if k == kind)
    path = folder / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def count(engine: Engine, table: str) -> int:
    """The number of rows in ``table``."""
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def run_realign(
    *args: str, url: str, cwd: Path = ROOT, timeout: float = 60, settings: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run the installed ``realign`` command with REALIGN_DATABASE_URL set (and ``settings``, REALIGN_ variables),
    as a user would type it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REALIGN_")}
    env["REALIGN_DATABASE_URL"] = url
    env.update(settings or {})
    return subprocess.run(
        [str(BIN / "realign"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )

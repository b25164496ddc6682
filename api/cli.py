"""The ``realign`` command line: database migrations, seeding, serving and the schema file."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from api.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str):  # type: ignore[no-untyped-def]
    """Alembic's configuration for this project, pointed at a database URL."""
    from alembic.config import Config

    ini = Path.cwd() / "alembic.ini"
    if not ini.exists():
        ini = ROOT / "alembic.ini"
    if not ini.exists():
        raise click.ClickException(f"alembic.ini not found in {Path.cwd()} or {ROOT}")
    config = Config(str(ini))
    config.attributes["url"] = url
    return config


class FriendlyGroup(click.Group):
    """Turns the operator's usual mistakes (bad URL, server down, database not migrated) into one-line errors."""

    def invoke(self, ctx: click.Context) -> object:
        from sqlalchemy import exc

        try:
            return super().invoke(ctx)
        except ValueError as error:
            if isinstance(error, click.ClickException):
                raise
            raise click.ClickException(str(error)) from None
        except (exc.OperationalError, exc.ProgrammingError) as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            hint = ""
            if "no such table" in reason or "does not exist" in reason:
                hint = " — is the database migrated? Run `realign db upgrade`."
            raise click.ClickException(f"database error: {reason}{hint}") from None


@click.group(cls=FriendlyGroup)
@click.option("--database-url", envvar="REALIGN_DATABASE_URL", help="Overrides REALIGN_DATABASE_URL.")
@click.pass_context
def main(ctx: click.Context, database_url: str | None) -> None:
    """Realign: a GraphQL data API for timelines of shifting relationships between actors."""
    settings = get_settings()
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    ctx.obj = settings


@main.group(cls=FriendlyGroup)
def db() -> None:
    """Database migrations (Alembic)."""


@db.command("upgrade")
@click.argument("revision", default="head")
@click.pass_obj
def db_upgrade(settings: Settings, revision: str) -> None:
    """Migrate the database up to REVISION (default: the latest)."""
    from alembic import command

    command.upgrade(alembic_config(settings.database_url), revision)
    click.echo(f"database at {revision}: {_safe_url(settings.database_url)}")


@db.command("downgrade")
@click.argument("revision")
@click.pass_obj
def db_downgrade(settings: Settings, revision: str) -> None:
    """Migrate the database down to REVISION ("base" removes every table)."""
    from alembic import command

    command.downgrade(alembic_config(settings.database_url), revision)
    click.echo(f"database at {revision}")


@db.command("current")
@click.pass_obj
def db_current(settings: Settings) -> None:
    """Show the database's current revision."""
    from alembic import command

    command.current(alembic_config(settings.database_url))


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@main.command()
@click.option(
    "--path",
    "paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A folder of seed files (default: the built-in story). May be repeated.",
)
@click.option(
    "--synthetic",
    type=click.IntRange(min=1),
    default=None,
    help="Instead, generate and load a deterministic synthetic data set of N events.",
)
@click.pass_obj
def seed(settings: Settings, paths: tuple[Path, ...], synthetic: int | None) -> None:
    """Load the seed story (or synthetic data) idempotently: upsert by slug, all or nothing."""
    from api.db import make_engine
    from seeds import loader
    from seeds import synthetic as synth
    from seeds.format import read_dir

    engine = make_engine(settings.database_url)
    started = time.perf_counter()
    if synthetic:
        click.echo(f"generating {synthetic} synthetic events…", err=True)
        records, errors = synth.parsed(synthetic), []
    else:
        records, errors = [], []
        for path in paths or (loader.STORY,):
            found, problems = read_dir(path)
            records += found
            errors += problems
    events = sum(1 for r in records if r.kind == "event")
    with click.progressbar(length=events, label="events", file=sys.stderr) as bar:
        result = loader.load_records(engine, records, errors, progress=bar.update)
    engine.dispose()
    if result.errors:
        for line in result.errors:
            click.echo(line, err=True)
        raise click.ClickException(f"{len(result.errors)} problem(s); nothing was written")
    counts = result.counts
    assert counts is not None
    for kind in ("source", "actor", "affiliation", "event", "statement", "reaction", "relationship_change"):
        if counts.total(kind):
            click.echo(
                f"{kind + 's':22} {counts.total(kind):>7}  (new {counts.inserted[kind]}, "
                f"updated {counts.updated[kind]}, unchanged {counts.unchanged[kind]})"
            )
    click.echo(f"loaded in {time.perf_counter() - started:.1f}s")


@main.command()
@click.option("--host", default=None, help="Interface to listen on (REALIGN_HOST).")
@click.option("--port", type=int, default=None, help="Port (REALIGN_PORT).")
@click.option("--workers", type=int, default=None, help="Worker processes (REALIGN_WORKERS).")
@click.pass_obj
def serve(settings: Settings, host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql) with uvicorn."""
    import os

    import uvicorn

    os.environ["REALIGN_DATABASE_URL"] = settings.database_url
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        log_level=settings.log_level.lower(),
        access_log=False,
    )


@main.group(cls=FriendlyGroup)
def token() -> None:
    """API tokens for writes (editor) and administration (admin)."""


@token.command("create")
@click.option("--name", required=True, help="Who or what the token is for (unique).")
@click.option("--role", type=click.Choice(["reader", "editor", "admin"]), default="editor", show_default=True)
@click.pass_obj
def token_create(settings: Settings, name: str, role: str) -> None:
    """Create a token; it is printed once and stored only as a hash."""
    from api.db import make_engine
    from api.services import tokens

    engine = make_engine(settings.database_url)
    with engine.begin() as conn:
        value = tokens.create(conn, name=name, role=role)
    engine.dispose()
    click.echo(value)
    click.echo(f"created {role} token {name!r}; send it as `Authorization: Bearer <token>`", err=True)


@token.command("revoke")
@click.argument("name")
@click.pass_obj
def token_revoke(settings: Settings, name: str) -> None:
    """Revoke the token called NAME."""
    from api.db import make_engine
    from api.services import tokens

    engine = make_engine(settings.database_url)
    with engine.begin() as conn:
        done = tokens.revoke(conn, name=name)
    engine.dispose()
    if not done:
        raise click.ClickException(f"no live token named {name!r}")
    click.echo(f"revoked {name!r}")


@token.command("list")
@click.pass_obj
def token_list(settings: Settings) -> None:
    """List tokens (names and roles; the tokens themselves are never stored)."""
    from api.db import make_engine
    from api.services import tokens

    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        for row in tokens.listing(conn):
            state = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "live"
            click.echo(f"{row.name:30} {row.role:7} created {row.created_at:%Y-%m-%d %H:%M}  {state}")
    engine.dispose()


@main.group("schema", cls=FriendlyGroup)
def schema_group() -> None:
    """The GraphQL schema as SDL."""


@schema_group.command("export")
@click.option("--output", type=click.Path(path_type=Path), default=ROOT / "schema.graphql", show_default=True)
def schema_export(output: Path) -> None:
    """Write the schema's SDL to schema.graphql."""
    from schema import sdl

    output.write_text(sdl(), encoding="utf-8")
    click.echo(f"wrote {output}")

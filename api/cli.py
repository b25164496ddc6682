"""The ``realign`` command line: database migrations, seeding, serving and the schema file."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

import click

from api.settings import Settings, get_settings

if TYPE_CHECKING:  # imported where used, so `realign --help` starts fast
    from alembic.config import Config
    from sqlalchemy import Engine

    from seeds.format import Parsed

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str) -> Config:
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
    help="Instead, generate and load a deterministic synthetic data set of N events (slugs start `syn-`); "
    "refused if the database holds curated records, unless --mix-with-curated.",
)
@click.option(
    "--mix-with-curated",
    is_flag=True,
    help="With --synthetic: load it even though the database holds curated records (the story or your own).",
)
@click.option(
    "--remove-synthetic",
    is_flag=True,
    help="Instead, delete every synthetic record in one transaction, leaving the curated ones untouched.",
)
@click.pass_obj
def seed(
    settings: Settings,
    paths: tuple[Path, ...],
    synthetic: int | None,
    mix_with_curated: bool,
    remove_synthetic: bool,
) -> None:
    """Load the seed story (or synthetic data) idempotently: upsert by slug, all or nothing."""
    from api.services import synthetic as synthetic_service
    from seeds import loader
    from seeds import synthetic as synth
    from seeds.format import read_dir_all, reserved_slugs

    if remove_synthetic and (synthetic or paths or mix_with_curated):
        raise click.UsageError("--remove-synthetic takes no other option")
    if mix_with_curated and not synthetic:
        raise click.UsageError("--mix-with-curated goes with --synthetic N")
    if synthetic and paths:
        raise click.UsageError("--synthetic and --path exclude each other")
    engine = database(settings)
    try:
        if remove_synthetic:
            _remove_synthetic(engine)
            return
        started = time.perf_counter()
        with engine.connect() as conn:
            census = synthetic_service.census(conn)
        records: list[Parsed] = []
        errors: list[str] = []  # as `where: field: message`
        partial: list[Parsed] = []  # the lines with problems, read as far as they go
        if synthetic:
            if census.total_curated and not mix_with_curated:
                raise click.ClickException(
                    f"the database holds {census.total_curated} curated record(s) (the seed story or your own); "
                    "synthetic data would mix with them. Load it into an empty database, or pass "
                    "--mix-with-curated to load it beside them (`realign seed --remove-synthetic` takes it out "
                    "again)."
                )
            click.echo(f"generating {synthetic} synthetic events…", err=True)
            records = synth.parsed(synthetic)
        else:
            for path in paths or (loader.STORY,):
                found, problems, rejected = read_dir_all(path)
                records += found
                errors += problems + reserved_slugs(found + rejected)
                partial += rejected
        events = sum(1 for r in records if r.kind == "event")
        with _progress(events, "events") as bar:
            result = loader.load_records(engine, records, errors, progress=bar.update, partial=partial)
    finally:
        engine.dispose()
    if result.errors:
        for line in result.errors:
            click.echo(line, err=True)
        raise click.ClickException(f"{len(result.errors)} problem(s); nothing was written")
    counts = result.counts
    assert counts is not None
    for line in counts.lines():
        click.echo(line)
    click.echo(f"loaded in {time.perf_counter() - started:.1f}s")
    if not synthetic and census.total_synthetic:
        # Allowed (the story loads idempotently, and synthetic records stay recognisable), but worth saying.
        click.echo(
            f"note: the database also holds {census.total_synthetic} synthetic record(s); "
            "`realign seed --remove-synthetic` removes them",
            err=True,
        )


def _remove_synthetic(engine: Engine) -> None:
    from api.services import synthetic as synthetic_service

    started = time.perf_counter()
    try:
        with engine.begin() as conn:
            removed = synthetic_service.remove(conn)
            left = synthetic_service.census(conn).total_curated
    except synthetic_service.SyntheticInUse as error:
        raise click.ClickException(str(error)) from None
    if not any(removed.values()):
        click.echo(f"no synthetic records to remove ({left} curated record(s) left as they were)")
        return
    for kind, number in removed.items():
        if number:
            click.echo(f"{kind + 's':22} {number:>7}  removed")
    click.echo(
        f"removed {sum(removed.values())} synthetic record(s) in {time.perf_counter() - started:.1f}s; "
        f"{left} curated record(s) left untouched"
    )


# Runs at least this big show a progress bar (on standard error).
PROGRESS_RECORDS = 10_000
PROGRESS_BYTES = 4 << 20


class Progress(Protocol):
    """What the commands report progress to: click's progress bar, or ``_NoBar``."""

    def __enter__(self) -> Progress: ...

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None: ...

    def update(self, n_steps: int) -> None: ...


class _NoBar:
    def __enter__(self) -> _NoBar:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        return None

    def update(self, n_steps: int) -> None:
        """Ignore progress (the run is short)."""


def database(settings: Settings) -> Engine:
    """A (synchronous) engine on the settings' database, giving up on a connection after ``db_connect_timeout``."""
    from api.db import make_engine

    return make_engine(settings.database_url, connect_timeout=settings.db_connect_timeout)


def _progress(length: int, label: str, threshold: int = PROGRESS_RECORDS) -> Progress:
    """A progress bar on standard error for long runs at a terminal, or nothing for short runs or when standard
    error is a file or pipe (where a bar's redraws would only be noise)."""
    if length < threshold or not sys.stderr.isatty():
        return _NoBar()
    return click.progressbar(length=length, label=label, file=sys.stderr)


@main.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite the seed files FOLDER already holds.")
@click.pass_obj
def export_command(settings: Settings, folder: Path, force: bool) -> None:
    """Write the whole database to FOLDER as seed files (the format of `realign seed --path` and `realign import`)."""
    from api.kinds import FILES
    from api.services import export

    existing = [name for name, _ in FILES if (folder / name).exists()]
    if existing and not force:
        raise click.ClickException(f"{folder} already holds {', '.join(existing)}; use --force to overwrite them")
    engine = database(settings)
    started = time.perf_counter()
    try:
        with export.snapshot(engine) as conn:
            total = sum(export.totals(conn).values())
            with _progress(total, "exporting") as bar:
                counts = export.export_dir(conn, folder, progress=bar.update)
    finally:
        engine.dispose()
    for kind, number in counts.items():
        click.echo(f"{kind + 's':22} {number:>7}")
    click.echo(f"exported to {folder} in {time.perf_counter() - started:.1f}s")


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Import the valid records; skip the invalid ones and every record that refers to a skipped one.",
)
@click.pass_obj
def import_command(settings: Settings, paths: tuple[Path, ...], skip_invalid: bool) -> None:
    """Import seed files: each PATH a folder of them or one file named for its record type (events.jsonl).

    Everything is validated first; any problem is reported as `file:line: field: message` and nothing is
    written (unless --skip-invalid). The import upserts by slug in one transaction and is audited.
    """
    from api.services import export
    from seeds import loader

    started = time.perf_counter()
    with _progress(loader.total_bytes(paths), "reading", PROGRESS_BYTES) as bar:
        read = loader.read_paths(paths, progress=bar.update)
    names = [str(path.resolve()) for path in paths]
    events = sum(1 for r in read.records if r.kind == "event")
    engine = database(settings)
    try:
        with _progress(events, "events") as bar:
            result = loader.load_records(
                engine,
                read.records,
                read.errors,
                progress=bar.update,
                skip_invalid=skip_invalid,
                rejected=read.rejected,
                partial=read.partial,
                before_commit=lambda conn, counts: export.record_import(conn, names, counts),
                track=True,
            )
    finally:
        engine.dispose()
    if result.errors:
        for line in result.errors:
            click.echo(line, err=True)
        raise click.ClickException(
            f"{len(result.errors)} problem(s); nothing was written (--skip-invalid imports the valid records)"
        )
    if result.skipped:
        click.echo(f"skipped {result.skipped_records} record(s):", err=True)
        for line in result.skipped:
            click.echo(line, err=True)
    counts = result.counts
    assert counts is not None
    for line in counts.lines():
        click.echo(line)
    if result.skipped:
        click.echo(f"skipped {result.skipped_records} invalid or dependent record(s)")
    click.echo(f"imported in {time.perf_counter() - started:.1f}s")


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
        # Live changes are small (a few hundred bytes) and many: compressing each for each subscriber cost more
        # CPU than any other part of sending it (measured: bench/live.py), for little saved.
        ws_per_message_deflate=False,
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
    from api.services import tokens

    engine = database(settings)
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
    from api.services import tokens

    engine = database(settings)
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
    from api.services import tokens

    engine = database(settings)
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

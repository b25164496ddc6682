"""Alembic environment: the URL from Realign's settings, batch mode on SQLite, types compared, text indexes left
out of autogenerate."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import api.models  # noqa: F401 - registers every table on the metadata
from api.db import backend, make_engine
from api.search import include_name
from api.settings import get_settings

config = context.config
target_metadata = SQLModel.metadata


def database_url() -> str:
    """`-x url=...`, then an URL set by the caller on the config, then the settings."""
    x_args = context.get_x_argument(as_dictionary=True)
    return x_args.get("url") or config.attributes.get("url") or get_settings().database_url


def run_migrations_offline() -> None:
    url = database_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=backend(url) == "sqlite",
        compare_type=True,
        include_name=include_name,  # the text indexes are the migrations' own (see api.search)
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(database_url())
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,  # the text indexes are the migrations' own (see api.search)
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

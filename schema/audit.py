"""Admin and sync reads: the audit trail of writes, and the tombstones of deleted records."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from sqlalchemy import select, tuple_
from strawberry.scalars import JSON
from strawberry.types import Info

from api.kinds import BY_KEY, BY_TYPE_NAME
from api.tables import AUDIT_ENTRY as AUDIT
from api.tables import TOMBSTONE as TOMB
from schema import ids
from schema.errors import BadUserInput
from schema.filters import utc
from schema.loaders import aware
from schema.pagination import Connection, bounded_count, build_connection, page_args
from schema.types.nodes import Affiliation, RelationshipChange, Source


@strawberry.type(description="One write: who made it (token), what changed (before and after), and when.")
class AuditEntry:
    at: dt.datetime = strawberry.field(description="When the write committed.")
    made_by: str = strawberry.field(description="The name of the token that wrote it (`cli` for imports).")
    action: str = strawberry.field(description="create, update, delete or import.")
    record_type: str | None = strawberry.field(description="The record's type, e.g. `Event`.")
    record_id: strawberry.ID | None = strawberry.field(description="The record's global id.")
    record_slug: str | None = strawberry.field(description="The record's slug.")
    before: JSON | None = strawberry.field(description="The record before the write (seed-file form).")
    after: JSON | None = strawberry.field(description="The record after the write (seed-file form).")


@strawberry.type(
    description="A deleted record, as a delete answers it and `deletedSince` lists it: enough for a client or mirror "
    "to drop its copy."
)
class DeletedItem:
    type: str = strawberry.field(description="The record type, e.g. `Event`.")
    id: strawberry.ID = strawberry.field(description="The record's former global id.")
    slug: str | None = strawberry.field(description="The record's former slug.")
    deleted_at: dt.datetime = strawberry.field(description="When it was deleted.")


@strawberry.input(description="Narrows the audit trail.")
class AuditFilter:
    record: strawberry.ID | None = strawberry.field(default=None, description="One record, by global id.")
    record_type: str | None = strawberry.field(default=None, description="One record type, e.g. `Event`.")
    made_by: str | None = strawberry.field(default=None, description="Writes by the token with this name.")
    since: dt.datetime | None = strawberry.field(default=None, description="Writes at or after this time.")
    until: dt.datetime | None = strawberry.field(default=None, description="Writes before this time.")


def _entry(row: Any) -> AuditEntry:
    kind = BY_KEY.get(row.record_type)  # None for an import or the removal of synthetic data
    type_name = kind.type_name if kind else None
    return AuditEntry(
        at=aware(row.at),
        made_by=row.token_name,
        action=row.action,
        record_type=type_name or row.record_type,
        record_id=ids.encode(type_name, row.record_id) if type_name and row.record_id else None,
        record_slug=row.record_slug,
        before=row.before,
        after=row.after,
    )


@strawberry.type
class AuditQuery:
    # Nullable on purpose (as GitHub does for fields some callers may not see): a non-admin asking for it beside
    # other fields gets those fields and one error for this one, instead of `data: null` for the whole request.
    @strawberry.field(
        description="The audit trail, newest first. Pages like every list. Admin role only: for anyone else it is "
        "null, with one error at its path (`UNAUTHENTICATED` without a token, `FORBIDDEN` with a token of a "
        "lesser role), and the rest of the request still answers."
    )
    async def audit_trail(
        self,
        info: Info,
        filter: AuditFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AuditEntry] | None:
        context = info.context
        await context.require("admin")
        page = page_args(first, after, last, before, max_size=context.settings.max_page_size, key="i")
        where: list[Any] = []
        if filter is not None:
            if filter.record is not None:
                type_name, ident = ids.decode(filter.record, field="filter.record")
                where += [AUDIT.c.record_type == BY_TYPE_NAME[type_name].key, AUDIT.c.record_id == ident]
            if filter.record_type is not None:
                if filter.record_type not in BY_TYPE_NAME:
                    raise BadUserInput(f"{filter.record_type!r} is not a record type", field="filter.recordType")
                where.append(AUDIT.c.record_type == BY_TYPE_NAME[filter.record_type].key)
            if filter.made_by is not None:
                where.append(AUDIT.c.token_name == filter.made_by)
            if filter.since is not None:
                where.append(AUDIT.c.at >= utc(filter.since))
            if filter.until is not None:
                where.append(AUDIT.c.at < utc(filter.until))
        statement = select(AUDIT).where(*where)
        if page.cursor is not None:
            key = tuple_(AUDIT.c.id)
            statement = statement.where(key > tuple_(*page.cursor) if page.backward else key < tuple_(*page.cursor))
        order = AUDIT.c.id.asc() if page.backward else AUDIT.c.id.desc()
        rows = await context.rows(statement.order_by(order).limit(page.size + 1))

        limit = context.settings.exact_count_limit

        async def count() -> int:
            statement = bounded_count(select(AUDIT.c.id).where(*where))
            return (await context.rows(statement, {"count_limit": limit + 1}))[0][0]

        return build_connection([((row.id,), _entry(row)) for row in rows], page, count, limit)

    @strawberry.field(
        description="Records deleted at or after `since` (oldest first), so a client can drop its copies; pair "
        "with `filter: {updatedSince}` on the lists to stay in sync."
    )
    async def deleted_since(
        self, info: Info, since: dt.datetime, first: int | None = None, after: str | None = None
    ) -> Connection[DeletedItem]:
        context = info.context
        page = page_args(first, after, None, None, max_size=context.settings.max_page_size, key="i")
        since = utc(since)
        statement = select(TOMB).where(TOMB.c.deleted_at >= since)
        if page.cursor is not None:
            statement = statement.where(TOMB.c.id > page.cursor[0])
        rows = await context.rows(statement.order_by(TOMB.c.id).limit(page.size + 1))
        items = [
            (
                (row.id,),
                DeletedItem(
                    type=BY_KEY[row.record_type].type_name,
                    id=ids.encode(BY_KEY[row.record_type].type_name, row.record_id),
                    slug=row.slug,
                    deleted_at=aware(row.deleted_at),
                ),
            )
            for row in rows
        ]

        limit = context.settings.exact_count_limit

        async def count() -> int:
            statement = bounded_count(select(TOMB.c.id).where(TOMB.c.deleted_at >= since))
            return (await context.rows(statement, {"count_limit": limit + 1}))[0][0]

        return build_connection(items, page, count, limit)


@strawberry.input(description="Narrows a plain record list (sources, affiliations, relationship changes).")
class RecordFilter:
    updated_since: dt.datetime | None = strawberry.field(
        default=None,
        description="Only records created or changed at or after this time (for syncing; see `deletedSince`).",
    )


async def _by_id_page(
    info: Info,
    type_name: str,
    filter: RecordFilter | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[Any]:
    from schema.loaders import BUILDERS

    context = info.context
    table = BY_TYPE_NAME[type_name].table
    page = page_args(first, after, last, before, max_size=context.settings.max_page_size, key="i")
    updated_since = filter.updated_since if filter is not None else None
    where = [table.c.updated_at >= utc(updated_since)] if updated_since is not None else []
    statement = select(table).where(*where)
    if page.cursor is not None:
        statement = statement.where(table.c.id < page.cursor[0] if page.backward else table.c.id > page.cursor[0])
    # Backward pages read the ids downward from the cursor; build_connection puts them back in creation order.
    order = table.c.id.desc() if page.backward else table.c.id.asc()
    rows = await context.rows(statement.order_by(order).limit(page.size + 1))

    limit = context.settings.exact_count_limit

    async def count() -> int:
        statement = bounded_count(select(table.c.id).where(*where))
        return (await context.rows(statement, {"count_limit": limit + 1}))[0][0]

    return build_connection([((row.id,), BUILDERS[type_name](row)) for row in rows], page, count, limit)


SYNC = (
    "In creation order; `filter: {updatedSince}` keeps only those created or changed at or after that time "
    "(for syncing)."
)


@strawberry.type
class RecordsQuery:
    @strawberry.field(description="Sources. " + SYNC)
    async def sources(
        self,
        info: Info,
        filter: RecordFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Source]:
        return await _by_id_page(info, "Source", filter, first, after, last, before)

    @strawberry.field(description="Affiliations (roles held, bodies part of others). " + SYNC)
    async def affiliations(
        self,
        info: Info,
        filter: RecordFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Affiliation]:
        return await _by_id_page(info, "Affiliation", filter, first, after, last, before)

    @strawberry.field(description="Relationship changes (see `relationship` for a dyad's history). " + SYNC)
    async def relationship_changes(
        self,
        info: Info,
        filter: RecordFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[RelationshipChange]:
        return await _by_id_page(info, "RelationshipChange", filter, first, after, last, before)

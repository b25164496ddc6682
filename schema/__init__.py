"""The Strawberry schema of Realign: ``build_schema(settings)`` and ``sdl()``."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from api.settings import Settings
from schema import engine as read_engine
from schema import (
    loaders,  # noqa: F401 - registers the relation fetchers
    series,  # noqa: F401 - registers the relation fetchers of Relationship.series and scoreAsOf
)
from schema.audit import AuditQuery, RecordsQuery
from schema.context import ReleaseConnection
from schema.docs import document
from schema.errors import masked
from schema.exports import EXPORT_FIELDS, ExportQuery
from schema.internals import graphql_schema, request_error_kind
from schema.limits import Bound, cost_limit
from schema.live import LiveSubscription
from schema.mutations import Mutation
from schema.network import NetworkQuery
from schema.overview import OverviewQuery
from schema.queries import ReadQuery
from schema.refs import SCALARS
from schema.relationships import RelationshipQuery
from schema.types.nodes import Actor, Affiliation, Event, Reaction, RelationshipChange, Source, Statement

log = logging.getLogger("realign.errors")


@strawberry.type(description="Read the story: actors, events, statements, reactions, timelines, relationships.")
class Query(ReadQuery, RelationshipQuery, NetworkQuery, OverviewQuery, RecordsQuery, AuditQuery, ExportQuery):
    pass


@strawberry.type(description="Follow the story as it is written: timeline items and relationship moves, live.")
class Subscription(LiveSubscription):
    pass


# The code (and, for a limit, which one) of each kind of request error (``request_error_kind``).
REQUEST_ERRORS = {
    "tokens": ("BAD_USER_INPUT", "tokens"),
    "syntax": ("GRAPHQL_PARSE_FAILED", None),
    "variables": ("BAD_USER_INPUT", None),
    "depth": ("BAD_USER_INPUT", "depth"),
    "aliases": ("BAD_USER_INPUT", "aliases"),
    "validation": ("GRAPHQL_VALIDATION_FAILED", None),
}


def request_error_code(error: GraphQLError) -> None:
    """Give errors raised before execution (syntax, validation, variables, limits) a stable code."""
    if (error.extensions or {}).get("code"):
        return
    code, limit = REQUEST_ERRORS[request_error_kind(error)]
    extensions = {**(error.extensions or {}), "code": code}
    if limit is not None:
        extensions["limit"] = limit
    error.extensions = extensions


class PublicErrors(SchemaExtension):
    """Mask unexpected errors as "internal error" (with a reference in the log); show public ones (``masked``).

    Queries and mutations are masked here as they end. A subscription's events are masked as they are executed,
    once per execution that identical subscriptions share (``schema.shared``), and failures of its source where it
    runs (``schema.live``): a hook on every streamed result, as Strawberry's ``MaskErrors`` has, costs each
    subscriber's every event ~10% of a replica's time under load."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = masked(errors)  # type: ignore[union-attr]


class Schema(strawberry.Schema):
    """Strawberry's schema, but client errors are not logged as server errors (internal ones are, masked)."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        for error in errors:
            log.debug("client error: %s", error.message)


def build_schema(settings: Settings | None = None, *, engine: bool = True) -> strawberry.Schema:
    """The schema with the limits and caches the settings ask for. ``engine=False`` leaves the read engine out
    (no prefetch walk, no fast completion: every relation fetches for itself), for comparing answers with it."""
    settings = settings or Settings()
    # The limit rules are built once: a new rule class per request would defeat the validation cache.
    rules = [
        *QueryDepthLimiter(max_depth=settings.max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]

    class Limits(AddValidationRules):
        """Query depth and alias limits, as validation rules."""

        def __init__(self) -> None:
            super().__init__(rules)

    extensions: list[Any] = [
        ReleaseConnection,
        Limits,
        cost_limit(settings.max_nodes, dict.fromkeys(EXPORT_FIELDS, Bound(settings.max_export_items))),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
        PublicErrors,
    ]
    if not settings.introspection:
        from strawberry.extensions import DisableIntrospection

        extensions.append(DisableIntrospection)
    schema = Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Actor, Affiliation, Event, Statement, Reaction, RelationshipChange, Source],
        extensions=extensions,
        execution_context_class=read_engine.execution_context_class(engine),
        # Batching is not part of GraphQL over HTTP: off by default (1), on with REALIGN_MAX_BATCH > 1.
        config=StrawberryConfig(
            scalar_map=SCALARS,
            batching_config={"max_operations": settings.max_batch} if settings.max_batch > 1 else None,
        ),
    )
    document(graphql_schema(schema))
    read_engine.install(schema, engine=engine)
    return schema


def sdl() -> str:
    """The schema as SDL text, as committed in ``schema.graphql``."""
    return build_schema().as_str() + "\n"

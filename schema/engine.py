"""The read engine's one seam: how a built schema resolves relations and completes prefetched pages.

Resolvers and types know nothing of it. A root field (of Query or Mutation) returns its objects; a type
inherits ``Prefetchable`` and declares its relation fields with ``relation_field``; ``schema.loaders``
registers a batch fetcher per relation. ``install`` then wires a built schema, in one of two ways:

- the engine (what the server runs): after every root field the walk prefetches the whole selection below it,
  a level and a relation at a time (``schema.prefetch``), and ``FastExecutionContext`` completes the
  prefetched objects in one pass (``schema.fastpath``);
- plain graphql-core execution (``engine=False``, what the differential tests compare with): no walk and the
  ordinary completion; every relation field of every object fetches for itself. Subscription events are still
  shared and masked (``schema.shared.SharedEvents``, which both contexts are).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLObjectType, GraphQLResolveInfo

from schema import prefetch
from schema.fastpath import FastExecutionContext
from schema.internals import graphql_schema
from schema.shared import SharedEvents


def execution_context_class(engine: bool) -> type:
    """The execution context to build the schema with: the fast completion, or graphql-core's ordinary one; either
    way subscription events are shared and their errors masked (``schema.shared``)."""
    return FastExecutionContext if engine else SharedEvents


def install(schema: strawberry.Schema, *, engine: bool) -> None:
    """Resolve the schema's relation fields with their fetchers and, with the engine, walk after root fields."""
    built = graphql_schema(schema)
    declared = relation_fields(schema)
    fetched = {key for key in prefetch.REGISTRY if key[0] in built.type_map}
    if declared != fetched:
        raise AssertionError(
            f"relation fields without a fetcher: {sorted(declared - fetched)}; "
            f"fetchers without a relation field: {sorted(fetched - declared)}"
        )
    for type_name, field_name in declared:
        gtype = built.type_map[type_name]
        assert isinstance(gtype, GraphQLObjectType)  # relation_fields found it among the object types
        field = gtype.fields[field_name]
        field.resolve = prefetch.relation_resolver(prefetch.REGISTRY[(type_name, field_name)], walk_below=engine)
    if engine:
        for root in (built.query_type, built.mutation_type):
            for field in root.fields.values() if root is not None else ():
                field.resolve = _walking(field.resolve)


def relation_fields(schema: strawberry.Schema) -> set[tuple[str, str]]:
    """(type, field) of every field declared with ``relation_field`` in the schema."""
    found = set()
    for name, gtype in graphql_schema(schema).type_map.items():
        if not isinstance(gtype, GraphQLObjectType) or name.startswith("__"):
            continue
        for field_name in gtype.fields:
            field = schema.get_field_for_type(field_name=field_name, type_name=name)
            resolver = field.base_resolver if field is not None else None
            if resolver is not None and resolver.wrapped_func in prefetch.DECLARED:
                found.add((name, field_name))
    return found


def _walking(resolve: Callable[..., Any] | None) -> Callable[..., Any]:
    """A root field's resolver followed by the walk over what it returned."""
    assert resolve is not None, "every root field has a resolver"

    async def resolve_and_walk(root: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        value = resolve(root, info, **args)
        if inspect.isawaitable(value):
            value = await value
        await prefetch.walk_root(info, value)  # looked up when called: tests may slow it down
        return value

    return resolve_and_walk

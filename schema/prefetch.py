"""Selection-driven batch loading: the SQL for a page is planned from the query's selection, not per object.

After a root field has fetched its page, the walk (``walk_root``, run by the engine for every root field:
``schema.engine``) looks at every selected relation field of every object type present, runs that relation's
fetcher once for all objects of the page (one SQL statement per relation and level, whatever the page size),
stores each object's share with the object and descends into the children. A relation field then just answers
what is stored; only an object reached some other way fetches for itself (``relation_resolver``).
A fetcher may fill its children's to-one relations too, joined into its own statement (``JOINED``,
``schema.loaders.Joins``): the walk then finds them stored and skips their fetch.

Types take part by inheriting ``Prefetchable`` and declaring their relation fields with ``relation_field``;
``schema.loaders`` registers a fetcher for each with ``relation``.
"""

from __future__ import annotations

import inspect
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any, cast

import strawberry
from graphql import (
    FieldNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    VariableNode,
    is_leaf_type,
    value_from_ast,
)
from strawberry.types import get_object_definition

from schema.selection import subfields, variable_values

Fetcher = Callable[["Walk", list[Any], str, dict[str, Any], list[FieldNode]], Awaitable[list[Any]]]
REGISTRY: dict[tuple[str, str], Fetcher] = {}
# Relations a parent's fetcher may already have filled (joined into its statement): the walk skips their fetch.
JOINED: set[tuple[str, str]] = set()


def relation(type_name: str, field_name: str) -> Callable[[Fetcher], Fetcher]:
    """Register the batch fetcher for a relation field.

    A fetcher gets the walk, the parents (all of one type), the field's response key, its arguments and its
    field nodes; it stores each parent's value under the key in ``parent._pre`` and returns the children to
    walk into (the objects, or the connections, it made)."""

    def register(fetcher: Fetcher) -> Fetcher:
        REGISTRY[(type_name, field_name)] = fetcher
        return fetcher

    return register


class Prefetchable:
    """An object with relation fields: ``_pre`` holds what was fetched for it, by response key (made on first
    use, so builders need not pass it; reading it later is a plain attribute read)."""

    _pre: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        if name != "_pre":
            raise AttributeError(name)
        pre: dict[str, Any] = {}
        self.__dict__["_pre"] = pre
        return pre


class Failed:
    """What a relation holds when its batch fetch failed: its field raises the error, at the field's own path
    (as it would had the object fetched for itself), instead of the root field the walk ran under."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error


# The resolvers ``relation_field`` declares: ``schema.engine`` finds the relation fields of a schema by them.
DECLARED: set[Callable[..., Any]] = set()
_PAGING = {"first": int | None, "after": str | None, "last": int | None, "before": str | None}


def relation_field(description: str, *, paged: bool = False, name: str | None = None) -> Callable[[Any], Any]:
    """Declare a relation field on a ``Prefetchable`` type from a stub whose return annotation is the field's
    type (its body is never run): the engine answers it from what was prefetched (``relation_resolver``).
    ``paged`` gives it the page arguments ``first``/``after``/``last``/``before``; arguments the stub declares
    (after ``self``, annotated and with defaults, as on any resolver) come before them."""

    def declare(stub: Callable[..., Any]) -> Any:
        def paged_resolver(
            self: Any, first: Any = None, after: Any = None, last: Any = None, before: Any = None
        ) -> Any:
            raise _not_installed(stub)

        def plain_resolver(self: Any) -> Any:
            raise _not_installed(stub)

        resolver: Callable[..., Any] = paged_resolver if paged else plain_resolver
        # Strawberry reads the field's type and arguments from these, in the stub's module (its names).
        resolver.__module__ = stub.__module__
        resolver.__name__ = stub.__name__
        resolver.__qualname__ = stub.__qualname__
        resolver.__annotations__ = {**(_PAGING if paged else {}), "return": stub.__annotations__["return"]}
        own = list(inspect.signature(stub).parameters.values())[1:]  # the stub's own arguments, after self
        if own:
            # A stub with arguments of its own (a window, a counterpart): they come first, then the page's; the
            # fetcher reads them all from the field's arguments, by their GraphQL names.
            paging = list(inspect.signature(resolver).parameters.values())[1:]
            resolver.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
                [*inspect.signature(resolver).parameters.values()][:1] + own + paging,
                return_annotation=stub.__annotations__["return"],
            )
            resolver.__annotations__ = {
                **{p.name: p.annotation for p in own},
                **resolver.__annotations__,
            }
        DECLARED.add(resolver)
        return strawberry.field(resolver=resolver, description=description, name=name)

    return declare


def _not_installed(stub: Callable[..., Any]) -> Exception:
    return RuntimeError(f"{stub.__qualname__} is a relation field: build the schema with schema.build_schema")


def object_type_name(value: Any) -> str | None:
    """The GraphQL type name if a value is an instance of a Strawberry object type (not an enum, not a scalar),
    else None; decided once per Python class."""
    cls = type(value)
    try:
        return OBJECT_TYPE_NAMES[cls]
    except KeyError:
        definition = get_object_definition(cls)
        found = definition.name if definition is not None else None
        OBJECT_TYPE_NAMES[cls] = found
        return found


# Python class → the GraphQL name of its object type (None: not an object type), as object_type_name decides it.
OBJECT_TYPE_NAMES: dict[type, str | None] = {}


def is_object(value: Any) -> bool:
    """Whether a value is an instance of a Strawberry object type (not an enum, not a scalar)."""
    return object_type_name(value) is not None


class Walk:
    """One walk over a selection: the request context plus what graphql-core knows of the operation."""

    def __init__(self, context: Any, info: GraphQLResolveInfo) -> None:
        self.context = context
        self.schema = info.schema
        self.fragments = info.fragments
        self.variables = variable_values(info.variable_values)

    def subfields(self, type_name: str, field_nodes: list[FieldNode]) -> dict[str, list[FieldNode]]:
        """The fields selected on a concrete type, by response key, through fragments and directives."""
        runtime_type = self.schema.get_type(type_name)
        assert isinstance(runtime_type, GraphQLObjectType)
        return subfields(self.schema, self.fragments, self.variables, runtime_type, field_nodes)

    def arguments(self, type_name: str, field_name: str, node: FieldNode) -> dict[str, Any]:
        """The field's arguments with variables and defaults applied (GraphQL names, raw values)."""
        gtype = self.schema.get_type(type_name)
        assert isinstance(gtype, GraphQLObjectType)
        definition = gtype.fields[field_name]
        given = {arg.name.value: arg.value for arg in node.arguments or ()}
        out: dict[str, Any] = {}
        for name, arg in definition.args.items():
            value = given.get(name)
            if isinstance(value, VariableNode) and value.name.value not in self.variables:
                value = None  # a variable left out counts as an argument left out (its default applies)
            if value is not None:
                out[name] = value_from_ast(value, arg.type, self.variables)
            elif arg.default_value is not None:
                out[name] = arg.default_value
        return out

    async def run(self, objects: list[Any], field_nodes: list[FieldNode]) -> None:
        """Prefetch every relation selected below ``field_nodes`` for these objects, level by level."""
        by_type: dict[str, list[Any]] = defaultdict(list)
        for obj in objects:
            name = object_type_name(obj)
            if name is not None:
                by_type[name].append(obj)
        for type_name, group in by_type.items():
            gtype = self.schema.get_type(type_name)
            if not isinstance(gtype, GraphQLObjectType):
                raise AssertionError(f"cannot walk into {type_name}")
            for key, nodes in self.subfields(type_name, field_nodes).items():
                name = nodes[0].name.value
                if name not in gtype.fields:
                    continue
                fetcher = REGISTRY.get((type_name, name))
                if (type_name, name) in JOINED and all(key in obj._pre for obj in group):
                    children = [child for obj in group if (child := obj._pre[key]) is not None]  # joined
                elif fetcher is not None:
                    try:
                        args = self.arguments(type_name, name, nodes[0])
                        children = await fetcher(self, group, key, args, nodes)
                    except Exception as error:  # noqa: BLE001 - raised again by each parent's field, at its path
                        failed = Failed(error)
                        for obj in group:
                            obj._pre[key] = failed
                        continue
                else:
                    field_type = _named(gtype.fields[name].type)
                    if self.dead_end(field_type):
                        continue
                    children = _plain_children(group, gtype, name)
                    if not children:
                        continue
                await self.descend(children, _named(gtype.fields[name].type), nodes)

    def connection_nodes(self, name: str, nodes: list[FieldNode]) -> list[FieldNode]:
        """The selections on a connection's items, through ``nodes`` and ``edges { node }``."""
        inner: list[FieldNode] = []
        for key_nodes in self.subfields(name, nodes).values():
            field = key_nodes[0].name.value
            if field == "nodes":
                inner += key_nodes
            elif field == "edges":
                edge_type = _named(self.schema.get_type(name).fields["edges"].type).name  # type: ignore[union-attr]
                for edge_nodes in self.subfields(edge_type, key_nodes).values():
                    if edge_nodes[0].name.value == "node":
                        inner += edge_nodes
        return inner

    def dead_end(self, gtype: Any) -> bool:
        """Whether no relation can be reached below a type (dates, places, page info): no need to walk it."""
        name = getattr(gtype, "name", None)
        if name in _DEAD_ENDS:
            return _DEAD_ENDS[name]
        if is_leaf_type(gtype):
            return True
        if not isinstance(gtype, GraphQLObjectType):
            return False
        name = gtype.name
        if name.endswith("Connection") or name.endswith("Edge"):
            return False
        _DEAD_ENDS[name] = False  # while deciding (cycles)
        dead = not any(
            (name, field) in REGISTRY or (not _is_leaf(f.type) and not self.dead_end(_named(f.type)))
            for field, f in gtype.fields.items()
        )
        _DEAD_ENDS[name] = dead
        return dead

    async def descend(self, children: list[Any], field_type: Any, nodes: list[FieldNode]) -> None:
        """Walk into children; through a connection, into its nodes."""
        if not children:
            return
        name = getattr(field_type, "name", "")
        if name.endswith("Connection"):
            inner = self.connection_nodes(name, nodes)
            nodes_of_pages = [node for page in children for node in page.nodes]
            if inner and nodes_of_pages:
                await self.run(nodes_of_pages, inner)
            return
        await self.run(children, nodes)


def _named(gtype: Any) -> Any:
    while isinstance(gtype, GraphQLNonNull | GraphQLList):
        gtype = gtype.of_type
    return gtype


_PYTHON_NAMES: dict[str, dict[str, str]] = {}
_DEAD_ENDS: dict[str, bool] = {}


def _is_leaf(gtype: Any) -> bool:
    return is_leaf_type(_named(gtype))


def _plain_children(group: list[Any], gtype: GraphQLObjectType, field_name: str) -> list[Any]:
    """Objects held in a plain attribute (e.g. a relationship's changes), to walk into."""
    names = _PYTHON_NAMES.get(gtype.name)
    if names is None:
        definition = get_object_definition(group[0], strict=True)
        names = {
            (f.graphql_name or camel(f.python_name)): f.python_name
            for f in definition.fields
            if f.base_resolver is None
        }
        _PYTHON_NAMES[gtype.name] = names
    attribute = names.get(field_name)
    if attribute is None:
        return []
    out: list[Any] = []
    for obj in group:
        value = getattr(obj, attribute, None)
        if isinstance(value, list):
            out.extend(v for v in value if is_object(v))
        elif is_object(value):
            out.append(value)
    return out


def camel(name: str) -> str:
    """A Python name as GraphQL spells it (``total_count`` → ``totalCount``)."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def relation_resolver(fetcher: Fetcher, *, walk_below: bool) -> Callable[..., Any]:
    """The graphql-core resolver of a relation field: what was prefetched for the object; an object reached
    without a walk fetches for itself (and, with ``walk_below``, prefetches the selection below for its
    children, as a root field does; without, each child fetches for itself in turn)."""

    def resolve(obj: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        pre = obj._pre
        key = info.path.key
        if key in pre:
            value = pre[key]
            if value.__class__ is Failed:
                raise value.error
            return value
        return _fetch_alone(fetcher, walk_below, obj, info, args)

    return resolve


async def _fetch_alone(
    fetcher: Fetcher, walk_below: bool, obj: Any, info: GraphQLResolveInfo, args: dict[str, Any]
) -> Any:
    walk = Walk(info.context, info)
    key = cast(str, info.path.key)  # a field's path key is its response key; only list items have int keys
    nodes = list(info.field_nodes)
    children = await fetcher(walk, [obj], key, args, nodes)
    if walk_below:
        await walk.descend(children, _named(info.return_type), nodes)
    return obj._pre[key]


async def walk_root(info: GraphQLResolveInfo, value: Any) -> None:
    """Prefetch everything selected below a root field for the value it returned (an object, a list of them
    with None holes, a connection)."""
    values = value if isinstance(value, list) else [value]
    objects = [v for v in values if v is not None]
    if objects:
        await Walk(info.context, info).descend(objects, _named(info.return_type), list(info.field_nodes))

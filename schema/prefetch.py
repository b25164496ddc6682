"""Selection-driven batch loading: the SQL for a page is planned from the query's selection, not per object.

A root resolver fetches its page, then calls ``walk`` with the field's selection. ``walk`` looks at every
selected relation field of every object type present, runs that relation's fetcher once for all objects
of the page (one SQL statement per relation and level, whatever the page size), stores each object's
share in ``obj._pre[response key]`` and descends into the children. Relation resolvers then just read
``_pre`` (``prefetched``); only an object reached some other way falls back to fetching for itself.
A fetcher may fill its children's to-one relations too, joined into its own statement (``JOINED``,
``schema.loaders.Joins``): the walk then finds them in ``_pre`` and skips their fetch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    VariableNode,
    is_leaf_type,
    value_from_ast,
)
from strawberry.types.base import StrawberryObjectDefinition

Fetcher = Callable[["Walk", list[Any], str, dict[str, Any], list[FieldNode]], Awaitable[list[Any]]]
REGISTRY: dict[tuple[str, str], Fetcher] = {}
# Relations a parent's fetcher may already have filled (joined into its statement): the walk skips their fetch.
JOINED: set[tuple[str, str]] = set()


def relation(type_name: str, field_name: str) -> Callable[[Fetcher], Fetcher]:
    """Register the batch fetcher for a relation field."""

    def register(fetcher: Fetcher) -> Fetcher:
        REGISTRY[(type_name, field_name)] = fetcher
        return fetcher

    return register


def _directive_if(node: Any, name: str, variables: dict[str, Any]) -> bool | None:
    for directive in node.directives or ():
        if directive.name.value == name:
            for argument in directive.arguments or ():
                if argument.name.value == "if":
                    value = argument.value
                    if isinstance(value, VariableNode):
                        return bool(variables.get(value.name.value))
                    return bool(getattr(value, "value", False))
    return None


def included(node: Any, variables: dict[str, Any]) -> bool:
    """Whether @skip / @include let a selection through."""
    if not node.directives:
        return True
    return _directive_if(node, "skip", variables) is not True and _directive_if(node, "include", variables) is not False


def object_type_name(value: Any) -> str | None:
    """The GraphQL type name if a value is an instance of a Strawberry object type (not an enum, not a scalar),
    else None; decided once per Python class."""
    cls = type(value)
    try:
        return _OBJECT_TYPES[cls]
    except KeyError:
        definition = getattr(cls, "__strawberry_definition__", None)
        found = definition.name if isinstance(definition, StrawberryObjectDefinition) else None
        _OBJECT_TYPES[cls] = found
        return found


_OBJECT_TYPES: dict[type, str | None] = {}


def is_object(value: Any) -> bool:
    """Whether a value is an instance of a Strawberry object type (not an enum, not a scalar)."""
    return object_type_name(value) is not None


def type_name_of(obj: Any) -> str:
    """The GraphQL type name of a Strawberry object."""
    return obj.__strawberry_definition__.name


class Walk:
    """One walk over a selection: the request context plus what graphql-core knows of the operation."""

    def __init__(self, context: Any, info: GraphQLResolveInfo) -> None:
        self.context = context
        self.schema = info.schema
        self.fragments = info.fragments
        self.variables = info.variable_values or {}

    def included(self, node: Any) -> bool:
        return included(node, self.variables)

    def subfields(self, type_name: str, field_nodes: list[FieldNode]) -> dict[str, list[FieldNode]]:
        """The fields selected on a concrete type, by response key, through fragments and directives."""
        out: dict[str, list[FieldNode]] = defaultdict(list)
        concrete = self.schema.get_type(type_name)

        def applies(condition: Any) -> bool:
            if condition is None:
                return True
            wanted = self.schema.get_type(condition.name.value)
            if wanted is concrete:
                return True
            return wanted is not None and self.schema.is_sub_type(wanted, concrete)  # type: ignore[arg-type]

        def collect(selection_set: Any, seen: set[str]) -> None:
            if selection_set is None:
                return
            for selection in selection_set.selections:
                if not self.included(selection):
                    continue
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    out[key].append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    if applies(selection.type_condition):
                        collect(selection.selection_set, seen)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if fragment is None or name in seen or not applies(fragment.type_condition):
                        continue
                    collect(fragment.selection_set, seen | {name})

        for node in field_nodes:
            collect(node.selection_set, set())
        return out

    def arguments(self, type_name: str, field_name: str, node: FieldNode) -> dict[str, Any]:
        """The field's arguments with variables and defaults applied (GraphQL names, raw values)."""
        gtype = self.schema.get_type(type_name)
        assert isinstance(gtype, GraphQLObjectType)
        definition = gtype.fields[field_name]
        given = {arg.name.value: arg.value for arg in node.arguments or ()}
        out: dict[str, Any] = {}
        for name, arg in definition.args.items():
            if name in given:
                out[name] = value_from_ast(given[name], arg.type, self.variables)
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
                    args = self.arguments(type_name, name, nodes[0])
                    children = await fetcher(self, group, key, args, nodes)
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
        if not isinstance(gtype, GraphQLObjectType) or name.endswith("Connection") or name.endswith("Edge"):
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
        definition = group[0].__strawberry_definition__
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


def prefetched(obj: Any, info: Any) -> Any:
    """A relation's prefetched value; an object reached without a walk fetches for itself."""
    key = info.path.key
    pre = obj._pre
    if key in pre:
        return pre[key]
    return _fetch_alone(obj, info)


async def _fetch_alone(obj: Any, info: Any) -> Any:
    raw: GraphQLResolveInfo = info._raw_info
    walk = Walk(info.context, raw)
    type_name = type_name_of(obj)
    fetcher = REGISTRY[(type_name, raw.field_name)]
    node = raw.field_nodes[0]
    args = walk.arguments(type_name, raw.field_name, node)
    children = await fetcher(walk, [obj], info.path.key, args, list(raw.field_nodes))
    await walk.descend(children, _named(raw.return_type), list(raw.field_nodes))
    return obj._pre[info.path.key]

"""A faster completion of prefetched objects.

graphql-core completes a value field by field, building a resolve-info object and calling a resolver for
each one (~10 µs a field with Strawberry on top). After ``schema.prefetch`` has loaded a page, every field
below a root field is a plain attribute or an already-fetched relation, so this execution context
completes such objects in one tight, synchronous pass over the selection. Whenever anything is not plain
(a relation not prefetched, a lazy ``totalCount``, a null where the schema forbids it), it gives up on that
object (``Fallback``) and lets graphql-core complete it the ordinary way, errors and all: the fast path never
changes an answer, it only skips work. Any other exception inside it is a bug: it is logged (logger
``realign.fastpath``) and counted (``STATS.failures``), and the object falls back the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    Undefined,
    is_abstract_type,
    is_leaf_type,
)
from strawberry.types import get_object_definition

from schema.internals import FALL_BACK
from schema.prefetch import OBJECT_TYPE_NAMES, REGISTRY, Failed, camel, object_type_name
from schema.selection import subfields, variable_values
from schema.shared import SharedEvents

log = logging.getLogger("realign.fastpath")


class Fallback(Exception):
    """This object needs the ordinary completion (a deliberate fallback, not a failure)."""


@dataclass
class FastPathStats:
    """How often the fast completion handed an object back since the process started."""

    fallbacks: int = 0  # deliberately: something about the object is not plain
    failures: int = 0  # because of an unexpected exception (a bug; each one is logged)


STATS = FastPathStats()

PLAIN, RELATION, TOTAL = 0, 1, 2
_ACCESS: dict[tuple[str, str], tuple[int, str]] = {}


def _access(obj: Any, type_name: str, field_name: str) -> tuple[int, str]:
    """How to read a field of a Strawberry object: an attribute, a prefetched relation, or a total count."""
    key = (type_name, field_name)
    found = _ACCESS.get(key)
    if found is None:
        definition = get_object_definition(obj, strict=True)
        found = (-1, "")
        for item in definition.fields:
            if (item.graphql_name or camel(item.python_name)) != field_name:
                continue
            if item.base_resolver is None:
                found = (PLAIN, item.python_name)
            elif item.python_name in ("total_count", "total_count_is_exact"):
                found = (TOTAL, item.python_name)
            elif key in REGISTRY:
                found = (RELATION, item.python_name)
            break
        _ACCESS[key] = found
    return found


class FastExecutionContext(SharedEvents):
    """Strawberry's execution context with a fast completion for prefetched objects (and one execution of a live
    change per group of identical subscriptions: ``schema.shared``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[str, int], tuple[list[FieldNode], list[tuple[Any, ...]]]] = {}
        self._variables: dict[str, Any] = variable_values(self.variable_values)

    def fast_completes(self, result: Any) -> bool:
        return object_type_name(result) is not None

    def complete_fast(self, return_type: GraphQLObjectType, field_nodes: list[FieldNode], result: Any) -> Any:
        try:
            return self._object(return_type, field_nodes, result)
        except Fallback:
            STATS.fallbacks += 1
        except Exception:  # noqa: BLE001 - a bug here must not change the answer: the ordinary path decides
            STATS.failures += 1
            log.warning(
                "fast completion failed for type %s; completing it the ordinary way", return_type, exc_info=True
            )
        return FALL_BACK

    def _plan(self, gtype: GraphQLObjectType, nodes: list[FieldNode], obj: Any) -> list[tuple[Any, ...]]:
        """For one object type and selection: (key, how, attribute, field type, child nodes) per field."""
        cache_key = (gtype.name, id(nodes))
        cached = self._plans.get(cache_key)
        if cached is not None and cached[0] is nodes:
            return cached[1]
        plan: list[tuple[Any, ...]] = []
        for key, key_nodes in subfields(self.schema, self.fragment_definitions, self._variables, gtype, nodes).items():
            name = key_nodes[0].name.value
            if name == "__typename":
                plan.append((key, TYPENAME, gtype.name, None, key_nodes, False, False, None))
                continue
            how, attribute = _access(obj, gtype.name, name)
            if how < 0:
                raise Fallback
            shape = _compile(gtype.fields[name].type)
            plan.append((key, how, attribute, shape, key_nodes, shape[0] == LEAF, shape[1], shape[2]))
        self._plans[cache_key] = (nodes, plan)
        return plan

    def _object(self, gtype: GraphQLObjectType, nodes: list[FieldNode], obj: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, how, attribute, shape, key_nodes, leaf, non_null, inner in self._plan(gtype, nodes, obj):
            if how == PLAIN:
                value = getattr(obj, attribute)
            elif how == RELATION:
                value = obj._pre.get(key, _MISSING)
                if value is _MISSING or value.__class__ is Failed:
                    raise Fallback
            elif how == TYPENAME:
                out[key] = attribute
                continue
            else:
                value = obj.count_loader
                if value is None:
                    value = len(obj.nodes)
                elif not isinstance(value, int):
                    raise Fallback
                value = obj.bounded(value)[attribute == "total_count_is_exact"]
            if value is None:
                if non_null:
                    raise Fallback
                out[key] = None
            elif leaf:  # most fields: serialize in place rather than through _value
                out[key] = inner(value)
            else:
                out[key] = self._value(shape, key_nodes, value)
        return out

    def _value(self, shape: tuple[Any, ...], nodes: list[FieldNode], value: Any) -> Any:
        kind, non_null, inner = shape
        if value is None:
            if non_null:
                raise Fallback
            return None
        if kind == LEAF:
            return inner(value)
        if kind == LIST:
            return [self._value(inner, nodes, item) for item in value]
        name = OBJECT_TYPE_NAMES.get(value.__class__) or object_type_name(value)
        if name is None:
            raise Fallback
        gtype = inner if kind == OBJECT else self.schema.get_type(name)
        # The schema has an object type of this name: object_type_name found the value's class to be one (no
        # check here, as this runs for every value of an abstract type).
        return self._object(gtype, nodes, value)  # type: ignore[arg-type]


_MISSING = object()
TYPENAME = 3
LEAF, LIST, OBJECT, ABSTRACT = 0, 1, 2, 3
_SHAPES: dict[int, tuple[Any, ...]] = {}


def _leaf(gtype: Any) -> Callable[[Any], Any]:
    """A serializer for a leaf type, with fast paths for values that are already of the right kind."""
    coerce = gtype.coerce_output_value

    def checked(value: Any) -> Any:
        out = coerce(value)
        if out is None or out is Undefined:
            raise Fallback
        return out

    exact = {"String": str, "ID": str, "Int": int, "Boolean": bool}.get(gtype.name)
    if exact is not None:
        return lambda value: value if type(value) is exact else checked(value)
    if gtype.name == "Float":
        return lambda value: float(value) if type(value) in (float, int) else checked(value)
    wrapped = getattr(gtype, "wrapped_cls", None)
    if wrapped is not None:  # a Strawberry enum: its own coercion scans every value for each output
        names = {value.value: name for name, value in gtype.values.items()}
        return lambda value: names[value.value] if type(value) is wrapped else checked(value)
    return checked


def _compile(gtype: Any) -> tuple[Any, ...]:
    """A field type as (kind, non-null, inner): inner is a serializer, a nested shape or an object type."""
    cached = _SHAPES.get(id(gtype))
    if cached is not None and cached[0] is gtype:
        return cached[1]
    non_null = isinstance(gtype, GraphQLNonNull)
    base = gtype.of_type if non_null else gtype
    if isinstance(base, GraphQLList):
        shape: tuple[Any, ...] = (LIST, non_null, _compile(base.of_type))
    elif is_leaf_type(base):
        shape = (LEAF, non_null, _leaf(base))
    elif is_abstract_type(base):
        shape = (ABSTRACT, non_null, base)
    else:
        shape = (OBJECT, non_null, base)
    _SHAPES[id(gtype)] = (gtype, shape)
    return shape

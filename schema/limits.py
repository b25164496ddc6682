"""Query cost (in the spirit of GitHub's node limit) and the execution time limit, as schema extensions."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from strawberry.extensions import SchemaExtension

from schema.buckets import cost_of
from schema.pagination import DEFAULT_PAGE
from schema.selection import collect
from seeds.format import MAX_ABOUT, MAX_CITATIONS, MAX_PARTICIPANTS

PAGE_ARGUMENTS = ("first", "last")


def _argument(node: FieldNode, name: str, variables: dict[str, Any]) -> Any:
    for argument in node.arguments or ():
        if argument.name.value == name:
            value = argument.value
            if isinstance(value, VariableNode):
                return variables.get(value.name.value)
            return getattr(value, "value", None) if not hasattr(value, "values") else value
    return None


@dataclass(frozen=True)
class Bound:
    """How many nodes a field that is no page may return: up to ``count`` items (or as many as its ``argument``
    asks, when given), each counted as ``per_item`` nodes."""

    count: int
    argument: str | None = None
    per_item: int = 1

    def nodes(self, node: FieldNode, variables: dict[str, Any]) -> int:
        value = _argument(node, self.argument, variables) if self.argument is not None else None
        count = int(value) if value is not None and str(value).lstrip("-").isdigit() else self.count
        return max(count, 0) * self.per_item


@dataclass(frozen=True)
class BucketBound:
    """A list of time buckets (`timelineBuckets`, `series`): as many nodes as its window holds buckets of its
    unit (the most, when the window is open; ``schema.buckets.cost_of``)."""

    def nodes(self, node: FieldNode, variables: dict[str, Any]) -> int:
        return cost_of(*(_argument(node, name, variables) for name in ("unit", "from", "to")))


def cost(
    document: Any,
    operation_name: str | None,
    variables: dict[str, Any],
    bounds: Mapping[str, Bound | BucketBound] | None = None,
) -> int:
    """How many nodes an operation may return: each page size times the page sizes above it, summed.

    A connection field (one taking `first`/`last`) counts its page size (20 when not given) times the product
    of the page sizes of the connections it is nested in; a field that is no page but bounded (``BOUNDS``, and the
    ``bounds`` given: a plain list of records, the actor network, a list of time buckets, an export) counts its
    bound the same way; `nodes(ids:)` counts its ids.
    """
    bounds = {**BOUNDS, **(bounds or {})}
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [d for d in operations if d.name is not None and d.name.value == operation_name]
    if len(operations) != 1:
        return 0
    total = 0

    def walk(selection_set: SelectionSetNode | None, multiplier: int) -> None:
        nonlocal total
        # Every fragment counts, whatever its type condition: the cost is decided before the types are known.
        for nodes in collect(None, fragments, variables, None, [selection_set]).values():
            for selection in nodes:
                size = None
                for name in PAGE_ARGUMENTS:
                    value = _argument(selection, name, variables)
                    if value is not None:
                        size = int(value) if str(value).lstrip("-").isdigit() else DEFAULT_PAGE
                # A leaf (no selection set: a count such as `ItemCounts.events`) is never a list of nodes.
                is_connection = selection.selection_set is not None and (
                    size is not None
                    or any(a.name.value in ("after", "before") for a in selection.arguments or ())
                    or _is_paged(selection)
                )
                inner = multiplier
                bound = bounds.get(selection.name.value)
                if bound is not None:
                    inner = multiplier * bound.nodes(selection, variables)
                    total += inner
                elif is_connection:
                    inner = multiplier * max(size if size is not None else DEFAULT_PAGE, 0)
                    total += inner
                elif selection.name.value == "nodes" and _argument(selection, "ids", variables) is not None:
                    ids = _argument(selection, "ids", variables)
                    inner = multiplier * (len(ids) if isinstance(ids, list) else len(getattr(ids, "values", [])))
                    total += inner
                if selection.selection_set is not None:
                    walk(selection.selection_set, inner)

    walk(operations[0].selection_set, 1)
    return total


# Fields that are paged even when no page argument is given (they then return the default page).
PAGED_FIELDS = {
    "actors",
    "events",
    "statements",
    "reactions",
    "timeline",
    "auditTrail",
    "deletedSince",
    "sources",
    "affiliations",  # the root list, and an actor's
    "members",
    "relationshipChanges",
    # Relationships: lists of them, a relationship's changes, a timeline item's changes.
    "relationships",
    "changes",
    "causedChanges",
    # Directed pairs of actors over a window.
    "dyads",
}

# Fields that are no page but bounded, each counted at its bound as if it were a page of that size. Lists of
# records answered whole count at the bound every record is held to (``seeds.format``, where records are
# validated); the actor network at `maxLinks` links (500 by default), each counted with its two ends
# (``schema.network``); a list of time buckets at the buckets its window holds. Bounds known only from the
# settings (an export's) are given to ``cost_limit``.
ACTOR_NETWORK = Bound(500, argument="maxLinks", per_item=3)
BOUNDS: dict[str, Bound | BucketBound] = {
    "participants": Bound(MAX_PARTICIPANTS),
    "about": Bound(MAX_ABOUT),
    "citations": Bound(MAX_CITATIONS),
    "actorNetwork": ACTOR_NETWORK,
    "timelineBuckets": BucketBound(),
    "series": BucketBound(),
}


def _is_paged(node: FieldNode) -> bool:
    return node.name.value in PAGED_FIELDS


def cost_limit(max_nodes: int, bounds: Mapping[str, Bound | BucketBound] | None = None) -> type[SchemaExtension]:
    """An extension refusing operations that may return more than ``max_nodes`` nodes, before running them
    (``bounds``: fields bounded by the settings, beside ``BOUNDS``; see ``cost``)."""

    class CostLimit(SchemaExtension):
        def on_execute(self) -> Iterator[None]:
            context = self.execution_context
            document = context.graphql_document
            if document is not None and not context.result:
                nodes = cost(document, context.operation_name, context.variables or {}, bounds)
                if nodes > max_nodes:
                    context.result = ExecutionResult(
                        data=None,
                        errors=[
                            GraphQLError(
                                f"this query may return up to {nodes} nodes, more than the limit of {max_nodes}: "
                                "ask for smaller pages (`first`/`last`) or fewer nested lists",
                                extensions={"code": "BAD_USER_INPUT", "limit": "nodes", "cost": nodes},
                            )
                        ],
                    )
            yield

    return CostLimit

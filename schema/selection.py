"""Which fields a query selects: the one collector behind the prefetch walk, the fast completion and the cost limit.

It follows GraphQL's CollectFields (what graphql-core does before it executes a selection set): fields grouped by
response key, through fragment spreads and inline fragments whose type condition applies to the runtime type,
leaving out what ``@skip``/``@include`` leave out, each fragment spread once per collection. graphql-core's own
collector (``graphql.execution.collect_fields``) is marked for its internal use and changed its signature in 3.3
(it also handles ``@defer`` and fragment arguments, which Realign does not serve); this one is small and
checked against it by ``tests/test_selection.py``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    VariableNode,
    is_abstract_type,
)

Selected = dict[str, list[FieldNode]]


def variable_values(values: Any) -> dict[str, Any]:
    """The coerced variable values as a plain dict: graphql-core 3.3 keeps them in a ``VariableValues``
    (``.coerced``), Strawberry hands resolvers that dict itself."""
    if values is None:
        return {}
    return getattr(values, "coerced", values)


def _condition(node: Any, name: str, variables: Mapping[str, Any]) -> bool | None:
    """The ``if`` of directive ``name`` on a selection, or None without that directive."""
    for directive in node.directives:
        if directive.name.value == name:
            for argument in directive.arguments or ():
                if argument.name.value == "if":
                    value = argument.value
                    if isinstance(value, VariableNode):
                        return bool(variables.get(value.name.value))
                    return bool(getattr(value, "value", False))
    return None


def included(node: Any, variables: Mapping[str, Any]) -> bool:
    """Whether ``@skip`` / ``@include`` let a selection through (``@skip`` wins)."""
    if not node.directives:
        return True
    return _condition(node, "skip", variables) is not True and _condition(node, "include", variables) is not False


def applies(schema: GraphQLSchema | None, fragment: Any, runtime_type: GraphQLObjectType | None) -> bool:
    """Whether a fragment's type condition applies to the runtime type (any fragment does when it is None)."""
    condition = fragment.type_condition
    if condition is None or runtime_type is None or schema is None:
        return True
    wanted = schema.get_type(condition.name.value)
    if wanted is runtime_type:
        return True
    return is_abstract_type(wanted) and schema.is_sub_type(wanted, runtime_type)


def collect(
    schema: GraphQLSchema | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    runtime_type: GraphQLObjectType | None,
    selection_sets: Iterable[SelectionSetNode | None],
) -> Selected:
    """The fields of some selection sets for an object of ``runtime_type``, by response key, in order.

    ``runtime_type`` None takes every fragment whatever its type condition: what any object might select
    (the cost limit's upper bound, decided before running the query; it needs no schema)."""
    out: Selected = defaultdict(list)
    visited: set[str] = set()

    def visit(selection_set: SelectionSetNode) -> None:
        for selection in selection_set.selections:
            if selection.directives and not included(selection, variables):
                continue
            if isinstance(selection, FieldNode):
                out[selection.alias.value if selection.alias else selection.name.value].append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if applies(schema, selection, runtime_type):
                    visit(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is None or name in visited or not applies(schema, fragment, runtime_type):
                    continue
                visited.add(name)
                visit(fragment.selection_set)

    for selection_set in selection_sets:
        if selection_set is not None:
            visit(selection_set)
    return out


def subfields(
    schema: GraphQLSchema,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    runtime_type: GraphQLObjectType | None,
    field_nodes: Iterable[FieldNode],
) -> Selected:
    """The fields selected below some field nodes (one response key's), for an object of ``runtime_type``."""
    return collect(schema, fragments, variables, runtime_type, (node.selection_set for node in field_nodes))

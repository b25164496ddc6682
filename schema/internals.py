"""Every use of a library's private internals, in one place; ``tests/test_internals.py`` fails loudly, naming
the library version, when a release changes one of them (``pyproject.toml`` bounds these libraries below their
next minor release for the same reason).

- Strawberry keeps the graphql-core schema it builds in ``Schema._schema`` and offers no public accessor; the
  docs and the read engine need it (descriptions on built-in types, relation and root resolvers).
- Strawberry's execution context class (``StrawberryGraphQLCoreExecutionContext``) is not exported; the fast
  completion must extend it, not graphql-core's, to keep what Strawberry adds (operation extensions, the plain
  variables dict for resolvers).
- graphql-core lets an application pass its own executor class, but the methods it calls to complete fields
  are "not part of the public API": ``CompletionHook`` overrides the one that completes an object
  (``complete_object_value``, with 3.3's signature and ``FieldDetails``), and nothing else touches them.
- Request errors (syntax, validation, variables, limits) carry no machine-readable kind in graphql-core or
  Strawberry: ``request_error_kind`` tells them apart by type and node where it can, and by message text where
  it cannot (graphql-core's token limit, Strawberry's depth and alias limiters).
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSyntaxError,
    VariableDefinitionNode,
)
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


def graphql_schema(schema: strawberry.Schema) -> GraphQLSchema:
    """The graphql-core schema a Strawberry schema built (and executes against)."""
    return schema._schema  # noqa: SLF001 - no public accessor


FALL_BACK: Any = object()
"""What ``CompletionHook.complete_fast`` returns to leave an object to graphql-core's own completion."""


class CompletionHook(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with a hook in front of graphql-core's completion of an object value:
    a subclass decides which results it completes itself (``fast_completes``) and completes them
    (``complete_fast``, from the return type, the field nodes and the result), or returns ``FALL_BACK``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # graphql-core passes the same field group (a list of FieldDetails) for every item of a list: its
        # nodes are taken out once per group (kept with the group so that its id is not reused meanwhile).
        self._group_nodes: dict[int, tuple[Any, list[FieldNode]]] = {}

    def fast_completes(self, result: Any) -> bool:
        """Whether ``complete_fast`` should try this result (cheap: called for every object value)."""
        return False

    def complete_fast(self, return_type: GraphQLObjectType, field_nodes: list[FieldNode], result: Any) -> Any:
        """The completed value of ``result``, or ``FALL_BACK``."""
        return FALL_BACK

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: Any,
        info: Any,
        path: Any,
        result: Any,
        position_context: Any,
    ) -> Any:
        if self.fast_completes(result):
            group = self._group_nodes.get(id(field_details_list))
            if group is None or group[0] is not field_details_list:
                group = (field_details_list, [details.node for details in field_details_list])
                self._group_nodes[id(field_details_list)] = group
            done = self.complete_fast(return_type, group[1], result)
            if done is not FALL_BACK:
                return done
        return super().complete_object_value(return_type, field_details_list, info, path, result, position_context)


def request_error_kind(error: GraphQLError) -> str:
    """What kind of request error (one raised before execution) this is: ``tokens`` (the token limit),
    ``syntax``, ``variables`` (a variable's value), ``depth`` or ``aliases`` (the limits' validation rules)
    or ``validation`` (any other)."""
    message = error.message.lower()
    if "document contains more than" in message and "tokens" in message:
        return "tokens"  # graphql-core's parser stops at the token limit with a syntax error of this wording
    if isinstance(error, GraphQLSyntaxError):
        return "syntax"
    if any(isinstance(node, VariableDefinitionNode) for node in error.nodes or ()):
        return "variables"  # coercing a variable's value failed: the error points at its definition
    if isinstance(error, StrawberryInputCoercionError) and not error.nodes:
        return "variables"  # Strawberry's @oneOf check of a variable's value (a RecordRef, an ItemRef) points nowhere
    # Strawberry's QueryDepthLimiter and MaxAliasesLimiter report to the validation context directly, in words.
    if "exceeds maximum operation depth" in message:
        return "depth"
    if "aliases found. allowed:" in message:
        return "aliases"
    return "validation"

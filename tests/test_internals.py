"""The library internals Realign relies on (``schema/internals.py``) and the library behaviour it mirrors: each test
fails loudly, naming the library version, when a release changes one of them (pyproject.toml bounds these
libraries below their next minor release; raising a bound means running these first)."""

from __future__ import annotations

import asyncio
import inspect
from importlib.metadata import version

import graphql
import pytest
import strawberry
from graphql.execution import Executor, get_variable_values
from graphql.execution.collect_fields import FieldDetails, FragmentDetails, collect_fields, collect_subfields
from sqlalchemy import Date, bindparam, select
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

from api.settings import Settings
from schema import build_schema
from schema.context import among, bind_processors
from schema.fastpath import FastExecutionContext
from schema.internals import CompletionHook, graphql_schema, request_error_kind
from schema.loaders import E
from schema.selection import subfields
from tests.test_differential import readme_cases, suite_cases

STRAWBERRY = f"strawberry-graphql {version('strawberry-graphql')}"
GRAPHQL_CORE = f"graphql-core {version('graphql-core')}"
SQLALCHEMY = f"SQLAlchemy {version('sqlalchemy')}"


def test_strawberry_keeps_the_graphql_core_schema():
    """Given a built schema, then Strawberry's private ``_schema`` is the graphql-core schema it executes."""
    schema = build_schema()
    built = graphql_schema(schema)
    assert isinstance(built, graphql.GraphQLSchema), f"{STRAWBERRY}: Schema._schema is no longer a GraphQLSchema"
    assert built.query_type is not None and built.query_type.name == "Query", STRAWBERRY


def test_the_completion_hook_overrides_what_graphql_core_calls():
    """Given graphql-core's executor, then it still completes objects with ``complete_object_value`` taking a list
    of FieldDetails (with ``.node``), and Strawberry's execution context still derives from it."""
    parameters = list(inspect.signature(Executor.complete_object_value).parameters)
    assert parameters == ["self", "return_type", "field_details_list", "info", "path", "result", "position_context"], (
        f"{GRAPHQL_CORE}: Executor.complete_object_value changed its signature: {parameters}"
    )
    assert "node" in FieldDetails._fields, f"{GRAPHQL_CORE}: FieldDetails has no `node`"
    assert issubclass(CompletionHook, Executor), f"{STRAWBERRY}: its execution context is no graphql-core Executor"


@strawberry.type
class Item:
    name: str


@strawberry.type
class Items:
    @strawberry.field
    def items(self) -> list[Item]:
        return [Item(name="a"), Item(name="b")]


def test_the_completion_hook_is_called_for_every_object(monkeypatch):
    """Given a schema on the fast execution context, when a query completes objects, then the hook sees each
    with its field nodes, and what it returns is the answer."""
    seen = []
    original = FastExecutionContext.complete_fast

    def spy(self, return_type, field_nodes, result):
        seen.append((return_type.name, [node.name.value for node in field_nodes], result.name))
        return original(self, return_type, field_nodes, result)

    monkeypatch.setattr(FastExecutionContext, "complete_fast", spy)
    schema = strawberry.Schema(query=Items, execution_context_class=FastExecutionContext)
    result = schema.execute_sync("{ items { name } }")
    assert result.errors is None and result.data == {"items": [{"name": "a"}, {"name": "b"}]}
    assert seen == [("Item", ["items"], "a"), ("Item", ["items"], "b")], f"{GRAPHQL_CORE} / {STRAWBERRY}: {seen}"


@pytest.mark.parametrize(
    ("query", "variables", "kind"),
    [
        ("{ actors { totalCount } " + "actors { totalCount } " * 20 + "}", None, "tokens"),
        ("{ actors { ", None, "syntax"),
        ("query ($n: Int) { actors(first: $n) { totalCount } }", {"n": "many"}, "variables"),
        ("query ($n: Int!) { actors(first: $n) { totalCount } }", {}, "variables"),
        ("{ actors { nodes { events { nodes { title } } } } }", None, "depth"),
        ("{ a: actors { totalCount } b: actors { totalCount } }", None, "aliases"),
        ("{ nope }", None, "validation"),
    ],
)
def test_request_errors_are_told_apart(query, variables, kind):
    """Given small limits, when a request fails before execution, then its kind is recognised (by type and node,
    or by the libraries' wording where nothing else tells: the token, depth and alias limits)."""
    schema = build_schema(Settings(max_tokens=60, max_depth=3, max_aliases=1))
    result = asyncio.run(schema.execute(query, variable_values=variables))
    assert result.errors, result
    assert [request_error_kind(error) for error in result.errors] == [kind], (
        f"{GRAPHQL_CORE} / {STRAWBERRY}: {[error.message for error in result.errors]}"
    )


def test_bind_processors_are_what_sqlalchemy_applies():
    """Given statements like the app's, compiled for asyncpg, then the processors read through public API are the
    ones SQLAlchemy keeps for itself (privately) for each parameter."""
    dialect = asyncpg_dialect()
    statements = [
        select(E).where(among(E.c.id, "ids", "postgresql"), E.c.date_start > bindparam("d", type_=Date())),
        select(E.c.id).where(E.c.title == bindparam("t"), E.c.created_at < bindparam("at", type_=E.c.created_at.type)),
    ]
    for statement in statements:
        compiled = statement.compile(dialect=dialect)
        ours = bind_processors(compiled, dialect)
        theirs = compiled._bind_processors  # noqa: SLF001 - the private mapping this replaces
        assert {name: getattr(p, "__qualname__", p) for name, p in ours.items()} == {
            name: getattr(p, "__qualname__", p) for name, p in theirs.items()
        }, SQLALCHEMY


def test_the_selection_collector_agrees_with_graphql_cores():
    """Given every query of the differential corpus, then at every level and for every runtime type our collector
    groups the same field nodes under the same keys, in the same order, as graphql-core's own (internal) one."""
    schema = build_schema()
    built = graphql_schema(schema)
    compared = 0
    for case in readme_cases() + suite_cases(built):
        document = graphql.parse(case.query)
        operation = next(d for d in document.definitions if isinstance(d, graphql.OperationDefinitionNode))
        definitions = {d.name.value: d for d in document.definitions if isinstance(d, graphql.FragmentDefinitionNode)}
        fragments = {name: FragmentDetails(definition) for name, definition in definitions.items()}
        values = get_variable_values(built, operation.variable_definitions or (), case.variables or {})
        if isinstance(values, list):  # the variables are refused: nothing is collected
            continue
        root = collect_fields(built, fragments, values, built.query_type, operation).grouped_field_set
        pending = [(built.query_type, list(root.values()))]
        while pending:
            parent, groups = pending.pop()
            for group in groups:
                field = parent.fields.get(group[0].node.name.value) if hasattr(parent, "fields") else None
                named = graphql.get_named_type(field.type) if field is not None else None
                if not graphql.is_composite_type(named):
                    continue
                for runtime in built.get_possible_types(named) if graphql.is_abstract_type(named) else [named]:
                    theirs = collect_subfields(built, fragments, values, operation, runtime, group).grouped_field_set
                    nodes = [details.node for details in group]
                    ours = subfields(built, definitions, values.coerced, runtime, nodes)
                    assert {k: [d.node for d in v] for k, v in theirs.items()} == dict(ours), (GRAPHQL_CORE, case)
                    assert list(theirs) == list(ours), (GRAPHQL_CORE, case)
                    compared += 1
                    pending.append((runtime, list(theirs.values())))
    assert compared > 300

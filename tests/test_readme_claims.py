"""What README.md says about the API holds for the built schema: its GraphQL documents validate, and its claims about
arguments and fields, which a reader takes on trust, are checked one by one against the schema itself."""

from __future__ import annotations

import re

import pytest
from graphql import (
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    parse,
    validate,
)

from api.kinds import KINDS
from schema import build_schema
from tests.api.conftest import README, readme_documents

TEXT = README.read_text(encoding="utf-8")
# The lists every record kind is read through (a drop in this set means the search below lost its way).
LISTS = {"actors", "events", "statements", "reactions", "timeline", "sources", "affiliations", "relationshipChanges"}


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema()._schema


def claim(pattern: str) -> re.Match[str]:
    """The README's sentence making a claim (its words may wrap across lines); fails if the README no longer says it."""
    found = re.search(pattern, re.sub(r"\s+", " ", TEXT))
    assert found, f"README.md no longer says {pattern!r}: update this test with what it says now"
    return found


def record_lists(schema: GraphQLSchema) -> dict[str, GraphQLObjectType]:
    """The root fields that list records: a connection whose items are records (or an interface or union of them)."""
    records = {kind.type_name for kind in KINDS}
    out = {}
    for name, field in schema.query_type.fields.items() if schema.query_type else ():
        connection = get_named_type(field.type)
        if not isinstance(connection, GraphQLObjectType) or "edges" not in connection.fields:
            continue
        edge = get_named_type(connection.fields["edges"].type)
        assert isinstance(edge, GraphQLObjectType)
        node: GraphQLNamedType = get_named_type(edge.fields["node"].type)
        kinds = (
            {t.name for t in schema.get_possible_types(node)}
            if isinstance(node, GraphQLInterfaceType | GraphQLUnionType)
            else {node.name}
        )
        if kinds <= records:
            out[name] = connection
    return out


@pytest.mark.parametrize("number", range(1, len(readme_documents()) + 1))
def test_readme_document_validates(schema, number):
    """Given a GraphQL document of the README (any section), when validated against the schema, then no errors."""
    errors = validate(schema, parse(readme_documents()[number - 1]))
    assert [e.message for e in errors] == []


def test_every_list_takes_filter_updated_since(schema):
    """Given "filter: {updatedSince: ...} on every list", when each root list of records is checked, then each takes
    `filter` whose input has `updatedSince: DateTime`, and pages both ways (`first`/`after`, `last`/`before`)."""
    claim(r"Clients keep in sync with `filter: \{updatedSince: \.\.\.\}` on every list")
    lists = record_lists(schema)
    assert LISTS <= set(lists)
    wrong = []
    for name in lists:
        args = schema.query_type.fields[name].args if schema.query_type else {}
        given = get_named_type(args["filter"].type) if "filter" in args else None
        if not isinstance(given, GraphQLInputObjectType) or "updatedSince" not in given.fields:
            wrong.append(f"{name}: no filter: {{updatedSince}}")
        elif get_named_type(given.fields["updatedSince"].type).name != "DateTime":
            wrong.append(f"{name}: filter.updatedSince is not a DateTime")
        if "updatedSince" in args:
            wrong.append(f"{name}: a bare updatedSince argument beside the filter")
        wrong += [f"{name}: no `{page}`" for page in ("first", "after", "last", "before") if page not in args]
    assert wrong == []


def test_deleted_since_takes_since(schema):
    """Given "and `deletedSince(since: ...)`", when the root field is checked, then it takes a required `since`."""
    claim(r"and `deletedSince\(since: \.\.\.\)`")
    field = schema.query_type.fields["deletedSince"] if schema.query_type else None
    assert field is not None and "since" in field.args
    assert isinstance(field.args["since"].type, GraphQLNonNull)


def test_every_record_kind_has_create_update_delete(schema):
    """Given "Every mutation is <type>Create, <type>Update and <type>Delete for sources, actors, …", when the
    mutations are listed, then the README names every record kind and each has its three mutations."""
    found = claim(
        r"Every mutation is `<type>Create\(input:\)`, `<type>Update\(ref:, version:, input:\)` and "
        r"`<type>Delete\(ref:, version:,\s+cascade:\)` for ([a-z ,\n]+?);"
    )
    plurals = re.split(r", | and ", " ".join(found.group(1).split()))
    names = {re.sub(r" (\w)", lambda m: m.group(1).upper(), plural.removesuffix("s")) for plural in plurals}
    assert names == {kind.type_name[0].lower() + kind.type_name[1:] for kind in KINDS}
    mutations = schema.mutation_type.fields if schema.mutation_type else {}
    missing = [f"{name}{verb}" for name in sorted(names) for verb in ("Create", "Update", "Delete")]
    assert [m for m in missing if m not in mutations] == []


def test_updates_take_version_and_deletes_cascade(schema):
    """Given "Updates take the `version` you read" and "unless `cascade: true`", when each update and delete is
    checked, then updates require `version: Int!` and deletes take `cascade: Boolean`."""
    claim(r"`CONFLICT` \(the record changed since you read it: `currentVersion`\s+says its version now\)")
    claim(r"`REFERENCED` \(a delete of a record others refer to: `references` lists them as nodes;\s+`cascade: true`")
    mutations = schema.mutation_type.fields if schema.mutation_type else {}
    wrong = []
    for kind in KINDS:
        name = kind.type_name[0].lower() + kind.type_name[1:]
        version = mutations[f"{name}Update"].args.get("version")
        if version is None or str(version.type) != "Int!":
            wrong.append(f"{name}Update: no version: Int!")
        cascade = mutations[f"{name}Delete"].args.get("cascade")
        if cascade is None or get_named_type(cascade.type).name != "Boolean":
            wrong.append(f"{name}Delete: no cascade: Boolean")
    assert wrong == []


def test_audit_trail_is_nullable(schema):
    """Given "`auditTrail`, is nullable", when its type is read, then it is nullable (a list's type would be too)."""
    claim(r"The one admin-only read, `auditTrail`, is nullable")
    field = schema.query_type.fields["auditTrail"] if schema.query_type else None
    assert field is not None and not isinstance(field.type, GraphQLNonNull | GraphQLList)

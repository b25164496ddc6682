"""Real clients accept the schema: relay-compiler builds a Relay app's fragments, graphql-codegen types the README.

The Relay fixture app is tests/clients/relay/src/ (TypeScript, graphql`...` templates as a Relay app writes them):
a paginated `@connection` over `Query.timeline` and `@refetchable` fragments. A fragment added there is compiled and
checked by the same tests. The queries Relay generates are then sent to the API, on both databases, and must answer.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import Api, readme_documents
from tests.client_tools import (
    artifact_text,
    codegen,
    named,
    relay_compile,
    relay_connections,
    relay_definitions,
    relay_refetchables,
)

# How to find one object's id for each type a @refetchable fragment is on (the refetch query takes `node(id:)`):
# a query, and the path to an id in its data.
ID_QUERIES: dict[str, tuple[str, list[str | int]]] = {
    "Event": ("{ events(first: 1) { nodes { id } } }", ["events", "nodes", 0, "id"]),
    "Relationship": (
        '{ relationships(actor: {slug: "israel"}, first: 1) { nodes { id } } }',
        ["relationships", "nodes", 0, "id"],
    ),
}


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Relay fixture app compiled against schema.graphql: its artifacts' folder (the compiler must succeed)."""
    run, folder = relay_compile(tmp_path_factory.mktemp("relay"))
    assert run.returncode == 0, f"relay-compiler failed:\n{run.output}"
    return folder


def artifact(artifacts: Path, name: str) -> str:
    return (artifacts / f"{name}.graphql.ts").read_text()


def test_relay_compiles_every_fragment_and_operation(artifacts):
    """Given the Relay app, when compiled, then each fragment, operation and refetch query has its artifact."""
    made = {path.name.removesuffix(".graphql.ts") for path in artifacts.glob("*.graphql.ts")}
    assert made == relay_definitions()
    assert {"TimelineList_query", "TimelineListPaginationQuery", "EventCard_event", "EventCardRefetchQuery"} <= made


def test_relay_refetch_queries_ask_the_right_root_field(artifacts):
    """Given each @refetchable fragment, when compiled, then its query refetches through `node(id:)` (or the root)."""
    refetchables = relay_refetchables()
    assert refetchables
    for fragment, on, query in refetchables:
        text = artifact_text(artifact(artifacts, query))
        assert text.startswith(f"query {query}("), text
        assert f"...{fragment}" in text, text
        if on != "Query":
            assert "node(id: $id)" in text, text
        assert f"{query}_graphql" in artifact(artifacts, fragment), f"{fragment} does not name {query} to refetch"


def test_relay_connection_has_its_handle(artifacts):
    """Given the timeline @connection, when compiled, then the store handle and the page fields are generated."""
    keys = relay_connections()
    assert keys == ["TimelineList_timeline"]
    fragment = artifact(artifacts, "TimelineList_query")
    assert '"__TimelineList_timeline_connection"' in fragment
    assert re.search(
        r'"connection": \[\s*\{\s*"count": "count",\s*"cursor": "cursor",\s*"direction": "forward"', fragment
    )
    paging = artifact(artifacts, "TimelineListPaginationQuery")
    assert '"handle": "connection"' in paging and '"key": "TimelineList_timeline"' in paging
    text = artifact_text(paging)
    assert "timeline(first: $count, after: $cursor, filter: $filter)" in text
    assert "pageInfo {\n      endCursor\n      hasNextPage\n    }" in text and "cursor\n" in text


def test_relay_pagination_query_pages_the_whole_timeline(client: Api, artifacts):
    """Given Relay's pagination query, when pages of 7 are followed, then they give the timeline once, in order."""
    text = artifact_text(artifact(artifacts, "TimelineListPaginationQuery"))
    seen: list[str] = []
    cursor = None
    while True:
        timeline = client.gql(text, {"count": 7, "cursor": cursor})["timeline"]
        seen += [edge["node"]["id"] for edge in timeline["edges"]]
        if not timeline["pageInfo"]["hasNextPage"]:
            break
        cursor = timeline["pageInfo"]["endCursor"]
    whole = client.gql("{ timeline(first: 100) { totalCount nodes { ... on Node { id } } } }")["timeline"]
    assert seen == [node["id"] for node in whole["nodes"]]
    assert len(seen) == whole["totalCount"] > 7


def test_relay_pagination_query_keeps_its_filter(client: Api, artifacts):
    """Given the pagination query with a filter, when run, then only the filtered items come (the filter is kept)."""
    text = artifact_text(artifact(artifacts, "TimelineListPaginationQuery"))
    data = client.gql(
        text, {"count": 50, "filter": {"actors": [{"slug": "knesset"}, {"slug": "taiwan"}], "actorsMatch": "ALL"}}
    )
    assert 0 < len(data["timeline"]["edges"]) == data["timeline"]["totalCount"] < 20


def test_relay_refetch_queries_answer(client: Api, artifacts):
    """Given each Node-refetch query, when sent with an id of its type, then that object comes back, no errors."""
    for fragment, on, query in relay_refetchables():
        if on == "Query":
            continue
        assert on in ID_QUERIES, f"add to ID_QUERIES how to find one {on}'s id (for {fragment})"
        found, path = ID_QUERIES[on]
        ident: Any = client.gql(found)
        for step in path:
            ident = ident[step]
        node = client.gql(artifact_text(artifact(artifacts, query)), {"id": ident})["node"]
        assert node["__typename"] == on and node["id"] == ident


def test_codegen_types_every_readme_operation(tmp_path):
    """Given the README's GraphQL documents, when graphql-codegen types them, then each operation gets its type."""
    documents, types = named(readme_documents(), "Readme")
    assert len(documents) >= 8
    run, output = codegen(documents, tmp_path)
    assert run.returncode == 0, f"graphql-codegen failed:\n{run.output}"
    assert "DateTime: { input: string; output: string; }" in output
    for name in types:
        assert f"export type {name} = " in output, f"no type for {name}"
        assert f"export type {name}Variables = " in output, f"no variables type for {name}"


def test_codegen_refuses_a_readme_query_that_does_not_validate(tmp_path):
    """Given a README query asking for a field the schema lacks, when typed, then codegen fails naming it."""
    documents, _ = named(readme_documents(), "Readme")
    documents[0] = documents[0].replace("{", "{ noSuchField ", 1)
    run, _ = codegen(documents, tmp_path)
    assert run.returncode != 0
    assert 'Cannot query field "noSuchField" on type "Query"' in run.output, run.output

"""The service around the schema: the committed SDL, GraphiQL, health and readiness."""

from __future__ import annotations

from pathlib import Path

import schema
from tests.api.conftest import Api

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_schema_graphql_is_current_else_run_realign_schema_export():
    """Given the schema in code, when printed as SDL, then it equals schema.graphql (else: `realign schema export`)."""
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert schema.sdl() == committed, "schema.graphql is stale: run `realign schema export` and commit it"


def test_graphiql_is_served_to_browsers(client):
    """Given a browser, when it GETs /graphql asking for HTML, then GraphiQL's page comes back."""
    response = client.request("GET", "/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


def test_root_redirects_to_the_playground(client):
    """Given a visitor at /, when they GET it, then they are sent to /graphql."""
    response = client.request("GET", "/")
    assert response.status_code in (301, 302, 307, 308)
    assert response.headers["location"].endswith("/graphql")


def test_queries_work_over_get_too(client):
    """Given a query in the URL, when sent with GET, then it answers like POST."""
    response = client.request("GET", "/graphql", params={"query": '{ actor(ref: {slug: "taiwan"}) { name country } }'})
    assert response.status_code == 200
    assert response.json() == {"data": {"actor": {"name": "Taiwan", "country": "TWN"}}}


def test_healthz_is_ok(client):
    """Given a running app, when /healthz is asked, then 200."""
    response = client.request("GET", "/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_is_ready_on_the_seeded_database(client):
    """Given a migrated, seeded database, when /readyz is asked, then 200 with the head revision."""
    response = client.request("GET", "/readyz")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ready"


def test_readyz_is_unavailable_before_migrations(blank_url):
    """Given an empty, unmigrated database, when /readyz is asked, then 503 saying migrations are pending."""
    api = Api(blank_url)
    try:
        response = api.request("GET", "/readyz")
        assert response.status_code == 503
        assert response.json()["status"] == "migrations pending"
        assert api.request("GET", "/healthz").status_code == 200
    finally:
        api.close()


def test_introspection_lists_the_story_types(client):
    """Given introspection on, when the schema's types are asked, then the story's types are there with descriptions."""
    data = client.gql('{ __schema { queryType { name } } __type(name: "Event") { description fields { name } } }')
    assert data["__schema"]["queryType"]["name"] == "Query"
    assert "happened" in data["__type"]["description"]
    assert {"title", "date", "participants", "reactions"} <= {f["name"] for f in data["__type"]["fields"]}

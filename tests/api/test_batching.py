"""No N+1: the SQL statements a query issues depend on its shape, not on how many rows its pages hold."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from api.db import make_engine
from seeds import synthetic
from seeds.loader import load_records

NESTED_TIMELINE = """
query ($first: Int!, $filter: ItemFilter) {
  timeline(first: $first, filter: $filter) {
    totalCount
    edges {
      cursor
      node {
        __typename
        ... on Event { title date { label } participants { role actor { name } } }
        ... on Statement { quote speaker { name } }
        ... on Reaction { reactionKind reactor { name citations { passage source { title } } } }
      }
    }
  }
}
"""

ITEM_SHAPE = """
  __typename
  ... on Event { title participants { role actor { name } } }
  ... on Statement { quote speaker { name } }
  ... on Reaction { reactionKind reactor { name citations { passage source { title } } } }
"""

# The same nested shape once per item type, so every page, however small, holds every type.
PER_TYPE_TIMELINES = (
    "query ($first: Int!) {\n"
    + "".join(
        f"  {alias}: timeline(first: $first, filter: {{itemTypes: [{kind}]}}) {{ nodes {{ {ITEM_SHAPE} }} }}\n"
        for alias, kind in [("events", "EVENT"), ("statements", "STATEMENT"), ("reactions", "REACTION")]
    )
    + "}\n"
)

# Nested pages of 5 reactions: the node-cost limit counts each actor's citations at their bound (20), so 100 items
# with 20 reactions each, every reactor's citations listed, would ask for more than the 50 000 nodes allowed.
DEEP_TIMELINE = """
query ($first: Int!) {
  timeline(first: $first) {
    totalCount
    nodes {
      __typename
      ... on Event {
        title participants { role actor { name } }
        statements { totalCount nodes { quote speaker { name } } }
        reactions(first: 5) { nodes { reactionKind reactor { name citations { source { title } } } } }
        citations { source { title } }
      }
      ... on Statement {
        quote speaker { name } venue { title } about { name }
        reactions { nodes { reactionKind reactor { name } } }
      }
      ... on Reaction {
        reactionKind reactor { name }
        target { __typename ... on Event { title } ... on Statement { quote } ... on Reaction { reactionKind } }
        statement { quote speaker { name } }
        reactions { nodes { reactionKind reactor { name } } }
      }
    }
  }
}
"""

ACTORS_WITH_CONNECTIONS = """
query ($first: Int!) {
  actors(first: $first) {
    nodes {
      name
      affiliations { nodes { role organisation { name } } }
      events(first: 3) { totalCount nodes { title } }
      statements(first: 3) { totalCount nodes { quote } }
      reactions(first: 3) { totalCount nodes { reactionKind } }
    }
  }
}
"""


def types_of(data):
    return {edge["node"]["__typename"] for edge in data["timeline"]["edges"]}


def warm(client):
    """One request first, so connection set-up never counts as the query's statements."""
    client.gql('{ actor(ref: {slug: "israel"}) { name } }')


def test_per_type_nested_timelines_cost_the_same_for_2_and_10_items(client):
    """Given the nested shape per item type, when pages of 2 and 10 are read, then the SQL statements are as many."""
    warm(client)
    small, small_data = client.count(PER_TYPE_TIMELINES, {"first": 2})
    large, large_data = client.count(PER_TYPE_TIMELINES, {"first": 10})
    assert [len(v["nodes"]) for v in small_data.values()] == [2, 2, 2]
    assert [len(v["nodes"]) for v in large_data.values()] == [10, 9, 10]
    assert 0 < small == large, f"2 items per type: {small} statements; 10 items per type: {large}"


def test_mixed_nested_timeline_costs_the_same_for_3_and_10_items(client):
    """Given the Knesset's timeline (all item types on both pages), when 3 and 10 items are read, then counts match."""
    warm(client)
    variables = {"filter": {"actors": [{"slug": "knesset"}]}}
    small, small_data = client.count(NESTED_TIMELINE, {"first": 3, **variables})
    large, large_data = client.count(NESTED_TIMELINE, {"first": 10, **variables})
    assert types_of(small_data) == types_of(large_data) == {"Event", "Statement", "Reaction"}
    assert len(large_data["timeline"]["edges"]) == large_data["timeline"]["totalCount"] == 5
    assert 0 < small == large, f"3 items: {small} statements; 5 items: {large}"


def test_whole_story_timeline_takes_at_most_one_statement_per_selection_set(client):
    """Given the deep nested shape, when the whole story (36 items) is read, then SQL ≤ one per selection set."""
    warm(client)
    statements, data = client.count(DEEP_TIMELINE, {"first": 100})
    assert len(data["timeline"]["nodes"]) == 36
    selection_sets = DEEP_TIMELINE.count("{")
    assert 0 < statements <= selection_sets, f"{statements} statements for {selection_sets} selection sets"


def test_actors_with_nested_connections_cost_the_same_for_5_and_37_actors(client):
    """Given actors with affiliations and three nested connections, when 5 and all 37 are read, then counts match."""
    warm(client)
    small, small_data = client.count(ACTORS_WITH_CONNECTIONS, {"first": 5})
    large, large_data = client.count(ACTORS_WITH_CONNECTIONS, {"first": 100})
    assert len(small_data["actors"]["nodes"]) == 5 and len(large_data["actors"]["nodes"]) == 37
    saar = next(a for a in large_data["actors"]["nodes"] if a["name"] == "Gideon Sa'ar")
    assert saar["events"]["totalCount"] == 3 and len(saar["events"]["nodes"]) == 3
    assert 0 < small == large, f"5 actors: {small} statements; 37 actors: {large}"


@pytest.fixture
def synthetic_client(seeded_client):
    """The story plus the synthetic data set of 300 events, loaded as `realign seed --synthetic 300` would."""
    engine = make_engine(seeded_client.url)
    try:
        result = load_records(engine, synthetic.parsed(300))
    finally:
        engine.dispose()
    assert not result.errors, result.errors
    return seeded_client


def test_synthetic_nested_timeline_costs_the_same_for_10_and_100_items(synthetic_client):
    """Given 300 synthetic events on top of the story, when 10 and 100 items are read, then SQL counts match."""
    warm(synthetic_client)
    small, small_data = synthetic_client.count(NESTED_TIMELINE, {"first": 10})
    large, large_data = synthetic_client.count(NESTED_TIMELINE, {"first": 100})
    assert len(small_data["timeline"]["edges"]) == 10 and len(large_data["timeline"]["edges"]) == 100
    assert large_data["timeline"]["totalCount"] == 36 + 300 + 150 + 150
    assert types_of(small_data) == types_of(large_data) == {"Event", "Statement", "Reaction"}
    assert 0 < small == large, f"10 items: {small} statements; 100 items: {large}"


def test_synthetic_deep_timeline_costs_the_same_for_50_and_100_items(synthetic_client):
    """Given the deep nested shape on synthetic data, when 50 and 100 items are read, then SQL counts match."""
    warm(synthetic_client)
    small, _ = synthetic_client.count(DEEP_TIMELINE, {"first": 50})
    large, data = synthetic_client.count(DEEP_TIMELINE, {"first": 100})
    assert len(data["timeline"]["nodes"]) == 100
    assert 0 < small == large, f"50 items: {small} statements; 100 items: {large}"


CONTROL = {"", "BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK", "SELECT 1"}  # transactions and pool pings


def _sent_to_the_database(client):
    """Every SQL statement the database receives from the app, seen below Realign's own code: SQLAlchemy's
    cursor events, and on PostgreSQL asyncpg's query logger (reads that go straight to asyncpg)."""
    seen: list[str] = []
    engine = client.app.state.engine.sync_engine
    if engine.dialect.name == "postgresql":

        def log(query):
            seen.append(query.query)

        def checkout(dbapi_connection, *_):
            dbapi_connection.driver_connection.add_query_logger(log)

        event.listen(engine, "checkout", checkout)
    else:
        event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_the_statement_tally_counts_every_statement_the_database_receives(client):
    """Given the deep nested shape, when the whole story is read, then the app's tally matches what the driver sent."""
    warm(client)
    seen = _sent_to_the_database(client)
    statements, data = client.count(DEEP_TIMELINE, {"first": 100})
    assert len(data["timeline"]["nodes"]) == 36
    queries = [q for q in seen if q.strip().rstrip(";").upper() not in CONTROL]
    assert statements == len(queries) > 0, queries


ALIASED_JOINS = """
{
  event(ref: {slug: "unsc-hostage-session-2025-08"}) {
    statements(first: 5) {
      nodes {
        slug
        who: speaker { name }
        one: speaker { events(first: 1) { nodes { slug } } }
        two: speaker { events(first: 2) { nodes { slug } } }
        venue { slug }
        reactions(first: 5) { nodes { slug reactor { name } statement { slug } } }
      }
    }
    participants { role actor { name } again: actor { slug } }
  }
}
"""


def test_to_one_relations_joined_into_their_parents_keep_aliases_apart(client):
    """Given a speaker under three aliases with different selections, when read, then each alias gets its own answer."""
    warm(client)
    statements, data = client.count(ALIASED_JOINS)
    event = data["event"]
    nodes = event["statements"]["nodes"]
    assert nodes, event
    for node in nodes:
        assert node["venue"] == {"slug": "unsc-hostage-session-2025-08"}
        assert len(node["one"]["events"]["nodes"]) <= 1
        assert len(node["two"]["events"]["nodes"]) <= 2
        assert node["two"]["events"]["nodes"][:1] == node["one"]["events"]["nodes"]
        for reaction in node["reactions"]["nodes"]:
            assert reaction["reactor"]["name"]
    saar = next(n for n in nodes if n["who"]["name"] == "Gideon Sa'ar")
    assert len(saar["two"]["events"]["nodes"]) == 2
    names = [p["actor"]["name"] for p in event["participants"]]
    assert "Gideon Sa'ar" in names and all(p["again"]["slug"] for p in event["participants"])
    # event; its statements with speaker and venue joined; the speakers' two event pages; reactions with reactor
    # and statement joined; participants with actor joined
    assert statements == 6, statements


JOINED_JSON = """
{
  events(first: 100, filter: {actors: [{slug: "israel"}]}) {
    nodes {
      slug
      participants {
        actor { slug }
        full: actor { slug sectors aliases externalIds }
      }
    }
  }
}
"""


def test_joined_actors_read_their_json_fields_when_any_alias_selects_them(client):
    """Given a participant's actor under two aliases, one with JSON fields, when read, then both show the full actor."""
    data = client.gql(JOINED_JSON)
    israel = [p for e in data["events"]["nodes"] for p in e["participants"] if p["actor"]["slug"] == "israel"]
    assert israel
    for participation in israel:
        full = participation["full"]
        assert full["aliases"] == ["Jerusalem", "the Jewish state", "State of Israel"]
        assert full["sectors"] == ["GOV"] and full["externalIds"] is not None

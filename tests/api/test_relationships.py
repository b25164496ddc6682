"""Relationship histories: directed dyads, their changes with causes, running scores and trends."""

from __future__ import annotations

RELATIONSHIP = """
query ($from: String!, $to: String!, $both: Boolean! = false) {
  relationship(from: $from, to: $to, bothDirections: $both) {
    from { slug } to { slug }
    score trend changeCount
    firstChange { label } lastChange { label start }
    changes {
      id slug delta scoreAfter explanation
      date { label start }
      from { slug } to { slug }
      citations { passage }
      cause {
        __typename
        ... on Event { slug title }
        ... on Statement { slug quote speaker { name } }
        ... on Reaction {
          slug kind reactor { slug name } statement { slug quote }
          target { __typename ... on Event { slug } }
        }
      }
    }
    reverse { from { slug } to { slug } score trend changeCount changes { delta scoreAfter cause { __typename } } }
  }
}
"""

RELATIONSHIPS = """
query ($actor: String!) {
  relationships(actor: $actor) {
    from { slug } to { slug } score trend changeCount
    lastChange { start }
    changes { delta scoreAfter }
  }
}
"""

CHANGE_NODE = """
query ($id: ID!) { node(id: $id) { __typename ... on RelationshipChange { slug delta scoreAfter from { slug } } } }
"""


def relationship(client, source, target, both=False):
    return client.gql(RELATIONSHIP, {"from": source, "to": target, "both": both})["relationship"]


def test_israel_warms_to_taiwan_through_the_knesset_petition(client):
    """Given Israel→Taiwan, when read, then its one change is a +3 warming caused by the petition event."""
    dyad = relationship(client, "israel", "taiwan")
    assert dyad["from"] == {"slug": "israel"} and dyad["to"] == {"slug": "taiwan"}
    assert (dyad["score"], dyad["trend"], dyad["changeCount"]) == (3, "WARMING", 1)
    (change,) = dyad["changes"]
    assert change["delta"] == 3 and change["delta"] > 0 and change["scoreAfter"] == 3
    assert change["cause"]["__typename"] == "Event"
    assert change["cause"]["slug"] == "knesset-taiwan-petition-2025-07"
    assert change["date"]["label"] == "late July 2025"
    assert "Knesset" in change["explanation"]
    assert change["citations"] and "72 of the 120 Knesset members" in change["citations"][0]["passage"]
    assert dyad["reverse"] is None


def test_prc_cools_on_israel_through_its_embassys_reaction(client):
    """Given PRC→Israel, when read, then it cools by −3, caused by the embassy's accusation (with its statement)."""
    dyad = relationship(client, "prc", "israel")
    assert (dyad["score"], dyad["trend"]) == (-3, "COOLING")
    (change,) = dyad["changes"]
    assert change["delta"] == -3 and change["scoreAfter"] == -3
    cause = change["cause"]
    assert cause["__typename"] == "Reaction"
    assert cause["slug"] == "prc-embassy-accuses-knesset-over-petition" and cause["kind"] == "ACCUSE"
    assert cause["reactor"]["slug"] == "prc-embassy-tel-aviv"
    assert cause["statement"]["slug"] == "prc-embassy-statement-on-taiwan-petition"
    assert "right side of history" in cause["statement"]["quote"]
    assert cause["target"] == {"__typename": "Event", "slug": "knesset-taiwan-petition-2025-07"}
    assert dyad["firstChange"] == {"label": "between 21 July and 8 August 2025"}


def test_running_score_is_the_cumulative_sum(client):
    """Given every dyad with changes, when read, then each scoreAfter is the running sum and score the total."""
    for source, target in [("israel", "russia"), ("israel", "ukraine"), ("ukraine", "israel"), ("israel", "prc")]:
        dyad = relationship(client, source, target)
        running = 0
        for change in dyad["changes"]:
            running += change["delta"]
            assert change["scoreAfter"] == running, (source, target)
        assert dyad["score"] == running and dyad["changeCount"] == len(dyad["changes"]) == 2
        starts = [c["date"]["start"] for c in dyad["changes"]]
        assert starts == sorted(starts)
        assert dyad["lastChange"]["start"] == starts[-1]


def test_israel_russia_history_from_assad_to_ridicule(client):
    """Given Israel→Russia, when read, then Assad's fall (−1) then Sa'ar's ridicule (−3) leave it at −4, cooling."""
    dyad = relationship(client, "israel", "russia")
    assert [(c["delta"], c["scoreAfter"], c["cause"]["slug"]) for c in dyad["changes"]] == [
        (-1, -1, "assad-falls-from-power"),
        (-3, -4, "saar-ridicules-russia-envoy"),
    ]
    assert [c["cause"]["__typename"] for c in dyad["changes"]] == ["Event", "Reaction"]
    assert dyad["trend"] == "COOLING"


def test_a_statement_can_be_the_cause(client):
    """Given Israel→Ukraine, when read, then its second change is caused by Sa'ar's UN statement."""
    dyad = relationship(client, "israel", "ukraine")
    second = dyad["changes"][1]
    assert second["cause"]["__typename"] == "Statement"
    assert second["cause"]["slug"] == "saar-unsc-on-russian-representative"
    assert second["cause"]["speaker"] == {"name": "Gideon Sa'ar"}
    assert (dyad["score"], dyad["trend"]) == (5, "WARMING")


def test_both_directions_gives_the_reverse(client):
    """Given Israel→Russia both ways, when read, then reverse is Russia→Israel: −2 for its envoy's condemnation."""
    dyad = relationship(client, "israel", "russia", both=True)
    reverse = dyad["reverse"]
    assert reverse["from"] == {"slug": "russia"} and reverse["to"] == {"slug": "israel"}
    assert (reverse["score"], reverse["trend"], reverse["changeCount"]) == (-2, "COOLING", 1)
    assert reverse["changes"] == [{"delta": -2, "scoreAfter": -2, "cause": {"__typename": "Reaction"}}]
    assert dyad["score"] == -4


def test_a_dyad_without_changes_is_steady_at_zero(client):
    """Given Taiwan→Russia, which never moved, when read, then score 0, STEADY, no changes, no dates."""
    dyad = relationship(client, "taiwan", "russia", both=True)
    assert (dyad["score"], dyad["trend"], dyad["changeCount"], dyad["changes"]) == (0, "STEADY", 0, [])
    assert dyad["firstChange"] is None and dyad["lastChange"] is None
    assert dyad["reverse"]["score"] == 0 and dyad["reverse"]["trend"] == "STEADY"


def test_relationship_accepts_global_ids(client):
    """Given Israel's and Taiwan's global ids, when used as from/to, then the answer equals the slugs'."""
    ids = client.gql('{ a: actor(slug: "israel") { id } b: actor(slug: "taiwan") { id } }')
    assert relationship(client, ids["a"]["id"], ids["b"]["id"]) == relationship(client, "israel", "taiwan")


def test_relationship_change_is_a_node(client):
    """Given a change's id, when fetched with node(id:), then the change comes back."""
    change = relationship(client, "israel", "taiwan")["changes"][0]
    node = client.gql(CHANGE_NODE, {"id": change["id"]})["node"]
    assert node["__typename"] == "RelationshipChange"
    assert node["slug"] == "israel-taiwan-knesset-petition" == change["slug"]
    assert node["delta"] == 3 and node["from"] == {"slug": "israel"}


def test_relationships_of_israel_list_every_dyad_with_score_and_trend(client):
    """Given Israel, when its relationships are listed, then all nine dyads come, most recently moved first."""
    dyads = client.gql(RELATIONSHIPS, {"actor": "israel"})["relationships"]
    pairs = {(d["from"]["slug"], d["to"]["slug"]): d for d in dyads}
    assert set(pairs) == {
        ("israel", "russia"),
        ("russia", "israel"),
        ("israel", "ukraine"),
        ("ukraine", "israel"),
        ("israel", "taiwan"),
        ("taiwan", "israel"),
        ("israel", "prc"),
        ("prc", "israel"),
        ("european-allies-of-israel", "israel"),
    }
    assert (pairs[("ukraine", "israel")]["score"], pairs[("ukraine", "israel")]["trend"]) == (5, "WARMING")
    assert (pairs[("israel", "prc")]["score"], pairs[("israel", "prc")]["trend"]) == (-4, "COOLING")
    assert dyads[0]["from"]["slug"] == "ukraine" and dyads[0]["lastChange"]["start"] == "2025-08-06"
    latest = [d["lastChange"]["start"] for d in dyads]
    assert latest == sorted(latest, reverse=True)
    for dyad in dyads:
        assert dyad["changeCount"] == len(dyad["changes"])
        assert dyad["score"] == sum(c["delta"] for c in dyad["changes"])
        assert dyad["changes"][-1]["scoreAfter"] == dyad["score"]


def test_relationships_of_prc(client):
    """Given the PRC, when its relationships are listed, then the US and Israel cool on it and it on Israel."""
    dyads = client.gql(RELATIONSHIPS, {"actor": "prc"})["relationships"]
    assert [(d["from"]["slug"], d["to"]["slug"], d["score"], d["trend"]) for d in dyads] == [
        ("united-states", "prc", -2, "COOLING"),
        ("prc", "israel", -3, "COOLING"),
        ("israel", "prc", -4, "COOLING"),
    ]

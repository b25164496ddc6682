"""Relationship histories: directed dyads, their changes with causes, running scores and trends; relationships as
nodes, their pages of changes (windowed), the lists of them, and what they cost."""

from __future__ import annotations

import base64
from collections import defaultdict

from tests.api.conftest import Api, codes

RELATIONSHIP = """
query ($from: RecordRef!, $to: RecordRef!) {
  relationship(from: $from, to: $to) {
    id
    from { slug } to { slug }
    score trend changeCount
    firstChange { label } lastChange { label start }
    changes(first: 100) {
      totalCount
      nodes {
        id slug delta scoreAfter explanation
        date { label start }
        from { slug } to { slug }
        citations { passage }
        cause {
          __typename
          ... on Event { slug title }
          ... on Statement { slug quote speaker { name } }
          ... on Reaction {
            slug reactionKind reactor { slug name } statement { slug quote }
            target { __typename ... on Event { slug } }
          }
        }
      }
    }
    reverse {
      id from { slug } to { slug } score trend changeCount
      changes { nodes { delta scoreAfter cause { __typename } } }
      reverse { id }
    }
  }
}
"""

RELATIONSHIPS = """
query ($actor: RecordRef!, $counterpart: RecordRef, $first: Int, $after: String, $last: Int, $before: String) {
  relationships(actor: $actor, counterpart: $counterpart, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor }
    nodes {
      id from { slug } to { slug } score trend changeCount
      lastChange { start }
      changes(first: 100) { nodes { delta scoreAfter } }
    }
  }
}
"""

CHANGES = """
query ($from: RecordRef!, $to: RecordRef!, $since: FuzzyDate, $until: FuzzyDate,
       $first: Int, $after: String, $last: Int, $before: String) {
  relationship(from: $from, to: $to) {
    changes(from: $since, to: $until, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      nodes { slug delta scoreAfter }
    }
  }
}
"""

CHANGE_NODE = """
query ($id: ID!) { node(id: $id) { __typename ... on RelationshipChange { slug delta scoreAfter from { slug } } } }
"""

RELATIONSHIP_NODE = """
query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Relationship { from { slug } to { slug } score trend changeCount changes { nodes { slug scoreAfter } } }
  }
}
"""


def ref(value: str) -> dict[str, str]:
    """A RecordRef: a global id as it is, anything else as a slug."""
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        text = ""
    return {"id": value} if text.startswith("Actor:") else {"slug": value}


def relationship(client, source, target):
    dyad = client.gql(RELATIONSHIP, {"from": ref(source), "to": ref(target)})["relationship"]
    dyad["changes"] = dyad["changes"]["nodes"]
    return dyad


def listed(client, actor, **variables):
    return client.gql(RELATIONSHIPS, {"actor": {"slug": actor}, **variables})["relationships"]


def pair_id(first: int, second: int) -> str:
    return base64.urlsafe_b64encode(f"Relationship:{first}:{second}".encode()).decode().rstrip("=")


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
    assert dyad["reverse"]["from"] == {"slug": "taiwan"} and dyad["reverse"]["to"] == {"slug": "israel"}


def test_prc_cools_on_israel_through_its_embassys_reaction(client):
    """Given PRC→Israel, when read, then it cools by −3, caused by the embassy's accusation (with its statement)."""
    dyad = relationship(client, "prc", "israel")
    assert (dyad["score"], dyad["trend"]) == (-3, "COOLING")
    (change,) = dyad["changes"]
    assert change["delta"] == -3 and change["scoreAfter"] == -3
    cause = change["cause"]
    assert cause["__typename"] == "Reaction"
    assert cause["slug"] == "prc-embassy-accuses-knesset-over-petition" and cause["reactionKind"] == "ACCUSE"
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


def test_reverse_is_the_other_direction(client):
    """Given Israel→Russia, when read, then reverse is Russia→Israel (−2 for its envoy's condemnation), and the
    reverse of the reverse is Israel→Russia again, by id."""
    dyad = relationship(client, "israel", "russia")
    reverse = dyad["reverse"]
    assert reverse["from"] == {"slug": "russia"} and reverse["to"] == {"slug": "israel"}
    assert (reverse["score"], reverse["trend"], reverse["changeCount"]) == (-2, "COOLING", 1)
    assert reverse["changes"]["nodes"] == [{"delta": -2, "scoreAfter": -2, "cause": {"__typename": "Reaction"}}]
    assert dyad["score"] == -4
    assert reverse["reverse"] == {"id": dyad["id"]} and reverse["id"] != dyad["id"]
    assert reverse["id"] == relationship(client, "russia", "israel")["id"]


def test_a_dyad_without_changes_is_steady_at_zero(client):
    """Given Taiwan→Russia, which never moved, when read, then score 0, STEADY, no changes, no dates; so is its
    reverse."""
    dyad = relationship(client, "taiwan", "russia")
    assert (dyad["score"], dyad["trend"], dyad["changeCount"], dyad["changes"]) == (0, "STEADY", 0, [])
    assert dyad["firstChange"] is None and dyad["lastChange"] is None
    assert dyad["reverse"]["score"] == 0 and dyad["reverse"]["trend"] == "STEADY"
    assert dyad["reverse"]["changes"]["nodes"] == []


def test_relationship_accepts_global_ids(client):
    """Given Israel's and Taiwan's global ids, when used as from/to, then the answer equals the slugs'."""
    ids = client.gql('{ a: actor(ref: {slug: "israel"}) { id } b: actor(ref: {slug: "taiwan"}) { id } }')
    assert relationship(client, ids["a"]["id"], ids["b"]["id"]) == relationship(client, "israel", "taiwan")


def test_relationship_change_is_a_node(client):
    """Given a change's id, when fetched with node(id:), then the change comes back."""
    change = relationship(client, "israel", "taiwan")["changes"][0]
    node = client.gql(CHANGE_NODE, {"id": change["id"]})["node"]
    assert node["__typename"] == "RelationshipChange"
    assert node["slug"] == "israel-taiwan-knesset-petition" == change["slug"]
    assert node["delta"] == 3 and node["from"] == {"slug": "israel"}


def test_relationship_id_round_trips_through_node(client):
    """Given a relationship's id (one that moved, one that never did), when passed to node(id:) and nodes(ids:),
    then the same relationship comes back; a pair of actors that does not exist is null, a made-up pair id (an
    actor toward itself) is BAD_USER_INPUT, and a relationship id where an actor is wanted is BAD_USER_INPUT."""
    for source, target in [("israel", "russia"), ("taiwan", "russia")]:
        dyad = relationship(client, source, target)
        node = client.gql(RELATIONSHIP_NODE, {"id": dyad["id"]})["node"]
        assert node["__typename"] == "Relationship" and node["id"] == dyad["id"]
        assert (node["from"], node["to"]) == (dyad["from"], dyad["to"])
        assert (node["score"], node["trend"], node["changeCount"]) == (
            dyad["score"],
            dyad["trend"],
            dyad["changeCount"],
        )
        assert node["changes"]["nodes"] == [{"slug": c["slug"], "scoreAfter": c["scoreAfter"]} for c in dyad["changes"]]
    dyad = relationship(client, "israel", "russia")
    actor_id = client.gql('{ actor(ref: {slug: "israel"}) { id } }')["actor"]["id"]
    many = "query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"
    found = client.gql(many, {"ids": [dyad["id"], actor_id, dyad["reverse"]["id"], pair_id(2**31 - 1, 1)]})
    assert found["nodes"] == [
        {"__typename": "Relationship", "id": dyad["id"]},
        {"__typename": "Actor", "id": actor_id},
        {"__typename": "Relationship", "id": dyad["reverse"]["id"]},
        None,
    ]
    assert client.gql(RELATIONSHIP_NODE, {"id": pair_id(2**31 - 1, 1)})["node"] is None
    assert codes(client.errors(RELATIONSHIP_NODE, {"id": pair_id(5, 5)})) == ["BAD_USER_INPUT"]
    errors = client.errors(RELATIONSHIP, {"from": {"id": dyad["id"]}, "to": {"slug": "israel"}})
    assert codes(errors) == ["BAD_USER_INPUT"] and "relationship" in errors[0]["message"].lower()


def test_score_after_is_the_same_on_every_path(client):
    """Given every change of the seed story, when its scoreAfter is read through its relationship's changes,
    through node(id:), through nodes(ids:) and through relationshipChanges, then it is the same number each time:
    the running sum of its dyad in date order."""
    listed_changes = client.gql(
        "{ relationshipChanges(first: 100) { nodes { id delta scoreAfter from { slug } to { slug } } } }"
    )["relationshipChanges"]["nodes"]
    assert len(listed_changes) == 14
    by_dyad = defaultdict(list)
    for change in listed_changes:
        by_dyad[(change["from"]["slug"], change["to"]["slug"])].append(change)
    through_relationship = {}
    for source, target in by_dyad:
        running = 0
        for change in relationship(client, source, target)["changes"]:
            running += change["delta"]
            assert change["scoreAfter"] == running
            through_relationship[change["id"]] = change["scoreAfter"]
    assert set(through_relationship) == {c["id"] for c in listed_changes}
    many = "query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on RelationshipChange { scoreAfter } } }"
    through_nodes = client.gql(many, {"ids": [c["id"] for c in listed_changes]})["nodes"]
    for change, node in zip(listed_changes, through_nodes, strict=True):
        one = client.gql(CHANGE_NODE, {"id": change["id"]})["node"]
        assert change["scoreAfter"] == through_relationship[change["id"]] == node["scoreAfter"] == one["scoreAfter"]
    # And from the other end: every timeline item's `causedChanges` (a nested connection, batched per page).
    caused = client.gql("{ timeline(first: 100) { nodes { causedChanges { totalCount nodes { id scoreAfter } } } } }")[
        "timeline"
    ]["nodes"]
    through_causes = {c["id"]: c["scoreAfter"] for item in caused for c in item["causedChanges"]["nodes"]}
    assert sum(item["causedChanges"]["totalCount"] for item in caused) == len(listed_changes)
    assert through_causes == through_relationship


def changes(client, source, target, **variables):
    return client.gql(CHANGES, {"from": {"slug": source}, "to": {"slug": target}, **variables})["relationship"][
        "changes"
    ]


def test_changes_window_keeps_the_changes_overlapping_it(client):
    """Given Israel→Russia (Assad's fall, dated between 2022 and 8 August 2025, then the ridicule on 5 August
    2025), when windowed, then a change matches when its date span overlaps the window, and its scoreAfter is
    still the running score over the whole history."""
    whole = changes(client, "israel", "russia")["nodes"]
    assert [c["scoreAfter"] for c in whole] == [-1, -4]
    late = changes(client, "israel", "russia", since="2025-08-06")
    assert [c["scoreAfter"] for c in late["nodes"]] == [-1] and late["totalCount"] == 1  # the span reaches 8 August
    ridicule = changes(client, "israel", "russia", since="2025-08-05", until="2025-08-05")
    assert [c["scoreAfter"] for c in ridicule["nodes"]] == [-1, -4]  # both cover 5 August
    early = changes(client, "israel", "russia", until="2024")
    assert [(c["delta"], c["scoreAfter"]) for c in early["nodes"]] == [(-1, -1)] and early["totalCount"] == 1
    after = changes(client, "israel", "russia", since="2025-08-09")
    assert after["nodes"] == [] and after["totalCount"] == 0
    dyad = {"from": {"slug": "israel"}, "to": {"slug": "russia"}}
    errors = client.errors(CHANGES, {**dyad, "since": "2025-09", "until": "2025-08"})
    assert codes(errors) == ["BAD_USER_INPUT"] and "after" in errors[0]["message"]
    assert codes(client.errors(CHANGES, {**dyad, "since": "soon"})) == ["BAD_USER_INPUT"]


def test_changes_page_forward_and_backward_within_a_window(client):
    """Given Israel→Russia in the window of August 2025 (both changes overlap it), when paged one at a time
    forward and then backward, then each page holds the next change in date order and says what lies beyond."""
    window = {"since": "2025-08", "until": "2025-08"}
    first = changes(client, "israel", "russia", first=1, **window)
    assert [c["scoreAfter"] for c in first["nodes"]] == [-1] and first["totalCount"] == 2
    assert first["pageInfo"]["hasNextPage"] and not first["pageInfo"]["hasPreviousPage"]
    second = changes(client, "israel", "russia", first=1, after=first["pageInfo"]["endCursor"], **window)
    assert [c["scoreAfter"] for c in second["nodes"]] == [-4]
    assert not second["pageInfo"]["hasNextPage"] and second["pageInfo"]["hasPreviousPage"]
    last = changes(client, "israel", "russia", last=1, **window)
    assert last["nodes"] == second["nodes"] and last["pageInfo"]["hasPreviousPage"]
    before = changes(client, "israel", "russia", last=1, before=last["pageInfo"]["startCursor"], **window)
    assert before["nodes"] == first["nodes"] and not before["pageInfo"]["hasPreviousPage"]
    # The window narrows the pages too: from 6 August only Assad's fall is left, one page of it.
    narrow = changes(client, "israel", "russia", first=1, since="2025-08-06")
    assert [c["scoreAfter"] for c in narrow["nodes"]] == [-1] and not narrow["pageInfo"]["hasNextPage"]


def test_relationships_of_israel_list_every_dyad_with_score_and_trend(client):
    """Given Israel, when its relationships are listed, then all nine dyads come, most recently moved first."""
    found = listed(client, "israel")
    dyads = found["nodes"]
    assert found["totalCount"] == 9 and not found["pageInfo"]["hasNextPage"]
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
        assert dyad["changeCount"] == len(dyad["changes"]["nodes"])
        assert dyad["score"] == sum(c["delta"] for c in dyad["changes"]["nodes"])
        assert dyad["changes"]["nodes"][-1]["scoreAfter"] == dyad["score"]


def test_relationships_of_prc(client):
    """Given the PRC, when its relationships are listed, then the US and Israel cool on it and it on Israel."""
    dyads = listed(client, "prc")["nodes"]
    assert [(d["from"]["slug"], d["to"]["slug"], d["score"], d["trend"]) for d in dyads] == [
        ("united-states", "prc", -2, "COOLING"),
        ("prc", "israel", -3, "COOLING"),
        ("israel", "prc", -4, "COOLING"),
    ]


def test_relationships_page_forward_and_backward(client):
    """Given Israel's nine relationships, when paged two at a time forward and then backward, then the pages
    put together are the whole list in its order, each once, and the page info says where each page sits."""
    whole = [d["id"] for d in listed(client, "israel")["nodes"]]
    forward, after = [], None
    while True:
        page = listed(client, "israel", first=2, after=after)
        assert page["totalCount"] == 9 and len(page["nodes"]) <= 2
        assert page["pageInfo"]["hasPreviousPage"] == (after is not None)
        forward += [d["id"] for d in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert forward == whole
    backward, before = [], None
    while True:
        page = listed(client, "israel", last=2, before=before)
        assert page["pageInfo"]["hasNextPage"] == (before is not None)
        backward = [d["id"] for d in page["nodes"]] + backward
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert backward == whole
    third = listed(client, "israel", first=2, after=listed(client, "israel", first=2)["edges"][1]["cursor"])
    assert [d["id"] for d in third["nodes"]] == whole[2:4]


def test_relationships_with_a_counterpart(client):
    """Given Israel and Russia as counterpart, when listed (at the root and on the actor), then only the two
    dyads between them come, either way; a counterpart nobody has is NOT_FOUND at its field."""
    found = listed(client, "israel", counterpart={"slug": "russia"})
    assert [(d["from"]["slug"], d["to"]["slug"]) for d in found["nodes"]] == [
        ("israel", "russia"),
        ("russia", "israel"),
    ]
    assert found["totalCount"] == 2
    assert listed(client, "taiwan", counterpart={"slug": "russia"})["nodes"] == []
    on_actor = client.gql(
        """{ actor(ref: {slug: "israel"}) { relationships(counterpart: {slug: "russia"}) {
             totalCount nodes { id } } } }"""
    )["actor"]["relationships"]
    assert on_actor["totalCount"] == 2 and [n["id"] for n in on_actor["nodes"]] == [d["id"] for d in found["nodes"]]
    errors = client.errors(RELATIONSHIPS, {"actor": {"slug": "israel"}, "counterpart": {"slug": "atlantis"}})
    assert codes(errors) == ["NOT_FOUND"] and errors[0]["extensions"]["field"] == "counterpart.slug"


def test_actor_relationships_match_the_root_list(client):
    """Given several actors in one page, when each one's relationships are read on the actor, then each equals
    the root list for that actor, in the same order, paged the same way."""
    query = """{ actors(first: 100) { nodes { slug relationships(first: 3) {
                   totalCount pageInfo { hasNextPage endCursor } nodes { id score } } } } }"""
    for actor in client.gql(query)["actors"]["nodes"]:
        root = listed(client, actor["slug"], first=3)
        mine = actor["relationships"]
        assert [n["id"] for n in mine["nodes"]] == [n["id"] for n in root["nodes"]], actor["slug"]
        assert mine["totalCount"] == root["totalCount"]
        assert mine["pageInfo"] == {k: root["pageInfo"][k] for k in ("hasNextPage", "endCursor")}


def test_relationship_lists_cost_their_page_size(client):
    """Given the node limit, when relationships and changes are asked for (at the root and on an actor), then each
    counts at its page size (20 when none is given) times the pages above it: refused when the product passes the
    limit, answered when it does not."""
    big = """{ relationships(actor: {slug: "israel"}, first: 100) { nodes {
                 changes(first: 100) { nodes { from { relationships(first: 10) { totalCount } } } } } } }"""
    errors = client.errors(big)
    assert errors[0]["extensions"]["limit"] == "nodes"
    assert errors[0]["extensions"]["cost"] == 100 + 100 * 100 + 100 * 100 * 10
    default = """{ a: relationships(actor: {slug: "israel"}) { nodes { changes { nodes {
                     delta } } reverse { changes { totalCount } } } }
                   b: actor(ref: {slug: "israel"}) { relationships { nodes { id } } } }"""
    cost = 20 + 20 * 20 + 20 * 20 + 20
    small = Api(client.url, max_nodes=cost - 1)
    try:
        errors = small.errors(default)
        assert errors[0]["extensions"]["limit"] == "nodes" and errors[0]["extensions"]["cost"] == cost
    finally:
        small.close()
    enough = Api(client.url, max_nodes=cost)
    try:
        assert len(enough.gql(default)["a"]["nodes"]) == 9
    finally:
        enough.close()


def test_relationship_fields_cost_statements_per_level_not_per_object(client):
    """Given one and then nine of Israel's relationships, when each one's actors' relationships are read with their
    changes, running scores, reverses and the changes' actors, then both cost the same number of SQL statements:
    every level is fetched in one batch, whatever the number of objects in it."""
    query = """query ($n: Int!) { relationships(actor: {slug: "israel"}, first: $n) { nodes {
                 from { relationships(first: 5) { totalCount nodes {
                   score to { slug }
                   changes { totalCount nodes { scoreAfter from { slug } cause { __typename } } }
                   reverse { score changes { nodes { scoreAfter } } } } } } } } }"""
    one, _ = client.count(query, {"n": 1})
    nine, data = client.count(query, {"n": 9})
    assert len(data["relationships"]["nodes"]) == 9
    assert one == nine
    # The running score of changes listed any other way: one statement for the page, whatever its size.
    few = client.count("{ relationshipChanges(first: 1) { nodes { scoreAfter } } }")[0]
    assert client.count("{ relationshipChanges(first: 100) { nodes { scoreAfter } } }")[0] == few

"""What editors create shows up where readers look: `event(slug:)`, `statement(slug:)`, `timeline`, the reaction
threads and `relationship(from:, to:)`."""

from __future__ import annotations

import pytest

from tests.mutations.support import ARTICLE, EVENT_CREATE, EVENT_READ, REACTION_CREATE, event_input, reaction_input

STATEMENT_CREATE = """
mutation ($input: StatementCreateInput!) {
  statementCreate(input: $input) {
    statement {
      id slug quote channel stance version date { text label }
      speaker { slug } venue { slug } about { slug } tags
    }
    userErrors { field message code }
  }
}
"""
STATEMENT_READ = """
query ($slug: String!) {
  statement(ref: {slug: $slug}) {
    id slug quote speaker { slug } venue { slug } about { slug }
    reactions { nodes { slug } }
  }
}
"""
VENUE_STATEMENTS = "query ($slug: String!) { event(ref: {slug: $slug}) { statements { nodes { slug } } } }"
THREADS = """
query ($event: String!, $statement: String!, $reaction: String!) {
  event(ref: {slug: $event}) { reactions { nodes { slug } } }
  statement(ref: {slug: $statement}) { reactions { nodes { slug } } }
  reaction(ref: {slug: $reaction}) { reactions { nodes { slug } } }
}
"""
CHANGE_CREATE = """
mutation ($input: RelationshipChangeCreateInput!) {
  relationshipChangeCreate(input: $input) {
    relationshipChange {
      id slug delta explanation version from { slug } to { slug } date { text }
      cause { __typename ... on Event { slug } ... on Statement { slug } ... on Reaction { slug } }
    }
    userErrors { field message code }
  }
}
"""
RELATIONSHIP = """
query ($from: RecordRef!, $to: RecordRef!) {
  relationship(from: $from, to: $to) {
    score changeCount
    changes(first: 100) {
      nodes {
        slug delta scoreAfter explanation
        cause { __typename ... on Event { slug } ... on Statement { slug } ... on Reaction { slug } }
      }
    }
  }
}
"""
TIMELINE = """
query ($filter: ItemFilter) {
  timeline(filter: $filter, first: 100) {
    totalCount
    nodes {
      __typename
      ... on Event { slug }
      ... on Statement { slug }
      ... on Reaction { slug }
    }
  }
}
"""
TYPENAME = {"event": "Event", "statement": "Statement", "reaction": "Reaction"}


def timeline_slugs(api, filter_: dict) -> list[tuple[str, str]]:
    """(type, slug) of the timeline's items for a filter, in timeline order."""
    nodes = api.ok(TIMELINE, {"filter": filter_}, role=None)["timeline"]["nodes"]
    return [(n["__typename"], n["slug"]) for n in nodes]


def test_event_create_with_place_participants_tags_and_sources(api):
    """Given place, participants, tags, sources, when eventCreate runs, then event(slug:) reads it all back."""
    given = event_input(
        "israel-taiwan-talks",
        title="Israel and Taiwan hold talks",
        summary="Officials met in Taipei.",
        place={"name": "Taipei", "country": "TWN", "latitude": 25.03, "longitude": 121.56},
        tags=["Diplomacy", "taiwan"],
        sources=[{"source": {"slug": ARTICLE}, "passage": "Israel warms to Taiwan"}],
    )

    created = api.written(EVENT_CREATE, {"input": given})["event"]

    assert created["slug"] == "israel-taiwan-talks"
    assert created["title"] == "Israel and Taiwan hold talks"
    assert created["eventKind"] == "CONSULT" and created["modality"] == "ACTUAL"
    assert created["date"]["text"] == "2025-08-05" and created["date"]["label"] == "5 August 2025"
    assert created["place"] == {"name": "Taipei", "country": "TWN", "latitude": 25.03, "longitude": 121.56}
    assert created["participants"] == [
        {"role": "INITIATOR", "actor": {"slug": "israel"}},
        {"role": "TARGET", "actor": {"slug": "taiwan"}},
    ]
    assert sorted(created["tags"]) == ["diplomacy", "taiwan"]
    assert created["citations"] == [{"passage": "Israel warms to Taiwan", "source": {"slug": ARTICLE}}]
    assert created["version"] == 1
    assert api.ok(EVENT_READ, {"slug": "israel-taiwan-talks"}, role=None)["event"] == created


def test_created_event_shows_up_in_the_timeline(api):
    """Given a new Israel–Taiwan event, when their timeline is read, then it is there among the story's items."""
    before = timeline_slugs(api, {"actors": [{"slug": "israel"}, {"slug": "taiwan"}], "actorsMatch": "ALL"})

    api.written(EVENT_CREATE, {"input": event_input("israel-taiwan-talks", date="2025-08-05")})

    after = timeline_slugs(api, {"actors": [{"slug": "israel"}, {"slug": "taiwan"}], "actorsMatch": "ALL"})
    assert [item for item in after if item != ("Event", "israel-taiwan-talks")] == before
    assert ("Event", "israel-taiwan-talks") in after
    window = timeline_slugs(api, {"actors": [{"slug": "taiwan"}], "from": "2025-08-05", "to": "2025-08-05"})
    assert ("Event", "israel-taiwan-talks") in window


def test_statement_create_with_speaker_venue_and_about(api):
    """Given speaker, venue and about, when statementCreate runs, then reads, venue and timeline show it."""
    given = {
        "slug": "saar-on-taiwan",
        "speaker": {"slug": "gideon-saar"},
        "channel": "PRESS_CONFERENCE",
        "venue": {"slug": "knesset-taiwan-petition-2025-07"},
        "quote": "Taiwan is a friend.",
        "about": [{"slug": "taiwan"}, {"slug": "prc"}],
        "stance": "POSITIVE",
        "date": "2025-08-06",
        "tags": ["taiwan"],
    }

    created = api.written(STATEMENT_CREATE, {"input": given})["statement"]

    assert created["speaker"] == {"slug": "gideon-saar"}
    assert created["venue"] == {"slug": "knesset-taiwan-petition-2025-07"}
    assert sorted(a["slug"] for a in created["about"]) == ["prc", "taiwan"]
    assert (created["channel"], created["stance"], created["version"]) == ("PRESS_CONFERENCE", "POSITIVE", 1)
    read = api.ok(STATEMENT_READ, {"slug": "saar-on-taiwan"}, role=None)["statement"]
    assert read["quote"] == "Taiwan is a friend." and read["venue"] == {"slug": "knesset-taiwan-petition-2025-07"}
    venue = api.ok(VENUE_STATEMENTS, {"slug": "knesset-taiwan-petition-2025-07"}, role=None)["event"]
    assert {"slug": "saar-on-taiwan"} in venue["statements"]["nodes"]
    assert ("Statement", "saar-on-taiwan") in timeline_slugs(api, {"actors": [{"slug": "gideon-saar"}]})


def test_reactions_target_an_event_a_statement_and_a_reaction(api):
    """Given reactions to an event, statement and reaction, when read, then each is in its target's thread."""
    on_event = reaction_input("taiwan-thanks-for-talks", {"event": "gaza-war"})
    on_statement = reaction_input("taiwan-thanks-saar", {"statement": "saar-unsc-on-russian-representative"})
    on_reaction = reaction_input(
        "prc-condemns-thanks", {"reaction": "taiwan-thanks-for-talks"}, reactor={"slug": "prc"}, reactionKind="CONDEMN"
    )

    made = [api.written(REACTION_CREATE, {"input": given})["reaction"] for given in (on_event, on_statement)]
    made.append(api.written(REACTION_CREATE, {"input": on_reaction})["reaction"])

    assert [r["target"] for r in made] == [
        {"__typename": "Event", "slug": "gaza-war"},
        {"__typename": "Statement", "slug": "saar-unsc-on-russian-representative"},
        {"__typename": "Reaction", "slug": "taiwan-thanks-for-talks"},
    ]
    assert [r["reactor"]["slug"] for r in made] == ["taiwan", "taiwan", "prc"]
    threads = api.ok(
        THREADS,
        {
            "event": "gaza-war",
            "statement": "saar-unsc-on-russian-representative",
            "reaction": "taiwan-thanks-for-talks",
        },
        role=None,
    )
    assert {"slug": "taiwan-thanks-for-talks"} in threads["event"]["reactions"]["nodes"]
    assert {"slug": "taiwan-thanks-saar"} in threads["statement"]["reactions"]["nodes"]
    assert threads["reaction"]["reactions"]["nodes"] == [{"slug": "prc-condemns-thanks"}]
    items = timeline_slugs(api, {"itemTypes": ["REACTION"], "from": "2025-08-06", "to": "2025-08-06"})
    assert {slug for _, slug in items} >= {"taiwan-thanks-for-talks", "taiwan-thanks-saar", "prc-condemns-thanks"}


@pytest.mark.parametrize(
    "cause",
    [{"event": "gaza-war"}, {"statement": "saar-unsc-upside-down"}, {"reaction": "saar-ridicules-russia-envoy"}],
    ids=["event", "statement", "reaction"],
)
def test_relationship_change_moves_the_relationship(api, cause):
    """Given Taiwan → Ukraine with no changes, when a +3 change is created, then relationship shows it, score 3."""
    empty = api.ok(RELATIONSHIP, {"from": {"slug": "taiwan"}, "to": {"slug": "ukraine"}}, role=None)["relationship"]
    assert (empty["score"], empty["changes"]["nodes"]) == (0, [])
    given = {
        "slug": "taiwan-ukraine-warms",
        "from": {"slug": "taiwan"},
        "to": {"slug": "ukraine"},
        "delta": 3,
        "cause": cause,
        "date": "2025-08-07",
        "explanation": "Taipei backs Kyiv.",
    }

    created = api.written(CHANGE_CREATE, {"input": given})["relationshipChange"]

    ((kind, slug),) = cause.items()
    assert created["cause"] == {"__typename": TYPENAME[kind], "slug": slug}
    assert (created["from"], created["to"], created["delta"]) == ({"slug": "taiwan"}, {"slug": "ukraine"}, 3)
    moved = api.ok(RELATIONSHIP, {"from": {"slug": "taiwan"}, "to": {"slug": "ukraine"}}, role=None)["relationship"]
    assert moved["score"] == 3 and moved["changeCount"] == 1
    assert moved["changes"]["nodes"] == [
        {
            "slug": "taiwan-ukraine-warms",
            "delta": 3,
            "scoreAfter": 3,
            "explanation": "Taipei backs Kyiv.",
            "cause": created["cause"],
        }
    ]


def test_relationship_change_adds_to_an_existing_relationship(api):
    """Given Israel → Taiwan, when a later −2 change is created, then it comes last and the score drops by 2."""
    before = api.ok(RELATIONSHIP, {"from": {"slug": "israel"}, "to": {"slug": "taiwan"}}, role=None)["relationship"]
    given = {
        "slug": "israel-taiwan-cools",
        "from": {"slug": "israel"},
        "to": {"slug": "taiwan"},
        "delta": -2,
        "cause": {"event": "gaza-war"},
        "date": "2025-09-01",
        "explanation": "A cooling.",
    }

    api.written(CHANGE_CREATE, {"input": given})

    after = api.ok(RELATIONSHIP, {"from": {"slug": "israel"}, "to": {"slug": "taiwan"}}, role=None)["relationship"]
    assert after["score"] == before["score"] - 2
    assert after["changeCount"] == before["changeCount"] + 1
    assert after["changes"]["nodes"][:-1] == before["changes"]["nodes"]
    assert after["changes"]["nodes"][-1]["slug"] == "israel-taiwan-cools"
    assert after["changes"]["nodes"][-1]["scoreAfter"] == before["score"] - 2


AFFILIATION_CREATE = """
mutation ($input: AffiliationCreateInput!) {
  affiliationCreate(input: $input) { affiliation { slug } userErrors { field message code } }
}
"""
MEMBERS = """
query ($slug: String!, $last: Int) {
  actor(ref: {slug: $slug}) { members(first: 100) { nodes { slug } } latest: members(last: $last) { nodes { slug } } }
}
"""


def test_members_come_by_start_an_unknown_start_first(api):
    """Given the Knesset's members (none with a known start) and three new spells created out of date order, when its
    members are read, then the unknown starts come first in creation order, then the spells by start (a fuzzy start
    by its earliest day), whichever way the page is read."""
    before = [n["slug"] for n in api.ok(MEMBERS, {"slug": "knesset", "last": 1})["actor"]["members"]["nodes"]]
    spells = [("tal-2024", "2024-03"), ("tal-2019", "late 2019"), ("tal-undated", None), ("tal-2021", "2021")]
    for slug, start in spells:
        given = {"slug": slug, "member": {"slug": "ohad-tal"}, "organisation": {"slug": "knesset"}, "kind": "MEMBER"}
        api.written(AFFILIATION_CREATE, {"input": {**given, "start": start}})

    data = api.ok(MEMBERS, {"slug": "knesset", "last": 2})["actor"]

    order = [*before, "tal-undated", "tal-2019", "tal-2021", "tal-2024"]
    assert [n["slug"] for n in data["members"]["nodes"]] == order
    assert [n["slug"] for n in data["latest"]["nodes"]] == ["tal-2021", "tal-2024"]

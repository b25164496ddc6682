"""Actor families: `includeAffiliated` widens an actor to the actors acting for it, transitively, at each item's date.

The rule is checked two ways: against the article's examples (Israel's timeline gains the Knesset petition, the
Knesset members' statements, Sa'ar's remarks and the answers to them), and against a reference computed here in
Python from what the API itself reports (affiliations with their spells, items with their actors and dates), for
every actor of the story and after edits that end a spell, add a cycle or add a mere membership.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from api.vocabulary import WIDENING_AFFILIATIONS
from tests.api.conftest import Api, ref
from tests.mutations.support import Writer

EARLIEST, LATEST = dt.date.min, dt.date.max

ITEMS = """
query ($filter: ItemFilter, $after: String) {
  timeline(filter: $filter, first: 100, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      __typename
      ... on Event { slug date { start end } participants { actor { slug } } }
      ... on Statement { slug date { start end } speaker { slug } about { slug } }
      ... on Reaction {
        slug date { start end } reactor { slug }
        target {
          __typename
          ... on Event { slug date { start end } participants { actor { slug } } }
          ... on Statement { slug date { start end } speaker { slug } }
          ... on Reaction { slug date { start end } reactor { slug } }
        }
      }
    }
  }
}
"""
AFFILIATIONS = """
query ($after: String) {
  affiliations(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { kind member { slug } organisation { slug } start { start } end { end } }
  }
}
"""
ACTORS = "{ actors(first: 100) { nodes { slug } } }"
SLUGS = "query ($filter: ItemFilter) { timeline(filter: $filter, first: 100) { totalCount nodes { ...S } } }" + (
    " fragment S on TimelineItem { ... on Event { slug } ... on Statement { slug } ... on Reaction { slug } }"
)
RELATIONSHIPS = """
query ($actor: RecordRef!, $family: Boolean!, $counterpart: RecordRef) {
  relationships(actor: $actor, includeAffiliated: $family, counterpart: $counterpart, first: 100) {
    totalCount nodes { from { slug } to { slug } changeCount }
  }
}
"""
AFFILIATION_UPDATE = """
mutation ($ref: RecordRef!, $version: Int!, $input: AffiliationUpdateInput!) {
  affiliationUpdate(ref: $ref, version: $version, input: $input) {
    affiliation { slug version end { end } } userErrors { code }
  }
}
"""
AFFILIATION_CREATE = """
mutation ($input: AffiliationCreateInput!) {
  affiliationCreate(input: $input) { affiliation { slug } userErrors { code } }
}
"""


def day(value: str | None, default: dt.date) -> dt.date:
    return default if value is None else dt.date.fromisoformat(value)


def span(item: dict[str, Any]) -> tuple[dt.date, dt.date]:
    """An item's date bounds (an ongoing item lasts to the end of time)."""
    return day(item["date"]["start"], EARLIEST), day(item["date"]["end"], LATEST)


def all_pages(api: Api, query: str, field: str, variables: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    out, after = [], None
    while True:
        data = api.gql(query, {**(variables or {}), "after": after})[field]
        out += data["nodes"]
        if not data["pageInfo"]["hasNextPage"]:
            return out
        after = data["pageInfo"]["endCursor"]


class Reference:
    """The family rule computed in Python from the API's own answers (no SQL)."""

    def __init__(self, api: Api) -> None:
        self.items = all_pages(api, ITEMS, "timeline")
        self.edges: dict[str, list[tuple[str, dt.date, dt.date]]] = {}
        for a in all_pages(api, AFFILIATIONS, "affiliations"):
            if a["kind"].lower() in WIDENING_AFFILIATIONS:
                spell = (day((a["start"] or {}).get("start"), EARLIEST), day((a["end"] or {}).get("end"), LATEST))
                self.edges.setdefault(a["organisation"]["slug"], []).append((a["member"]["slug"], *spell))

    def family(self, root: str) -> set[tuple[str, dt.date, dt.date]]:
        """(actor, from, to): the actor acts for ``root`` from..to, along some chain of widening affiliations."""
        found = {(root, EARLIEST, LATEST)}
        frontier = list(found)
        while frontier:
            actor, start, end = frontier.pop()
            for member, spell_start, spell_end in self.edges.get(actor, ()):
                entry = (member, max(start, spell_start), min(end, spell_end))
                if entry[1] <= entry[2] and entry not in found:
                    found.add(entry)
                    frontier.append(entry)
        return found

    @staticmethod
    def involved(item: dict[str, Any]) -> list[tuple[str, tuple[dt.date, dt.date]]]:
        """Each actor an item involves, with the dates its involvement is judged at."""
        kind = item["__typename"]
        if kind == "Event":
            return [(p["actor"]["slug"], span(item)) for p in item["participants"]]
        if kind == "Statement":
            return [(a["slug"], span(item)) for a in [item["speaker"], *item["about"]]]
        target = item["target"]
        answered = {
            "Event": lambda: [p["actor"]["slug"] for p in target["participants"]],
            "Statement": lambda: [target["speaker"]["slug"]],
            "Reaction": lambda: [target["reactor"]["slug"]],
        }[target["__typename"]]()
        return [(item["reactor"]["slug"], span(item))] + [(a, span(target)) for a in answered]

    def matches(self, roots: list[str], match_all: bool) -> set[str]:
        """The slugs of the items a family filter must return."""
        families = [self.family(root) for root in roots]

        def acts_for(item: dict[str, Any], fam: set[tuple[str, dt.date, dt.date]]) -> bool:
            return any(
                actor == member and start <= begins and ends <= end
                for actor, (begins, ends) in self.involved(item)
                for member, start, end in fam
            )

        test = all if match_all else any
        return {item["slug"] for item in self.items if test(acts_for(item, fam) for fam in families)}


def timeline_slugs(api: Api, actors: list[str], *, family: bool = True, match_all: bool = False) -> set[str]:
    flt = {
        "actors": [ref(a) for a in actors],
        "includeAffiliated": family,
        "actorsMatch": "ALL" if match_all else "ANY",
    }
    data = api.gql(SLUGS, {"filter": flt})["timeline"]
    slugs = {n["slug"] for n in data["nodes"]}
    assert data["totalCount"] == len(slugs)
    return slugs


def test_israel_family_tells_the_article_story(client: Api):
    """Given the story, when asking for Israel's timeline with its family, then the petition, the Knesset members'
    statements, Sa'ar's remarks and the answers to them are there; without the opt-in the petition is not."""
    alone = timeline_slugs(client, ["israel"], family=False)
    widened = timeline_slugs(client, ["israel"])
    expected = {
        "knesset-taiwan-petition-2025-07",
        "toporovsky-on-taiwan-petition",
        "tal-on-taiwan-petition",
        "saar-kyiv-remarks-2025-07",
        "saar-unsc-on-russian-representative",
        "saar-unsc-on-palestinian-representative",
        "prc-embassy-accuses-knesset-over-petition",
        "taiwan-thanks-knesset-for-petition",
        "saar-ridicules-russia-envoy",
        "yermak-thanks-saar-for-un-remarks",
    }
    assert expected <= widened
    assert alone < widened
    assert "knesset-taiwan-petition-2025-07" not in alone
    assert "tal-on-taiwan-petition" not in alone


def test_every_list_takes_the_family(client: Api):
    """Given the PRC, when its events, statements and reactions are listed with its family, then the embassy's
    statement (the embassy is part of the PRC) is there, and not without the opt-in."""
    query = """
    query ($filter: ItemFilter) {
      statements(filter: $filter, first: 100) { nodes { slug } }
      reactions(filter: $filter, first: 100) { nodes { slug } }
      events(filter: $filter, first: 100) { nodes { slug } }
    }
    """

    def slugs(family: bool) -> dict[str, set[str]]:
        data = client.gql(query, {"filter": {"actors": [{"slug": "prc"}], "includeAffiliated": family}})
        return {name: {n["slug"] for n in conn["nodes"]} for name, conn in data.items()}

    alone, widened = slugs(False), slugs(True)
    assert "prc-embassy-statement-on-taiwan-petition" in widened["statements"] - alone["statements"]
    assert "prc-embassy-accuses-knesset-over-petition" in widened["reactions"]
    assert all(alone[name] <= widened[name] for name in alone)


def test_family_matches_the_reference_for_every_actor(client: Api):
    """Given the story, when each actor's family timeline is asked (ANY), and pairs of actors (ALL), then the
    items are exactly the reference's."""
    reference = Reference(client)
    actors = [n["slug"] for n in client.gql(ACTORS)["actors"]["nodes"]]
    assert len(actors) > 30
    widened_somewhere = False
    for slug in actors:
        got = timeline_slugs(client, [slug])
        assert got == reference.matches([slug], False), slug
        widened_somewhere |= got != timeline_slugs(client, [slug], family=False)
    assert widened_somewhere
    for pair in (["israel", "taiwan"], ["knesset", "prc"], ["ukraine", "israel"], ["israel", "russia", "ukraine"]):
        assert timeline_slugs(client, pair, match_all=True) == reference.matches(pair, True), pair
        assert timeline_slugs(client, pair) == reference.matches(pair, False), pair


def test_family_costs_one_statement_per_page(client: Api):
    """Given a family filter, when a timeline page is read, then it costs as many SQL statements as without it."""
    query = "query ($f: ItemFilter) { timeline(filter: $f, first: 20) { nodes { ... on Event { slug } } } }"
    plain, _ = client.count(query, {"f": {"actors": [{"slug": "israel"}]}})
    family, data = client.count(query, {"f": {"actors": [{"slug": "israel"}], "includeAffiliated": True}})
    assert family == plain
    assert len(data["timeline"]["nodes"]) == 20


@pytest.fixture
def writer(seeded_url: str) -> Iterator[Writer]:
    api = Writer(seeded_url)
    yield api
    api.close()


def test_a_member_who_left_office_no_longer_counts(writer: Writer):
    """Given Sa'ar's two roles ended in July 2025, when Israel's family timeline is asked, then his Kyiv remarks
    (late July 2025) still count, his Security Council remarks (5 August 2025) no longer do; the reference agrees."""
    before = timeline_slugs(writer, ["israel"])
    roles = writer.ok('{ actor(ref: {slug: "gideon-saar"}) { affiliations { nodes { slug version } } } }')["actor"][
        "affiliations"
    ]["nodes"]
    assert {r["slug"] for r in roles} == {
        "gideon-saar-foreign-minister-of-israel",
        "gideon-saar-heads-israel-foreign-ministry",
    }
    for role in roles:
        ref = {"slug": role["slug"]}
        writer.written(AFFILIATION_UPDATE, {"ref": ref, "version": role["version"], "input": {"end": "2025-07"}})
    after = timeline_slugs(writer, ["israel"])
    assert "saar-kyiv-remarks-2025-07" in after
    assert "saar-unsc-on-russian-representative" in before - after
    assert "yermak-thanks-saar-for-un-remarks" in before - after  # it answers what Sa'ar said on 5 August
    assert after == Reference(writer).matches(["israel"], False)


def test_cycles_end_and_membership_does_not_widen(writer: Writer):
    """Given a cycle of affiliations (Israel part of the Knesset, which is part of Israel) and a party that is a
    mere member of the opposition, when families are asked, then the query ends, the cycle adds nothing, and the
    party's event is not Israel's."""
    before = timeline_slugs(writer, ["israel"])
    writer.written(AFFILIATION_CREATE, {"input": {"slug": "loop", "member": {"slug": "israel"},
                                                  "organisation": {"slug": "knesset"}, "kind": "PART_OF"}})  # fmt: skip
    writer.written(
        "mutation ($input: EventCreateInput!) { eventCreate(input: $input) { event { slug } userErrors { code } } }",
        {"input": {"slug": "yesh-atid-rally", "title": "A Yesh Atid rally", "eventKind": "MOBILIZE", "date": "2025-09",
                   "participants": [{"actor": {"slug": "yesh-atid"}, "role": "INITIATOR"}]}},
    )  # fmt: skip
    after = timeline_slugs(writer, ["israel"])
    assert after == before
    assert "yesh-atid-rally" in timeline_slugs(writer, ["yesh-atid"])
    assert "yesh-atid-rally" not in timeline_slugs(writer, ["knesset-opposition"])
    assert timeline_slugs(writer, ["knesset"]) == Reference(writer).matches(["knesset"], False)


def test_relationships_of_a_family(writer: Writer):
    """Given a change in the Knesset's stance toward Taiwan, when Israel's relationships are asked with its
    family, then the Knesset → Taiwan dyad is among them, and not without the opt-in; with Taiwan as counterpart,
    only the dyads between the family and Taiwan come."""
    writer.written(
        """mutation ($input: RelationshipChangeCreateInput!) {
          relationshipChangeCreate(input: $input) { relationshipChange { slug } userErrors { code } }
        }""",
        {"input": {"slug": "knesset-warms-to-taiwan", "from": {"slug": "knesset"}, "to": {"slug": "taiwan"}, "delta": 2,
                   "date": "late 2025-07", "explanation": "The petition.",
                   "cause": {"event": "knesset-taiwan-petition-2025-07"}}},
    )  # fmt: skip

    def dyads(family: bool, counterpart: str | None = None) -> set[tuple[str, str]]:
        other = {"slug": counterpart} if counterpart else None
        variables = {"actor": {"slug": "israel"}, "family": family, "counterpart": other}
        data = writer.ok(RELATIONSHIPS, variables)["relationships"]
        assert data["totalCount"] == len(data["nodes"])
        return {(r["from"]["slug"], r["to"]["slug"]) for r in data["nodes"]}

    assert ("knesset", "taiwan") in dyads(True) - dyads(False)
    assert dyads(False) < dyads(True)
    assert dyads(True, "taiwan") == {("israel", "taiwan"), ("taiwan", "israel"), ("knesset", "taiwan")}
    assert dyads(False, "taiwan") == {("israel", "taiwan"), ("taiwan", "israel")}

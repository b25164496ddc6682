"""Text search (`search` of ItemFilter and ActorFilter): words as prefixes, all required, case, accents and
apostrophes folded, aliases, hostile input, combined with other filters, and writes found at once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.conftest import item_filter
from tests.api.test_filters import ACTORS, EVENTS, REACTIONS, STATEMENTS, TIMELINE
from tests.mutations.support import ACTOR_CREATE, EVENT_CREATE, EVENT_DELETE, EVENT_UPDATE, Writer, event_input

ACTOR_UPDATE = """
mutation ($ref: RecordRef!, $version: Int!, $input: ActorUpdateInput!) {
  actorUpdate(ref: $ref, version: $version, input: $input) { actor { slug version } userErrors { code } }
}
"""
ACTOR_DELETE = """
mutation ($ref: RecordRef!, $version: Int!) {
  actorDelete(ref: $ref, version: $version) { deleted { slug } userErrors { code } }
}
"""
HOSTILE = [
    '"',
    "*",
    ":",
    "&",
    "!",
    "(",
    ")",
    "-",
    "NEAR",
    "AND",
    "OR",
    "NOT",
    "^",
    "'",
    "%",
    "_",
    "\\",
    '"unterminated',
    "a:*",
    "saar:*",
    "!saar",
    "saar & !israel",
    "saar | israel",
    "NEAR(saar israel)",
    "search_text:saar",
    "{search_text}: saar",
    "saar AND",
    "- saar",
    "saar -israel",
    "''",
    "'; DROP TABLE event; --",
    "<->",
    "saar <-> israel",
    "\u0000",
    "☃",
    "ǅ",
]


def timeline(client, **filter_) -> list[str]:
    return [n["slug"] for n in client.gql(TIMELINE, {"filter": item_filter(filter_)})["timeline"]["nodes"]]


def actors(client, search: str) -> list[str]:
    return [n["slug"] for n in client.gql(ACTORS, {"filter": {"search": search}})["actors"]["nodes"]]


def test_words_are_prefixes(client):
    """Given the start of a word, when searched, then it finds what the whole word finds, and more letters narrow."""
    beijing = timeline(client, search="Beijing")
    assert beijing and timeline(client, search="Beij") == beijing
    assert timeline(client, search="Beijingx") == []
    assert timeline(client, search="sanction")  # no stemming needed for a prefix
    assert set(timeline(client, search="sanctions")) <= set(timeline(client, search="sanction"))


def test_every_word_must_match_in_any_order(client):
    """Given two words, when searched, then an item needs both (in any order), and one unknown word empties it."""
    dark_fleet = timeline(client, search="dark fleet")
    assert dark_fleet == ["us-treasury-sanctions-dark-fleet-2025"]
    assert timeline(client, search="fleet dark") == dark_fleet
    assert timeline(client, search="dark fle") == dark_fleet
    assert timeline(client, search="dark zyxwv") == []
    assert set(timeline(client, search="dark")) >= set(dark_fleet)


def test_case_and_apostrophes_fold(client):
    """Given Sa’ar spelt with a typographic or plain apostrophe, without one, in capitals, when searched, then each
    finds the same items: his own (by his name and aliases) and those naming him."""
    found = timeline(client, search="saar")
    assert "saar-visits-kyiv-2025-07" in found
    for spelling in ("Sa’ar", "Sa'ar", "SAAR", "sa‘ar", "SAʼAR"):
        assert timeline(client, search=spelling) == found, spelling
    assert set(timeline(client, search="Gideon Sa’ar")) <= set(found)
    assert actors(client, "sa'ar") == actors(client, "SAAR") == ["gideon-saar"]


def test_aliases_find_actors_and_their_bodies(client):
    """Given the aliases Beijing and Kyiv, when searched, then the PRC's items and its embassy's accusation come,
    and Kyiv finds Ukraine's items as well as the visit whose title names the city."""
    beijing = timeline(client, search="beijing")
    assert {"prc-buys-iranian-crude", "prc-embassy-accuses-knesset-over-petition"} <= set(beijing)
    kyiv = timeline(client, search="Kyiv")
    ukraine = timeline(client, actors=["ukraine"])
    assert "saar-visits-kyiv-2025-07" in kyiv
    assert set(ukraine) <= set(kyiv)


def test_words_are_not_split_between_item_and_actor(client):
    """Given one word from an item's title and one from an actor's alias only, when searched together, then the
    item does not match (the whole search must match the item's text, or one actor's names)."""
    assert "us-treasury-sanctions-dark-fleet-2025" in timeline(client, search="Treasury")
    assert timeline(client, search="shadow fleet") == ["us-treasury-sanctions-dark-fleet-2025"]  # the alias
    assert timeline(client, search="department oil") == []  # a word of an actor's name + one of the summary


def test_no_match_is_empty_on_every_list(client):
    """Given a word nowhere in the story, when the timeline and each list are searched, then all are empty."""
    flt = {"filter": {"search": "zyxwvu"}}
    assert client.gql(TIMELINE, flt)["timeline"]["totalCount"] == 0
    assert client.gql(EVENTS, flt)["events"]["totalCount"] == 0
    assert client.gql(STATEMENTS, flt)["statements"]["totalCount"] == 0
    assert client.gql(REACTIONS, flt)["reactions"]["totalCount"] == 0
    assert client.gql(ACTORS, flt)["actors"]["totalCount"] == 0


@pytest.mark.parametrize("search", HOSTILE)
def test_hostile_input_never_errors(client, search):
    """Given query-grammar characters and keywords of either database, when searched on the timeline, every list
    and the actors, then each answers without error (punctuation alone matches nothing)."""
    flt = {"filter": {"search": search}}
    for document in (TIMELINE, EVENTS, STATEMENTS, REACTIONS, ACTORS):
        data = client.gql(document, flt)
        (connection,) = data.values()
        if not any(c.isalnum() for c in search):
            assert connection["totalCount"] == 0, search


def test_actors_list_search(client):
    """Given words of names, slugs and aliases, when actors are searched, then every word must start a word there."""
    assert actors(client, "beij") == ["prc"]
    assert actors(client, "gideon") == ["gideon-saar"]
    assert "prc-embassy-tel-aviv" in actors(client, "tel aviv")
    assert actors(client, "embassy beijing") == []  # no one actor has both words
    assert actors(client, "zyxwv") == []


def test_search_combines_with_other_filters(client):
    """Given a search with item types, a window and an actor, when combined, then each narrows the search."""
    beijing = timeline(client, search="Beijing")
    events = [n["slug"] for n in client.gql(EVENTS, {"filter": {"search": "Beijing"}})["events"]["nodes"]]
    assert set(events) < set(beijing)
    reactions = timeline(client, search="Beijing", itemTypes=["REACTION"])
    assert reactions and set(reactions) <= set(beijing) and not set(reactions) & set(events)
    summer = timeline(client, search="Beijing", **{"from": "2025-08", "to": "2025-08"})
    assert summer and set(summer) < set(beijing)
    embassy = timeline(client, search="Beijing", actors=["prc-embassy-tel-aviv"])
    assert embassy and "prc-embassy-accuses-knesset-over-petition" in embassy and set(embassy) < set(beijing)


@pytest.fixture
def writer(seeded_url: str) -> Iterator[Writer]:
    """An editor's client on a story database of the test's own."""
    client = Writer(seeded_url)
    yield client
    client.close()


def test_writes_are_found_at_once(writer):
    """Given an actor and an event created, updated and deleted through mutations, when searched after each write,
    then the search follows (accents folded both ways) with nothing left behind."""
    actor = {"slug": "societe-elysee", "name": "Société de l’Élysée", "kind": "ORGANISATION", "aliases": ["Ærø"]}
    created = writer.written(ACTOR_CREATE, {"input": actor})["actor"]
    for search in ("societe elysee", "SOCIÉTÉ", "élys", "l’Élysée", "aero"):
        assert actors(writer, search) == ["societe-elysee"], search

    writer.written(EVENT_CREATE, {"input": event_input("quokka-summit", title="Quokka summit in Zürich")})
    assert timeline(writer, search="quokka zurich") == ["quokka-summit"]
    assert timeline(writer, search="Zürich") == ["quokka-summit"]
    event = writer.gql('{ event(ref: {slug: "quokka-summit"}) { version } }')["event"]
    update = {
        "title": "Wombat summit",
        "participants": [
            {"actor": {"slug": "societe-elysee"}, "role": "INITIATOR"},
            {"actor": {"slug": "taiwan"}, "role": "TARGET"},
        ],
    }
    writer.written(EVENT_UPDATE, {"ref": {"slug": "quokka-summit"}, "version": event["version"], "input": update})
    assert timeline(writer, search="quokka") == []
    assert timeline(writer, search="wombat") == ["quokka-summit"]
    assert timeline(writer, search="elysee") == ["quokka-summit"]  # through the actor it now involves

    renamed = {"name": "Maison Verte", "aliases": []}
    writer.written(ACTOR_UPDATE, {"ref": {"slug": "societe-elysee"}, "version": created["version"], "input": renamed})
    assert actors(writer, "elysee") == ["societe-elysee"]  # still in its slug
    assert actors(writer, "maison verte") == ["societe-elysee"]
    assert actors(writer, "aero") == []
    assert timeline(writer, search="maison") == ["quokka-summit"]

    version = writer.gql('{ event(ref: {slug: "quokka-summit"}) { version } }')["event"]["version"]
    writer.written(EVENT_DELETE, {"ref": {"slug": "quokka-summit"}, "version": version}, role="admin")
    assert timeline(writer, search="wombat") == []
    version = writer.gql('{ actor(ref: {slug: "societe-elysee"}) { version } }')["actor"]["version"]
    writer.written(ACTOR_DELETE, {"ref": {"slug": "societe-elysee"}, "version": version}, role="admin")
    assert actors(writer, "maison") == []

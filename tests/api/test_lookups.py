"""Single look-ups: actor, event, statement and reaction by slug or id; node and nodes by global id."""

from __future__ import annotations

import base64

ACTOR_BY_SLUG = """
query ($slug: String!) {
  actor(ref: {slug: $slug}) {
    id slug name kind country sectors aliases wikidata description version
    affiliations { nodes { kind role organisation { slug name } } }
    members { nodes { role member { slug } } }
    citations { passage source { slug title publisher language } }
  }
}
"""

ACTOR_BY_ID = """
query ($id: ID!) { actor(ref: {id: $id}) { id slug name } }
"""

NODE = """
query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Actor { slug name }
    ... on Event { slug title }
    ... on Statement { slug quote }
    ... on Reaction { slug reactionKind }
  }
}
"""

NODES = """
query ($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename id
    ... on Actor { slug }
    ... on Event { slug }
    ... on Reaction { slug }
  }
}
"""

IDS_OF_STORY_ITEMS = """
{
  israel: actor(ref: {slug: "israel"}) { id }
  petition: event(ref: {slug: "knesset-taiwan-petition-2025-07"}) { id }
  ridicule: reaction(ref: {slug: "saar-ridicules-russia-envoy"}) { id }
}
"""

EVENT_BY_SLUG = """
query ($slug: String!) {
  event(ref: {slug: $slug}) {
    id slug title summary eventKind mode contexts quadClass score modality cameo tags
    date { text label start end precision qualifier ongoing dayOrder }
    place { name country latitude longitude }
    participants { role actor { slug name } }
    citations { passage source { title } }
  }
}
"""

EVENT_BY_ID = """
query ($id: ID!) { event(ref: {id: $id}) { slug title } }
"""

STATEMENT_BY_SLUG = """
{
  statement(ref: {slug: "yermak-x-post-thanking-saar"}) {
    slug channel quote language translation stance summary tags
    date { label precision }
    speaker { slug name affiliations { nodes { role organisation { name } } } }
    venue { title }
    about { slug }
  }
}
"""

REACTION_BY_SLUG = """
{
  reaction(ref: {slug: "prc-embassy-accuses-knesset-over-petition"}) {
    slug reactionKind ploverType score summary
    date { label start end precision qualifier dayOrder }
    reactor { slug name kind country }
    target { __typename ... on Event { slug title } }
    statement { slug channel speaker { slug } }
  }
}
"""

SOURCE_OF_THE_STORY = """
{
  event(ref: {slug: "saar-visits-kyiv-2025-07"}) {
    citations { passage source { id slug title publisher url language published { label precision } } }
  }
}
"""


def global_id(type_name: str, ident: int) -> str:
    """A global id as the API spells it (URL-safe base64 of ``Type:id``, unpadded)."""
    return base64.urlsafe_b64encode(f"{type_name}:{ident}".encode()).decode().rstrip("=")


def test_actor_by_slug(client):
    """Given the story, when Israel is looked up by slug, then its name, kind, country and aliases come back."""
    actor = client.gql(ACTOR_BY_SLUG, {"slug": "israel"})["actor"]
    assert actor["slug"] == "israel" and actor["name"] == "Israel"
    assert actor["kind"] == "STATE" and actor["country"] == "ISR"
    assert "Jerusalem" in actor["aliases"]
    assert actor["version"] >= 1
    members = {m["member"]["slug"] for m in actor["members"]["nodes"]}
    assert {"gideon-saar", "knesset"} <= members


def test_person_with_affiliations_and_citations(client):
    """Given the story, when Sa'ar is looked up, then his roles and the article he is cited from come back."""
    actor = client.gql(ACTOR_BY_SLUG, {"slug": "gideon-saar"})["actor"]
    assert actor["kind"] == "PERSON"
    roles = {(a["kind"], a["role"], a["organisation"]["slug"]) for a in actor["affiliations"]["nodes"]}
    assert ("ROLE", "Foreign Minister", "israel") in roles
    assert "@gidonsaar" in actor["aliases"]
    assert actor["citations"], "the actor cites its source"
    assert {c["source"]["slug"] for c in actor["citations"]} == {"ny-sun-coalition-of-the-beleaguered"}


def test_actor_by_id_from_a_previous_answer(client):
    """Given Knesset's id from a slug look-up, when it is looked up by id, then the same actor comes back."""
    knesset = client.gql(ACTOR_BY_SLUG, {"slug": "knesset"})["actor"]
    again = client.gql(ACTOR_BY_ID, {"id": knesset["id"]})["actor"]
    assert again == {"id": knesset["id"], "slug": "knesset", "name": "Knesset"}


def test_node_fetches_any_type_by_global_id(client):
    """Given ids of an actor, an event and a reaction, when each goes to node(id:), then each comes back typed."""
    ids = client.gql(IDS_OF_STORY_ITEMS)
    assert client.gql(NODE, {"id": ids["israel"]["id"]})["node"] == {
        "__typename": "Actor",
        "id": ids["israel"]["id"],
        "slug": "israel",
        "name": "Israel",
    }
    event = client.gql(NODE, {"id": ids["petition"]["id"]})["node"]
    assert event["__typename"] == "Event" and event["slug"] == "knesset-taiwan-petition-2025-07"
    reaction = client.gql(NODE, {"id": ids["ridicule"]["id"]})["node"]
    assert reaction == {
        "__typename": "Reaction",
        "id": ids["ridicule"]["id"],
        "slug": "saar-ridicules-russia-envoy",
        "reactionKind": "RIDICULE",
    }


def test_node_with_an_unknown_id_is_null(client):
    """Given a well-formed id that names no row, when it goes to node(id:), then the answer is null, not an error."""
    assert client.gql(NODE, {"id": global_id("Event", 999_999)}) == {"node": None}


def test_nodes_keeps_order_and_nulls_missing_ids(client):
    """Given three ids with a missing one in the middle, when nodes(ids:) runs, then the order is kept with a null."""
    ids = client.gql(IDS_OF_STORY_ITEMS)
    wanted = [ids["ridicule"]["id"], global_id("Actor", 999_999), ids["israel"]["id"], ids["petition"]["id"]]
    nodes = client.gql(NODES, {"ids": wanted})["nodes"]
    assert [n and n["slug"] for n in nodes] == [
        "saar-ridicules-russia-envoy",
        None,
        "israel",
        "knesset-taiwan-petition-2025-07",
    ]
    assert [n and n["__typename"] for n in nodes] == ["Reaction", None, "Actor", "Event"]


def test_event_by_slug_with_place_participants_and_date(client):
    """Given the story, when the Kyiv visit is looked up, then its kind, place, participants and date come back."""
    event = client.gql(EVENT_BY_SLUG, {"slug": "saar-visits-kyiv-2025-07"})["event"]
    assert event["title"] == "Sa'ar visits Kyiv"
    assert event["eventKind"] == "CONSULT" and event["mode"] == "visit" and event["cameo"] == "042"
    assert event["quadClass"] == "VERBAL_COOPERATION" and event["modality"] == "ACTUAL"
    assert event["place"] == {"name": "Kyiv", "country": "UKR", "latitude": 50.45, "longitude": 30.523}
    assert {(p["role"], p["actor"]["slug"]) for p in event["participants"]} == {
        ("INITIATOR", "gideon-saar"),
        ("INITIATOR", "israel"),
        ("HOST", "ukraine"),
    }
    assert event["date"]["label"] == "late July 2025"
    assert event["tags"] == sorted(event["tags"]) and "kyiv" in event["tags"]


def test_event_by_id_from_a_previous_answer(client):
    """Given the petition's id, when event(id:) is asked, then the petition comes back."""
    petition = client.gql(EVENT_BY_SLUG, {"slug": "knesset-taiwan-petition-2025-07"})["event"]
    assert petition["tags"] == ["120", "72", "international-organisations", "knesset", "petition", "taiwan"]
    again = client.gql(EVENT_BY_ID, {"id": petition["id"]})["event"]
    assert again == {"slug": petition["slug"], "title": petition["title"]}


def test_statement_by_slug(client):
    """Given the story, when Yermak's post is looked up, then channel, quote, speaker and its subjects come back."""
    statement = client.gql(STATEMENT_BY_SLUG)["statement"]
    assert statement["channel"] == "SOCIAL_MEDIA_POST" and statement["stance"] == "MIXED"
    assert statement["quote"].endswith("There is no ‘context’ for barbarism.")
    assert statement["language"] == "en" and statement["translation"] is None
    assert statement["date"] == {"label": "6 August 2025", "precision": "DAY"}
    assert statement["speaker"]["name"] == "Andriy Yermak"
    (affiliation,) = statement["speaker"]["affiliations"]["nodes"]
    assert affiliation["organisation"]["name"] == "Office of the President of Ukraine"
    assert statement["venue"] is None
    assert {a["slug"] for a in statement["about"]} == {"gideon-saar", "hamas", "russia"}


def test_reaction_by_slug(client):
    """Given the story, when the embassy's reaction is looked up, then kind, score, reactor, target and words match."""
    reaction = client.gql(REACTION_BY_SLUG)["reaction"]
    assert reaction["reactionKind"] == "ACCUSE" and reaction["ploverType"] == "ACCUSE" and reaction["score"] == -5
    assert reaction["reactor"] == {
        "slug": "prc-embassy-tel-aviv",
        "name": "Embassy of the People's Republic of China in Israel",
        "kind": "DIPLOMATIC_MISSION",
        "country": "CHN",
    }
    assert reaction["target"]["__typename"] == "Event"
    assert reaction["target"]["slug"] == "knesset-taiwan-petition-2025-07"
    assert reaction["statement"] == {
        "slug": "prc-embassy-statement-on-taiwan-petition",
        "channel": "PRESS_RELEASE",
        "speaker": {"slug": "prc-embassy-tel-aviv"},
    }
    assert reaction["date"] == {
        "label": "between 21 July and 8 August 2025",
        "start": "2025-07-21",
        "end": "2025-08-08",
        "precision": "DAY",
        "qualifier": "BETWEEN",
        "dayOrder": 6,
    }


def test_citations_name_the_article_and_its_passage(client):
    """Given the Kyiv visit, when its citations are read, then they quote the NY Sun article."""
    citations = client.gql(SOURCE_OF_THE_STORY)["event"]["citations"]
    (citation,) = citations
    assert "highest-ranking Israeli official to visit Kyiv" in citation["passage"]
    source = citation["source"]
    assert source["slug"] == "ny-sun-coalition-of-the-beleaguered"
    assert source["publisher"] == "The New York Sun" and source["language"] == "en"
    node = client.gql(NODE, {"id": source["id"]})["node"]
    assert node["__typename"] == "Source"

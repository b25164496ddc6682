"""Filters on the timeline and the item lists: date windows, actors, kinds, tags, country, search, item types."""

from __future__ import annotations

from tests.api.conftest import item_filter

TIMELINE = """
query ($filter: ItemFilter, $order: SortOrder! = ASC) {
  timeline(filter: $filter, order: $order, first: 100) {
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

EVENTS = """
query ($filter: ItemFilter, $order: SortOrder! = ASC) {
  events(filter: $filter, order: $order, first: 100) { totalCount nodes { slug eventKind } }
}
"""

STATEMENTS = """
query ($filter: ItemFilter) {
  statements(filter: $filter, first: 100) { totalCount nodes { slug channel speaker { slug } } }
}
"""

REACTIONS = """
query ($filter: ItemFilter) {
  reactions(filter: $filter, first: 100) { totalCount nodes { slug reactionKind reactor { slug } } }
}
"""

ACTORS = """
query ($filter: ActorFilter) { actors(filter: $filter, first: 100) { totalCount nodes { slug name kind } } }
"""

ACTOR_CONNECTIONS = """
query ($slug: String!) {
  actor(ref: {slug: $slug}) {
    name
    events(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { slug } }
    statements { totalCount nodes { slug quote } }
    reactions { totalCount nodes { slug reactionKind } }
  }
}
"""

ACTOR_EVENTS_AFTER = """
query ($slug: String!, $after: String) {
  actor(ref: {slug: $slug}) { events(first: 2, after: $after) { totalCount pageInfo { hasNextPage } nodes { slug } } }
}
"""

EVENT_CONNECTIONS = """
{
  session: event(ref: {slug: "unsc-hostage-session-2025-08"}) {
    statements { totalCount nodes { slug channel speaker { name } } }
  }
  gaza: event(ref: {slug: "gaza-war"}) {
    reactions { totalCount nodes { slug reactionKind reactor { name } } }
  }
}
"""


def timeline(client, **filter_):
    """The slugs the timeline returns for a filter, with the total count checked against them."""
    connection = client.gql(TIMELINE, {"filter": item_filter(filter_)})["timeline"]
    found = [n["slug"] for n in connection["nodes"]]
    assert connection["totalCount"] == len(found)
    return found


def typed(client, **filter_):
    connection = client.gql(TIMELINE, {"filter": item_filter(filter_)})["timeline"]
    return [(n["__typename"], n["slug"]) for n in connection["nodes"]]


def test_an_ongoing_2022_invasion_overlaps_a_2025_window(client):
    """Given a 2025 window, when filtered, then the ongoing invasion and Gaza war overlap it, and so does Assad's fall
    (some time between 2022 and the article, as far as the article says); items known to lie in 2022–2024 do not."""
    found = timeline(client, **{"from": "2025", "to": "2025"})
    assert found[:3] == ["russia-invades-ukraine-2022", "assad-falls-from-power", "gaza-war"]
    assert "prc-buys-iranian-crude" in found  # circa 2025
    assert not {"israel-neutral-on-ukraine-war", "hamas-attack-october-7-2023"} & set(found)
    assert len(found) == 34


def test_a_month_window_holds_only_what_overlaps_it(client):
    """Given March 2023, when filtered, then only the ongoing invasion and Assad's fall (2022 to 2025) overlap it."""
    found = timeline(client, **{"from": "2023-03", "to": "2023-03"})
    assert found == ["russia-invades-ukraine-2022", "assad-falls-from-power"]


def test_a_window_overlaps_a_span_on_its_last_day(client):
    """Given the last day of 2022, when filtered, then the 2022 neutrality span (ending that day) overlaps it."""
    assert timeline(client, **{"from": "2022-12-31", "to": "2022-12-31"}) == [
        "russia-invades-ukraine-2022",
        "israel-neutral-on-ukraine-war",
        "assad-falls-from-power",
    ]
    assert "israel-neutral-on-ukraine-war" not in timeline(client, **{"from": "2023-01-01"})


def test_open_ended_windows(client):
    """Given only `to` or only `from`, when filtered, then the window is open on the other side."""
    assert timeline(client, to="2022") == [
        "russia-invades-ukraine-2022",
        "israel-neutral-on-ukraine-war",
        "assad-falls-from-power",
    ]
    after = timeline(client, **{"from": "2025-08-06"})
    assert after == [
        "russia-invades-ukraine-2022",
        "assad-falls-from-power",  # known only to be out by the article's date
        "gaza-war",
        "prc-buys-iranian-crude",
        "israel-china-joint-projects",
        "israel-rejects-chinese-investment-bids",
        "us-joins-bombing-of-iran-2025-06",  # after the June strikes, by the article's date
        "prc-reconsiders-mideast-relations",
        "toporovsky-on-taiwan-petition",
        "tal-on-taiwan-petition",
        "prc-embassy-statement-on-taiwan-petition",
        "prc-embassy-accuses-knesset-over-petition",
        "abby-lee-to-ny-sun-on-petition",
        "taiwan-thanks-knesset-for-petition",
        "yermak-x-post-thanking-saar",
        "yermak-thanks-saar-for-un-remarks",
    ]


def test_actors_any_versus_all(client):
    """Given Israel and Russia, when filtered with ANY and ALL, then ALL is the few items involving both."""
    any_ = timeline(client, actors=["israel", "russia"])
    all_ = timeline(client, actors=["israel", "russia"], actorsMatch="ALL")
    assert all_ == ["israel-neutral-on-ukraine-war"]
    assert set(all_) < set(any_)
    assert {"russia-invades-ukraine-2022", "gaza-war", "assad-falls-from-power"} <= set(any_)
    assert len(any_) == 25


def test_actors_all_finds_knesset_and_taiwan(client):
    """Given the Knesset and Taiwan, when filtered with ALL, then the petition and the answers to it match."""
    assert typed(client, actors=["knesset", "taiwan"], actorsMatch="ALL") == [
        ("Event", "knesset-taiwan-petition-2025-07"),
        ("Statement", "prc-embassy-statement-on-taiwan-petition"),
        ("Reaction", "prc-embassy-accuses-knesset-over-petition"),
        ("Statement", "abby-lee-to-ny-sun-on-petition"),
        ("Reaction", "taiwan-thanks-knesset-for-petition"),
    ]


def test_actor_filter_accepts_global_ids(client):
    """Given Sa'ar's global id, when used in `actors`, then the result equals the slug's."""
    saar_id = client.gql('{ actor(ref: {slug: "gideon-saar"}) { id } }')["actor"]["id"]
    assert timeline(client, actors=[saar_id]) == timeline(client, actors=["gideon-saar"])


def test_reaction_kind_filter(client):
    """Given reaction kind THANKS, when the timeline is filtered, then Abby Lee's and Yermak's thanks match."""
    assert typed(client, reactionKinds=["THANKS"]) == [
        ("Reaction", "taiwan-thanks-knesset-for-petition"),
        ("Reaction", "yermak-thanks-saar-for-un-remarks"),
    ]


def test_statement_channel_filter(client):
    """Given channel SPEECH, when filtered, then Sa'ar's three UN speeches match."""
    assert typed(client, channels=["SPEECH"]) == [
        ("Statement", "saar-unsc-on-russian-representative"),
        ("Statement", "saar-unsc-on-palestinian-representative"),
        ("Statement", "saar-unsc-upside-down"),
    ]


def test_event_kind_filter(client):
    """Given event kind SUPPORT, when filtered, then only the petition matches."""
    assert typed(client, eventKinds=["SUPPORT"]) == [("Event", "knesset-taiwan-petition-2025-07")]
    assert timeline(client, eventKinds=["SUPPORT"]) == ["knesset-taiwan-petition-2025-07"]


def test_event_kinds_and_reaction_kinds_of_the_same_name_stay_apart(client):
    """Given AGREE, REJECT or ACCUSE (names both vocabularies have), when given as an event kind, then only events
    of that kind match; as a reaction kind, only reactions; as both, both."""
    agree = client.gql(EVENTS, {"filter": {"eventKinds": ["AGREE"], "reactionKinds": ["AGREE"]}})["events"]
    assert [n["slug"] for n in agree["nodes"]] == ["israel-ukraine-cooperation-deals-2025-07"]
    assert typed(client, eventKinds=["REJECT"]) == [("Event", "israel-rejects-chinese-investment-bids")]
    assert typed(client, reactionKinds=["REJECT"]) == []
    accusations = [
        ("Reaction", "prc-embassy-accuses-knesset-over-petition"),
        ("Reaction", "saar-accuses-palestinian-representative-of-propaganda"),
    ]
    assert typed(client, reactionKinds=["ACCUSE"]) == accusations
    assert typed(client, eventKinds=["ACCUSE"]) == []
    assert typed(client, eventKinds=["ACCUSE"], reactionKinds=["ACCUSE"]) == accusations


def test_kinds_of_two_types_match_any(client):
    """Given a reaction kind and a channel, when filtered together, then items of either match (and no event)."""
    assert typed(client, reactionKinds=["RIDICULE"], channels=["SPEECH"]) == [
        ("Statement", "saar-unsc-on-russian-representative"),
        ("Reaction", "saar-ridicules-russia-envoy"),
        ("Statement", "saar-unsc-on-palestinian-representative"),
        ("Statement", "saar-unsc-upside-down"),
    ]


def test_an_empty_kind_list_matches_none_of_its_type(client):
    """Given `eventKinds: []` beside a reaction kind, when filtered, then no event and only those reactions match."""
    assert typed(client, eventKinds=[], reactionKinds=["THANKS"]) == typed(client, reactionKinds=["THANKS"])
    assert typed(client, eventKinds=[]) == []


def test_tags_any_and_case_insensitive(client):
    """Given tags, when filtered, then items with any of them match, whatever the case."""
    assert timeline(client, tags=["taiwan"]) == ["knesset-taiwan-petition-2025-07"]
    assert timeline(client, tags=["TAIWAN"]) == ["knesset-taiwan-petition-2025-07"]
    assert timeline(client, tags=["assad", "october-7"]) == ["assad-falls-from-power", "hamas-attack-october-7-2023"]


def test_country_filter(client):
    """Given Taiwan's country code, when filtered, then items involving a Taiwanese actor match, in any case."""
    found = timeline(client, country="TWN")
    assert found == [
        "knesset-taiwan-petition-2025-07",
        "toporovsky-on-taiwan-petition",
        "tal-on-taiwan-petition",
        "prc-embassy-statement-on-taiwan-petition",
        "prc-embassy-accuses-knesset-over-petition",
        "abby-lee-to-ny-sun-on-petition",
        "taiwan-thanks-knesset-for-petition",
    ]
    assert timeline(client, country="twn") == found


def test_country_filter_includes_events_held_there(client):
    """Given the USA, when events are filtered, then the UN session (held in New York) matches."""
    nodes = client.gql(EVENTS, {"filter": {"country": "USA"}})["events"]["nodes"]
    assert "unsc-hostage-session-2025-08" in [n["slug"] for n in nodes]


def test_search_beijing_finds_prc_items_case_insensitively(client):
    """Given "Beijing" and "BEIJING", when searched, then both find the same PRC items through the PRC's alias."""
    found = timeline(client, search="Beijing")
    assert timeline(client, search="BEIJING") == found
    assert {
        "prc-buys-iranian-crude",
        "israel-china-joint-projects",
        "israel-rejects-chinese-investment-bids",
        "prc-reconsiders-mideast-relations",
        "prc-embassy-accuses-knesset-over-petition",
    } <= set(found)
    assert "saar-visits-kyiv-2025-07" not in found


def test_search_in_text_and_speaker_names(client):
    """Given "dark fleet" and "Yermak", when searched, then the sanctions event and Yermak's items match."""
    assert timeline(client, search="dark fleet") == ["us-treasury-sanctions-dark-fleet-2025"]
    assert timeline(client, search="yermak") == ["yermak-x-post-thanking-saar", "yermak-thanks-saar-for-un-remarks"]
    assert timeline(client, search="100%") == []


def test_item_types(client):
    """Given itemTypes, when filtered, then only those kinds of item come back."""
    statements = typed(client, itemTypes=["STATEMENT"])
    assert len(statements) == 9 and {t for t, _ in statements} == {"Statement"}
    mixed = typed(client, itemTypes=["EVENT", "REACTION"])
    assert len(mixed) == 27 and {t for t, _ in mixed} == {"Event", "Reaction"}


def test_combined_filters_narrow_together(client):
    """Given Sa'ar, August 2025, speeches, statements and reactions, when combined, then only his UN speeches match."""
    found = typed(
        client,
        actors=["gideon-saar"],
        **{"from": "2025-08"},
        channels=["SPEECH"],
        itemTypes=["STATEMENT", "REACTION"],
    )
    assert found == [
        ("Statement", "saar-unsc-on-russian-representative"),
        ("Statement", "saar-unsc-on-palestinian-representative"),
        ("Statement", "saar-unsc-upside-down"),
    ]
    assert timeline(client, country="CHN", tags=["sanctions"], **{"from": "2025-07", "to": "2025-08"}) == [
        "prc-buys-iranian-crude",
        "us-treasury-sanctions-dark-fleet-2025",
    ]


def test_events_list_with_window_and_descending_order(client):
    """Given July–August 2025, when events are listed DESC, then the UN session leads and the window holds."""
    events = client.gql(EVENTS, {"filter": {"from": "2025-07", "to": "2025-08"}, "order": "DESC"})["events"]
    found = [n["slug"] for n in events["nodes"]]
    assert found[0] == "unsc-hostage-session-2025-08"
    assert found[-3:] == ["gaza-war", "assad-falls-from-power", "russia-invades-ukraine-2022"]
    assert (
        events["totalCount"] == len(found) == 14
    )  # with Assad's fall and America's bombing, dated only by the article


def test_statements_and_reactions_lists_filter_by_actor(client):
    """Given the PRC embassy, when its statements and reactions are listed, then its release and accusation come."""
    statements = client.gql(STATEMENTS, {"filter": {"actors": [{"slug": "prc-embassy-tel-aviv"}]}})["statements"]
    assert statements["totalCount"] == 1
    assert statements["nodes"][0]["slug"] == "prc-embassy-statement-on-taiwan-petition"
    assert statements["nodes"][0]["channel"] == "PRESS_RELEASE"
    reactions = client.gql(REACTIONS, {"filter": {"actors": [{"slug": "prc-embassy-tel-aviv"}]}})["reactions"]
    assert [(n["slug"], n["reactionKind"]) for n in reactions["nodes"]] == [
        ("prc-embassy-accuses-knesset-over-petition", "ACCUSE")
    ]
    condemn = client.gql(REACTIONS, {"filter": {"reactionKinds": ["CONDEMN"]}})["reactions"]
    assert condemn["totalCount"] == 3


def test_actors_list_filters(client):
    """Given actor filters, when listed, then "beijing" finds the PRC and ISR persons are Sa'ar, Tal and Toporovsky."""
    prc = client.gql(ACTORS, {"filter": {"search": "beijing"}})["actors"]
    assert [n["slug"] for n in prc["nodes"]] == ["prc"]
    people = client.gql(ACTORS, {"filter": {"country": "isr", "kinds": ["PERSON"]}})["actors"]
    assert [n["name"] for n in people["nodes"]] == ["Boaz Toporovsky", "Gideon Sa'ar", "Ohad Tal"]
    assert people["totalCount"] == 3
    orgs = client.gql(ACTORS, {"filter": {"kinds": ["INTERNATIONAL_ORGANISATION"]}})["actors"]
    assert [n["slug"] for n in orgs["nodes"]] == ["united-nations", "un-security-council"]


def test_actor_nested_connections_with_total_count(client):
    """Given Sa'ar, when his events, statements and reactions are read, then each is by date with its total."""
    actor = client.gql(ACTOR_CONNECTIONS, {"slug": "gideon-saar"})["actor"]
    events = actor["events"]
    assert events["totalCount"] == 3
    assert [n["slug"] for n in events["nodes"]] == [
        "saar-visits-kyiv-2025-07",
        "israel-ukraine-cooperation-deals-2025-07",
    ]
    assert events["pageInfo"]["hasNextPage"] is True
    rest = client.gql(ACTOR_EVENTS_AFTER, {"slug": "gideon-saar", "after": events["pageInfo"]["endCursor"]})
    assert [n["slug"] for n in rest["actor"]["events"]["nodes"]] == ["unsc-hostage-session-2025-08"]
    assert rest["actor"]["events"]["pageInfo"]["hasNextPage"] is False
    assert actor["statements"]["totalCount"] == 4
    assert actor["statements"]["nodes"][0]["slug"] == "saar-kyiv-remarks-2025-07"
    assert [n["reactionKind"] for n in actor["reactions"]["nodes"]] == ["RIDICULE", "ACCUSE", "CRITICISE"]
    assert actor["reactions"]["totalCount"] == 3


def test_event_venue_statements_and_reactions(client):
    """Given the UN session and the Gaza war, when their statements and reactions are read, then they match."""
    data = client.gql(EVENT_CONNECTIONS)
    statements = data["session"]["statements"]
    assert statements["totalCount"] == 3
    assert [n["slug"] for n in statements["nodes"]] == [
        "saar-unsc-on-russian-representative",
        "saar-unsc-on-palestinian-representative",
        "saar-unsc-upside-down",
    ]
    assert {n["speaker"]["name"] for n in statements["nodes"]} == {"Gideon Sa'ar"}
    reactions = data["gaza"]["reactions"]
    assert reactions["totalCount"] == 3
    assert [(n["reactionKind"], n["reactor"]["name"]) for n in reactions["nodes"]] == [
        ("CONDEMN", "United Nations Security Council"),
        ("CONDEMN", "Russian representative to the UN Security Council"),
        ("CRITICISE", "Palestinian representative at the United Nations"),
    ]

"""The nine "Try it" queries of README.md, parsed out of the README itself, so the README stays honest."""

from __future__ import annotations

import pytest

from tests.api.conftest import readme_queries

QUERIES = readme_queries()
PETITION = "Knesset members' petition for Taiwan's admission to international organisations"


def test_readme_has_nine_try_it_queries():
    """Given README.md, when its "Try it" section is parsed, then it holds nine GraphQL documents."""
    assert len(QUERIES) == 9


@pytest.mark.parametrize("number", range(1, 10))
def test_readme_query_returns_data_without_errors(client, number):
    """Given the story, when a README query is sent verbatim, then it answers data and no errors."""
    data = client.gql(QUERIES[number - 1])
    assert all(value is not None for value in data.values())


def test_readme_query_1_knesset_and_taiwan_in_date_order(client):
    """Given the story, when README query 1 runs, then the Knesset petition leads a dated, ordered list."""
    timeline = client.gql(QUERIES[0])["timeline"]
    nodes = [edge["node"] for edge in timeline["edges"]]
    assert timeline["totalCount"] == len(nodes) == 5
    first = nodes[0]
    assert first["__typename"] == "Event" and first["title"] == PETITION
    assert first["date"] == {"label": "late July 2025", "precision": "MONTH"}
    roles = {(p["role"], p["actor"]["name"]) for p in first["participants"]}
    assert {("PARTICIPANT", "Knesset"), ("TARGET", "Taiwan")} <= roles
    assert [n["__typename"] for n in nodes] == ["Event", "Statement", "Reaction", "Statement", "Reaction"]
    assert nodes[2] == {
        "__typename": "Reaction",
        "slug": "prc-embassy-accuses-knesset-over-petition",
        "reactionKind": "ACCUSE",
        "reactor": {"name": "Embassy of the People's Republic of China in Israel"},
        "date": {"label": "between 21 July and 8 August 2025", "precision": "DAY"},
    }
    assert nodes[4]["reactionKind"] == "THANKS" and nodes[4]["reactor"]["name"] == "Abby Lee"
    assert timeline["pageInfo"] == {"hasNextPage": False, "endCursor": timeline["edges"][-1]["cursor"]}


def test_readme_query_2_yermak_thanks_saar(client):
    """Given the story, when README query 2 runs, then Sa'ar's UN remark shows its venue and Yermak's thanks."""
    statement = client.gql(QUERIES[1])["statement"]
    assert statement["quote"].startswith("It was really funny to hear Russian Federation representative")
    assert statement["speaker"]["name"] == "Gideon Sa'ar"
    roles = statement["speaker"]["affiliations"]["nodes"]
    assert {"role": "Foreign Minister", "organisation": {"name": "Israel"}} in roles
    assert statement["venue"] == {
        "title": "Security Council session on the hostages, called by Israel",
        "date": {"label": "5 August 2025"},
    }
    (thanks,) = statement["reactions"]["nodes"]
    assert thanks["reactionKind"] == "THANKS" and thanks["reactor"]["name"] == "Andriy Yermak"
    assert thanks["statement"]["quote"].startswith("Thank you, @gidonsaar, for your clarity and moral courage")
    assert thanks["reactions"]["nodes"] == []


def test_readme_query_3_israel_taiwan_warming_both_ways(client):
    """Given the story, when README query 3 runs, then Israel→Taiwan warms by the petition and Taiwan→Israel too."""
    relationship = client.gql(QUERIES[2])["relationship"]
    assert relationship["score"] == 3 and relationship["trend"] == "WARMING"
    (change,) = relationship["changes"]["nodes"]
    assert change["delta"] == 3 and change["scoreAfter"] == 3
    assert change["date"] == {"label": "late July 2025"}
    assert change["cause"] == {"__typename": "Event", "title": PETITION}
    reverse = relationship["reverse"]
    assert reverse["score"] == 2 and reverse["trend"] == "WARMING"
    assert [c["delta"] for c in reverse["changes"]["nodes"]] == [2]
    assert "Taipei's envoy" in reverse["changes"]["nodes"][0]["explanation"]


def test_readme_query_4_beijing_finds_the_prc_and_its_embassy(client):
    """Given the story, when README query 4 searches "Beijing", then PRC events and the embassy's reaction appear."""
    nodes = client.gql(QUERIES[3])["timeline"]["nodes"]
    titles = {n["title"] for n in nodes if n["__typename"] == "Event"}
    assert {
        "China buys Iranian crude despite US sanctions",
        "Beijing reportedly rethinks its Middle East relationships",
        "US Treasury sanctions China's “dark fleet” of tankers",
    } <= titles
    embassy = [n for n in nodes if n["__typename"] == "Reaction" and "Embassy" in n["reactor"]["name"]]
    assert len(embassy) == 1
    assert embassy[0]["reactionKind"] == "ACCUSE"
    assert embassy[0]["target"] == {"__typename": "Event", "slug": "knesset-taiwan-petition-2025-07"}


def test_readme_query_5_prc_relationships_and_summer_events(client):
    """Given the story, when README query 5 runs, then it lists the PRC's dyads and July–August events newest first."""
    data = client.gql(QUERIES[4])
    dyads = {(r["from"]["name"], r["to"]["name"]): r for r in data["relationships"]["nodes"]}
    prc = "People's Republic of China"
    assert set(dyads) == {("United States", prc), (prc, "Israel"), ("Israel", prc)}
    assert dyads[("Israel", prc)]["score"] == -4 and dyads[("Israel", prc)]["changeCount"] == 2
    assert all(r["trend"] == "COOLING" for r in dyads.values())
    events = data["events"]["nodes"]
    assert [e["title"] for e in events] == [
        "Security Council session on the hostages, called by Israel",
        "Hamas and Palestinian Islamic Jihad release hostage videos",
        "US Treasury sanctions China's “dark fleet” of tankers",
        "Israel and Ukraine sign cooperation deals in Kyiv",
        PETITION,
    ]
    assert events[0]["place"] == {"name": "United Nations Headquarters, New York", "country": "USA"}
    assert events[0]["eventKind"] == "CONSULT" and "security-council" in events[0]["tags"]


def test_readme_query_6_israel_with_its_family(client):
    """Given the story, when README query 6 runs, then Israel's family timeline holds the Knesset petition, Ohad
    Tal's statement and Sa'ar's Security Council remarks, which Israel's own timeline lacks."""
    timeline = client.gql(QUERIES[5])["timeline"]
    nodes = timeline["nodes"]
    assert timeline["totalCount"] == len(nodes)
    assert PETITION in [n.get("title") for n in nodes]
    speakers = {n["speaker"]["name"] for n in nodes if n["__typename"] == "Statement"}
    assert {"Ohad Tal", "Boaz Toporovsky", "Gideon Sa'ar"} <= speakers
    alone = client.gql(QUERIES[5].replace("includeAffiliated: true", "includeAffiliated: false"))["timeline"]
    assert PETITION not in [n.get("title") for n in alone["nodes"]]
    assert alone["totalCount"] < timeline["totalCount"]


def test_readme_query_7_monthly_buckets_as_told(client):
    """Given the story, when README query 7 runs, then the months hold what the README says they hold."""
    got = client.gql(QUERIES[6])["timelineBuckets"]
    told = [
        ("June 2025", {"events": 1, "statements": 0, "reactions": 0, "total": 1}, 8),
        ("July 2025", {"events": 3, "statements": 1, "reactions": 0, "total": 4}, 15),
        ("August 2025", {"events": 2, "statements": 4, "reactions": 8, "total": 14}, 15),
    ]
    assert [(b["label"], b["count"], b["overlapping"]["total"]) for b in got["buckets"]] == told
    assert got["spanning"] == {"total": 15} and (got["start"], got["end"]) == ("2025-06-01", "2025-08-31")


def test_readme_query_8_israel_taiwan_series_as_told(client):
    """Given the story, when README query 8 runs, then July holds the +3 and mid-July's score is still 0."""
    got = client.gql(QUERIES[7])["relationship"]
    assert [(b["label"], b["score"], b["delta"], b["changeCount"]) for b in got["series"]] == [
        ("June 2025", 0, 0, 0),
        ("July 2025", 3, 3, 1),
        ("August 2025", 3, 0, 0),
    ]
    assert got["scoreAsOf"] == {"day": "2025-07-15", "score": 0, "undecided": 0, "low": 0, "high": 0}


def test_readme_query_9_dyads_as_told(client):
    """Given the story, when README query 9 runs, then the pairs and their scores are the README's."""
    got = client.gql(QUERIES[8])["dyads"]
    assert got["totalCount"] == 9
    assert [(d["from"]["name"], d["to"]["name"], d["scoreSum"]) for d in got["nodes"]] == [
        ("Israel", "People's Republic of China", -4.0),
        ("Russia", "Ukraine", -10.0),
        ("United States", "Iran", -10.0),
    ]
    assert got["nodes"][0]["quadClasses"]["verbalConflict"] == 1

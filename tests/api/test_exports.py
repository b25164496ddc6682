"""Timeline exports (TimelineJS 3, vis-timeline) through both doors — the GraphQL fields and the GET downloads — on
SQLite and PostgreSQL: dates as precise as known, escaped text, the download's headers, caching, bad parameters,
the size limit. (That the libraries accept them: tests/test_timeline_libs.py.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any

import pytest

from tests.api.conftest import Api, codes
from tests.mutations.support import EVENT_UPDATE, Writer

TIMELINEJS = "query ($filter: ItemFilter) { timelineJsExport(filter: $filter) }"
VIS = """query ($filter: ItemFilter, $groupBy: VisGroupBy! = ITEM_TYPE) {
  visTimelineExport(filter: $filter, groupBy: $groupBy)
}"""


def events_by_headline(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["text"]["headline"]: e for e in document["events"]}


def test_timelinejs_dates_carry_only_the_parts_their_precision_gives(client: Api):
    """Given the story, then a month-precise event has a start date without `day`, a year-precise one only a
    `year`, a day-precise one all three; a fuzzy moment sits as written (`circa 2025` at 2025), its label the
    display date; an ongoing span ends at the export's horizon (the filter's `to`)."""
    document = client.gql(TIMELINEJS)["timelineJsExport"]
    events = events_by_headline(document)
    strikes = events["Israeli strikes on Iran&#x27;s nuclear installations"]  # "2025-06"
    assert strikes["start_date"] == {"year": 2025, "month": 6}
    assert strikes["display_date"] == "June 2025" and "end_date" not in strikes
    neutral = events["Israel stays neutral on the Ukraine war"]  # "2022"
    assert neutral["start_date"] == {"year": 2022}
    visit = events["Sa&#x27;ar visits Kyiv"]
    assert set(visit["start_date"]) <= {"year", "month", "day"}
    late = [e for e in document["events"] if e["display_date"] == "late July 2025"]
    assert late and all(e["start_date"] == {"year": 2025, "month": 7} for e in late)
    day = [e for e in document["events"] if e["display_date"] == "5 August 2025"]
    assert day and all(e["start_date"] == {"year": 2025, "month": 8, "day": 5} for e in day)
    circa = [e for e in document["events"] if e["display_date"] == "c. 2025"]
    assert circa and all(e["start_date"] == {"year": 2025} for e in circa)
    assert len(document["events"]) == 36
    assert len({e["unique_id"] for e in document["events"]}) == 36
    assert {e["group"] for e in document["events"]} == {"Events", "Statements", "Reactions"}

    windowed = client.gql(TIMELINEJS, {"filter": {"from": "2025-07", "to": "2025-08"}})["timelineJsExport"]
    war = events_by_headline(windowed)["Russia&#x27;s full-scale invasion of Ukraine"]
    assert war["start_date"] == {"year": 2022} and war["display_date"] == "2022 – ongoing"
    assert war["end_date"] == {"year": 2025, "month": 8, "day": 31}


def test_timelinejs_title_slide_and_credit_say_what_and_whence(client: Api):
    """Given a filter on Israel from July 2025, then the title slide names the actor and the window, and each slide
    quotes its cited passages with the source as the credit."""
    document = client.gql(TIMELINEJS, {"filter": {"actors": [{"slug": "israel"}], "from": "2025-07"}})
    title = document["timelineJsExport"]["title"]["text"]
    assert title["headline"] == "Timeline: Israel"
    assert title["text"].startswith("From July 2025 to now.")
    slide = document["timelineJsExport"]["events"][0]
    assert slide["media"]["url"].startswith("<blockquote>")
    assert "The New York Sun" in slide["media"]["credit"]


def test_vis_items_types_groups_and_classes(client: Api):
    """Given the story as vis-timeline data, then a day-precise moment is a `point` without `end`, a coarse moment
    a `range` ending the day after its last day, an ongoing war a `background` ending after the horizon; lanes by
    type hold the three types, lanes by actor the actors standing for the items."""
    data = client.gql(VIS)["visTimelineExport"]
    items = {i["content"]: i for i in data["items"]}
    assert [g["id"] for g in data["groups"]] == ["event", "statement", "reaction"]
    point = items["Sa&#x27;ar visits Kyiv"]
    strikes = items["Israeli strikes on Iran&#x27;s nuclear installations"]
    assert strikes["type"] == "range" and (strikes["start"], strikes["end"]) == ("2025-06-01", "2025-07-01")
    war = items["Russia&#x27;s full-scale invasion of Ukraine"]
    assert war["type"] == "background" and war["className"] == "event event-assault ongoing"
    assert war["group"] == "event"
    days = [i for i in data["items"] if i["title"].startswith("5 August 2025 — ")]
    assert days and all(i["type"] == "point" and i["start"] == "2025-08-05" and "end" not in i for i in days)
    assert point["type"] == "range" and point["title"].startswith("late July 2025 — ")
    assert (point["start"], point["end"]) == ("2025-07-21", "2025-08-01")
    by_actor = client.gql(VIS, {"groupBy": "ACTOR"})["visTimelineExport"]
    lanes = {g["id"] for g in by_actor["groups"]}
    assert {"israel", "russia", "gideon-saar", "prc-embassy-tel-aviv"} <= lanes
    assert {i["group"] for i in by_actor["items"]} == lanes
    war = next(i for i in by_actor["items"] if i["id"] == war["id"])
    assert war["group"] == "russia"  # the initiator stands for the event


def test_the_download_is_the_graphql_document_with_file_and_cache_headers(client: Api):
    """Given the same filter as query parameters and as a GraphQL argument, then the download holds the same
    document, as an attachment with a strong ETag, a Last-Modified and a Cache-Control; sent back as If-None-Match
    the ETag is answered 304 without a body, and another filter has another ETag."""
    path = "/export/vis-timeline.json?actors=israel,gideon-saar&from=2025-07&groupBy=actor&itemTypes=event,STATEMENT"
    response = client.request("GET", path)
    assert response.status_code == 200, response.text
    filter_ = {"actors": [{"slug": "israel"}, {"slug": "gideon-saar"}], "from": "2025-07"}
    filter_["itemTypes"] = ["EVENT", "STATEMENT"]
    assert response.json() == client.gql(VIS, {"filter": filter_, "groupBy": "ACTOR"})["visTimelineExport"]
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"] == 'attachment; filename="realign-vis-timeline.json"'
    assert response.headers["cache-control"] == "public, max-age=60"
    assert response.headers["last-modified"].endswith(" GMT")
    etag = response.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')

    again = client.request("GET", path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    other = client.request("GET", "/export/vis-timeline.json?actors=israel")
    assert other.status_code == 200 and other.headers["etag"] != etag
    stale = client.request("GET", path, headers={"If-None-Match": other.headers["etag"]})
    assert stale.status_code == 200

    timelinejs = client.request("GET", "/export/timelinejs.json?actors=israel&from=2025-07")
    assert timelinejs.headers["content-disposition"] == 'attachment; filename="realign-timelinejs.json"'
    expected = client.gql(TIMELINEJS, {"filter": {"actors": [{"slug": "israel"}], "from": "2025-07"}})
    assert timelinejs.json() == expected["timelineJsExport"]


@pytest.mark.parametrize(
    ("path", "parameter", "words"),
    [
        ("/export/timelinejs.json?from=2025-13", "from", "not a real date"),
        ("/export/timelinejs.json?actors=nobody-at-all", "actors", "no actor with slug 'nobody-at-all'"),
        ("/export/timelinejs.json?actor=israel", "actor", "unknown parameter 'actor'"),
        ("/export/timelinejs.json?groupBy=actor", "groupBy", "unknown parameter"),  # vis only
        ("/export/vis-timeline.json?groupBy=country", "groupBy", "not one of item_type, actor"),
        ("/export/vis-timeline.json?eventKinds=assault,hug", "eventKinds", "'hug' is not one of"),
        ("/export/vis-timeline.json?includeAffiliated=maybe", "includeAffiliated", "not true or false"),
        ("/export/vis-timeline.json?from=2025&from=2024", "from", "given 2 times"),
        ("/export/vis-timeline.json?country=Israel", "country", "alpha-3"),
        ("/export/vis-timeline.json?updatedSince=yesterday", "updatedSince", "ISO 8601"),
        ("/export/vis-timeline.json?from=2025&to=2024", "from", "after"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client: Api, path: str, parameter: str, words: str):
    """Given a bad query parameter, then the download answers 400 with a JSON error naming the parameter."""
    response = client.request("GET", path)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["parameter"] == parameter
    assert error["code"] in ("BAD_USER_INPUT", "NOT_FOUND")
    assert words in error["message"]


def test_an_unknown_export_is_a_404_listing_the_exports(client: Api):
    response = client.request("GET", "/export/timeline.csv")
    assert response.status_code == 404
    assert "/export/timelinejs.json" in response.json()["error"]["message"]


@pytest.fixture
def small(story_url: str) -> Iterator[Api]:
    """A client whose exports may hold at most 10 items."""
    api = Api(story_url, max_export_items=10)
    yield api
    api.close()


def test_past_the_limit_an_export_is_refused_never_cut_short(small: Api):
    """Given at most 10 items per export, then the whole story (36) is refused through both doors with a clear
    error naming the limit, while a filter of 10 or fewer is answered whole."""
    errors = small.errors(TIMELINEJS)
    assert codes(errors) == ["BAD_USER_INPUT"]
    assert errors[0]["extensions"]["limit"] == "exportItems" and errors[0]["extensions"]["max"] == 10
    response = small.request("GET", "/export/vis-timeline.json")
    assert response.status_code == 400
    assert response.json()["error"]["limit"] == "exportItems"
    assert "more than 10 items" in response.json()["error"]["message"]
    few = small.gql(VIS, {"filter": {"itemTypes": ["STATEMENT"]}})["visTimelineExport"]
    assert len(few["items"]) == 9


def test_exports_count_toward_the_node_limit_and_send_a_fixed_number_of_statements(client: Api):
    """Given each export counted as its most items (5000), then eleven in one query pass the node limit (50 000)
    and are refused before running; and an export sends a few statements for the whole story, and as many for one
    item as for several with the same filter (its look-ups, then the export's own)."""
    many = " ".join(f"e{n}: timelineJsExport" for n in range(11))
    errors = client.errors(f"{{ {many} }}")
    assert errors[0]["extensions"]["limit"] == "nodes"
    whole, data = client.count(TIMELINEJS)
    one, few = client.count(TIMELINEJS, {"filter": {"search": "Toporovsky", "itemTypes": ["STATEMENT"]}})
    several, more = client.count(TIMELINEJS, {"filter": {"search": "Israel", "itemTypes": ["STATEMENT"]}})
    assert len(data["timelineJsExport"]["events"]) == 36 and len(few["timelineJsExport"]["events"]) == 1
    assert len(more["timelineJsExport"]["events"]) > 1
    assert whole <= 10 and one == several <= 10


@pytest.fixture
def writer(seeded_url: str) -> Iterator[Writer]:
    api = Writer(seeded_url)
    yield api
    api.close()


def test_html_in_a_summary_is_escaped_and_a_write_moves_the_etag(writer: Writer):
    """Given an event whose title and summary hold HTML, then both exports carry it escaped (a library renders it
    as text, never as markup), and the download's ETag and Last-Modified after the write differ from before."""
    path = "/export/timelinejs.json?search=Toporovsky"
    before = writer.request("GET", "/export/timelinejs.json")
    writer.written(
        EVENT_UPDATE,
        {
            "ref": {"slug": "saar-visits-kyiv-2025-07"},
            "version": 1,
            "input": {"title": "<b>Sa'ar</b> visits Kyiv", "summary": '<script>alert("x")</script> & more'},
        },
    )
    after = writer.request("GET", "/export/timelinejs.json")
    assert after.headers["etag"] != before.headers["etag"]
    changed = parsedate_to_datetime(after.headers["last-modified"])
    assert changed >= parsedate_to_datetime(before.headers["last-modified"])  # HTTP dates: to the second
    slide = next(e for e in after.json()["events"] if "visits Kyiv" in e["text"]["headline"])
    assert slide["text"]["headline"] == "&lt;b&gt;Sa&#x27;ar&lt;/b&gt; visits Kyiv"
    assert slide["text"]["text"] == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more"
    items = writer.ok(VIS, role=None)["visTimelineExport"]["items"]
    item = next(i for i in items if "visits Kyiv" in i["content"])
    assert "<" not in item["content"] + item["title"] and "&lt;script&gt;" in item["title"]
    assert json.loads(writer.request("GET", path).text)["events"]  # an unrelated filter still answers

"""Paging at its edges (schema/pagination.py): every refused combination of page arguments with its exact message
and field, empty pages, cursors naming ids far beyond the story's, the int4 and text bounds of a cursor, and the
bounded ``totalCount`` exactly at and just past its limit — the cases mutation testing showed untested.

Through the public door (GraphQL over HTTP on the story) where a user can reach the behaviour; directly for the
cursor codec and the bounded count statement."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select

from schema.errors import BadUserInput
from schema.pagination import bounded_count, decode_cursor, encode_cursor
from tests.api.conftest import Api

STORY_ITEMS = 36  # the story's timeline: 17 events, 9 statements, 10 reactions
SMALL_PAGE = 5

TIMELINE = """
query ($first: Int, $after: String, $last: Int, $before: String) {
  timeline(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    totalCountIsExact
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { ... on Event { slug } ... on Statement { slug } ... on Reaction { slug } } }
  }
}
"""


def b64(value: Any) -> str:
    """A cursor as a client could forge it: unpadded URL-safe base64 of JSON."""
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def unb64(cursor: str) -> Any:
    """What a cursor holds (independently of the module's own decoder)."""
    return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))


def timeline(client: Api, **variables: Any) -> dict[str, Any]:
    return client.gql(TIMELINE, variables)["timeline"]


def slugs(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["slug"] for edge in connection["edges"]]


def only_error(client: Api, variables: dict[str, Any]) -> tuple[str | None, str | None, str]:
    """The single error of a timeline query: its code, field and message."""
    errors = client.errors(TIMELINE, variables)
    assert len(errors) == 1, errors
    extensions = errors[0].get("extensions") or {}
    return extensions.get("code"), extensions.get("field"), errors[0]["message"]


@pytest.fixture(scope="module")
def story(client: Api) -> list[str]:
    """The whole timeline's slugs in order (one page: the story is smaller than the page limit)."""
    whole = timeline(client, first=100)
    assert whole["totalCount"] == STORY_ITEMS and not whole["pageInfo"]["hasNextPage"]
    return slugs(whole)


@pytest.fixture(scope="module")
def small(story_url: str) -> Iterator[Api]:
    """A client whose server allows pages of at most 5 and counts exactly up to one item fewer than the story."""
    api = Api(story_url, max_page_size=SMALL_PAGE, exact_count_limit=STORY_ITEMS - 1)
    yield api
    api.close()


@pytest.fixture(scope="module")
def at_limit(story_url: str) -> Iterator[Api]:
    """A client whose server counts exactly up to the story's size, no further."""
    api = Api(story_url, exact_count_limit=STORY_ITEMS)
    yield api
    api.close()


# --- page arguments that cannot go together ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variables", "field", "message"),
    [
        ({"first": 2, "last": 2}, "first", "give either `first` or `last`, not both"),
        ({"after": "x", "before": "y"}, "after", "give either `after` or `before`, not both"),
        ({"first": 2, "before": "END"}, "before", "`first` pages forward and cannot be combined with `before`"),
        ({"last": 2, "after": "START"}, "after", "`last` pages backward and cannot be combined with `after`"),
    ],
)
def test_page_arguments_that_contradict_each_other_are_refused_by_name(client, story, variables, field, message):
    """Given first with before, last with after, or both of a pair (with real cursors), when the timeline is asked,
    then BAD_USER_INPUT names the argument to drop and says why, instead of answering some other page."""
    whole = timeline(client, first=STORY_ITEMS)
    real = {"START": whole["pageInfo"]["startCursor"], "END": whole["pageInfo"]["endCursor"]}
    variables = {name: real.get(value, value) if isinstance(value, str) else value for name, value in variables.items()}
    assert only_error(client, variables) == ("BAD_USER_INPUT", field, message)


def test_before_alone_pages_backward_by_the_default_page_of_twenty(client, story):
    """Given only `before` (the last item's cursor), when asked, then the twenty items just before it come back."""
    end = timeline(client, first=STORY_ITEMS)["pageInfo"]["endCursor"]
    page = timeline(client, before=end)
    assert slugs(page) == story[-21:-1]
    assert (page["pageInfo"]["hasPreviousPage"], page["pageInfo"]["hasNextPage"]) == (True, True)


# --- page sizes ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variables", "next_page", "previous_page"),
    [({"first": 0}, True, False), ({"last": 0}, False, True)],
)
def test_a_page_of_zero_items_is_empty_but_says_more_exist(client, variables, next_page, previous_page):
    """Given first: 0 or last: 0, when asked, then no items, no cursors, and the flag towards the items is set."""
    page = timeline(client, **variables)
    assert page["edges"] == []
    assert page["pageInfo"] == {
        "hasNextPage": next_page,
        "hasPreviousPage": previous_page,
        "startCursor": None,
        "endCursor": None,
    }
    assert page["totalCount"] == STORY_ITEMS


@pytest.mark.parametrize(
    ("variables", "field", "message"),
    [
        ({"first": -1}, "first", "`first` must not be negative (got -1)"),
        ({"last": -2}, "last", "`last` must not be negative (got -2)"),
    ],
)
def test_a_negative_page_size_is_refused_by_name(client, variables, field, message):
    """Given a negative first or last, when asked, then BAD_USER_INPUT names it and quotes the value."""
    assert only_error(client, variables) == ("BAD_USER_INPUT", field, message)


@pytest.mark.parametrize("name", ["first", "last"])
def test_the_page_size_limit_is_the_servers_setting_inclusive(small, story, name):
    """Given a server allowing pages of 5, when 5 are asked, then 5 come; when 6, then BAD_USER_INPUT names the
    argument, quotes the limit from the setting and points to cursors."""
    page = timeline(small, **{name: SMALL_PAGE})
    assert slugs(page) == (story[:SMALL_PAGE] if name == "first" else story[-SMALL_PAGE:])
    message = f"`{name}` may be at most {SMALL_PAGE} (got {SMALL_PAGE + 1}); page with cursors"
    assert only_error(small, {name: SMALL_PAGE + 1}) == ("BAD_USER_INPUT", name, message)


# --- cursors ---------------------------------------------------------------------------------------------------


def test_cursors_are_unpadded_url_safe_base64_of_the_sort_key(client, story):
    """Given the whole timeline, when its cursors are read, then each is unpadded URL-safe base64 of the item's
    (date, day order, rank, id) key — nothing a URL or a client needs to escape."""
    edges = timeline(client, first=STORY_ITEMS)["edges"]
    for edge in edges:
        assert "=" not in edge["cursor"]
        date, day_order, rank, item_id = unb64(edge["cursor"])
        assert dt.date.fromisoformat(date) and all(isinstance(n, int) for n in (day_order, rank, item_id))


@pytest.mark.parametrize("item_id", [62, 1000, 2**31 - 1])
def test_a_cursor_naming_an_id_beyond_the_storys_pages_by_its_key(client, story, item_id):
    """Given a cursor at the last item's date, day order and rank but with a larger id (any int4, 62 and beyond),
    when paged from it, then it sorts just after the last item: nothing after it, the last three before it."""
    end = timeline(client, first=STORY_ITEMS)["pageInfo"]["endCursor"]
    date, day_order, rank, last_id = unb64(end)
    assert last_id < item_id
    cursor = b64([date, day_order, rank, item_id])

    after = timeline(client, first=3, after=cursor)
    assert after["edges"] == [] and after["pageInfo"]["hasPreviousPage"] is True
    assert after["pageInfo"]["hasNextPage"] is False

    before = timeline(client, last=3, before=cursor)
    assert slugs(before) == story[-3:]
    assert before["pageInfo"]["hasNextPage"] is True


@pytest.mark.parametrize(
    "key",
    [
        ["2025-08-05", 0, 0, 2**31],  # past the database's 4-byte integer
        ["2025-08-05", 0, 0, -(2**31) - 1],
        ["2025-08-05", 0, 0, "1"],  # a number given as text
        ["2025-08-05", 0, 0],  # too short
        ["2025-08-05", 0, 0, 1, 1],  # too long
        5,  # not a list at all
        None,
    ],
)
def test_a_cursor_that_is_no_timeline_key_is_refused_with_its_text(client, key):
    """Given a forged cursor whose content is not a timeline key, when paged before it, then BAD_USER_INPUT on
    `before` quotes the cursor (never an internal error or a page from a wrong key)."""
    cursor = b64(key)
    message = f"{cursor!r} is not a valid cursor for this list"
    assert only_error(client, {"last": 2, "before": cursor}) == ("BAD_USER_INPUT", "before", message)


def test_cursor_codec_round_trips_each_kind_of_value_at_its_bounds():
    """Given keys at the bounds the decoder allows (int4 ids, text of 400 characters), when encoded and decoded,
    then they come back equal; one past either bound is refused with the field named."""
    day = dt.date(2025, 8, 5)
    assert encode_cursor(("a",)) == "WyJhIl0"  # ["a"] in base64, its padding stripped
    for key, kinds in [
        ((day, 0, 2**31 - 1), "dii"),
        ((day, 0, -(2**31) + 1), "dii"),
        (("x" * 400, 62), "si"),
    ]:
        assert decode_cursor(encode_cursor(key), key=kinds, field="after") == key
    for key, kinds in [((day, 0, 2**31), "dii"), (("x" * 401, 62), "si")]:
        with pytest.raises(BadUserInput) as refused:
            decode_cursor(encode_cursor(key), key=kinds, field="after")
        assert refused.value.extensions == {"code": "BAD_USER_INPUT", "field": "after"}


# --- the bounded count -----------------------------------------------------------------------------------------


def test_total_count_is_exact_up_to_and_including_the_limit(at_limit):
    """Given a server counting exactly up to 36 and a timeline of 36 items, when counted, then 36, exact."""
    page = timeline(at_limit, first=1)
    assert (page["totalCount"], page["totalCountIsExact"]) == (STORY_ITEMS, True)


def test_total_count_past_the_limit_is_the_limit_and_not_exact(small):
    """Given a server counting exactly up to 35 and a timeline of 36 items, when counted, then 35, not exact."""
    page = timeline(small, first=1)
    assert (page["totalCount"], page["totalCountIsExact"]) == (STORY_ITEMS - 1, False)


def test_bounded_count_stops_at_the_count_limit():
    """Given a table of 10 rows, when bounded_count runs with count_limit 4, then 4; with 11 or more, then 10."""
    engine = create_engine("sqlite://")
    table = Table("numbers", MetaData(), Column("id", Integer, primary_key=True))
    table.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(table), [{"id": n} for n in range(1, 11)])
        statement = bounded_count(select(table.c.id))
        counts = [conn.execute(statement, {"count_limit": limit}).scalar_one() for limit in (4, 10, 11, 1000)]
        filtered = conn.execute(bounded_count(select(table.c.id).where(table.c.id > 7)), {"count_limit": 4})
        assert (counts, filtered.scalar_one()) == ([4, 10, 10, 10], 3)
    engine.dispose()

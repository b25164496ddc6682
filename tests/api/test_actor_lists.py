"""An actor's lists: `members` and `affiliations` as connections (paged both ways, by start then creation), and
`events`, `statements`, `reactions` with `filter` and `order`, answering what the root lists answer for that actor."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import codes

AFFILIATIONS = """
query ($slug: String!, $field: Boolean!, $first: Int, $after: String, $last: Int, $before: String) {
  actor(ref: {slug: $slug}) {
    members(first: $first, after: $after, last: $last, before: $before) @include(if: $field) { ...Page }
    affiliations(first: $first, after: $after, last: $last, before: $before) @skip(if: $field) { ...Page }
  }
}
fragment Page on AffiliationConnection {
  totalCount
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  edges { cursor node { slug member { slug } organisation { slug } } }
}
"""
ALL_AFFILIATIONS = """{ affiliations(first: 100) {
  nodes { slug member { slug } organisation { slug } start { start } } } }"""


def expected(client, slug: str, field: str) -> list[str]:
    """An actor's members (or affiliations) worked out from the root list (creation order): by start, an unknown
    start first, then creation (a stable sort keeps the creation order among equal starts)."""
    rows = client.gql(ALL_AFFILIATIONS)["affiliations"]["nodes"]
    side = "organisation" if field == "members" else "member"
    mine = [r for r in rows if r[side]["slug"] == slug]
    mine.sort(key=lambda r: r["start"]["start"] if r["start"] else "")
    return [r["slug"] for r in mine]


def paged(client, slug: str, field: str, *, backward: bool, size: int = 2) -> tuple[list[str], int]:
    """Every slug of an actor's list read page by page (forward with first/after, backward with last/before), in
    list order, and the pages it took; checks each page's info on the way."""
    seen: list[list[str]] = []
    cursor = None
    while True:
        variables: dict[str, Any] = {"slug": slug, "field": field == "members"}
        variables.update({"last": size, "before": cursor} if backward else {"first": size, "after": cursor})
        page = client.gql(AFFILIATIONS, variables)["actor"][field]
        slugs = [e["node"]["slug"] for e in page["edges"]]
        info = page["pageInfo"]
        assert len(slugs) <= size
        assert info["startCursor"] == (page["edges"][0]["cursor"] if slugs else None)
        assert info["endCursor"] == (page["edges"][-1]["cursor"] if slugs else None)
        assert info["hasPreviousPage" if not backward else "hasNextPage"] == (cursor is not None)
        seen.append(slugs)
        more = info["hasPreviousPage" if backward else "hasNextPage"]
        if not more:
            break
        cursor = info["startCursor"] if backward else info["endCursor"]
    if backward:
        seen.reverse()
    return [s for page in seen for s in page], len(seen)


@pytest.mark.parametrize("field", ["members", "affiliations"])
@pytest.mark.parametrize("slug", ["israel", "knesset", "ohad-tal", "taiwan", "gideon-saar", "hamas"])
def test_members_and_affiliations_page_both_ways(client, slug, field):
    """Given an actor's members or affiliations, when read two at a time forward (first/after) and backward
    (last/before), then both readings give the whole list once, in order (start, unknown first, then creation), and
    `totalCount` counts it."""
    want = expected(client, slug, field)
    whole = client.gql(AFFILIATIONS, {"slug": slug, "field": field == "members", "first": 100})["actor"][field]
    assert [e["node"]["slug"] for e in whole["edges"]] == want
    assert whole["totalCount"] == len(want)

    forward, pages = paged(client, slug, field, backward=False)
    backward, _ = paged(client, slug, field, backward=True)

    assert forward == want and backward == want
    assert pages == max(1, -(-len(want) // 2))


def test_the_story_has_lists_long_enough_to_page():
    """Given the actors paged above, the story gives some of them more than one page (else paging proves little)."""
    from tests.support import story_lines

    per_org: dict[str, int] = {}
    for line in story_lines("affiliation"):
        per_org[line["organisation"]] = per_org.get(line["organisation"], 0) + 1
    assert per_org["knesset"] > 2 and per_org["israel"] > 2


def test_members_of_a_page_of_actors_in_one_statement_per_level(client):
    """Given every actor with its members and affiliations (and their actors), when read at once, then the SQL
    statements do not grow with the number of actors."""
    query = """query ($n: Int) { actors(first: $n) { nodes { slug
                 members(first: 3) { totalCount nodes { slug member { slug } } }
                 affiliations(last: 2) { totalCount nodes { organisation { slug } } } } } }"""
    few, _ = client.count(query, {"n": 3})
    many, data = client.count(query, {"n": 100})
    assert few == many
    by_slug = {a["slug"]: a for a in data["actors"]["nodes"]}
    assert by_slug["knesset"]["members"]["totalCount"] == len(expected(client, "knesset", "members"))
    assert [n["slug"] for n in by_slug["knesset"]["members"]["nodes"]] == expected(client, "knesset", "members")[:3]


def test_a_cursor_of_another_list_is_refused(client):
    """Given a cursor of an actor's events (a date key), when given to its members, then BAD_USER_INPUT names
    `after`, not a server error."""
    events = client.gql('{ actor(ref: {slug: "israel"}) { events(first: 1) { pageInfo { endCursor } } } }')
    cursor = events["actor"]["events"]["pageInfo"]["endCursor"]
    errors = client.errors(AFFILIATIONS, {"slug": "israel", "field": True, "first": 2, "after": cursor})
    assert codes(errors) == ["BAD_USER_INPUT"] and errors[0]["extensions"]["field"] == "after"


# --- an actor's items, filtered and ordered --------------------------------------------------------------

ITEM_FIELDS = "slug date { start }"
ACTOR_ITEMS = f"""
query ($slug: String!, $filter: ItemFilter, $order: SortOrder!, $first: Int, $after: String, $last: Int,
       $before: String) {{
  actor(ref: {{slug: $slug}}) {{
    events(filter: $filter, order: $order, first: $first, after: $after, last: $last, before: $before) {{
      totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} nodes {{ {ITEM_FIELDS} }}
    }}
    statements(filter: $filter, order: $order, first: $first, after: $after, last: $last, before: $before) {{
      totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} nodes {{ {ITEM_FIELDS} }}
    }}
    reactions(filter: $filter, order: $order, first: $first, after: $after, last: $last, before: $before) {{
      totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} nodes {{ {ITEM_FIELDS} }}
    }}
  }}
}}
"""
ROOT_ITEMS = f"""
query ($filter: ItemFilter, $order: SortOrder!) {{
  events(filter: $filter, order: $order, first: 100) {{ totalCount nodes {{ {ITEM_FIELDS} }} }}
  statements(filter: $filter, order: $order, first: 100) {{ totalCount nodes {{ {ITEM_FIELDS} speaker {{ slug }} }} }}
  reactions(filter: $filter, order: $order, first: 100) {{ totalCount nodes {{ {ITEM_FIELDS} reactor {{ slug }} }} }}
}}
"""
# The actors whose items are compared: the story's busiest speakers and reactors, states and bodies with events.
ACTORS = ["israel", "gideon-saar", "taiwan", "un-security-council", "prc-embassy-tel-aviv", "knesset", "russia"]
FILTERS = {
    "none": {},
    "window": {"from": "2025-07", "to": "2025-08"},
    "open window": {"from": "2025-08-05"},
    "kinds": {
        "eventKinds": ["ASSAULT", "CONSULT", "COOPERATE"],
        "channels": ["SPEECH", "REMARKS"],
        "reactionKinds": ["CONDEMN", "THANKS", "RIDICULE"],
    },
    "tags": {"tags": ["Iran", "china", "hostages"]},
    "search": {"search": "taiwan"},
    "search of a name": {"search": "saar"},
    "window and tags": {"from": "2023", "to": "2025-08-06", "tags": ["gaza", "hostages", "ukraine"]},
}


def own(root: dict[str, Any], slug: str) -> dict[str, list[str]]:
    """The root lists' answers narrowed to one actor's own items: the events it took part in (the root filter's
    `actors` already says that), the statements it made, the reactions it made."""
    return {
        "events": [n["slug"] for n in root["events"]["nodes"]],
        "statements": [n["slug"] for n in root["statements"]["nodes"] if n["speaker"]["slug"] == slug],
        "reactions": [n["slug"] for n in root["reactions"]["nodes"] if n["reactor"]["slug"] == slug],
    }


@pytest.mark.parametrize("order", ["ASC", "DESC"])
@pytest.mark.parametrize("name", list(FILTERS))
def test_an_actors_items_answer_what_the_root_lists_answer(client, name, order):
    """Given a filter (window, kinds, tags, search) and an order, when each actor's events, statements and reactions
    are read with it, then each list holds exactly what the root list holds for `actors: [{slug: X}]` and that
    filter (for statements and reactions, those X made), in the same order, and `totalCount` counts it."""
    nonempty = 0
    for slug in ACTORS:
        filter_ = FILTERS[name]
        mine = client.gql(ACTOR_ITEMS, {"slug": slug, "filter": filter_, "order": order, "first": 100})["actor"]
        root = client.gql(ROOT_ITEMS, {"filter": {**filter_, "actors": [{"slug": slug}]}, "order": order})
        want = own(root, slug)
        for field in ("events", "statements", "reactions"):
            got = [n["slug"] for n in mine[field]["nodes"]]
            assert got == want[field], (slug, field)
            assert mine[field]["totalCount"] == len(got), (slug, field)
            nonempty += bool(got)
        if order == "DESC":
            starts = [n["date"]["start"] for n in mine["events"]["nodes"]]
            assert starts == sorted(starts, reverse=True), slug
    assert nonempty >= 2, "the filter should leave something to compare"


def test_the_comparisons_are_not_all_alike(client):
    """Given the filters compared above, they narrow Israel's events differently (each filter says something)."""
    answers = set()
    for filter_ in FILTERS.values():
        mine = client.gql(ACTOR_ITEMS, {"slug": "israel", "filter": filter_, "order": "ASC", "first": 100})["actor"]
        answers.add(tuple(n["slug"] for n in mine["events"]["nodes"]))
    assert len(answers) >= 5, answers


def test_a_filter_naming_actors_narrows_an_actors_items_further(client):
    """Given Israel's events, when filtered with `actors: [prc]`, then they are the events involving both (the root
    list with `actors: [israel, prc]`, `actorsMatch: ALL`), fewer than all of Israel's."""
    both = {"actors": [{"slug": "israel"}, {"slug": "prc"}], "actorsMatch": "ALL"}
    root = client.gql(ROOT_ITEMS, {"filter": both, "order": "ASC"})
    mine = client.gql(
        ACTOR_ITEMS, {"slug": "israel", "filter": {"actors": [{"slug": "prc"}]}, "order": "ASC", "first": 100}
    )["actor"]
    everything = client.gql(ACTOR_ITEMS, {"slug": "israel", "filter": None, "order": "ASC", "first": 100})["actor"]
    got = [n["slug"] for n in mine["events"]["nodes"]]
    assert got == [n["slug"] for n in root["events"]["nodes"]] and got
    assert len(got) < len(everything["events"]["nodes"])


@pytest.mark.parametrize("order", ["ASC", "DESC"])
def test_a_filtered_actor_list_pages_both_ways(client, order):
    """Given Gideon Sa'ar's statements and reactions in a window, when read one at a time forward and then backward
    in either order, then both readings give the whole filtered list in that order."""
    filter_ = {"from": "2025-06", "to": "2025-08"}
    base = {"slug": "gideon-saar", "filter": filter_, "order": order}
    whole = client.gql(ACTOR_ITEMS, {**base, "first": 100})["actor"]
    for field in ("statements", "reactions", "events"):
        want = [n["slug"] for n in whole[field]["nodes"]]
        assert len(want) >= 2 or field == "events", field
        forward: list[str] = []
        cursor = None
        while True:
            page = client.gql(ACTOR_ITEMS, {**base, "first": 1, "after": cursor})["actor"][field]
            forward += [n["slug"] for n in page["nodes"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            cursor = page["pageInfo"]["endCursor"]
        backward: list[str] = []
        cursor = None
        while True:
            page = client.gql(ACTOR_ITEMS, {**base, "last": 1, "before": cursor})["actor"][field]
            backward = [n["slug"] for n in page["nodes"]] + backward
            if not page["pageInfo"]["hasPreviousPage"]:
                break
            cursor = page["pageInfo"]["startCursor"]
        assert forward == want and backward == want, field


def test_actor_lists_filtered_for_a_page_of_actors_cost_statements_per_level(client):
    """Given a filter, when every actor's filtered events, statements and reactions are read at once, then the SQL
    statements do not grow with the number of actors, and each actor's lists still match its own reading."""
    query = """query ($n: Int, $filter: ItemFilter) { actors(first: $n) { nodes { slug
                 events(filter: $filter, order: DESC, first: 5) { totalCount nodes { slug } }
                 statements(filter: $filter, first: 5) { totalCount nodes { slug } }
                 reactions(filter: $filter, first: 5) { totalCount nodes { slug } } } } }"""
    filter_ = {"from": "2023", "tags": ["hostages", "gaza", "iran"]}
    few, _ = client.count(query, {"n": 3, "filter": filter_})
    many, data = client.count(query, {"n": 100, "filter": filter_})
    assert few == many
    for actor in data["actors"]["nodes"]:
        if actor["slug"] not in ACTORS:
            continue
        alone = client.gql(ACTOR_ITEMS, {"slug": actor["slug"], "filter": filter_, "order": "ASC", "first": 5})
        alone["actor"]["events"] = client.gql(
            ACTOR_ITEMS, {"slug": actor["slug"], "filter": filter_, "order": "DESC", "first": 5}
        )["actor"]["events"]
        for field in ("events", "statements", "reactions"):
            theirs = alone["actor"][field]
            assert actor[field]["totalCount"] == theirs["totalCount"], (actor["slug"], field)
            assert [n["slug"] for n in actor[field]["nodes"]] == [n["slug"] for n in theirs["nodes"]]


def test_a_bad_filter_on_an_actor_list_is_a_field_error(client):
    """Given an unknown actor in the filter of an actor's events, when read, then NOT_FOUND names the filter's field
    at that list, and the rest of the response stays."""
    response = client.post(
        '{ a: actor(ref: {slug: "israel"}) { name events(filter: {actors: [{slug: "atlantis"}]}) { totalCount } } '
        'b: actor(ref: {slug: "taiwan"}) { name } }'
    ).json()
    assert codes(response["errors"]) == ["NOT_FOUND"]
    assert response["errors"][0]["extensions"]["field"] == "filter.actors[0].slug"
    assert response["errors"][0]["path"] == ["a", "events"]
    assert response["data"]["b"] == {"name": "Taiwan"}

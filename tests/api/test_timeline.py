"""The timeline: one stream of events, statements and reactions, in a stable date order, paged by cursor."""

from __future__ import annotations

import pytest

ITEM_FIELDS = """
  __typename
  ... on Event { slug date { start end dayOrder label precision qualifier ongoing text } }
  ... on Statement { slug date { start end dayOrder label precision qualifier ongoing text } }
  ... on Reaction { slug date { start end dayOrder label precision qualifier ongoing text } }
"""

TIMELINE = """
query ($first: Int, $after: String, $last: Int, $before: String, $order: SortOrder! = ASC, $filter: ItemFilter) {
  timeline(first: $first, after: $after, last: $last, before: $before, order: $order, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { ITEM_FIELDS } }
  }
}
""".replace("ITEM_FIELDS", ITEM_FIELDS)

EVENTS_PAGE = """
query ($first: Int, $after: String, $last: Int, $before: String, $order: SortOrder! = ASC) {
  events(first: $first, after: $after, last: $last, before: $before, order: $order) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { slug date { start dayOrder } } }
  }
}
"""

ACTORS_PAGE = """
query ($first: Int, $after: String, $last: Int, $before: String) {
  actors(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { name } }
  }
}
"""

RANK = {"Event": 0, "Statement": 1, "Reaction": 2}
STORY_ITEMS = 36  # 17 events, 9 statements, 10 reactions


def page(client, query=TIMELINE, **variables):
    """One page of the timeline (or another connection) as the API answers it."""
    data = client.gql(query, variables)
    return next(iter(data.values()))


def slugs(connection):
    return [edge["node"]["slug"] for edge in connection["edges"]]


def sort_key(node):
    return (node["date"]["start"], node["date"]["dayOrder"], RANK[node["__typename"]])


def walk_forward(client, size, query=TIMELINE, **variables):
    """Every page from the start with first/after; returns the pages."""
    pages, after = [], None
    while True:
        connection = page(client, query, first=size, after=after, **variables)
        pages.append(connection)
        if not connection["pageInfo"]["hasNextPage"]:
            return pages
        after = connection["pageInfo"]["endCursor"]
        assert len(pages) < 100, "paging does not end"


def walk_backward(client, size, query=TIMELINE, **variables):
    """Every page from the end with last/before; returns the pages, last page first."""
    pages, before = [], None
    while True:
        connection = page(client, query, last=size, before=before, **variables)
        pages.append(connection)
        if not connection["pageInfo"]["hasPreviousPage"]:
            return pages
        before = connection["pageInfo"]["startCursor"]
        assert len(pages) < 100, "paging does not end"


def test_timeline_is_ascending_by_date_then_day_order(client):
    """Given the whole story, when the timeline is read ascending, then items run by start date, then day order."""
    timeline = page(client, first=100)
    nodes = [edge["node"] for edge in timeline["edges"]]
    assert timeline["totalCount"] == len(nodes) == STORY_ITEMS
    assert [sort_key(n) for n in nodes] == sorted(sort_key(n) for n in nodes)
    assert nodes[0]["slug"] == "russia-invades-ukraine-2022"
    assert nodes[-1]["slug"] == "yermak-thanks-saar-for-un-remarks"
    assert {n["__typename"] for n in nodes} == {"Event", "Statement", "Reaction"}


def test_timeline_descending_is_the_exact_reverse(client):
    """Given the whole story, when the timeline is read DESC, then it is the ascending list reversed."""
    ascending = slugs(page(client, first=100))
    descending = page(client, first=100, order="DESC")
    assert slugs(descending) == ascending[::-1]
    assert descending["edges"][0]["node"]["slug"] == "yermak-thanks-saar-for-un-remarks"


def test_same_day_items_follow_day_order_then_events_statements_reactions(client):
    """Given items on 5 August 2025, when read, then day order decides, and a statement precedes its reaction."""
    timeline = page(client, first=100, filter={"from": "2025-08-05", "to": "2025-08-05"})
    same_day = [e["node"] for e in timeline["edges"] if e["node"]["date"]["start"] == "2025-08-05"]
    assert [n["slug"] for n in same_day] == [
        "unsc-hostage-session-2025-08",
        "unsc-diplomats-shocked-by-hostage-videos",
        "unsc-diplomats-condemn-israel-gaza-policies",
        "russia-envoy-condemns-israel-at-unsc",
        "palestinian-representative-criticises-israel-at-unsc",
        "saar-unsc-on-russian-representative",
        "saar-ridicules-russia-envoy",
        "saar-unsc-on-palestinian-representative",
        "saar-accuses-palestinian-representative-of-propaganda",
        "saar-unsc-upside-down",
        "saar-criticises-upside-down-approach",
    ]


def test_ties_on_date_and_day_order_are_stable(client):
    """Given three late-July events on the same day and order, when read twice and paged, then the order holds."""
    filter_ = {"from": "2025-07-21", "to": "2025-07-21", "itemTypes": ["EVENT"], "tags": ["kyiv", "petition"]}
    once = slugs(page(client, first=10, filter=filter_))
    assert once[:2] == ["saar-visits-kyiv-2025-07", "knesset-taiwan-petition-2025-07"]  # both dayOrder 1
    assert once == slugs(page(client, first=10, filter=filter_))
    paged = [slug for p in walk_forward(client, 1, filter=filter_) for slug in slugs(p)]
    assert paged == once


@pytest.mark.parametrize("order", ["ASC", "DESC"])
def test_paging_forward_by_three_collects_every_item_once(client, order):
    """Given the story, when paged with first: 3 / after, then every item comes exactly once, in order."""
    whole = page(client, first=100, order=order)
    pages = walk_forward(client, 3, order=order)
    collected = [slug for p in pages for slug in slugs(p)]
    assert len(collected) == len(set(collected)) == whole["totalCount"] == STORY_ITEMS
    assert collected == slugs(whole)
    assert len(pages) == 12
    assert all(p["totalCount"] == STORY_ITEMS for p in pages)
    assert all(len(p["edges"]) == 3 for p in pages)


@pytest.mark.parametrize("order", ["ASC", "DESC"])
def test_paging_backward_by_three_gives_the_same_items_in_the_same_order(client, order):
    """Given the story, when paged from the end with last: 3 / before, then the items match forward paging."""
    forward = [slug for p in walk_forward(client, 3, order=order) for slug in slugs(p)]
    pages = walk_backward(client, 3, order=order)
    backward = [slug for p in reversed(pages) for slug in slugs(p)]
    assert backward == forward


def test_cursors_resume_exactly_after_the_item(client):
    """Given any item's cursor, when the next page is asked after it, then it starts at the following item."""
    whole = page(client, first=100)
    for index in (0, 4, 17, 29):
        cursor = whole["edges"][index]["cursor"]
        following = page(client, first=2, after=cursor)
        assert slugs(following) == slugs(whole)[index + 1 : index + 3]
        preceding = page(client, last=2, before=cursor)
        assert slugs(preceding) == slugs(whole)[max(0, index - 2) : index]


def test_page_info_flags_at_start_middle_and_end(client):
    """Given the story, when the first, a middle and the last page are read, then pageInfo flags say so."""
    first = page(client, first=5)
    assert first["pageInfo"]["hasNextPage"] is True and first["pageInfo"]["hasPreviousPage"] is False
    assert first["pageInfo"]["startCursor"] == first["edges"][0]["cursor"]
    assert first["pageInfo"]["endCursor"] == first["edges"][-1]["cursor"]
    middle = page(client, first=5, after=first["pageInfo"]["endCursor"])
    assert middle["pageInfo"]["hasNextPage"] is True and middle["pageInfo"]["hasPreviousPage"] is True
    last = page(client, last=5)
    assert last["pageInfo"]["hasNextPage"] is False and last["pageInfo"]["hasPreviousPage"] is True
    assert slugs(last)[-1] == "yermak-thanks-saar-for-un-remarks"
    everything = page(client, first=STORY_ITEMS)
    assert everything["pageInfo"]["hasNextPage"] is False and everything["pageInfo"]["hasPreviousPage"] is False


def test_default_page_is_twenty_items(client):
    """Given no page size, when the timeline is read, then 20 items come with more to follow."""
    timeline = page(client)
    assert len(timeline["edges"]) == 20 and timeline["pageInfo"]["hasNextPage"] is True
    assert timeline["totalCount"] == STORY_ITEMS


def test_paging_a_filtered_window_keeps_the_filter(client):
    """Given a 2025 window, when paged by 4, then pages hold exactly the window's items in order."""
    filter_ = {"from": "2025", "to": "2025"}
    whole = page(client, first=100, filter=filter_)
    pages = walk_forward(client, 4, filter=filter_)
    assert [s for p in pages for s in slugs(p)] == slugs(whole)
    assert whole["totalCount"] == len(whole["edges"]) == 34


def test_events_list_pages_forward_and_backward_alike(client):
    """Given the 17 events, when paged by 3 forward and backward, then both give the ascending list."""
    whole = page(client, EVENTS_PAGE, first=100)
    assert whole["totalCount"] == 17
    forward = [s for p in walk_forward(client, 3, EVENTS_PAGE) for s in slugs(p)]
    backward = [s for p in reversed(walk_backward(client, 3, EVENTS_PAGE)) for s in slugs(p)]
    assert forward == backward == slugs(whole)
    keys = [(e["node"]["date"]["start"], e["node"]["date"]["dayOrder"]) for e in whole["edges"]]
    assert keys == sorted(keys)


def test_actors_page_by_name(client):
    """Given the 37 actors, when paged by 10 forward and backward, then both give them once, sorted by name."""
    names = [e["node"]["name"] for p in walk_forward(client, 10, ACTORS_PAGE) for e in p["edges"]]
    assert len(names) == len(set(names)) == 37
    assert names == sorted(names)
    assert names[:2] == ["Abby Lee", "Andriy Yermak"]
    backward = [e["node"]["name"] for p in reversed(walk_backward(client, 10, ACTORS_PAGE)) for e in p["edges"]]
    assert backward == names


def test_dates_say_what_is_known(client):
    """Given the story, when dates are read, then precision, qualifier, label, bounds and ongoing are honest."""
    nodes = {e["node"]["slug"]: e["node"]["date"] for e in page(client, first=100)["edges"]}
    assert nodes["knesset-taiwan-petition-2025-07"] == {
        "text": "late 2025-07",
        "label": "late July 2025",
        "start": "2025-07-21",
        "end": "2025-07-31",
        "precision": "MONTH",
        "qualifier": "LATE",
        "ongoing": False,
        "dayOrder": 1,
    }
    invasion = nodes["russia-invades-ukraine-2022"]
    assert invasion["ongoing"] is True and invasion["end"] is None
    assert invasion["start"] == "2022-01-01" and invasion["precision"] == "YEAR"  # the article says "2022", no day
    assert invasion["label"] == "2022 – ongoing"
    assert nodes["gaza-war"]["ongoing"] is True and nodes["gaza-war"]["end"] is None
    assert nodes["prc-buys-iranian-crude"]["qualifier"] == "CIRCA"
    assert nodes["prc-buys-iranian-crude"]["precision"] == "YEAR"
    assert nodes["prc-buys-iranian-crude"]["label"] == "c. 2025"
    assert nodes["israel-strikes-iran-nuclear-sites-2025-06"]["label"] == "June 2025"
    assert nodes["israel-strikes-iran-nuclear-sites-2025-06"]["qualifier"] is None
    videos = nodes["hamas-pij-hostage-videos-2025-08"]
    assert videos["label"] == "between 2 and 3 August 2025" and videos["qualifier"] == "BETWEEN"
    assert (videos["start"], videos["end"]) == ("2025-08-02", "2025-08-03")
    assert nodes["unsc-hostage-session-2025-08"]["label"] == "5 August 2025"
    assert all(not d["ongoing"] and d["end"] >= d["start"] for d in nodes.values() if d["end"] is not None)

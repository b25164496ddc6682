"""The plain record lists (sources, affiliations, relationship changes): paging both ways, `filter: {updatedSince}`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

LISTS = """
query($since: DateTime, $after: String) {
  sources(filter: {updatedSince: $since}) { totalCount nodes { slug title version } }
  affiliations(first: 10, after: $after, filter: {updatedSince: $since}) {
    totalCount pageInfo { hasNextPage endCursor } nodes { slug member { slug } organisation { slug } }
  }
  relationshipChanges(filter: {updatedSince: $since}, first: 100) {
    totalCount nodes { slug delta cause { __typename } }
  }
}
"""
STORY = Path(__file__).resolve().parents[2] / "seeds" / "story"


def count(name: str) -> int:
    return sum(1 for line in (STORY / name).read_text().splitlines() if line.strip())


def test_record_lists_hold_the_story(client):
    """Given the story, when the record lists are read, then they hold every source, affiliation and change."""
    data = client.gql(LISTS)
    assert data["sources"]["totalCount"] == count("sources.jsonl") == len(data["sources"]["nodes"])
    assert data["affiliations"]["totalCount"] == count("affiliations.jsonl")
    assert data["relationshipChanges"]["totalCount"] == count("relationship_changes.jsonl")
    first = json.loads((STORY / "affiliations.jsonl").read_text().splitlines()[0])
    assert data["affiliations"]["nodes"][0]["member"]["slug"] == first["member"]


def test_affiliations_page_without_gaps(client):
    """Given pages of 10, when following endCursor, then every affiliation comes once."""
    seen, after = [], None
    while True:
        page = client.gql(LISTS, {"after": after})["affiliations"]
        seen += [n["slug"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == count("affiliations.jsonl")


def test_updated_since_in_the_future_returns_nothing(client):
    """Given a time after every write, when listed with updatedSince, then the lists are empty."""
    data = client.gql(LISTS, {"since": "2999-01-01T00:00:00Z"})
    assert [data[k]["totalCount"] for k in ("sources", "affiliations", "relationshipChanges")] == [0, 0, 0]


def test_updated_since_before_the_story_returns_everything(client):
    """Given a time before the story was loaded, when listed with updatedSince, then nothing is left out."""
    everything = client.gql(LISTS)
    since = client.gql(LISTS, {"since": "2000-01-01T00:00:00Z"})
    assert [since[k]["totalCount"] for k in ("sources", "affiliations", "relationshipChanges")] == [
        count("sources.jsonl"),
        count("affiliations.jsonl"),
        count("relationship_changes.jsonl"),
    ]
    assert since == everything


BACKWARD = """
query($before: String) {
  affiliations(last: 10, before: $before) { pageInfo { hasPreviousPage startCursor } nodes { slug } }
}
"""


@pytest.mark.parametrize("field", ["sources", "affiliations", "relationshipChanges"])
def test_last_pages_end_where_first_pages_begin_from(client, field):
    """Given a list, when its last 3 are read backward, then they are the tail of the forward order, in that order."""
    forward = client.gql(f"{{ {field}(first: 100) {{ nodes {{ slug }} }} }}")[field]["nodes"]
    backward = client.gql(f"{{ {field}(last: 3) {{ pageInfo {{ hasPreviousPage }} nodes {{ slug }} }} }}")[field]
    assert backward["nodes"] == forward[-3:]
    assert backward["pageInfo"]["hasPreviousPage"] is (len(forward) > 3)


def test_affiliations_page_backward_without_gaps(client):
    """Given pages of 10 backward, when following startCursor, then every affiliation comes once, in order."""
    pages: list[list[str]] = []
    before = None
    while True:
        page = client.gql(BACKWARD, {"before": before})["affiliations"]
        pages.insert(0, [n["slug"] for n in page["nodes"]])
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    seen = [slug for page in pages for slug in page]
    forward = client.gql("{ affiliations(first: 100) { nodes { slug } } }")["affiliations"]["nodes"]
    assert seen == [n["slug"] for n in forward]
    assert len(seen) == len(set(seen)) == count("affiliations.jsonl")

"""The plain record lists (sources, affiliations, relationship changes): paging and `updatedSince`."""

from __future__ import annotations

import json
from pathlib import Path

LISTS = """
query($since: DateTime, $after: String) {
  sources(updatedSince: $since) { totalCount nodes { slug title version } }
  affiliations(first: 10, after: $after, updatedSince: $since) {
    totalCount pageInfo { hasNextPage endCursor } nodes { slug member { slug } organisation { slug } }
  }
  relationshipChanges(updatedSince: $since, first: 100) { totalCount nodes { slug delta cause { __typename } } }
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

"""One shape, one statement: the cache key of a filter's SQL (``filter_shape``) tells apart every two filters whose
SQL differs, and ``filter_values`` binds every value that SQL asks for.

The app builds a filter's statement once per shape and reuses it for every filter of that shape with other values
(``schema.context.Context.prepared``): two filters with one shape and different SQL would share a statement, and
the second would get the first's conditions. Checked without a database on a corpus of resolved filters (every
field alone, with each window, and a few more together), by compiling each one's SQL for both dialects.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel

import api.models  # noqa: F401 - registers every table on the metadata
from schema.filters import Resolved, conditions, filter_shape, filter_values, window_branches


def kinds(**given: list[str]) -> dict[str, list[str]]:
    """A resolved filter's kinds: each item type's list as the filter's enums give it (an event kind in capitals,
    channels and reaction kinds as stored); a type not given gets an empty list, as when another type's is given."""
    return {kind: given.get(kind, []) for kind in ("event", "statement", "reaction")}


DIALECTS = {"sqlite": sqlite.dialect(), "postgresql": postgresql.dialect()}
KINDS = ("event", "statement", "reaction")
TAGS_RARE = {"event": False, "statement": False, "reaction": False}
SINCE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def rare_search(actors: list[int] | None) -> dict[str, Any]:
    """A search of one word with few matches, as ``resolve`` leaves it (its matches and the actors it names)."""
    return {"search": '"harbour"*', "search_words": ["harbour"], "search_is_common": False,
            "search_ids": {"event": [1], "statement": [], "reaction": [2]}, "search_actor_ids": actors}  # fmt: skip


def common_search(words: list[str], actors: list[int] | None) -> dict[str, Any]:
    """A search with many matches, tested per item."""
    query = " AND ".join(f'"{w}"*' for w in words)
    return {"search": query, "search_words": words, "search_is_common": True, "search_actor_ids": actors}


WINDOWS: list[dict[str, Any]] = [
    {},
    {"start": dt.date(2021, 7, 2)},
    {"start": dt.date(1, 1, 1)},
    {"end": dt.date(2021, 7, 10)},
    {"start": dt.date(2021, 7, 2), "end": dt.date(2021, 7, 10)},
    {"start": dt.date(1, 6, 1), "end": dt.date(2021, 7, 10)},
]
FIELDS: list[dict[str, Any]] = [
    {"actor_ids": [1]},
    {"actor_ids": [1, 2]},
    {"actor_ids": [1, 2], "match_all": True},
    {"actor_ids": [1, 1, 2], "match_all": True},
    {"actor_ids": [1, 2, 3], "match_all": True},
    {"actor_ids": [1], "affiliated": True},
    {"actor_ids": [1, 2], "affiliated": True},
    {"actor_ids": [1, 2], "affiliated": True, "match_all": True},
    {"actor_ids": [1, 2, 2, 3], "affiliated": True, "match_all": True},
    {"kinds": kinds(event=["ACCUSE"], reaction=["accuse"])},  # an event kind and a reaction kind of one name
    {"kinds": kinds(event=["AGREE"], reaction=["agree"])},
    {"kinds": kinds(event=["ACCUSE", "AGREE"], reaction=["accuse", "agree"])},
    {"kinds": kinds(event=["ACCUSE", "CONSULT"], reaction=["accuse"])},
    {"kinds": kinds(statement=["speech"])},
    {"kinds": kinds(statement=["speech", "remarks"])},
    {"kinds": kinds(reaction=["thanks"])},
    {"kinds": kinds(event=["CONSULT"])},
    {"kinds": kinds(event=["CONSULT"], statement=["speech"], reaction=["thanks"])},
    {"kinds": kinds()},  # every kind list given empty: nothing of any type
    {"tags": ["war"], "tags_common": TAGS_RARE},
    {"tags": ["war", "trade"], "tags_common": TAGS_RARE},
    {"tags": ["war"], "tags_common": {**TAGS_RARE, "event": True}},
    {"tags": ["war"], "tags_common": {**TAGS_RARE, "reaction": True}},
    {"tags": ["war"], "tags_common": dict.fromkeys(KINDS, True)},
    {"country": "NOR"},
    {"country": "CHL"},
    {"country": "NOR", "country_is_common": True},
    {"search": "", "search_words": []},
    rare_search([1]),
    rare_search([1, 2]),
    rare_search([]),
    rare_search(None),
    common_search(["harbour"], [1]),
    common_search(["harbour"], [1, 2]),
    common_search(["harbour", "visit"], [1]),
    common_search(["harbour"], []),
    common_search(["harbour"], None),
    {"updated_since": SINCE},
    {"updated_since": SINCE, "updated_is_common": True},
    {"item_types": {"event"}},
    {"item_types": {"statement", "reaction"}},
    {"item_types": {"reaction", "statement"}},
    {"item_types": {"event", "statement", "reaction"}},
]
TOGETHER: list[dict[str, Any]] = [
    {"actor_ids": [1], "country": "NOR", "kinds": kinds(statement=["speech"])},
    {"actor_ids": [1], "affiliated": True, "search": "", "search_words": []},
    {**rare_search([1]), "tags": ["war"], "tags_common": TAGS_RARE, "item_types": {"event"}},
    {**common_search(["harbour"], [1]), "updated_since": SINCE, "country": "NOR", "country_is_common": True},
]
CORPUS = (
    [Resolved(**window) for window in WINDOWS]
    + [Resolved(**window, **fields) for window in WINDOWS for fields in FIELDS]
    + [Resolved(**window, **fields) for window in WINDOWS[:2] for fields in TOGETHER]
)


def statement_text(kind: str, f: Resolved, dialect: str) -> tuple[str, frozenset[str]]:
    """The SQL a filter puts on a kind of item (every branch of its window), and the names of its bound values."""
    table = SQLModel.metadata.tables[kind]
    where = conditions(kind, table, f, dialect)
    compiled = [
        select(table.c.id).where(*where, *branch).compile(dialect=DIALECTS[dialect])
        for branch in window_branches(table, f)
    ]
    names = frozenset(name for c in compiled for name, bind in c.binds.items() if bind.required)
    return "\nUNION\n".join(str(c) for c in compiled), names


@pytest.mark.parametrize("dialect", list(DIALECTS))
def test_one_shape_one_statement(dialect: str):
    """Given the corpus, when each filter's SQL is compiled, then filters of one shape have the same SQL for every
    kind of item, and every value it binds is among the filter's values."""
    by_shape: dict[Any, dict[str, tuple[str, Resolved]]] = defaultdict(dict)
    for f in CORPUS:
        shape = filter_shape(f)
        values = filter_values(f)
        for kind in KINDS:
            text, names = statement_text(kind, f, dialect)
            assert names <= set(values), (kind, f, names - set(values))
            first = by_shape[shape].setdefault(kind, (text, f))
            assert first[0] == text, f"one shape {shape}, two statements for {kind}:\n{first[1]}\n{f}"
    assert len(by_shape) > len(CORPUS) / 2  # the corpus has few filters of one shape, and those are meant

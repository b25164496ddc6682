"""The correctness guard of the item filters: generated worlds and filters, every page checked against a reference.

For each example Hypothesis draws a small world (tests.hardening.filter_world), loads it into a fresh migrated
database through the real seed loader (two loads, so that `updatedSince` can cut between them), then draws a few
filters and, for each, walks `timeline`, `events`, `statements` and `reactions` page by page (page size 1–7,
ASC or DESC; forward with first/after, and sometimes backward with last/before too) and checks the items, their
order, `totalCount` (and `totalCountIsExact` if the schema has it), and `hasNextPage`/`hasPreviousPage` against
the brute-force ``Reference``. Runs on SQLite and PostgreSQL, derandomized (the same examples every run).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, event, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlmodel import SQLModel

import api.models  # noqa: F401 - registers every table on the metadata
from api.db import make_engine
from seeds.format import parse_data
from seeds.loader import load_records
from tests.api.conftest import Api
from tests.conftest import BACKENDS, Databases
from tests.hardening.filter_world import (
    ALIAS_WORDS,
    DRAFT,
    NAME_WORDS,
    NOWHERE,
    PLACE_WORDS,
    REACTION_KINDS,
    TEXT_WORDS,
    Reference,
    World,
    filters,
    worlds,
)

# Derandomized: the same examples on every run and machine. Shrinking a failure takes minutes (every step loads a
# world); REALIGN_GUARD_NO_SHRINK=1 reports the first failing example as found, for a quick answer while iterating.
NO_SHRINK = os.environ.get("REALIGN_GUARD_NO_SHRINK") == "1"
GUARD = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate] if NO_SHRINK else list(Phase),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LISTS = {"timeline": None, "events": "event", "statements": "statement", "reactions": "reaction"}
TIMELINE_NODES = "__typename ... on Event { slug } ... on Statement { slug } ... on Reaction { slug }"


def test_vocabulary_words_are_not_inside_each_other():
    """Given the generator's words, then none lies inside another (nor inside a reaction kind, a slug or the draft
    summary): a whole-word search finds the same under substring, word and word-prefix matching."""
    pool = [w.lower() for w in (*TEXT_WORDS, *PLACE_WORDS, *NAME_WORDS, *ALIAS_WORDS, NOWHERE)]
    others = [*pool, *REACTION_KINDS, DRAFT, "p0", "p11"]
    for word in pool:
        assert [o for o in others if word in o] == [word], word
        assert not [k for k in (*REACTION_KINDS, DRAFT) if k in word], word


@pytest.fixture(scope="module", params=BACKENDS, ids=BACKENDS)
def world_url(
    request: pytest.FixtureRequest, databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database for the module's examples, emptied before each (``emptied``): a new database per
    example costs seconds on a busy PostgreSQL server (CREATE DATABASE and DROP DATABASE checkpoint)."""
    url, name = databases.copy(request.param, "migrated", tmp_path_factory.mktemp("worlds"))
    yield url
    databases.drop(request.param, name)


def emptied(url: str) -> str:
    """Empty every table (DELETE: TRUNCATE takes most of a second on PostgreSQL), so an example sees only its
    world; ids go on where the last world's ended, which the reference reads back anyway."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for table in reversed(SQLModel.metadata.sorted_tables):
                conn.execute(table.delete())
    finally:
        engine.dispose()
    return url


def load(url: str, world: World) -> tuple[dict[tuple[str, str], int], dict[str, dt.datetime]]:
    """Write the world through the seed loader in two loads; returns the database ids by (record type, slug) and
    times around the loads (the reference only needs their order: before < first < between < second < after)."""
    engine = make_engine(url)
    try:
        times = {"before": dt.datetime.now(dt.UTC)}
        for number, batch in enumerate(world.batches()):
            time.sleep(0.002)
            records = []
            for kind, line in batch:
                parsed, errors = parse_data(kind, line, f"{kind}:{line['slug']}")
                assert parsed is not None, errors
                records.append(parsed)
            result = load_records(engine, records)
            assert not result.errors, "\n".join(result.errors)
            time.sleep(0.002)
            times["between" if number == 0 else "after"] = dt.datetime.now(dt.UTC)
        times["first"] = times["before"] + dt.timedelta(microseconds=1)
        times["second"] = times["between"] + dt.timedelta(microseconds=1)
        idents: dict[tuple[str, str], int] = {}
        with engine.connect() as conn:
            for kind in ("actor", "event", "statement", "reaction"):
                for slug, ident in conn.execute(text(f"SELECT slug, id FROM {kind}")):  # noqa: S608 - fixed names
                    idents[(kind, slug)] = ident
        return idents, times
    finally:
        engine.dispose()


def has_exactness(api: Api) -> bool:
    """Whether connections tell if `totalCount` is exact (a field the bounded count may bring)."""
    fields = api.gql('{ __type(name: "TimelineItemConnection") { fields { name } } }')["__type"]["fields"]
    return any(f["name"] == "totalCountIsExact" for f in fields)


def walk(api: Api, flt: dict[str, Any], order: str, size: int, backward: bool, exact: bool) -> dict[str, Any]:
    """Every page of the four lists (one request per step, lists still going only); per list: the slugs in list
    order, the totalCounts seen, and a page-flag problem if any."""
    out: dict[str, Any] = {name: {"slugs": [], "counts": set(), "flags": [], "cursor": None} for name in LISTS}
    going = list(LISTS)
    way, cursor_arg, more_flag = ("first", "after", "hasNextPage")
    if backward:
        way, cursor_arg, more_flag = ("last", "before", "hasPreviousPage")
    while going:
        parts = []
        for name in going:
            cursor = out[name]["cursor"]
            after = f", {cursor_arg}: {json.dumps(cursor)}" if cursor else ""
            nodes = TIMELINE_NODES if name == "timeline" else "slug"
            extra = " totalCountIsExact" if exact else ""
            parts.append(
                f"{name}(filter: $filter, order: {order}, {way}: {size}{after}) {{ totalCount{extra} "
                f"pageInfo {{ {more_flag} startCursor endCursor }} nodes {{ {nodes} }} }}"
            )
        data = api.gql(f"query ($filter: ItemFilter) {{ {' '.join(parts)} }}", {"filter": flt})
        for name in list(going):
            page, state = data[name], out[name]
            slugs = [n["slug"] for n in page["nodes"]]
            state["slugs"] = state["slugs"] + slugs if not backward else slugs + state["slugs"]
            state["counts"].add(page["totalCount"])
            if exact and page["totalCountIsExact"] is not True:
                state["flags"].append("totalCountIsExact is not true")
            if len(slugs) > size:
                state["flags"].append(f"a page of {len(slugs)} items, asked for {size}")
            state["flags"].append(page["pageInfo"][more_flag])
            state["cursor"] = page["pageInfo"]["startCursor" if backward else "endCursor"]
            if not page["pageInfo"][more_flag] or not slugs:
                going.remove(name)
    return out


def check(api: Api, reference: Reference, flt: dict[str, Any], order: str, size: int, backward: bool, exact: bool):
    got = walk(api, flt, order, size, backward, exact)
    shown = f"filter={json.dumps(flt, ensure_ascii=False)} order={order} {'last' if backward else 'first'}={size}"
    for name, listed in LISTS.items():
        expected = reference.expected(flt, listed=listed, descending=order == "DESC")
        if listed is None:
            share = "no" if not expected else "all" if len(expected) == len(reference.world.items) else "some"
            event(f"timeline: {share} items")
        state = got[name]
        assert state["slugs"] == expected, f"{name}: {shown}\n  got      {state['slugs']}\n  expected {expected}"
        assert state["counts"] == {len(expected)}, f"{name}: {shown}: totalCount {state['counts']} != {len(expected)}"
        problems = [f for f in state["flags"] if isinstance(f, str)]
        assert not problems, f"{name}: {shown}: {problems}"
        # One flag per page: "more follow" on every page but the last (an empty list is one page, with none).
        pages = max(1, -(-len(expected) // size))
        flags = [f for f in state["flags"] if isinstance(f, bool)]
        assert flags == [True] * (pages - 1) + [False], f"{name}: {shown}: page flags {flags} for {pages} pages"


@GUARD
@given(world=worlds(), data=st.data())
def test_filters_match_the_reference(world_url: str, world: World, data: st.DataObject):
    """Given a generated world loaded through the seed loader, when random filters page through the timeline and
    the three item lists (ASC/DESC, forward and sometimes backward), then every page, order, count and page flag
    is the reference's."""
    note(world.describe())
    url = emptied(world_url)
    idents, times = load(url, world)
    reference = Reference(world, idents, times)
    # A value is "common" from this many matches on: 1 makes every present value take the walk-and-test plan,
    # the default keeps small worlds on the gather-the-ids plan; both must give the reference's answers.
    api = Api(url, common_value=data.draw(st.sampled_from([1, 2000]), label="common_value"))
    try:
        exact = has_exactness(api)
        for _ in range(data.draw(st.integers(3, 5), label="filters")):
            flt = data.draw(filters(reference), label="filter")
            order = data.draw(st.sampled_from(["ASC", "DESC"]), label="order")
            size = data.draw(st.integers(1, 7), label="page size")
            check(api, reference, flt, order, size, False, exact)
            if data.draw(st.integers(0, 2), label="backward too") == 0:
                check(api, reference, flt, order, data.draw(st.integers(1, 7), label="back size"), True, exact)
    finally:
        api.close()

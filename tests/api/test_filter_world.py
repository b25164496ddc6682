"""The filter planner on a small world built for its edges, through GraphQL over HTTP, under both plans of a value.

The seed story cannot show some edges of ``schema/filters.py``: items that begin or end exactly on a window's
bounds or on the horizons of its branches (``window_branches``), affiliations whose spells end or meet on one day
(``family``), actors of a country reached only through an answered item, items changed after others
(``updatedSince``), tags on statements and reactions. This world has them; each filter is checked on the timeline
and the three lists against the brute-force reference of the property test (``tests.hardening.filter_world``),
under the default settings (the world's values are rare: their matches are gathered first), with ``common_value``
1 (every value present is common: the dates are walked and each item tested) and with ``common_value`` 2 (values
on either side of the line). The key answers are spelt out besides, as the world's story tells them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import schema.filters
from schema.context import Context
from schema.filters import ItemFilter, Resolved, resolve, walks
from schema.refs import RecordRef
from schema.types.enums import EventKind, TimelineItemType
from tests.api.conftest import Api
from tests.conftest import BACKENDS, Databases
from tests.hardening.filter_world import Actor, Affiliation, Item, Reference, World
from tests.hardening.test_filter_properties import load

# --- the world ----------------------------------------------------------------------------------------------------
# Norland (NOR) with its ministry (part of it through 2021) and its minister (a role from March to June 2021); a
# deputy whose role in the ministry begins on the ministry's last day in Norland; Chilvania (CHL) with an envoy of
# no country who represents it; Perovia (PER) with a mere member of Norland. Names, aliases and texts use words
# found in no other (the reference matches a search as a substring).
ACTORS = [
    Actor("nor", "Norland", "state", "NOR", ["Fjordhaven"]),
    Actor("ministry", "Quill Office", "government_body", "NOR", []),
    Actor("minister", "Ada Brightwater", "person", "NOR", []),
    Actor("deputy", "Bo Lantern", "person", None, []),
    Actor("chl", "Chilvania", "state", "CHL", ["Andesport"]),
    Actor("envoy", "Cyr Marble", "person", None, []),
    Actor("per", "Perovia", "state", "PER", []),
    Actor("clubber", "Dot Pebble", "person", "PER", []),
]
AFFILIATIONS = [
    Affiliation("minister-of-nor", "minister", "nor", "role", "2021-03", "2021-06"),
    Affiliation("ministry-of-nor", "ministry", "nor", "part_of", "2021", "2021"),
    Affiliation("deputy-of-ministry", "deputy", "ministry", "role", "2021-12-31", None),
    Affiliation("envoy-of-chl", "envoy", "chl", "represents", None, None),
    Affiliation("clubber-in-nor", "clubber", "nor", "member", None, None),
]


def event(slug: str, date: str, actors: list[str], **more: Any) -> Item:
    fields: dict[str, Any] = {"label": "CONSULT", "title": "Session", "tags": [], "day_order": 0, **more}
    return Item("event", slug, date, participants=[("participant", a) for a in actors], **fields)


def statement(slug: str, date: str, speaker: str, about: list[str], **more: Any) -> Item:
    fields: dict[str, Any] = {"label": "speech", "quote": "Words", "tags": [], "day_order": 0, **more}
    return Item("statement", slug, date, speaker=speaker, about=about, **fields)


def reaction(slug: str, date: str, reactor: str, target: Item, **more: Any) -> Item:
    fields: dict[str, Any] = {"label": "warn", "tags": [], "day_order": 0, **more}
    return Item("reaction", slug, date, reactor=reactor, target=target, **fields)


# A window from 2 July to 10 July 2021: its short horizon is 1 June 2021 (31 days before), its horizon 1 July 2020
# (366 days before). Perovia takes part in these events only.
WINDOW = {"from": "2021-07-02", "to": "2021-07-10"}
WINDOW_EVENTS = [
    event("w-day-before", "2021-07-01", ["per"]),
    event("w-start", "2021-07-02", ["per"]),  # begins on the window's first day
    event("w-ends-on-start", "between 2021-06-20 and 2021-07-02", ["per"]),  # short, ends on the first day
    event("w-short-edge", "between 2021-06-01 and 2021-07-02", ["per"]),  # short (31 days), begins on the horizon
    event("w-short-ended", "between 2021-06-01 and 2021-07-01", ["per"]),
    event("w-longer-recent", "between 2021-06-15 and 2021-08-31", ["per"]),  # longer, after the short horizon
    event("w-longer-edge", "between 2020-07-01 and 2021-07-02", ["per"]),  # 366 days, begins on the horizon
    event("w-long", "between 2020-06-30 and 2021-07-02", ["per"]),  # 367 days: long, begins before the horizon
    event("w-long-recent", "between 2020-08-01 and 2021-12-31", ["per"]),  # long, begins after the horizon
    event("w-long-ended", "between 2019-01-01 and 2021-07-01", ["per"]),
    event("w-ongoing", "2020/..", ["per"]),
    event("w-end-edge", "2021-07-10", ["per"]),  # begins on the window's last day
    event("w-after-end", "2021-07-11", ["per"]),
]
IN_WINDOW = [
    "w-ongoing",
    "w-long",
    "w-longer-edge",
    "w-long-recent",
    "w-short-edge",
    "w-longer-recent",
    "w-ends-on-start",
    "w-start",
    "w-end-edge",
]

# The minister, the deputy and the member, at dates inside and outside their spells; the items that answer them.
m_before = event("m-before", "between 2021-02-20 and 2021-03-05", ["minister"])  # begins before the role
m_first_day = event("m-first-day", "2021-03-01", ["minister"], label="AGREE", tags=["trade"])
m_with_ministry = event("m-with-ministry", "2021-05-20", ["minister", "ministry"])  # two actors of Norland
m_last_days = event("m-last-days", "between 2021-06-01 and 2021-06-30", ["minister"], title="Harbour talks")
m_after = event("m-after", "2021-08-01", ["minister"], label="ACCUSE", place_country="CHL")
d_day_before = event("d-day-before", "2021-12-30", ["deputy"])
d_one_day = event("d-one-day", "2021-12-31", ["deputy"])
d_after = event("d-after", "2022-01-01", ["deputy"])
c_member = event("c-member", "2021-05-01", ["clubber"], tags=["élan"])
q_ministry = event("q-ministry", "2021-11-01", ["ministry"])
s_minister = statement("s-minister", "2021-04-01", "minister", [], quote="A treaty")
s_about_in = statement("s-about-in", "2021-04-02", "chl", ["minister"], label="remarks", tags=["trade"])
s_about_after = statement("s-about-after", "2021-08-02", "chl", ["minister"])
r_minister = reaction("r-minister", "2021-04-05", "minister", c_member, label="accuse")
r_minister_after = reaction("r-minister-after", "2021-10-02", "minister", c_member, summary="grain")
r_to_first_day = reaction("r-to-first-day", "2021-09-01", "chl", m_first_day, tags=["trade", "élan"])
r_to_after = reaction("r-to-after", "2021-09-02", "chl", m_after)
r_to_statement = reaction("r-to-statement", "2021-09-03", "per", s_minister, label="thanks")
r_to_reaction = reaction("r-to-reaction", "2021-10-01", "per", r_minister)
r_to_reaction_after = reaction("r-to-reaction-after", "2021-10-03", "per", r_minister_after)
r_to_chl_statement = reaction("r-to-chl-statement", "2021-09-04", "per", s_about_after)  # not its about-list
r_to_chl_reaction = reaction("r-to-chl-reaction", "2021-09-05", "per", r_to_after)  # not further up
# Chilvania's envoy (of no country) at an event held in Chilvania, and what answers it.
h_held = event("h-held", "2022-02-01", ["envoy"], place_country="CHL", title="Harbour visit")
s_envoy = statement("s-envoy", "2022-02-02", "envoy", [])
r_to_held = reaction("r-to-held", "2022-02-03", "envoy", h_held)
FAMILY_ITEMS = [
    m_before, m_first_day, m_with_ministry, m_last_days, m_after, d_day_before, d_one_day, d_after, c_member,
    q_ministry, s_minister, s_about_in, s_about_after, r_minister, r_minister_after, r_to_first_day, r_to_after,
    r_to_statement, r_to_reaction, r_to_reaction_after, r_to_chl_statement, r_to_chl_reaction, h_held, s_envoy,
    r_to_held,
]  # fmt: skip
ITEMS = WINDOW_EVENTS + FAMILY_ITEMS
# The second load adds the items from the envoy's on and changes the event of the minister's last days.
SPLIT = ITEMS.index(h_held)
TOUCHED = [m_last_days]


def the_world() -> World:
    for item in ITEMS[SPLIT:] + TOUCHED:
        item.batch = 2
    return World(ACTORS, AFFILIATIONS, ITEMS, SPLIT, TOUCHED)


@pytest.fixture(scope="module", params=BACKENDS, ids=BACKENDS)
def world(
    request: pytest.FixtureRequest, databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Reference]]:
    """The world loaded (in two loads) into a database of the module's own: its URL and its reference."""
    url, name = databases.copy(request.param, "migrated", tmp_path_factory.mktemp("filter-world"))
    built = the_world()
    idents, times = load(url, built)
    yield url, Reference(built, idents, times)
    databases.drop(request.param, name)


PLANS = {"rare": {}, "common": {"common_value": 1}, "two": {"common_value": 2}}


@pytest.fixture(scope="module")
def apis(world: tuple[str, Reference]) -> Iterator[dict[str, Api]]:
    """One client per plan setting on the world."""
    out = {name: Api(world[0], **settings) for name, settings in PLANS.items()}
    yield out
    for api in out.values():
        api.close()


TIMELINE_NODES = "... on Event { slug } ... on Statement { slug } ... on Reaction { slug }"
QUERY = f"""
query ($filter: ItemFilter, $order: SortOrder!) {{
  timeline(filter: $filter, order: $order, first: 100) {{ totalCount nodes {{ {TIMELINE_NODES} }} }}
  events(filter: $filter, order: $order, first: 100) {{ totalCount nodes {{ slug }} }}
  statements(filter: $filter, order: $order, first: 100) {{ totalCount nodes {{ slug }} }}
  reactions(filter: $filter, order: $order, first: 100) {{ totalCount nodes {{ slug }} }}
}}
"""
LISTED = {"timeline": None, "events": "event", "statements": "statement", "reactions": "reaction"}


def answers(api: Api, flt: dict[str, Any], order: str = "ASC") -> dict[str, list[str]]:
    """The slugs of the timeline and of each list for a filter, with every totalCount checked against them."""
    data = api.gql(QUERY, {"filter": flt, "order": order})
    out = {}
    for name, connection in data.items():
        out[name] = [n["slug"] for n in connection["nodes"]]
        assert connection["totalCount"] == len(out[name]), (name, flt)
    return out


def expected(reference: Reference, flt: dict[str, Any], order: str = "ASC") -> dict[str, list[str]]:
    return {name: reference.expected(flt, listed=kind, descending=order == "DESC") for name, kind in LISTED.items()}


def check(apis: dict[str, Api], reference: Reference, flt: dict[str, Any], order: str = "ASC") -> list[str]:
    """Every plan's answers to a filter are the reference's; returns the timeline's slugs."""
    want = expected(reference, flt, order)
    for plan, api in apis.items():
        assert answers(api, flt, order) == want, (plan, flt)
    return want["timeline"]


# --- windows ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("order", ["ASC", "DESC"])
def test_a_window_takes_each_branch_up_to_its_edge(apis, world, order):
    """Given items beginning or ending on the window's first and last days and on the horizons of its branches,
    when the window is asked, then exactly those overlapping it come: starting inside it, short ones begun up to 31
    days before, longer ones up to 366 days before, long ones earlier still (begun after the horizon, they come
    once), in date order either way."""
    found = check(apis, world[1], WINDOW, order)
    assert found == (IN_WINDOW if order == "ASC" else IN_WINDOW[::-1])
    assert check(apis, world[1], {**WINDOW, "actors": [{"slug": "per"}]}, order) == found


def test_open_windows_at_their_edges(apis, world):
    """Given only a start, or only an end, when asked, then the window is open on the other side: items ending
    on the start or beginning on the end are in, a day further out are not."""
    since = check(apis, world[1], {"from": "2021-07-02", "itemTypes": ["EVENT"], "actors": [{"slug": "per"}]})
    assert set(since) == {*IN_WINDOW, "w-after-end"}
    until = check(apis, world[1], {"to": "2021-07-01", "actors": [{"slug": "per"}]})
    assert until == [
        "w-long-ended",
        "w-ongoing",
        "w-long",
        "w-longer-edge",
        "w-long-recent",
        "w-short-edge",
        "w-short-ended",
        "w-longer-recent",
        "w-ends-on-start",
        "w-day-before",
    ]


@pytest.mark.parametrize("start", ["0001", "0001-06", "0002-01-02", "0002-01-03"])
def test_windows_from_the_first_years(apis, world, start):
    """Given a window from the calendar's first years (where nothing can begin long before it), when asked, then
    every item of the world is in it."""
    assert len(check(apis, world[1], {"from": start})) == len(ITEMS)


# --- families -----------------------------------------------------------------------------------------------------


def test_a_family_counts_a_role_only_over_its_whole_spell(apis, world):
    """Given Norland's minister (March to June 2021), its ministry (2021) and a deputy whose role begins on the
    ministry's last day, when Norland's family is asked, then the items of the ministry, of the minister within the
    spell (from its first to its last day), of the deputy on that one day, and the answers to them count; those
    begun a day before a spell, and the member's, do not."""
    flt = {"actors": [{"slug": "nor"}], "includeAffiliated": True}
    assert check(apis, world[1], flt) == [
        "m-first-day",
        "s-minister",
        "s-about-in",
        "r-minister",
        "m-with-ministry",
        "m-last-days",
        "r-to-first-day",
        "r-to-statement",
        "r-to-reaction",
        "q-ministry",
        "d-one-day",
    ]
    assert check(apis, world[1], {"actors": [{"slug": "nor"}]}) == []


def test_a_family_in_all_of_two(apis, world):
    """Given Norland and Chilvania with their families, when ALL is asked, then only items involving both: the
    statement Chilvania made about the minister in office, and Chilvania's answer to the minister's first day."""
    flt = {
        "actors": [{"slug": "nor"}, {"slug": "chl"}, {"slug": "nor"}],
        "actorsMatch": "ALL",
        "includeAffiliated": True,
    }
    assert check(apis, world[1], flt) == ["s-about-in", "r-to-first-day"]
    plain = {"actors": [{"slug": "minister"}, {"slug": "chl"}], "actorsMatch": "ALL"}
    assert check(apis, world[1], plain) == ["s-about-in", "s-about-after", "r-to-first-day", "r-to-after"]
    assert check(apis, world[1], {**plain, "actorsMatch": "ANY"}) == [
        "m-before",
        "m-first-day",
        "s-minister",
        "s-about-in",
        "r-minister",
        "m-with-ministry",
        "m-last-days",
        "m-after",
        "s-about-after",
        "r-to-first-day",
        "r-to-after",
        "r-to-statement",
        "r-to-chl-statement",
        "r-to-chl-reaction",
        "r-to-reaction",
        "r-minister-after",
        "r-to-reaction-after",
    ]


# --- country, tags, kinds, search, sync ----------------------------------------------------------------------------


def test_a_country_through_every_way_of_involvement(apis, world):
    """Given Norland's country, when asked, then items where an actor of it takes part, speaks, is spoken about,
    reacts, or is answered (as participant, speaker or reactor) come; Chilvania's country also takes the events
    held there, but not what answers them."""
    assert check(apis, world[1], {"country": "nor"}) == [
        "m-before",
        "m-first-day",
        "s-minister",
        "s-about-in",
        "r-minister",
        "m-with-ministry",
        "m-last-days",
        "m-after",
        "s-about-after",
        "r-to-first-day",
        "r-to-after",
        "r-to-statement",
        "r-to-reaction",
        "r-minister-after",
        "r-to-reaction-after",
        "q-ministry",
    ]
    assert check(apis, world[1], {"country": "CHL"}) == [
        "s-about-in",
        "m-after",
        "s-about-after",
        "r-to-first-day",
        "r-to-after",
        "r-to-chl-statement",
        "r-to-chl-reaction",
        "h-held",
    ]
    assert check(apis, world[1], {"country": "PER"}) == check(
        apis, world[1], {"actors": [{"slug": "per"}, {"slug": "clubber"}]}
    )
    assert check(apis, world[1], {"country": "FRA"}) == []


def test_tags_on_every_type_of_item(apis, world):
    """Given tags on events, statements and reactions, when asked, then any of them matches, in any case."""
    assert check(apis, world[1], {"tags": ["TRADE"]}) == ["m-first-day", "s-about-in", "r-to-first-day"]
    assert check(apis, world[1], {"tags": ["Élan", "nothing"]}) == ["c-member", "r-to-first-day"]
    assert check(apis, world[1], {"tags": ["trade", "élan"]}) == [
        "m-first-day",
        "s-about-in",
        "c-member",
        "r-to-first-day",
    ]
    assert check(apis, world[1], {"tags": ["nothing"]}) == []


def test_kinds_of_every_type(apis, world):
    """Given one kind, two kinds of one type, and kinds shared by events and reactions, when asked, then each type
    takes its own."""
    assert check(apis, world[1], {"eventKinds": ["ACCUSE"], "reactionKinds": ["ACCUSE"]}) == ["r-minister", "m-after"]
    assert check(apis, world[1], {"channels": ["REMARKS", "SPEECH"], "actors": [{"slug": "chl"}]}) == [
        "s-about-in",
        "s-about-after",
    ]
    assert check(apis, world[1], {"eventKinds": ["AGREE"], "reactionKinds": ["THANKS", "AGREE"], **WINDOW}) == []
    assert check(apis, world[1], {"eventKinds": ["AGREE"], "reactionKinds": ["THANKS", "AGREE"]}) == [
        "m-first-day",
        "r-to-statement",
    ]
    assert check(apis, world[1], {"eventKinds": ["CONSULT"], **WINDOW}) == IN_WINDOW


def test_search_in_texts_and_names(apis, world):
    """Given words of titles, quotes, summaries, an actor's name and alias, when searched, then items holding the
    word or involving an actor named by it (or a body part of it or representing it) come."""
    assert check(apis, world[1], {"search": "harbour"}) == ["m-last-days", "h-held"]
    assert check(apis, world[1], {"search": "treaty"}) == ["s-minister"]
    assert check(apis, world[1], {"search": "grain"}) == ["r-minister-after"]
    andesport = check(apis, world[1], {"search": "Andesport"})
    assert andesport == check(apis, world[1], {"actors": [{"slug": "chl"}, {"slug": "envoy"}]})
    assert andesport[-3:] == ["h-held", "s-envoy", "r-to-held"]
    assert check(apis, world[1], {"search": "Fjordhaven"}) == check(
        apis, world[1], {"actors": [{"slug": "nor"}, {"slug": "ministry"}]}
    )
    assert check(apis, world[1], {"search": "xylophone"}) == []


@pytest.mark.parametrize("limit", [0, 1])
def test_a_search_naming_more_actors_than_listed(apis, world, monkeypatch, limit):
    """Given a search naming more actors than are bound as a list (the bound lowered for the test), when searched,
    then the actors are matched through a subquery with the same answers."""
    monkeypatch.setattr(schema.filters, "NAMED_ACTORS", limit)
    assert check(apis, world[1], {"search": "Andesport"}) == check(
        apis, world[1], {"actors": [{"slug": "chl"}, {"slug": "envoy"}]}
    )
    assert check(apis, world[1], {"search": "treaty"}) == ["s-minister"]


def test_updated_since_takes_the_later_load(apis, world):
    """Given items added or changed by a second load, when asked since a time between the loads, then exactly
    those come; since before the first, all; since after the second, none."""
    times = world[1].times
    between = check(apis, world[1], {"updatedSince": times["between"].isoformat()})
    assert between == ["m-last-days", "h-held", "s-envoy", "r-to-held"]
    naive = times["between"].astimezone(dt.UTC).replace(tzinfo=None).isoformat()
    assert check(apis, world[1], {"updatedSince": naive}) == between
    assert len(check(apis, world[1], {"updatedSince": times["before"].isoformat()})) == len(ITEMS)
    assert check(apis, world[1], {"updatedSince": times["after"].isoformat()}) == []
    assert check(apis, world[1], {"updatedSince": times["between"].isoformat(), "search": "harbour"}) == [
        "m-last-days",
        "h-held",
    ]


# --- the plans ----------------------------------------------------------------------------------------------------
# Which plan a filter takes changes no answer (the tests above check both), only what the database reads: these
# check the planner's judgements themselves, on the world's values, where the settings put the line.


def resolved(api: Api, **given: Any) -> Resolved:
    """A filter as ``resolve`` reads it on a client's server (its settings, its database)."""

    async def run() -> Resolved:
        context = Context(engine=api.app.state.engine, settings=api.app.state.settings)
        try:
            return await resolve(context, ItemFilter(**given))
        finally:
            await context.close()

    return api.loop.run_until_complete(run())


@pytest.fixture(scope="module")
def server(world: tuple[str, Reference]) -> Iterator[Callable[..., Api]]:
    """Clients on the world with settings of a test's choice (closed with the module)."""
    made: list[Api] = []

    def make(**settings: Any) -> Api:
        made.append(Api(world[0], **settings))
        return made[-1]

    yield make
    for api in made:
        api.close()


def test_a_value_is_common_from_common_value_matches_on(server, world):
    """Given Norland's country (7 participations of its actors), a tag on one item of each type, one on an event
    and a reaction only, and the 4 items of the second load, when `common_value` is at or just past their counts,
    then each is common exactly from its count on, for each type of item on its own."""
    at, past = server(common_value=7), server(common_value=8)
    assert resolved(at, country="NOR").country_is_common is True
    assert resolved(past, country="NOR").country_is_common is False
    at, past = server(common_value=4), server(common_value=5)
    since = world[1].times["between"]
    assert resolved(at, updated_since=since).updated_is_common is True
    assert resolved(past, updated_since=since).updated_is_common is False
    one, two = server(common_value=1), server(common_value=2)
    assert resolved(one, tags=["trade"]).tags_common == {"event": True, "statement": True, "reaction": True}
    assert resolved(two, tags=["trade"]).tags_common == {"event": False, "statement": False, "reaction": False}
    assert resolved(one, tags=["ÉLAN"]).tags_common == {"event": True, "statement": False, "reaction": True}
    assert resolved(one, tags=["trade", "élan"]).tags_common == {"event": True, "statement": True, "reaction": True}
    assert resolved(two, tags=["trade", "élan"]).tags_common == {"event": True, "statement": False, "reaction": True}


@pytest.mark.parametrize(
    ("given", "common_value", "walking"),
    [
        ({}, 2000, True),
        (
            {
                "from_": "2021-07-02",
                "to": "2021-07-10",
                "event_kinds": [EventKind.CONSULT],
                "item_types": [TimelineItemType.EVENT],
            },
            1,
            True,
        ),
        ({"actors": [RecordRef(slug="per")]}, 1, False),
        ({"tags": ["trade"]}, 1, True),  # common for every type
        ({"tags": ["élan"]}, 1, False),  # on no statement: gathered there
        ({"tags": ["trade"]}, 2000, False),
        ({"country": "NOR"}, 1, False),  # even a common country
        ({"search": "session"}, 1, True),
        ({"search": "session"}, 2000, False),
        ({"search": "?!"}, 2000, True),  # no words: matches nothing, read nothing
        ({"updated_since": "between"}, 1, True),
        ({"updated_since": "between"}, 2000, False),
        ({"search": "session", "updated_since": "between"}, 1, True),
        ({"search": "session", "updated_since": "between"}, 2000, False),
        ({"search": "session", "country": "NOR"}, 1, False),
        ({"tags": ["trade"], "country": "NOR"}, 1, False),
        ({"tags": ["élan"], "search": "session"}, 1, False),
    ],
)
def test_a_count_walks_the_dates_only_when_every_condition_is_cheap_to_test(
    server, world, given, common_value, walking
):
    """Given filters of common and rare values, when counted, then the count walks the dates (as a page does) only
    if no condition is better answered from an index: no actors, no country, and no rare tag, search or sync."""
    if given.get("updated_since") == "between":
        given = {**given, "updated_since": world[1].times["between"]}
    assert walks(resolved(server(common_value=common_value), **given)) is walking


def test_a_search_is_judged_common_on_a_sample_scaled_to_the_table(server, world, monkeypatch):
    """Given a sample of the first 7 of the world's 24 events (all titled "Session", as 22 are), when a search is
    judged, then its matches in the sample are scaled by 24/7: "session" counts as 24, common from `common_value`
    24 on although it has 22 matches; "harbour" (in none of the 7) counts as 0, and its 2 matches in the text
    index decide; "xylophone" is rare at any setting above 0."""
    ident = world[1].ids
    assert [ident[("event", "w-day-before")], ident[("event", "h-held")]] == [1, 24]  # the world's ids, in order
    monkeypatch.setattr(schema.filters, "SEARCH_SAMPLE", 7)
    assert resolved(server(common_value=24), search="session").search_is_common is True
    assert resolved(server(common_value=25), search="session").search_is_common is False
    assert resolved(server(common_value=2), search="harbour").search_is_common is True
    assert resolved(server(common_value=3), search="harbour").search_is_common is False
    rare = resolved(server(common_value=3), search="Harbour")
    found = {kind: sorted(found) for kind, found in (rare.search_ids or {}).items()}
    assert found == {"event": [ident[("event", "m-last-days")], 24], "statement": [], "reaction": []}
    assert resolved(server(common_value=1), search="xylophone").search_is_common is False

"""A create without a slug gets one made from its title or name (api/services/slugs.py): readable ASCII, at most
120 characters, and free: `-2`, `-3`, … when taken — also when two creates race for it (PostgreSQL)."""

from __future__ import annotations

import pytest

from api.services.slugs import slugify
from tests.mutations.support import EVENT_CREATE, event_input

TITLE = "Sa'ar meets Taiwan’s foreign minister"


def untitled_event(title: str, **fields) -> dict:
    """A valid EventCreateInput without a slug."""
    given = event_input("unused", title=title, **fields)
    del given["slug"]
    return given


def created_slug(api, name: str, input_type: str, given: dict) -> str:
    """Create through `<name>Create` and return the stored slug."""
    document = f"""
mutation ($input: {input_type}!) {{ {name}Create(input: $input) {{ {name} {{ slug version }} userErrors {{ code }} }} }}
"""
    data = api.written(document, {"input": given})[name]
    assert data["version"] == 1
    return data["slug"]


def test_an_event_without_a_slug_gets_one_from_its_title_then_dash_2_and_dash_3(api):
    """Given three events with the same title and no slug, when created, then `saar-meets-…`, `…-2`, `…-3`."""
    slugs = [created_slug(api, "event", "EventCreateInput", untitled_event(TITLE)) for _ in range(3)]

    base = "saar-meets-taiwans-foreign-minister"
    assert slugs == [base, f"{base}-2", f"{base}-3"]
    assert all(api.row("event", slug) is not None for slug in slugs)


# record type → (mutation, input type, input without slug, the slug it gets)
DERIVED = {
    "source": ("source", "SourceCreateInput", {"title": "Le Monde: l’été à Jérusalem"}, "le-monde-lete-a-jerusalem"),
    "actor": ("actor", "ActorCreateInput", {"name": "Zoë Ćosić-Núñez", "kind": "PERSON"}, "zoe-cosic-nunez"),
    "affiliation": (
        "affiliation",
        "AffiliationCreateInput",
        {"member": {"slug": "gideon-saar"}, "organisation": {"slug": "knesset"}, "kind": "MEMBER"},
        "gideon-saar-knesset",
    ),
    "statement": (
        "statement",
        "StatementCreateInput",
        {
            "speaker": {"slug": "gideon-saar"},
            "channel": "SPEECH",
            "quote": "We will not be silent, ever.",
            "date": "2025-08-06",
        },
        "gideon-saar-we-will-not-be-silent",
    ),
    "statement-without-latin-words": (
        "statement",
        "StatementCreateInput",
        {"speaker": {"slug": "gideon-saar"}, "channel": "SPEECH", "quote": "לא נשתוק", "date": "2025-08-06"},
        "gideon-saar-2025-08-06",
    ),
    "reaction": (
        "reaction",
        "ReactionCreateInput",
        {
            "reactor": {"slug": "taiwan"},
            "reactionKind": "THANKS",
            "target": {"event": "gaza-war"},
            "date": "2025-08-06",
        },
        "taiwan-thanks-gaza-war",
    ),
    "relationship_change": (
        "relationshipChange",
        "RelationshipChangeCreateInput",
        {
            "from": {"slug": "israel"},
            "to": {"slug": "taiwan"},
            "delta": 1,
            "cause": {"event": "gaza-war"},
            "date": "2025-08-06",
            "explanation": "Because.",
        },
        "israel-taiwan-2025-08-06",
    ),
    "event-without-latin-letters": ("event", "EventCreateInput", untitled_event("日本と台湾"), "event"),
}


@pytest.mark.parametrize(("name", "input_type", "given", "slug"), list(DERIVED.values()), ids=list(DERIVED))
def test_each_record_type_gets_a_readable_slug(api, name, input_type, given, slug):
    """Given a create without a slug, when it runs, then the slug follows the type's rule; a second gets `-2`."""
    assert created_slug(api, name, input_type, given) == slug
    if name in ("affiliation", "relationshipChange", "reaction", "statement"):
        return  # a second identical one is a different record all the same, but one is enough to show `-2`
    assert created_slug(api, name, input_type, given) == f"{slug}-2"


def test_a_long_title_is_cut_to_120_characters_at_a_word(api):
    """Given a 300-character title, when two events are created from it, then both slugs fit 120, whole words."""
    title = " ".join(["Knesset"] * 37)  # 295 characters

    first = created_slug(api, "event", "EventCreateInput", untitled_event(title))
    second = created_slug(api, "event", "EventCreateInput", untitled_event(title))

    assert first == "-".join(["knesset"] * 15)  # 119 characters: a 16th word would not fit
    assert second == "-".join(["knesset"] * 14) + "-2"  # room for the suffix, still whole words


def test_a_given_slug_is_kept_and_a_taken_one_is_refused_not_renamed(api):
    """Given a slug already used, when an event is created with it, then TAKEN: only left-out slugs move."""
    api.refused(EVENT_CREATE, {"input": event_input("gaza-war")}, code="TAKEN", field=["input", "slug"])

    assert created_slug(api, "event", "EventCreateInput", event_input("my-own-slug")) == "my-own-slug"


def test_a_taken_derived_slug_looks_past_longer_slugs_that_share_its_start(api):
    """Given `gaza` free but `gaza-war` taken, when an event titled "Gaza" is created, then it is `gaza`."""
    assert created_slug(api, "event", "EventCreateInput", untitled_event("Gaza")) == "gaza"
    assert created_slug(api, "event", "EventCreateInput", untitled_event("Gaza War")) == "gaza-war-2"


def test_slugify_transliterates_and_drops_apostrophes():
    """Given texts with accents, apostrophes and symbols, when slugified, then lower-case ASCII with hyphens."""
    assert slugify("Sa'ar") == "saar"
    assert slugify("Taiwan’s  —  Ministry of Foreign Affairs (MOFA)") == "taiwans-ministry-of-foreign-affairs-mofa"
    assert slugify("Ærø, Øresund & Straße") == "aero-oresund-strasse"
    assert slugify("Crème brûlée") == "creme-brulee"


def test_racing_creates_of_the_same_title_both_succeed_with_different_slugs(pg_api):
    """Given 4 creates with one title at once (PostgreSQL), when they race for the slug, then all land, distinct
    (the losers of each round collide on the unique slug and retry)."""
    bodies = pg_api.gather(*(pg_api.asend(EVENT_CREATE, {"input": untitled_event("Race")}) for _ in range(4)))

    assert [(b.get("errors"), b["data"]["eventCreate"]["userErrors"]) for b in bodies] == [(None, [])] * 4, bodies
    slugs = sorted(b["data"]["eventCreate"]["event"]["slug"] for b in bodies)
    assert slugs == ["race", "race-2", "race-3", "race-4"]

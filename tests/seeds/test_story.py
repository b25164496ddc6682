"""The seed story (seeds/story/*.jsonl) as it lands in the database, checked with SQL on both backends.

The story retells one article, "Coalition of the Beleaguered?" (The New York Sun, August 2025); quotes and
passages are checked verbatim against its text (REALIGN_STORY_ARTICLE, by default the shared copy).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Engine, text

from seeds.format import FILES
from tests.support import ARTICLE, ARTICLE_SOURCE, count, story_lines

PETITION = "knesset-taiwan-petition-2025-07"
CITING = ["actor", "affiliation", "event", "statement", "reaction", "relationship_change"]


def rows(engine: Engine, sql: str, **params: object) -> list:
    """All rows of a query."""
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params))


@pytest.fixture(scope="module")
def article() -> str:
    """The article's text."""
    if not ARTICLE.exists():
        pytest.fail(f"the story's article is missing at {ARTICLE} (set REALIGN_STORY_ARTICLE)", pytrace=False)
    return ARTICLE.read_text(encoding="utf-8")


def test_counts_match_the_files(story_engine):
    """Given the seeded story, when each table is counted, then it holds exactly one row per line of its file."""
    for _, kind in FILES:
        assert count(story_engine, kind) == len(story_lines(kind)), kind


def test_child_rows_match_the_files(story_engine):
    """Given the seeded story, when child tables are counted, then they match the lists in the files."""
    citations = sum(len(r.get("sources") or []) for kind in CITING for r in story_lines(kind))
    participants = sum(len(slugs) for e in story_lines("event") for slugs in (e.get("participants") or {}).values())
    assert count(story_engine, "citation") == citations
    assert count(story_engine, "event_participant") == participants
    assert count(story_engine, "event_tag") == sum(len(set(e.get("tags") or [])) for e in story_lines("event"))
    assert count(story_engine, "statement_about") == sum(len(s.get("about") or []) for s in story_lines("statement"))


def test_petition_mentions_72_of_120_signatories(story_engine):
    """Given the seeded story, when the petition event is read, then its summary or tags mention 72 and 120."""
    (summary,) = rows(story_engine, "SELECT summary FROM event WHERE slug = :slug", slug=PETITION)[0]
    tags = [
        tag
        for (tag,) in rows(
            story_engine,
            "SELECT tag FROM event_tag JOIN event ON event.id = event_tag.event_id WHERE event.slug = :slug",
            slug=PETITION,
        )
    ]
    words = f"{summary} {' '.join(tags)}"
    assert re.search(r"\b72\b", words) and re.search(r"\b120\b", words), words


def test_petition_initiators(story_engine):
    """Given the seeded story, when the petition's initiators are listed, then they are Toporovsky and Tal."""
    initiators = {
        slug
        for (slug,) in rows(
            story_engine,
            "SELECT actor.slug FROM event_participant p JOIN event ON event.id = p.event_id "
            "JOIN actor ON actor.id = p.actor_id WHERE event.slug = :slug AND p.role = 'initiator'",
            slug=PETITION,
        )
    }
    assert initiators == {"boaz-toporovsky", "ohad-tal"}


def _reactions_of(engine: Engine, reactor: str) -> list:
    return rows(
        engine,
        "SELECT r.slug, e.slug, s.slug, t.slug FROM reaction r JOIN actor a ON a.id = r.reactor_id "
        "LEFT JOIN event e ON e.id = r.target_event_id LEFT JOIN statement s ON s.id = r.target_statement_id "
        "LEFT JOIN reaction t ON t.id = r.target_reaction_id WHERE a.slug = :reactor",
        reactor=reactor,
    )


def test_prc_embassy_reaction_targets_the_petition(story_engine):
    """Given the seeded story, when the PRC embassy's reactions are read, then one targets the petition event."""
    reactions = _reactions_of(story_engine, "prc-embassy-tel-aviv")
    assert reactions
    assert [(event, statement, reaction) for _, event, statement, reaction in reactions] == [
        (PETITION, None, None)
    ] * len(reactions)
    embassy_kind = rows(story_engine, "SELECT kind FROM actor WHERE slug = 'prc-embassy-tel-aviv'")[0][0]
    assert embassy_kind == "diplomatic_mission"


def test_yermak_reaction_targets_saar_statement_on_russian_representative(story_engine):
    """Given the seeded story, when Yermak's reaction is read, then it targets Sa'ar's words on Russia's envoy."""
    reactions = _reactions_of(story_engine, "andriy-yermak")
    assert [(event, statement, reaction) for _, event, statement, reaction in reactions] == [
        (None, "saar-unsc-on-russian-representative", None)
    ]
    speaker, quote = rows(
        story_engine,
        "SELECT a.slug, s.quote FROM statement s JOIN actor a ON a.id = s.speaker_id "
        "WHERE s.slug = 'saar-unsc-on-russian-representative'",
    )[0]
    assert speaker == "gideon-saar"
    assert "Russian Federation representative" in quote
    about = {
        slug
        for (slug,) in rows(
            story_engine,
            "SELECT a.slug FROM statement_about x JOIN statement s ON s.id = x.statement_id "
            "JOIN actor a ON a.id = x.actor_id WHERE s.slug = 'saar-unsc-on-russian-representative'",
        )
    }
    assert "russia-un-representative" in about


def test_every_quote_is_verbatim_from_the_article(story_engine, article):
    """Given the seeded story, when each quote is split on ' … ', then every part appears verbatim in the article."""
    quotes = rows(story_engine, "SELECT slug, quote FROM statement")
    assert len(quotes) == len(story_lines("statement"))
    missing = [(slug, part) for slug, quote in quotes for part in quote.split(" … ") if part not in article]
    assert missing == []


def test_every_cited_passage_is_verbatim_from_the_article(story_engine, article):
    """Given the seeded story, when citations with passages are read, then every passage appears in the article."""
    passages = rows(story_engine, "SELECT passage FROM citation WHERE passage IS NOT NULL")
    assert passages
    assert [p for (p,) in passages if p not in article] == []


@pytest.mark.parametrize("table", CITING)
def test_every_record_cites_the_article(story_engine, table):
    """Given the seeded story, when records of a type are checked, then each one cites the article."""
    uncited = rows(
        story_engine,
        f"SELECT r.slug FROM {table} r WHERE NOT EXISTS (SELECT 1 FROM citation c JOIN source s ON "
        f"s.id = c.source_id WHERE c.{table}_id = r.id AND s.slug = :source)",
        source=ARTICLE_SOURCE,
    )
    assert uncited == []
    assert count(story_engine, table) > 0


@pytest.mark.parametrize(
    ("source", "target", "sign"),
    [("israel", "taiwan", 1), ("israel", "russia", -1), ("prc", "israel", -1)],
)
def test_relationship_direction(story_engine, source, target, sign):
    """Given the seeded story, when a dyad's deltas are summed, then Israel→Taiwan warms, the others cool."""
    deltas = [
        delta
        for (delta,) in rows(
            story_engine,
            "SELECT c.delta FROM relationship_change c JOIN actor f ON f.id = c.from_actor_id "
            "JOIN actor t ON t.id = c.to_actor_id WHERE f.slug = :source AND t.slug = :target",
            source=source,
            target=target,
        )
    ]
    assert deltas, f"no changes {source} → {target}"
    assert sum(deltas) * sign > 0, deltas


def test_every_person_has_an_affiliation(story_engine):
    """Given the seeded story, when people are checked, then each one holds at least one affiliation."""
    people = rows(story_engine, "SELECT count(*) FROM actor WHERE kind = 'person'")[0][0]
    assert people > 0
    loose = rows(
        story_engine,
        "SELECT a.slug FROM actor a WHERE a.kind = 'person' AND NOT EXISTS "
        "(SELECT 1 FROM affiliation f WHERE f.member_id = a.id)",
    )
    assert loose == [], f"{len(loose)} of {people} people have no affiliation"

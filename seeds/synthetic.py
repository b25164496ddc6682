"""A deterministic synthetic data set of any size, for demos and load tests.

For N events it makes about N/20 actors, N/2 statements, N/2 reactions (a quarter of them answering other
reactions), N/4 relationship changes and N/1000 sources, all citing sources, spread over 2000–2029.
The same N always gives the same records.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from api.vocabulary import ACTOR_KINDS, CHANNELS, EVENT_KINDS, PARTICIPANT_ROLES, REACTION_KINDS, STANCES
from seeds.format import Parsed, parse_data

START = dt.date(2000, 1, 1)
DAYS = (dt.date(2029, 12, 31) - START).days
WORDS = (
    "summit accord border trade envoy ministry talks sanctions aid pipeline treaty vote petition strike "
    "caucus embassy drone harbour grain tariff observer ceasefire visit protest statement delegation"
).split()
COUNTRIES = ("ISR", "TWN", "UKR", "RUS", "CHN", "USA", "IRN", "SYR", "DEU", "FRA", "GBR", "IND", "JPN", "TUR")


def _date(rng: random.Random) -> str:
    day = START + dt.timedelta(days=rng.randrange(DAYS))
    roll = rng.random()
    if roll < 0.75:
        return day.isoformat()
    if roll < 0.9:
        return day.strftime("%Y-%m")
    if roll < 0.95:
        return f"late {day:%Y-%m}"
    return f"between {day.isoformat()} and {(day + dt.timedelta(days=rng.randrange(1, 9))).isoformat()}"


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def records(n: int, *, seed: int = 20250805) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (kind, data) seed records in load order for a data set of ``n`` events."""
    rng = random.Random(seed)
    n_actors = max(10, n // 20)
    n_sources = max(1, n // 1000)
    for i in range(n_sources):
        yield (
            "source",
            {
                "slug": f"syn-source-{i}",
                "title": f"Synthetic report {i}",
                "publisher": "Synthetic Wire",
                "language": "en",
                "published": _date(rng),
            },
        )
    kinds = list(ACTOR_KINDS)
    for i in range(n_actors):
        yield (
            "actor",
            {
                "slug": f"syn-actor-{i}",
                "name": f"Actor {i} {_text(rng, 1).title()}",
                "kind": rng.choice(kinds),
                "country": rng.choice(COUNTRIES),
                "aliases": [f"A{i}"],
                "description": _text(rng, 8),
                "sources": [{"source": f"syn-source-{rng.randrange(n_sources)}"}],
            },
        )
    event_kinds = list(EVENT_KINDS)
    for i in range(n):
        actors = rng.sample(range(n_actors), 3)
        yield (
            "event",
            {
                "slug": f"syn-event-{i}",
                "title": f"{_text(rng, 3).capitalize()} {i}",
                "summary": _text(rng, 14),
                "kind": rng.choice(event_kinds),
                "date": _date(rng),
                "day_order": rng.randrange(3),
                "place": {"name": f"City {rng.randrange(200)}", "country": rng.choice(COUNTRIES)},
                "participants": {
                    "initiator": [f"syn-actor-{actors[0]}"],
                    "target": [f"syn-actor-{actors[1]}"],
                    rng.choice(PARTICIPANT_ROLES[2:]): [f"syn-actor-{actors[2]}"],
                },
                "tags": rng.sample(WORDS, 2),
                "sources": [{"source": f"syn-source-{rng.randrange(n_sources)}", "passage": _text(rng, 6)}],
            },
        )
    n_statements = n // 2
    for i in range(n_statements):
        yield (
            "statement",
            {
                "slug": f"syn-statement-{i}",
                "speaker": f"syn-actor-{rng.randrange(n_actors)}",
                "date": _date(rng),
                "channel": rng.choice(CHANNELS),
                "venue": f"syn-event-{rng.randrange(n)}" if rng.random() < 0.5 else None,
                "quote": _text(rng, 16).capitalize() + ".",
                "language": "en",
                "about": [f"syn-actor-{rng.randrange(n_actors)}"],
                "stance": rng.choice(STANCES),
                "sources": [{"source": f"syn-source-{rng.randrange(n_sources)}"}],
            },
        )
    reaction_kinds = list(REACTION_KINDS)
    n_reactions = n // 2
    for i in range(n_reactions):
        roll = rng.random()
        if roll < 0.25 and i > 0:
            target = {"reaction": f"syn-reaction-{rng.randrange(i)}"}
        elif roll < 0.6 and n_statements:
            target = {"statement": f"syn-statement-{rng.randrange(n_statements)}"}
        else:
            target = {"event": f"syn-event-{rng.randrange(n)}"}
        yield (
            "reaction",
            {
                "slug": f"syn-reaction-{i}",
                "reactor": f"syn-actor-{rng.randrange(n_actors)}",
                "kind": rng.choice(reaction_kinds),
                "target": target,
                "date": _date(rng),
                "statement": f"syn-statement-{rng.randrange(n_statements)}"
                if n_statements and rng.random() < 0.3
                else None,
                "summary": _text(rng, 10),
                "sources": [{"source": f"syn-source-{rng.randrange(n_sources)}"}],
            },
        )
    for i in range(n // 4):
        a, b = rng.sample(range(n_actors), 2)
        delta = rng.choice([-4, -3, -2, -1, 1, 2, 3, 4])
        yield (
            "relationship_change",
            {
                "slug": f"syn-change-{i}",
                "from": f"syn-actor-{a}",
                "to": f"syn-actor-{b}",
                "date": _date(rng),
                "delta": delta,
                "cause": {"event": f"syn-event-{rng.randrange(n)}"},
                "explanation": _text(rng, 9),
                "sources": [{"source": f"syn-source-{rng.randrange(n_sources)}"}],
            },
        )


def parsed(n: int) -> list[Parsed]:
    """The synthetic records, read through the same validation as seed files."""
    out: list[Parsed] = []
    for number, (kind, data) in enumerate(records(n), start=1):
        record, errors = parse_data(kind, data, f"synthetic:{number}")
        if errors:
            raise AssertionError(errors)
        out.append(record)  # type: ignore[arg-type]
    return out

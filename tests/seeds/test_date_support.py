"""Every date in the seed story claims no more precision than its cited passages allow.

A date that names a day or a month (`2025-08-05`, `late 2025-07`, or a `between` whose bounds do) must be
backed by the text: the evidence is the record's own cited passages plus those of the records it is tied to
(a statement's venue, a reaction's target and statement, a change's cause, and the reverse ties), and each
day or month it names must be one the evidence states:

- a month is backed when the evidence names that month ("In late July", "in June");
- a day is backed when the evidence names it ("October 7, 2023"), or when it is the weekday the evidence
  names ("Tuesday", "Wednesday", "over the weekend") counted back from the article's publication: the
  article is dated `between 2025-08-06 and 2025-08-08` (its Tuesday session came before Yermak's
  Wednesday post), so "Tuesday" can only be 5 August and "the weekend" 2–3 August; "last week" is the
  calendar week before the publication's;
- a `between` bound is also backed when it is the start or end of a tied record's date (a reaction cannot
  come before what it answers) or the source's publication bound (nothing reported happened after it).

Years and decades need no more than the article's own "2022" or "2025"; `circa` is a guess by name.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.dates import MONTHS, FuzzyDate, parse_moment, parse_when

STORY = Path(__file__).resolve().parents[2] / "seeds" / "story"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FINE = ("day", "month")


def _records() -> dict[tuple[str, str], dict]:
    out = {}
    for path in sorted(STORY.glob("*.jsonl")):
        kind = path.stem.removesuffix("s")
        for line in path.read_text().splitlines():
            if line.strip():
                record = json.loads(line)
                out[(kind, record["slug"])] = record
    return out


RECORDS = _records()
SOURCES = {slug: r for (kind, slug), r in RECORDS.items() if kind == "source"}


def _ties(kind: str, record: dict) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """What this record answers or happened at, followed through (a reaction's target's venue...), and the records
    that answer it directly, as (kind, slug). A statement that a reaction interprets answers what that reaction
    answers."""
    key = (kind, record["slug"])
    answering = [k for k, other in RECORDS.items() if key in _direct_ties(k[0], other)]
    todo = _direct_ties(kind, record) + [
        tie for k in answering if k[0] == "reaction" and kind == "statement" for tie in _direct_ties(*k[:1], RECORDS[k])
    ]
    answered: list[tuple[str, str]] = []
    while todo:
        tie = todo.pop()
        if tie not in answered and tie != key and tie in RECORDS:
            answered.append(tie)
            todo += _direct_ties(tie[0], RECORDS[tie])
    return answered, answering


def _direct_ties(kind: str, record: dict) -> list[tuple[str, str]]:
    ties = []
    if kind == "statement" and record.get("venue"):
        ties.append(("event", record["venue"]))
    if kind == "reaction":
        ties += list(record["target"].items())
        if record.get("statement"):
            ties.append(("statement", record["statement"]))
    if kind == "relationship_change":
        ties += list(record["cause"].items())
    return ties


def _dates(kind: str, record: dict) -> Iterator[tuple[str, str]]:
    for name in ("date", "start", "end"):
        if kind != "source" and record.get(name):
            yield name, record[name]


def _moments(text: str) -> list[FuzzyDate]:
    when = parse_when(text)
    return [when.start] + ([when.end] if when.end else [])


def _bounds(text: str) -> set[dt.date]:
    when = parse_when(text)
    return {when.earliest, when.latest}


def _published(record: dict) -> FuzzyDate:
    (slug,) = {s["source"] for s in record["sources"]}
    return parse_moment(SOURCES[slug]["published"])


def _relative_days(evidence: str, published: FuzzyDate) -> set[dt.date]:
    """The days the evidence's weekday words can name, counted back from the publication."""
    days: set[dt.date] = set()
    week_before = [published.earliest - dt.timedelta(days=n) for n in range(1, 8)]
    span = (published.latest - published.earliest).days
    recent = week_before + [published.earliest + dt.timedelta(days=n) for n in range(span + 1)]
    for number, word in enumerate(WEEKDAYS):
        if re.search(rf"\b{word}\b", evidence):
            days |= {d for d in recent if d.weekday() == number}
    if "weekend" in evidence:
        days |= {d for d in week_before if d.weekday() >= 5}
    if "last week" in evidence:
        monday = published.earliest - dt.timedelta(days=published.earliest.weekday() + 7)
        days |= {monday + dt.timedelta(days=n) for n in range(7)}
    return days


def _named_days(evidence: str) -> set[tuple[int, int]]:
    """(month, day) pairs written out in the evidence: "October 7", "7 October"."""
    found = set()
    for month in range(1, 13):
        name = MONTHS[month].lower()
        for day in re.findall(rf"\b{name} (\d{{1,2}})\b", evidence) + re.findall(rf"\b(\d{{1,2}}) {name}\b", evidence):
            found.add((month, int(day)))
    return found


def _month_parts(evidence: str, published: FuzzyDate) -> set[dt.date]:
    """The first and last days of the month parts the evidence names ("late July" in the publication's year)."""
    days = set()
    for month in range(1, 13):
        for part in re.findall(rf"\b(early|mid|late) {MONTHS[month].lower()}\b", evidence):
            moment = parse_moment(f"{part} {published.earliest.year}-{month:02d}")
            days |= {moment.earliest, moment.latest}
    return days


def _problems(kind: str, record: dict) -> Iterator[str]:
    answered, answering = _ties(kind, record)
    passages = [s["passage"] for s in record.get("sources", [])]
    passages += [s["passage"] for tie in answered + answering for s in RECORDS[tie].get("sources", [])]
    evidence = " ".join(passages).lower().replace("\u2019", "'")
    published = _published(record)
    relative = _relative_days(evidence, published)
    named = _named_days(evidence)
    tied_bounds = set().union(*(_bounds(d) for tie in answered for _, d in _dates(*tie[:1], RECORDS[tie])))
    parts_named = _month_parts(evidence, published)
    for name, text in _dates(kind, record):
        for moment in _moments(text):
            if moment.precision not in FINE or moment.qualifier == "circa":
                continue
            if moment.qualifier == "between":
                lo, _, hi = moment.text.removeprefix("between ").partition(" and ")
                parts = [(parse_moment(lo), True), (parse_moment(hi), True)]
            else:
                parts = [(moment, False)]
            for part, is_bound in parts:
                if part.precision not in FINE:
                    continue
                if is_bound and ({part.earliest, part.latest} & (tied_bounds | {published.earliest, published.latest})):
                    continue
                month_named = MONTHS[part.earliest.month].lower() in evidence
                if part.precision == "month":
                    if not month_named:
                        yield f"{name} {text!r}: the evidence names no {MONTHS[part.earliest.month]}"
                    continue
                day = part.earliest
                if (day.month, day.day) in named or day in relative or (is_bound and day in parts_named):
                    continue
                yield f"{name} {text!r}: the evidence gives no day for {day.isoformat()}"


@pytest.mark.parametrize("key", sorted(k for k in RECORDS if k[0] != "source"), ids=lambda k: f"{k[0]}:{k[1]}")
def test_dates_claim_no_more_than_the_text(key):
    assert list(_problems(*key[:1], RECORDS[key])) == []


def test_the_rule_bites():
    """An invented day is flagged; the article's own weekday and written-out days pass."""
    invented = {
        "slug": "x",
        "date": "2024-12-08",
        "sources": [{"source": "ny-sun-coalition-of-the-beleaguered", "passage": "Now that Mr. Assad is out"}],
    }
    assert list(_problems("event", invented)) == ["date '2024-12-08': the evidence gives no day for 2024-12-08"]
    month = {**invented, "date": "2025-06"}
    assert list(_problems("event", month)) == ["date '2025-06': the evidence names no June"]
    tuesday = {
        **invented,
        "date": "2025-08-05",
        "sources": [{"source": "ny-sun-coalition-of-the-beleaguered", "passage": "the Tuesday session"}],
    }
    assert list(_problems("event", tuesday)) == []
    wrong_tuesday = {**tuesday, "date": "2025-07-29"}
    assert list(_problems("event", wrong_tuesday)) != []
    written = {
        **invented,
        "date": "2023-10-07",
        "sources": [{"source": "ny-sun-coalition-of-the-beleaguered", "passage": "on October 7, 2023"}],
    }
    assert list(_problems("event", written)) == []

"""The seed file format: JSON Lines, one file per record type; each line is read into a ``Parsed`` record.

See ``seeds/README.md`` for the format. Reading never touches the database; references between records
are kept as slugs and resolved by the loader.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from api import kinds
from api.dates import DateError, When, is_long, is_short, parse_when
from api.kinds import BY_KEY, FILES, TIMELINE, PerKind
from api.search import search_text
from api.vocabulary import (
    ACTOR_KINDS,
    AFFILIATION_KINDS,
    CHANNELS,
    EVENT_KINDS,
    MODALITIES,
    PARTICIPANT_ROLES,
    REACTION_KINDS,
    STANCES,
)

DATED_KEYS = {"date", "date_label", "day_order"}
ALLOWED_KEYS: dict[str, set[str]] = {
    "source": {"slug", "title", "publisher", "author", "url", "language", "published"},
    "actor": {
        "slug",
        "name",
        "kind",
        "country",
        "sectors",
        "aliases",
        "wikidata",
        "external_ids",
        "description",
        "sources",
    },
    "affiliation": {"slug", "member", "organisation", "kind", "role", "start", "end", "sources"},
    "event": {
        "slug",
        "title",
        "summary",
        "kind",
        "mode",
        "contexts",
        "score",
        "modality",
        "cameo",
        "place",
        "participants",
        "tags",
        "sources",
        *DATED_KEYS,
    },
    "statement": {
        "slug",
        "speaker",
        "channel",
        "venue",
        "quote",
        "language",
        "translation",
        "about",
        "stance",
        "summary",
        "tags",
        "sources",
        *DATED_KEYS,
    },
    "reaction": {"slug", "reactor", "kind", "target", "statement", "score", "summary", "tags", "sources", *DATED_KEYS},
    "relationship_change": {"slug", "from", "to", "delta", "cause", "explanation", "sources", *DATED_KEYS},
}
PLACE_KEYS = {"name", "country", "lat", "lon"}
MAX_SLUG, MAX_TAG, MAX_INT = 120, 60, 2**31 - 1
# The most a record may list of each: the API answers these lists whole (no paging), so they are bounded here, where
# every record is read (seed files, imports, mutations), and the node limit counts each at its bound
# (``schema.limits.BOUNDED_LISTS``). The curated story lists at most 7 participants, 3 subjects and 4 citations.
MAX_PARTICIPANTS = 50  # an event's participants, all roles together
MAX_ABOUT = 20  # the actors a statement is about
MAX_CITATIONS = 20  # a record's citations
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Every record of the synthetic data set (seeds/synthetic.py) has a slug starting so, and no other record may:
# that is how `realign seed --remove-synthetic` tells synthetic records from the curated story without a column.
SYNTHETIC_PREFIX = "syn-"


@dataclass(frozen=True)
class Problem:
    """One bad field of one record: ``field`` is the seed-format key (dotted inside objects: ``place.lat``,
    ``participants.initiator``) and ``index`` the position in that key's list when one item is at fault. ``code``
    says what sort of problem it is, for the API's typed errors: ``INVALID`` (a bad or missing value), ``NOT_FOUND``
    (a reference to a record that does not exist), ``TAKEN`` (a slug another record has)."""

    field: str
    message: str
    index: int | None = None
    code: str = "INVALID"

    def line(self, where: str) -> str:
        """``where: field: message``, as seed-file errors are printed."""
        return f"{where}: {self.field}: {self.message}"


@dataclass
class Parsed:
    """One record read from a seed file, with references still as slugs."""

    kind: str
    slug: str
    where: str
    values: dict[str, Any]
    refs: dict[str, tuple[str, str]] = field(default_factory=dict)
    participants: list[tuple[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    # As given, repeats included, so that a problem can name the position the writer used.
    about: list[str] = field(default_factory=list)
    citations: list[tuple[str, str | None]] = field(default_factory=list)


class _Reader:
    """Takes fields out of one JSON object, remembering which keys were used and every problem found.

    A field with a problem reads as None (or an empty list) and reading goes on, so that one pass over a
    record finds all of its problems, not just the first.
    """

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.used: set[str] = set()
        self.problems: list[Problem] = []

    def fail(self, name: str, message: str, index: int | None = None) -> None:
        self.problems.append(Problem(name, message, index))

    def get(self, name: str) -> Any:
        self.used.add(name)
        return self.data.get(name)

    def text(self, name: str, *, required: bool = True, max_length: int | None = None) -> str | None:
        value = self.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(name, "is required")
            return None
        if not isinstance(value, str):
            self.fail(name, f"must be text, not {type(value).__name__}")
            return None
        if max_length is not None and len(value) > max_length:
            self.fail(name, f"is longer than {max_length} characters")
            return None
        return value

    def choice(self, name: str, allowed: Any, *, required: bool = True, default: str | None = None) -> str | None:
        before = len(self.problems)
        value = self.text(name, required=required and default is None)
        if value is None:
            return default if len(self.problems) == before else None
        if value not in allowed:
            self.fail(name, f"{value!r} is not one of: {', '.join(allowed)}")
            return None
        return value

    def slug_list(self, name: str) -> list[str]:
        value = self.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(name, "must be a list of slugs")
            return []
        good = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not SLUG.match(item):
                self.fail(name, f"{item!r} is not a slug", index)
            else:
                good.append(item)
        return good

    def text_list(self, name: str) -> list[str]:
        value = self.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(name, "must be a list of non-empty texts")
            return []
        good = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.fail(name, f"{item!r} is not a non-empty text", index)
            else:
                good.append(item)
        return list(dict.fromkeys(good))

    def score(self, name: str, *, required: bool = False, nonzero: bool = False) -> float | None:
        value = self.get(name)
        if value is None:
            if required:
                self.fail(name, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(name, f"must be a number from -10 to 10, not {value!r}")
            return None
        if not -10 <= value <= 10:
            self.fail(name, f"{value} is outside -10…+10")
            return None
        if nonzero and value == 0:
            self.fail(name, "must not be 0 (a change moves the relationship)")
            return None
        return value

    def when(self, name: str, *, required: bool = True) -> When | None:
        value = self.get(name)
        if value is None:
            if required:
                self.fail(name, "is required")
            return None
        try:
            return parse_when(value)
        except DateError as exc:
            self.fail(name, str(exc))
            return None

    def one_of(self, name: str) -> tuple[str, str] | None:
        value = self.get(name)
        if not isinstance(value, dict) or len(value) != 1:
            self.fail(name, 'must name exactly one of event, statement or reaction, e.g. {"event": "slug"}')
            return None
        ((kind, slug),) = value.items()
        if kind not in TIMELINE:
            self.fail(name, f"{kind!r} is not one of: event, statement, reaction")
            return None
        if not isinstance(slug, str) or not SLUG.match(slug):
            self.fail(name, f"{slug!r} is not a slug")
            return None
        return kind, slug

    def tags(self) -> list[str]:
        self.text_list("tags")
        raw = self.data.get("tags")
        if not isinstance(raw, list):
            return []
        tags = []
        for index, tag in enumerate(raw):
            if not isinstance(tag, str) or not tag.strip():
                continue  # text_list has reported it
            tag = tag.strip().lower()
            if len(tag) > MAX_TAG:
                self.fail("tags", f"{tag[:20]!r}… is longer than {MAX_TAG} characters", index)
            else:
                tags.append(tag)
        return list(dict.fromkeys(tags))

    def ref(self, record: Parsed, column: str) -> str | None:
        """The slug of the record the reference in ``column`` names (checked against the database later)."""
        kind = BY_KEY[record.kind]
        reference = kind.by_column[column]
        slug = self.text(reference.field, required=not kind.is_optional(reference))
        if slug is not None:
            record.refs[column] = (reference.target, slug)
        return slug


def _dated(values: dict[str, Any], when: When | None, r: _Reader) -> None:
    label = r.text("date_label", required=False, max_length=120)
    if when is not None:
        values.update(
            when_text=when.text,
            date_start=when.earliest,
            date_end=when.latest,
            date_precision=when.start.precision,
            date_qualifier=when.start.qualifier,
            date_ongoing=when.ongoing,
            date_long=is_long(when),
            date_short=is_short(when),
            date_label=label or when.label,
        )
    order = r.get("day_order")
    if order is not None and (isinstance(order, bool) or not isinstance(order, int)):
        r.fail("day_order", "must be a whole number")
    elif order is not None and not -MAX_INT <= order <= MAX_INT:
        r.fail("day_order", f"must lie within ±{MAX_INT}")
    else:
        values["day_order"] = order or 0


def _country(r: _Reader, name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{3}", value):
        r.fail(name, f"{value!r} is not an ISO 3166-1 alpha-3 code (three capital letters)")
        return None
    return value


def _search(*parts: Any) -> str:
    return search_text(*parts)  # normalised for full-text search: see api.search


# The reader of each record kind: fills a record's values, references and child lists from a seed line.
READERS: PerKind[Callable[[_Reader, Parsed], None]] = PerKind()


@READERS.of(kinds.SOURCE)
def _source(r: _Reader, p: Parsed) -> None:
    published = r.when("published", required=False)
    p.values.update(
        title=r.text("title", max_length=400),
        publisher=r.text("publisher", required=False, max_length=200),
        author=r.text("author", required=False, max_length=200),
        url=r.text("url", required=False, max_length=1000),
        language=r.text("language", required=False, max_length=12) or "en",
        published_text=published.text if published else None,
        published_start=published.earliest if published else None,
        published_end=published.latest if published else None,
        published_label=published.label if published else None,
    )


@READERS.of(kinds.ACTOR)
def _actor(r: _Reader, p: Parsed) -> None:
    name = r.text("name", max_length=200)
    aliases = r.text_list("aliases")
    wikidata = r.text("wikidata", required=False, max_length=20)
    if wikidata is not None and not re.fullmatch(r"Q[1-9][0-9]*", wikidata):
        r.fail("wikidata", f"{wikidata!r} is not a Wikidata QID like Q801")
    external = r.get("external_ids") or {}
    if not isinstance(external, dict):
        r.fail("external_ids", "must be an object of identifier names to values")
    p.values.update(
        name=name,
        kind=r.choice("kind", ACTOR_KINDS),
        country=_country(r, "country", r.get("country")),
        sectors=r.text_list("sectors"),
        aliases=aliases,
        wikidata=wikidata,
        external_ids=external,
        description=r.text("description", required=False),
        search_text=_search(name, p.slug.replace("-", " "), *aliases),
    )


@READERS.of(kinds.AFFILIATION)
def _affiliation(r: _Reader, p: Parsed) -> None:
    start, end = r.when("start", required=False), r.when("end", required=False)
    if start and end and end.latest < start.earliest:
        r.fail("end", "is before the start")
    member = r.ref(p, "member_id")
    organisation = r.ref(p, "organisation_id")
    if member is not None and member == organisation:
        r.fail("organisation", "must differ from the member")
    p.values.update(
        kind=r.choice("kind", AFFILIATION_KINDS),
        role=r.text("role", required=False, max_length=200),
        start_text=start.text if start else None,
        start_date=start.earliest if start else None,
        start_label=start.label if start else None,
        end_text=end.text if end else None,
        end_date=end.latest if end else None,
        end_label=end.label if end else None,
    )


def _place(r: _Reader) -> dict[str, Any]:
    place = r.get("place") or {}
    if not isinstance(place, dict):
        r.fail("place", "must be an object with name, country, lat, lon")
        return {}
    for key in sorted(set(place) - PLACE_KEYS):
        r.fail(f"place.{key}", "unknown field (a place has name, country, lat, lon)")
    good: dict[str, str | float | None] = {"name": None, "lat": None, "lon": None}
    for key, bound in (("lat", 90), ("lon", 180)):
        value = place.get(key)
        bad_type = isinstance(value, bool) or not isinstance(value, int | float)
        if value is not None and (bad_type or not -bound <= value <= bound):
            r.fail(f"place.{key}", f"{value!r} is not a coordinate within ±{bound}")
        else:
            good[key] = value
    name = place.get("name")
    if name is not None and (not isinstance(name, str) or len(name) > 200):
        r.fail("place.name", "must be text of at most 200 characters")
    else:
        good["name"] = name
    good["country"] = _country(r, "place.country", place.get("country"))
    return good


def _participants(r: _Reader, p: Parsed) -> None:
    participants = r.get("participants") or {}
    if not isinstance(participants, dict):
        r.fail("participants", "must map roles to lists of actor slugs")
        return
    for role, slugs in participants.items():
        if role not in PARTICIPANT_ROLES:
            r.fail("participants", f"{role!r} is not one of: {', '.join(PARTICIPANT_ROLES)}")
            continue
        name = f"participants.{role}"
        if not isinstance(slugs, list):
            r.fail(name, "must be a list of actor slugs")
            continue
        seen: set[str] = set()
        for index, slug in enumerate(slugs):
            if not isinstance(slug, str) or not SLUG.match(slug):
                r.fail(name, f"{slug!r} is not an actor slug", index)
            elif slug in seen:
                r.fail(name, f"names the same actor twice ({slug!r})", index)
            else:
                seen.add(slug)
                p.participants.append((role, slug))
    if len(p.participants) > MAX_PARTICIPANTS:
        r.fail(
            "participants",
            f"names {len(p.participants)} actors, more than the {MAX_PARTICIPANTS} an event may have: name the body "
            "they acted in (e.g. the UN General Assembly) rather than each of its members",
        )


@READERS.of(kinds.EVENT)
def _event(r: _Reader, p: Parsed) -> None:
    kind = r.choice("kind", EVENT_KINDS)
    quad, default_score = EVENT_KINDS.get(kind or "", (None, 0))
    score = r.score("score")
    when = r.when("date")
    place = _place(r)
    _participants(r, p)
    title, summary = r.text("title", max_length=300), r.text("summary", required=False)
    p.tags = r.tags()
    p.values.update(
        title=title,
        summary=summary,
        kind=kind,
        mode=r.text("mode", required=False, max_length=60),
        contexts=r.text_list("contexts"),
        quad_class=quad,
        score=default_score if score is None else score,
        modality=r.choice("modality", MODALITIES, default="actual"),
        cameo=r.text("cameo", required=False, max_length=10),
        place_name=place.get("name"),
        place_country=place.get("country"),
        place_lat=place.get("lat"),
        place_lon=place.get("lon"),
        search_text=_search(title, summary, place.get("name")),
    )
    _dated(p.values, when, r)


@READERS.of(kinds.STATEMENT)
def _statement(r: _Reader, p: Parsed) -> None:
    when = r.when("date")
    quote, summary = r.text("quote"), r.text("summary", required=False)
    translation = r.text("translation", required=False)
    r.ref(p, "speaker_id")
    r.ref(p, "venue_event_id")
    p.about = r.slug_list("about")
    if len(p.about) > MAX_ABOUT:
        r.fail("about", f"names {len(p.about)} actors, more than the {MAX_ABOUT} a statement may be about")
    p.tags = r.tags()
    p.values.update(
        venue_event_id=None,
        channel=r.choice("channel", CHANNELS),
        quote=quote,
        language=r.text("language", required=False, max_length=12) or "en",
        translation=translation,
        stance=r.choice("stance", STANCES, required=False),
        summary=summary,
        search_text=_search(quote, translation, summary),
    )
    _dated(p.values, when, r)


@READERS.of(kinds.REACTION)
def _reaction(r: _Reader, p: Parsed) -> None:
    kind = r.choice("kind", REACTION_KINDS)
    score = r.score("score")
    when = r.when("date")
    target = r.one_of("target")
    if target is not None and target == ("reaction", p.slug):
        r.fail("target", "a reaction cannot answer itself")
    elif target is not None:
        p.refs[f"target_{target[0]}_id"] = target
    r.ref(p, "reactor_id")
    r.ref(p, "statement_id")
    summary = r.text("summary", required=False)
    p.tags = r.tags()
    p.values.update(
        kind=kind,
        score=REACTION_KINDS[kind][1] if score is None and kind else score,
        summary=summary,
        search_text=_search(summary, kind),
        target_event_id=None,
        target_statement_id=None,
        target_reaction_id=None,
        statement_id=None,
    )
    _dated(p.values, when, r)


@READERS.of(kinds.RELATIONSHIP_CHANGE)
def _relationship_change(r: _Reader, p: Parsed) -> None:
    when = r.when("date")
    delta = r.score("delta", required=True, nonzero=True)
    if delta is not None and delta != int(delta):
        r.fail("delta", "must be a whole number")
    source = r.ref(p, "from_actor_id")
    target = r.ref(p, "to_actor_id")
    if source is not None and source == target:
        r.fail("to", "must differ from 'from'")
    cause = r.one_of("cause")
    if cause is not None:
        p.refs[f"cause_{cause[0]}_id"] = cause
    p.values.update(
        delta=int(delta or 0),
        explanation=r.text("explanation"),
        cause_event_id=None,
        cause_statement_id=None,
        cause_reaction_id=None,
    )
    _dated(p.values, when, r)


def is_synthetic(slug: str) -> bool:
    """Whether a slug is one of the synthetic data set's (see ``SYNTHETIC_PREFIX``)."""
    return slug.startswith(SYNTHETIC_PREFIX)


RESERVED = f"{SYNTHETIC_PREFIX!r} starts the slugs of synthetic data only (`realign seed --synthetic`); choose another"


def reserved_slugs(records: list[Parsed]) -> list[str]:
    """``where: slug: message`` for every record of curated data that takes a synthetic slug."""
    return [f"{r.where}: slug: {RESERVED}" for r in records if is_synthetic(r.slug)]


def parse_line(kind: str, text: str, where: str) -> tuple[Parsed | None, list[str]]:
    """Read one line of a seed file; returns the record or the ``where: field: message`` errors."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [f"{where}: json: {exc.msg} at column {exc.colno}"]
    if not isinstance(data, dict):
        return None, [f"{where}: json: each line must be one JSON object"]
    return parse_data(kind, data, where)


def parse_data(kind: str, data: dict[str, Any], where: str) -> tuple[Parsed | None, list[str]]:
    """Read one record from its decoded JSON object: the record, or None and every ``where: field: message``."""
    parsed, problems = read_record(kind, data, where)
    return (None if problems else parsed), [problem.line(where) for problem in problems]


def read_record(kind: str, data: dict[str, Any], where: str) -> tuple[Parsed, list[Problem]]:
    """Read one record and find every problem with it. With problems, the record is partial (fields at fault
    are left out): good for checking its references too, never for writing."""
    r = _Reader(data)
    slug = data.get("slug")
    r.used.add("slug")
    if not isinstance(slug, str) or not SLUG.match(slug):
        r.fail("slug", f"{slug!r} is not a slug (lowercase letters, digits and hyphens)")
        slug = ""
    elif len(slug) > MAX_SLUG:
        r.fail("slug", f"is longer than {MAX_SLUG} characters")
    parsed = Parsed(kind=kind, slug=slug, where=where, values={"slug": slug})
    READERS[kind](r, parsed)
    if kind != "source":
        parsed.citations = _citations(r)
    r.problems.extend(Problem(key, "unknown field") for key in sorted(set(data) - ALLOWED_KEYS[kind]))
    return parsed, r.problems


def _citations(r: _Reader) -> list[tuple[str, str | None]]:
    value = r.get("sources")
    if value is None:
        return []
    if not isinstance(value, list):
        r.fail("sources", 'must be a list of {"source": slug, "passage": text}')
        return []
    if len(value) > MAX_CITATIONS:
        r.fail("sources", f"lists {len(value)} citations, more than the {MAX_CITATIONS} a record may have")
    out = []
    for index, item in enumerate(value):
        if isinstance(item, str):
            item = {"source": item}
        if not isinstance(item, dict) or not isinstance(item.get("source"), str) or set(item) - {"source", "passage"}:
            r.fail("sources", 'each citation must be {"source": slug, "passage": text}', index)
            continue
        passage = item.get("passage")
        if passage is not None and not isinstance(passage, str):
            r.fail("sources", "a passage must be text", index)
            continue
        out.append((item["source"], passage))
    return out


def read_dir(path: Path) -> tuple[list[Parsed], list[str]]:
    """Read every seed file of a folder; returns the records in load order and all errors."""
    records, errors, _ = read_dir_all(path)
    return records, errors


def read_dir_all(path: Path) -> tuple[list[Parsed], list[str], list[Parsed]]:
    """``read_dir``, and the partial records of the lines with problems (to check their references too)."""
    records: list[Parsed] = []
    partial: list[Parsed] = []
    errors: list[str] = []
    found = False
    for name, kind in FILES:
        file = path / name
        if not file.exists():
            continue
        found = True
        with file.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                where = f"{file}:{number}"
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    errors.append(f"{where}: json: {exc.msg} at column {exc.colno}")
                    continue
                if not isinstance(data, dict):
                    errors.append(f"{where}: json: each line must be one JSON object")
                    continue
                parsed, problems = read_record(kind, data, where)
                errors.extend(problem.line(where) for problem in problems)
                (partial if problems else records).append(parsed)
    if not found:
        errors.append(f"{path}: no seed files (expected {', '.join(n for n, _ in FILES)})")
    return records, errors, partial

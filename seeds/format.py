"""The seed file format: JSON Lines, one file per record type; each line is read into a ``Parsed`` record.

See ``seeds/README.md`` for the format. Reading never touches the database; references between records
are kept as slugs and resolved by the loader.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from api.dates import DateError, When, is_long, parse_when
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

# Files in load order: a record may only refer to records of its own or earlier files.
FILES = (
    ("sources.jsonl", "source"),
    ("actors.jsonl", "actor"),
    ("affiliations.jsonl", "affiliation"),
    ("events.jsonl", "event"),
    ("statements.jsonl", "statement"),
    ("reactions.jsonl", "reaction"),
    ("relationship_changes.jsonl", "relationship_change"),
)
KIND_OF_FILE = dict(FILES)
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
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Every record of the synthetic data set (seeds/synthetic.py) has a slug starting so, and no other record may:
# that is how `realign seed --remove-synthetic` tells synthetic records from the curated story without a column.
SYNTHETIC_PREFIX = "syn-"
TARGET_KINDS = ("event", "statement", "reaction")


class Invalid(Exception):
    """One bad field of one record."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


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
    about: list[str] = field(default_factory=list)
    citations: list[tuple[str, str | None]] = field(default_factory=list)


class _Reader:
    """Takes fields out of one JSON object, remembering which keys were used."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.used: set[str] = set()

    def get(self, name: str) -> Any:
        self.used.add(name)
        return self.data.get(name)

    def text(self, name: str, *, required: bool = True, max_length: int | None = None) -> str | None:
        value = self.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise Invalid(name, "is required")
            return None
        if not isinstance(value, str):
            raise Invalid(name, f"must be text, not {type(value).__name__}")
        if max_length is not None and len(value) > max_length:
            raise Invalid(name, f"is longer than {max_length} characters")
        return value

    def choice(self, name: str, allowed: Any, *, required: bool = True, default: str | None = None) -> str | None:
        value = self.text(name, required=required and default is None)
        if value is None:
            return default
        if value not in allowed:
            raise Invalid(name, f"{value!r} is not one of: {', '.join(allowed)}")
        return value

    def slug_list(self, name: str) -> list[str]:
        value = self.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Invalid(name, "must be a list of slugs")
        for item in value:
            if not SLUG.match(item):
                raise Invalid(name, f"{item!r} is not a slug")
        return list(dict.fromkeys(value))

    def text_list(self, name: str) -> list[str]:
        value = self.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise Invalid(name, "must be a list of non-empty texts")
        return list(dict.fromkeys(value))

    def score(self, name: str, *, required: bool = False, nonzero: bool = False) -> float | None:
        value = self.get(name)
        if value is None:
            if required:
                raise Invalid(name, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid(name, f"must be a number from -10 to 10, not {value!r}")
        if not -10 <= value <= 10:
            raise Invalid(name, f"{value} is outside -10…+10")
        if nonzero and value == 0:
            raise Invalid(name, "must not be 0 (a change moves the relationship)")
        return value

    def when(self, name: str, *, required: bool = True) -> When | None:
        value = self.get(name)
        if value is None:
            if required:
                raise Invalid(name, "is required")
            return None
        try:
            return parse_when(value)
        except DateError as exc:
            raise Invalid(name, str(exc)) from None

    def one_of(self, name: str) -> tuple[str, str]:
        value = self.get(name)
        if not isinstance(value, dict) or len(value) != 1:
            raise Invalid(name, 'must name exactly one of event, statement or reaction, e.g. {"event": "slug"}')
        ((kind, slug),) = value.items()
        if kind not in TARGET_KINDS:
            raise Invalid(name, f"{kind!r} is not one of: event, statement, reaction")
        if not isinstance(slug, str) or not SLUG.match(slug):
            raise Invalid(name, f"{slug!r} is not a slug")
        return kind, slug

    def tags(self) -> list[str]:
        tags = [t.strip().lower() for t in self.text_list("tags")]
        for tag in tags:
            if len(tag) > MAX_TAG:
                raise Invalid("tags", f"{tag[:20]!r}… is longer than {MAX_TAG} characters")
        return list(dict.fromkeys(tags))


def _dated(values: dict[str, Any], when: When, r: _Reader) -> None:
    values.update(
        when_text=when.text,
        date_start=when.earliest,
        date_end=when.latest,
        date_precision=when.start.precision,
        date_qualifier=when.start.qualifier,
        date_ongoing=when.ongoing,
        date_long=is_long(when),
        date_label=r.text("date_label", required=False, max_length=120) or when.label,
    )
    order = r.get("day_order")
    if order is not None and (isinstance(order, bool) or not isinstance(order, int)):
        raise Invalid("day_order", "must be a whole number")
    if order is not None and not -MAX_INT <= order <= MAX_INT:
        raise Invalid("day_order", f"must lie within ±{MAX_INT}")
    values["day_order"] = order or 0


def _country(r: _Reader, name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{3}", value):
        raise Invalid(name, f"{value!r} is not an ISO 3166-1 alpha-3 code (three capital letters)")
    return value


def _search(*parts: Any) -> str:
    return " ".join(str(p) for p in parts if p).lower()


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


def _actor(r: _Reader, p: Parsed) -> None:
    name = r.text("name", max_length=200)
    aliases = r.text_list("aliases")
    wikidata = r.text("wikidata", required=False, max_length=20)
    if wikidata is not None and not re.fullmatch(r"Q[1-9][0-9]*", wikidata):
        raise Invalid("wikidata", f"{wikidata!r} is not a Wikidata QID like Q801")
    external = r.get("external_ids") or {}
    if not isinstance(external, dict):
        raise Invalid("external_ids", "must be an object of identifier names to values")
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


def _affiliation(r: _Reader, p: Parsed) -> None:
    start, end = r.when("start", required=False), r.when("end", required=False)
    if start and end and end.latest < start.earliest:
        raise Invalid("end", "is before the start")
    p.refs["member_id"] = ("actor", r.text("member"))
    p.refs["organisation_id"] = ("actor", r.text("organisation"))
    if r.data.get("member") == r.data.get("organisation"):
        raise Invalid("organisation", "must differ from the member")
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


def _event(r: _Reader, p: Parsed) -> None:
    kind = r.choice("kind", EVENT_KINDS)
    quad, default_score = EVENT_KINDS[kind]
    score = r.score("score")
    when = r.when("date")
    place = r.get("place") or {}
    if not isinstance(place, dict):
        raise Invalid("place", "must be an object with name, country, lat, lon")
    for key in sorted(set(place) - PLACE_KEYS):
        raise Invalid(f"place.{key}", "unknown field (a place has name, country, lat, lon)")
    lat, lon = place.get("lat"), place.get("lon")
    for key, value, bound in (("place.lat", lat, 90), ("place.lon", lon, 180)):
        bad_type = isinstance(value, bool) or not isinstance(value, int | float)
        if value is not None and (bad_type or not -bound <= value <= bound):
            raise Invalid(key, f"{value!r} is not a coordinate within ±{bound}")
    place_name = place.get("name")
    if place_name is not None and (not isinstance(place_name, str) or len(place_name) > 200):
        raise Invalid("place.name", "must be text of at most 200 characters")
    participants = r.get("participants") or {}
    if not isinstance(participants, dict):
        raise Invalid("participants", "must map roles to lists of actor slugs")
    for role, slugs in participants.items():
        if role not in PARTICIPANT_ROLES:
            raise Invalid("participants", f"{role!r} is not one of: {', '.join(PARTICIPANT_ROLES)}")
        if not isinstance(slugs, list) or not all(isinstance(s, str) and SLUG.match(s) for s in slugs):
            raise Invalid(f"participants.{role}", "must be a list of actor slugs")
        if len(set(slugs)) != len(slugs):
            raise Invalid(f"participants.{role}", "names the same actor twice")
        p.participants.extend((role, s) for s in slugs)
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
        place_country=_country(r, "place.country", place.get("country")),
        place_lat=lat,
        place_lon=lon,
        search_text=_search(title, summary, place.get("name")),
    )
    _dated(p.values, when, r)


def _statement(r: _Reader, p: Parsed) -> None:
    when = r.when("date")
    quote, summary = r.text("quote"), r.text("summary", required=False)
    translation = r.text("translation", required=False)
    p.refs["speaker_id"] = ("actor", r.text("speaker"))
    venue = r.text("venue", required=False)
    if venue:
        p.refs["venue_event_id"] = ("event", venue)
    p.about = r.slug_list("about")
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


def _reaction(r: _Reader, p: Parsed) -> None:
    kind = r.choice("kind", REACTION_KINDS)
    score = r.score("score")
    when = r.when("date")
    target_kind, target_slug = r.one_of("target")
    if target_kind == "reaction" and target_slug == p.slug:
        raise Invalid("target", "a reaction cannot answer itself")
    p.refs[f"target_{target_kind}_id"] = (target_kind, target_slug)
    p.refs["reactor_id"] = ("actor", r.text("reactor"))
    words = r.text("statement", required=False)
    if words:
        p.refs["statement_id"] = ("statement", words)
    summary = r.text("summary", required=False)
    p.tags = r.tags()
    p.values.update(
        kind=kind,
        score=REACTION_KINDS[kind][1] if score is None else score,
        summary=summary,
        search_text=_search(summary, kind),
        target_event_id=None,
        target_statement_id=None,
        target_reaction_id=None,
        statement_id=None,
    )
    _dated(p.values, when, r)


def _relationship_change(r: _Reader, p: Parsed) -> None:
    when = r.when("date")
    delta = r.score("delta", required=True, nonzero=True)
    if delta is not None and delta != int(delta):
        raise Invalid("delta", "must be a whole number")
    source, target = r.text("from"), r.text("to")
    if source == target:
        raise Invalid("to", "must differ from 'from'")
    p.refs["from_actor_id"] = ("actor", source)
    p.refs["to_actor_id"] = ("actor", target)
    cause_kind, cause_slug = r.one_of("cause")
    p.refs[f"cause_{cause_kind}_id"] = (cause_kind, cause_slug)
    p.values.update(
        delta=int(delta or 0),
        explanation=r.text("explanation"),
        cause_event_id=None,
        cause_statement_id=None,
        cause_reaction_id=None,
    )
    _dated(p.values, when, r)


READERS = {
    "source": _source,
    "actor": _actor,
    "affiliation": _affiliation,
    "event": _event,
    "statement": _statement,
    "reaction": _reaction,
    "relationship_change": _relationship_change,
}


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
    """Read one record from its decoded JSON object."""
    r = _Reader(data)
    slug = data.get("slug")
    r.used.add("slug")
    if not isinstance(slug, str) or not SLUG.match(slug):
        return None, [f"{where}: slug: {slug!r} is not a slug (lowercase letters, digits and hyphens)"]
    if len(slug) > MAX_SLUG:
        return None, [f"{where}: slug: is longer than {MAX_SLUG} characters"]
    parsed = Parsed(kind=kind, slug=slug, where=where, values={"slug": slug})
    errors: list[str] = []
    try:
        READERS[kind](r, parsed)
    except Invalid as exc:
        errors.append(f"{where}: {exc.field}: {exc.message}")
    if kind != "source":
        try:
            parsed.citations = _citations(r)
        except Invalid as exc:
            errors.append(f"{where}: {exc.field}: {exc.message}")
    errors.extend(f"{where}: {key}: unknown field" for key in sorted(set(data) - ALLOWED_KEYS[kind]))
    return (None if errors else parsed), errors


def _citations(r: _Reader) -> list[tuple[str, str | None]]:
    value = r.get("sources")
    if value is None:
        return []
    if not isinstance(value, list):
        raise Invalid("sources", 'must be a list of {"source": slug, "passage": text}')
    out = []
    for item in value:
        if isinstance(item, str):
            item = {"source": item}
        if not isinstance(item, dict) or not isinstance(item.get("source"), str) or set(item) - {"source", "passage"}:
            raise Invalid("sources", 'each citation must be {"source": slug, "passage": text}')
        passage = item.get("passage")
        if passage is not None and not isinstance(passage, str):
            raise Invalid("sources", "a passage must be text")
        out.append((item["source"], passage))
    return out


def read_dir(path: Path) -> tuple[list[Parsed], list[str]]:
    """Read every seed file of a folder; returns the records in load order and all errors."""
    records: list[Parsed] = []
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
                parsed, problems = parse_line(kind, line, f"{file}:{number}")
                errors.extend(problems)
                if parsed is not None:
                    records.append(parsed)
    if not found:
        errors.append(f"{path}: no seed files (expected {', '.join(n for n, _ in FILES)})")
    return records, errors

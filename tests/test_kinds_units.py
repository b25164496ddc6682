"""The registry's helpers called at test time: most of api/kinds.py runs once, at import, where mutation testing
cannot see it, so its functions are exercised here directly with exact expected values."""

from __future__ import annotations

import pytest

from api import kinds
from api.kinds import BY_KEY, TIMELINE, PerKind, Reference


def test_one_of_gives_a_column_per_timeline_kind():
    assert kinds._one_of("target") == (
        Reference("target_event_id", "event", "target", one_of=True),
        Reference("target_statement_id", "statement", "target", one_of=True),
        Reference("target_reaction_id", "reaction", "target", one_of=True),
    )
    assert TIMELINE == ("event", "statement", "reaction")


def test_optional_references_are_nullable_and_not_alternatives():
    statement, reaction, affiliation = BY_KEY["statement"], BY_KEY["reaction"], BY_KEY["affiliation"]
    venue = statement.by_column["venue_event_id"]
    assert statement.is_optional(venue) is True  # nullable: a deleted venue leaves the statement
    target = reaction.by_column["target_event_id"]
    assert reaction.is_optional(target) is False  # nullable, but one of the target's alternatives
    member = affiliation.by_column["member_id"]
    assert affiliation.is_optional(member) is False  # required


def test_per_kind_by_key_and_by_type_name():
    by_key: PerKind[str] = PerKind()
    assert by_key.of(BY_KEY["event"])("e") == "e"
    assert by_key == {"event": "e"}
    by_type: PerKind[str] = PerKind(by_type_name=True)
    by_type.of(BY_KEY["relationship_change"])("r")
    assert by_type == {"RelationshipChange": "r"}
    assert by_type.missing() == ["Source", "Actor", "Affiliation", "Event", "Statement", "Reaction"]
    assert by_key.missing() == ["source", "actor", "affiliation", "statement", "reaction", "relationship_change"]


def test_per_kind_refuses_a_second_entry():
    table: PerKind[int] = PerKind()
    table.of(BY_KEY["actor"])(1)
    with pytest.raises(ValueError, match="^'actor' has one already$"):
        table.of(BY_KEY["actor"])(2)
    assert table == {"actor": 1}

"""Dates at their edges through the public door: a date window's bounds read from qualified dates across a leap
day, and dates reaching past the last year refused with the exact reason (see tests/test_dates_edges.py)."""

from __future__ import annotations

import pytest

TIMELINE = """
query ($filter: ItemFilter) {
  timeline(filter: $filter, first: 100) {
    totalCount
    nodes { ... on Event { slug } ... on Statement { slug } ... on Reaction { slug } }
  }
}
"""


def test_a_window_before_1_march_2024_is_the_year_up_to_29_february(client):
    """Given from/to "before 2024-03-01" (the year before: 1 March 2023 to 29 February 2024), when the timeline is
    filtered, then it answers exactly as the explicit window 2023-03-01 .. 2024-02-29, which holds items."""
    fuzzy = client.gql(TIMELINE, {"filter": {"from": "before 2024-03-01", "to": "before 2024-03-01"}})["timeline"]
    plain = client.gql(TIMELINE, {"filter": {"from": "2023-03-01", "to": "2024-02-29"}})["timeline"]
    assert fuzzy == plain
    assert fuzzy["totalCount"] > 0


@pytest.mark.parametrize(
    ("filter_", "field", "reason"),
    [
        ({"from": "circa 9998-12-30"}, "filter.from", "'circa 9998-12-30' reaches past the year 9998"),
        ({"to": "9999"}, "filter.to", "'9999' is past the year 9998"),
        (
            {"from": "before 0001-01-01"},
            "filter.from",
            "'before 0001-01-01' reaches outside the calendar (years 1–9998)",
        ),
    ],
)
def test_a_window_reaching_outside_the_calendar_is_refused_with_the_reason(client, filter_, field, reason):
    """Given a window bound past 9998 or before the year 1, when the timeline is filtered, then the `FuzzyDate`
    scalar refuses it: one BAD_USER_INPUT naming the bound and saying exactly why."""
    (error,) = client.errors(TIMELINE, {"filter": filter_})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    bound = field.removeprefix("filter.")
    assert f"$filter' has invalid value at .{bound}: " in error["message"] and reason in error["message"], error

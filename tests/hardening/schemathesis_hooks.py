"""Schemathesis hooks for Realign (loaded through SCHEMATHESIS_HOOKS by test_fuzz.py, never by pytest).

Schemathesis's own ``not_a_server_error`` takes every GraphQL error that has a ``path`` and no code it knows
for a server failure, so it flags Realign's deliberate refusals (NOT_FOUND, UNAUTHENTICATED, CONFLICT...).
This check knows Realign's codes: a refusal of the client's input is fine; HTTP 5xx, a Python traceback in
the body, a body that is not JSON, or an error coded INTERNAL (or SERVICE_UNAVAILABLE or TIMEOUT, which a healthy
server on a small database never needs, or with no code at all) is a failure.
"""

from __future__ import annotations

import json

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

# Realign's own scalar: every form of the fuzzy-date grammar (schema/refs.py), and text that is none (refused).
FUZZY_DATES = st.one_of(
    st.sampled_from(
        [
            "2025-08-05",
            "2025-07",
            "2025",
            "2020s",
            "late 2025-07",
            "circa 2024",
            "before 2025-08",
            "after 2024-02-28",
            "between 2025-06 and 2025-08-08",
            "2022-02-24/..",
            "2022/2024",
            "9999",
            "0000",
        ]
    ),
    st.text(max_size=12),
)
schemathesis.graphql.scalar("FuzzyDate", FUZZY_DATES.map(nodes.String))

# The codes by which Realign refuses a request for something the client did; every other code is a fault.
CLIENT_CODES = frozenset(
    {
        "BAD_USER_INPUT",
        "NOT_FOUND",
        "UNAUTHENTICATED",
        "FORBIDDEN",
        "CONFLICT",
        "GRAPHQL_PARSE_FAILED",
        "GRAPHQL_VALIDATION_FAILED",
        "PAYLOAD_TOO_LARGE",
    }
)
TRACEBACK_MARKERS = ("Traceback (most recent call last)", 'File "', '.py", line')


@schemathesis.check
def realign_no_server_error(ctx, response, case) -> None:
    """No 5xx, no traceback, a JSON body, and every GraphQL error coded as a refusal of the client's input."""
    assert response.status_code < 500, f"HTTP {response.status_code}: {response.content[:500]!r}"
    text = response.content.decode("utf-8", "replace")
    for marker in TRACEBACK_MARKERS:
        assert marker not in text, f"the body shows Python internals ({marker!r}): {text[:1000]}"
    try:
        body = json.loads(text)
    except ValueError:
        raise AssertionError(f"HTTP {response.status_code}: the body is not JSON: {text[:500]}") from None
    assert isinstance(body, dict), f"the body is not a JSON object: {text[:500]}"
    for error in body.get("errors") or ():
        code = (error.get("extensions") or {}).get("code")
        assert code in CLIENT_CODES, f"error coded {code!r}: {error.get('message')!r} at {error.get('path')}"

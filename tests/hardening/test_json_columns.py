"""JSON columns (aliases, sectors, external ids, contexts) read back on PostgreSQL exactly as the standard library
would read them, though the API decodes them with orjson: integers beyond 64 bits, huge numbers and lone
surrogates included."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from api.db import read_json

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**63 - 10, max_value=2**200)
    | st.floats(allow_nan=False)
    | st.text()
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4), max_leaves=20
)


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_json_columns_read_back_as_the_standard_library_reads_them(value):
    """Given any JSON value, when its text is read back, then it equals what json.loads gives, type for type."""
    text = json.dumps(value)
    ours, theirs = read_json(text), json.loads(text)
    assert ours == theirs
    assert json.dumps(ours) == json.dumps(theirs)  # ints stay ints, floats stay floats


def test_numbers_beyond_a_double_and_lone_surrogates_read_back():
    """Given texts orjson refuses or reads differently, when read back, then the standard library's answer wins."""
    for text in ('{"n": 123456789012345678901234567890}', "[1e400]", '"\\ud800"', "[-9223372036854775809]"):
        assert read_json(text) == json.loads(text)
    assert read_json("[1e400]") == [float("inf")]

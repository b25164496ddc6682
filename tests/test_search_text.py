"""api.search: the one normalisation both databases index, and the query strings built from a search."""

from __future__ import annotations

import pytest

from api.search import postgres_query, query_words, search_text, sqlite_query
from tests.support import story_lines

CASES = [
    ("Gideon Sa’ar", "gideon saar sa ar", ["gideon", "saar"]),
    ("SAʼAR", "saar sa ar", ["saar"]),
    ("U.S. Treasury", "u s treasury", ["u", "s", "treasury"]),
    ("l’Élysée, Zürich & Straße", "lelysee l elysee zurich strasse", ["lelysee", "zurich", "strasse"]),
    ("Ærø Łódź", "aero lodz", ["aero", "lodz"]),
    ("@gidonsaar #tag_line", "gidonsaar tag line", ["gidonsaar", "tag", "line"]),
    ("北京 市", "北京 市", ["北京", "市"]),
    ('"*:&!( NEAR AND -', "near and", ["near", "and"]),
    ("'' — …", "", []),
]


@pytest.mark.parametrize(("text", "indexed", "query"), CASES)
def test_text_and_query_words(text, indexed, query):
    """Given text, when normalised, then the index holds its folded words (apostrophe parts too), a search its
    folded words with apostrophes joining."""
    assert search_text(text) == indexed
    assert query_words(text) == query


def test_query_strings_quote_every_word():
    """Given words, when made into queries, then each is quoted and a prefix, all ANDed."""
    assert postgres_query(["saar", "u"]) == "'saar':* & 'u':*"
    assert sqlite_query(["saar", "u"]) == '"saar"* AND "u"*'


def test_normalising_is_idempotent_and_agrees_with_the_text_0002_wrote():
    """Given every text field of the story, when search_text is computed from the parts, or from them joined and
    lower-cased as revision 0002 stored them (what migration 0003 normalises), then both agree and are fixed points."""
    for kind in ("actor", "event", "statement", "reaction"):
        for line in story_lines(kind):
            parts = [v for v in line.values() if isinstance(v, str)] + list(line.get("aliases") or [])
            text = search_text(*parts)
            assert search_text(" ".join(parts).lower()) == text
            assert search_text(text) == text

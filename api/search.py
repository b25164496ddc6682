"""Full-text search: one normalisation of text for both databases, the queries built from it, and the names of
the text indexes (created by migration 0003, which see).

Text is normalised here, in Python, where ``search_text`` is computed (``search_text``) and where a search
arrives (``query_words``), so SQLite's FTS5 and PostgreSQL's ``to_tsvector('simple', ...)`` are handed the same
words and neither database's tokenizer, locale or stemmer decides what matches:

- case is folded (``str.casefold``) and accents dropped (NFKD, then every non-spacing mark removed): ``Élysée``
  is ``elysee``, ``Straße`` is ``strasse``; the Latin letters NFKD leaves whole are spelt out (``æ`` ae, ``œ`` oe,
  ``ø`` o, ``ł`` l, ``đ``/``ð`` d, ``þ`` th, ``ı`` i, ``ħ`` h: ``Ærø`` is ``aero``);
- a word is a run of letters, digits and spacing marks; everything else separates words (``U.S.`` is ``u s``,
  ``Israel-U.S.`` is ``israel u s``, ``@gidonsaar`` is ``gidonsaar``);
- an apostrophe inside a word (``'``, ``’``, ``‘``, ``ʼ``, `````, ``´``, ``′``) joins: ``Sa’ar``, ``Sa'ar`` and
  ``Saar`` are all the word ``saar``; the text also indexes the parts on either side (``sa``, ``ar``), so
  ``Élysée`` finds ``l’Élysée`` and ``Estaing`` finds ``d'Estaing``.

``search_text`` is these words joined by single spaces. A query is normalised the same way (apostrophes joining,
no parts) and every word is matched as a prefix, all of them required. The query grammar of either database
never sees user text: words are made of letters, digits and marks only, and are quoted besides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    String,
    Table,
    and_,
    bindparam,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
)

from api.kinds import KINDS
from api.spans import SPAN_TABLE

# Tables whose ``search_text`` is indexed for full-text search (the migrations create one index each).
SEARCHED = tuple(kind.table.name for kind in KINDS if kind.searched)
APOSTROPHES = "'\u2019\u2018\u02bc`\u00b4\u2032"
# ASCII: letters and digits stay, apostrophes become ', everything else a space (str.translate runs in C).
_ASCII = {c: " " for c in range(128) if not chr(c).isalnum()} | {ord(a): "'" for a in APOSTROPHES if a.isascii()}
_WORD = re.compile(r"[^\s']+(?:'[^\s']+)*")
# Latin letters that NFKD does not decompose, spelt as a reader without them would type them.
_LATIN = str.maketrans({"æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h"})


def fts_table(name: str) -> str:
    """The SQLite FTS5 table indexing ``name``'s ``search_text`` (external content: it stores no text)."""
    return f"{name}_fts"


def gin_index(name: str) -> str:
    """The PostgreSQL GIN index on ``to_tsvector('simple', search_text)`` of table ``name``."""
    return f"ix_{name}_search"


def _fold(text: str) -> str:
    """Case and accents folded; only word characters, apostrophes (as ') and spaces left."""
    if text.isascii():
        return text.lower().translate(_ASCII)
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LATIN))
    out = []
    for char in decomposed:
        category = unicodedata.category(char)
        if char in APOSTROPHES:  # before letters: ʼ (U+02BC) is a modifier letter
            out.append("'")
        elif category == "Mn":
            continue  # accents and other combining marks
        elif category[0] in "LN" or category in ("Mc", "Me"):
            out.append(char)
        else:
            out.append(" ")
    return "".join(out)


def words(text: str) -> list[str]:
    """The words of ``text`` as the index holds them: apostrophes joining, and each part besides."""
    out: list[str] = []
    for word in _WORD.findall(_fold(text)):
        if "'" in word:
            out.append(word.replace("'", ""))
            out.extend(word.split("'"))
        else:
            out.append(word)
    return out


def search_text(*parts: object) -> str:
    """The ``search_text`` column for a record made of these parts (``None`` and empty parts skipped)."""
    return " ".join(words(" ".join(str(p) for p in parts if p)))


def query_words(text: str) -> list[str]:
    """The words of a search, apostrophes joining (``Sa'ar`` is ``saar``), duplicates dropped, order kept."""
    return list(dict.fromkeys(word.replace("'", "") for word in _WORD.findall(_fold(text))))


def postgres_query(found: Iterable[str]) -> str:
    """A ``to_tsquery`` string requiring every word as a prefix: ``'beij':* & 'embassy':*``."""
    return " & ".join("'" + w.replace("\\", "\\\\").replace("'", "''") + "':*" for w in found)


def sqlite_query(found: Iterable[str]) -> str:
    """An FTS5 MATCH string requiring every word as a prefix: ``"beij"* AND "embassy"*``."""
    return " AND ".join('"' + w.replace('"', '""') + '"*' for w in found)


def query_string(found: Iterable[str], dialect: str) -> str:
    """The query for ``dialect`` (bound as a parameter, never written into SQL)."""
    return postgres_query(found) if dialect == "postgresql" else sqlite_query(found)


def matching_ids(searched: Table, name: str, dialect: str) -> Select[int]:
    """``SELECT id`` of the rows of table ``searched`` whose text holds every word of the query bound as
    ``name`` (built by ``query_string``): answered from the text index, whatever the table's size."""
    query = bindparam(name, type_=String())
    if dialect == "postgresql":
        simple = literal_column("'simple'", String())  # written out, so the expression is the GIN index's own
        vector = func.to_tsvector(simple, searched.c.search_text)
        return select(searched.c.id).where(vector.bool_op("@@")(func.to_tsquery(simple, query)))
    fts = table(fts_table(searched.name), column("rowid"), column(fts_table(searched.name)))
    return select(fts.c.rowid).where(fts.c[fts_table(searched.name)].bool_op("MATCH")(query))


def row_matches(searched: FromClause, names: list[str]) -> ColumnElement[bool]:
    """Whether the current row of table ``searched`` holds every word of a search as a word prefix, tested on that
    row alone: for a common search, where walking rows in date order finds a page's matches after a few. The
    words are bound as ``names`` (patterns from ``word_pattern``); ``search_text`` holds normalised words with
    single spaces, so `' ' || text LIKE '% word%'` is exactly "a word starting with word", as the text index has it
    (and costs far less per row than asking the text index about one row)."""
    padded = literal(" ") + searched.c.search_text
    return and_(*(padded.like(bindparam(name, type_=String())) for name in names))


def word_pattern(word: str) -> str:
    """The LIKE pattern of ``row_matches`` for one normalised query word (letters and digits only: no wildcards)."""
    return f"% {word}%"


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """For Alembic's autogenerate: leave out the text indexes, which the models do not describe (the FTS5 tables
    with their shadow tables on SQLite, the expression indexes on PostgreSQL), and the span counts of migration
    0006 (``api.spans``); compare everything else."""
    if name is None:
        return True
    if type_ == "table":
        if name == SPAN_TABLE:  # the span counts, kept by triggers (``api.spans``)
            return False
        return not any(name == fts_table(t) or name.startswith(fts_table(t) + "_") for t in SEARCHED)
    if type_ == "index":
        return name not in {gin_index(t) for t in SEARCHED}
    return True

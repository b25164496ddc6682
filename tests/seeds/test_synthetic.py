"""The synthetic data set is recognisable by its slugs, and the removal knows every way a record can refer to one."""

from __future__ import annotations

from sqlmodel import SQLModel

import api.models  # noqa: F401 - registers every table on the metadata
from api.kinds import KINDS, LINKS, REFERENCES
from api.services import records as record_service
from seeds import synthetic
from seeds.format import SYNTHETIC_PREFIX


def test_every_synthetic_slug_and_reference_carries_the_prefix():
    """Given 400 synthetic events, when every record and reference is read, then each slug starts with `syn-`."""
    records = synthetic.parsed(400)

    assert len(records) > 400
    for record in records:
        assert record.slug.startswith(SYNTHETIC_PREFIX), record.slug
        references = record_service._references(record)
        assert references or record.kind == "source"
        for _, slug in references:
            assert slug.startswith(SYNTHETIC_PREFIX), (record.slug, slug)


def test_the_removal_knows_every_foreign_key_between_records():
    """Given the tables, when every foreign key to a record table is listed, then the removal's lists hold it, so a
    curated record pointing at a synthetic one is always found before anything is deleted."""
    records = {kind.table.name for kind in KINDS}
    known = {(kind.key, ref.column) for kind, ref in REFERENCES}
    known |= {(link.table.name, link.column) for _, link in LINKS}
    known |= {(link.table.name, link.parent) for _, link in LINKS}
    known |= {(kind.tags.table.name, kind.tags.parent) for kind in KINDS if kind.tags is not None}

    found = {
        (table.name, key.parent.name)
        for table in SQLModel.metadata.sorted_tables
        for key in table.foreign_keys
        if key.column.table.name in records
    }

    assert found == known

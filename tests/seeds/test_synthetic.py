"""The synthetic data set is recognisable by its slugs, and the removal knows every way a record can refer to one."""

from __future__ import annotations

from sqlmodel import SQLModel

import api.models  # noqa: F401 - registers every table on the metadata
from api.services import records as record_service
from api.services import synthetic as service
from api.services.records import TABLES, TAG_TABLES
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
    records = {table.name for table in TABLES.values()}
    known = {(kind, column) for kind, column, _ in service.DIRECT}
    known |= {(link.name, column) for link, _, _, column, _ in service.LINKS}
    known |= {(link.name, parent) for link, parent, *_ in service.LINKS}
    known |= {(tags.name, column) for tags, column in TAG_TABLES.values()}

    found = {
        (table.name, key.parent.name)
        for table in SQLModel.metadata.sorted_tables
        for key in table.foreign_keys
        if key.column.table.name in records
    }

    assert found == known

"""The registry of record kinds (``api.kinds``) agrees with everything that has a part per kind: the database's
tables, the GraphQL schema, the seed files and readers, the export writers and the mutation inputs. A kind added
to one of them and forgotten in another fails here, by name."""

from __future__ import annotations

import graphql
from sqlalchemy import inspect
from sqlmodel import SQLModel

import schema
from api import kinds, tables
from api.kinds import BY_KEY, FILES, ITEMS, KINDS, LINKS, REFERENCES, TIMELINE
from api.search import SEARCHED
from api.services import export
from schema import ids, loaders
from schema import mutations as schema_mutations
from schema.types.enums import TimelineItemType
from seeds import format as seed_format
from seeds import loader

METADATA = SQLModel.metadata.tables


def foreign_keys(table_name: str) -> set[tuple[str, str]]:
    """(column, referred table) of every foreign key of a table in the models."""
    return {(key.parent.name, key.column.table.name) for key in METADATA[table_name].foreign_keys}


def record_tables() -> set[str]:
    """The tables that hold records: those with a slug and a version (tombstones have a slug and no version)."""
    return {name for name, table in METADATA.items() if {"slug", "version"} <= set(table.c.keys())}


def test_every_record_table_is_one_kind_named_after_it():
    """Given the models, when the record tables are listed, then each is exactly one kind's, named as its key."""
    assert [kind.table.name for kind in KINDS] == [kind.key for kind in KINDS]
    assert {kind.key for kind in KINDS} == record_tables()
    assert len(BY_KEY) == len(kinds.BY_TYPE_NAME) == len(KINDS)
    for kind in KINDS:
        assert kind.table is METADATA[kind.key], kind.key


def test_every_table_handle_is_the_metadata_table_of_its_name():
    """Given api.tables, when each handle is compared with the models' table of its name, then they are the same
    object, and every table has a handle."""
    handles = {name.lower(): value for name, value in vars(tables).items() if name.isupper()}
    assert set(handles) == set(METADATA)
    for name, table in handles.items():
        assert table is METADATA[name], name


def test_references_are_the_foreign_keys_between_records_in_load_order():
    """Given the record tables' foreign keys to other record tables, when compared with the kinds' references, then
    they are the same, each pointing at an earlier kind or its own (the load order)."""
    records = record_tables()
    for position, kind in enumerate(KINDS):
        between_records = {(column, target) for column, target in foreign_keys(kind.key) if target in records}
        assert {(ref.column, ref.target) for ref in kind.references} == between_records, kind.key
        for ref in kind.references:
            assert ref.target in kinds.KEYS[: position + 1], (kind.key, ref.column)


def test_tags_citations_and_links_are_every_child_table():
    """Given the tables that hang off records (every other table with a foreign key to a record table), when
    compared with the kinds' tags, citation columns and links, then each is accounted for, column by column."""
    records = record_tables()
    children = {
        name for name in METADATA if name not in records and any(target in records for _, target in foreign_keys(name))
    }
    known: set[tuple[str, str, str]] = set()
    for kind in KINDS:
        if kind.tags is not None:
            known.add((kind.tags.table.name, kind.tags.parent, kind.key))
    for parent, link in LINKS:
        known.add((link.table.name, link.parent, parent.key))
        known.add((link.table.name, link.column, link.target))
    found = {(name, column, target) for name in children for column, target in foreign_keys(name) if target in records}
    assert found == known
    citing = {kind.citation_column: kind.key for kind in KINDS if kind.citation_column is not None}
    assert {column: target for column, target in foreign_keys("citation") if column != "source_id"} == citing


def test_the_migrated_database_has_every_kind_table_and_column(engine):
    """Given a database built by the migrations, when its tables are inspected, then every kind's table, tag table,
    link table and citation column is there, with the foreign keys the registry names."""
    with engine.connect() as conn:
        found = inspect(conn)
        names = set(found.get_table_names())

        def keys(table: str) -> set[tuple[str, str]]:
            return {(key["constrained_columns"][0], key["referred_table"]) for key in found.get_foreign_keys(table)}

        for kind in KINDS:
            assert kind.key in names, kind.key
            assert {(ref.column, ref.target) for ref in kind.references} <= keys(kind.key), kind.key
            if kind.tags is not None:
                assert (kind.tags.parent, kind.key) in keys(kind.tags.table.name), kind.key
            if kind.citation_column is not None:
                assert (kind.citation_column, kind.key) in keys("citation"), kind.key
        for parent, link in LINKS:
            assert {(link.parent, parent.key), (link.column, link.target)} <= keys(link.table.name), link.table.name


def test_the_timeline_kinds_are_the_dated_ones_in_rank_order():
    """Given the kinds, when the timeline items are compared with the dated tables and the schema's item type
    enum, then they agree, ranked in the order of ``TIMELINE``."""
    assert [item.key for item in ITEMS] == list(TIMELINE)
    assert [item.rank for item in ITEMS] == list(range(len(TIMELINE)))
    assert all(kind.rank is None and not kind.is_item for kind in KINDS if kind not in ITEMS)
    assert [member.value for member in TimelineItemType] == list(TIMELINE)
    for item in ITEMS:
        assert {"date_start", "day_order"} <= set(item.table.c.keys()), item.key
    for kind, ref in REFERENCES:
        if ref.one_of:
            assert ref.column == f"{ref.field}_{ref.target}_id", (kind.key, ref.column)
    assert SEARCHED == tuple(kind.key for kind in KINDS if "search_text" in kind.table.c)


def test_the_graphql_schema_has_a_type_per_kind():
    """Given the schema, when its object types, unions and mutations are read, then every kind has its type (a
    Node), its builder, its input with a field per reference, and its create, update and delete; the timeline's
    `TimelineItem` interface is implemented by the items."""
    parsed = graphql.build_schema(schema.sdl())
    node = parsed.get_type("Node")
    assert isinstance(node, graphql.GraphQLInterfaceType)
    # Every record kind is a Node, and so is a relationship (a pair of actors, not a record kind).
    assert {t.name for t in parsed.get_possible_types(node)} == {*kinds.BY_TYPE_NAME, "Relationship"}
    items = {item.type_name for item in ITEMS}
    timeline_item = parsed.get_type("TimelineItem")
    assert isinstance(timeline_item, graphql.GraphQLInterfaceType)
    assert {t.name for t in parsed.get_possible_types(timeline_item)} == items
    assert not any(isinstance(t, graphql.GraphQLUnionType) for t in parsed.type_map.values())
    mutation = parsed.mutation_type
    assert mutation is not None
    for kind in KINDS:
        assert isinstance(parsed.get_type(kind.type_name), graphql.GraphQLObjectType), kind.type_name
        for action in ("Create", "Update"):
            input_type = parsed.get_type(f"{kind.type_name}{action}Input")
            assert isinstance(input_type, graphql.GraphQLInputObjectType), (kind.type_name, action)
            assert {ref.field for ref in kind.references} <= set(input_type.fields), (kind.type_name, action)
        name = kind.type_name[0].lower() + kind.type_name[1:]
        assert {f"{name}Create", f"{name}Update", f"{name}Delete"} <= set(mutation.fields), kind.type_name
        assert ids.decode(ids.encode(kind.type_name, 7)) == (kind.type_name, 7)
    assert set(loaders.BUILDERS) == set(loaders.ROW_TYPES) == set(kinds.BY_TYPE_NAME)
    assert schema_mutations.INPUTS.missing() == schema_mutations.UPDATE_INPUTS.missing() == []


def test_the_seed_format_reads_and_the_export_writes_every_kind():
    """Given the seed format and the export, when their per-kind parts are listed, then every kind has a file (the
    story holds each), a reader, an export writer and its allowed keys, which name its references."""
    assert seed_format.READERS.missing() == []
    assert export.WRITERS.missing() == []
    assert set(seed_format.ALLOWED_KEYS) == set(kinds.KEYS)
    assert {file.name for file in loader.STORY.glob("*.jsonl")} == {name for name, _ in FILES}
    assert len({kind.file for kind in KINDS}) == len(KINDS)
    for kind in KINDS:
        assert {ref.field for ref in kind.references} <= seed_format.ALLOWED_KEYS[kind.key], kind.key
        assert ("sources" in seed_format.ALLOWED_KEYS[kind.key]) == (kind.citation is not None), kind.key
        assert ("tags" in seed_format.ALLOWED_KEYS[kind.key]) == (kind.tags is not None), kind.key
        assert loader.seed_files(loader.STORY / kind.file) == [(loader.STORY / kind.file, kind.key)]

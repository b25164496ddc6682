"""Initial schema: actors, affiliations, sources, events, statements, reactions, relationship changes,
citations and tombstones, with their foreign keys, unique slugs, check constraints and indexes.

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 11:09:59.692161
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('actor',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
    sa.Column('sectors', sa.JSON(), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('wikidata', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('external_ids', sa.JSON(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('search_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint("kind IN ('state', 'government', 'government_body', 'diplomatic_mission', 'legislature', 'party', 'person', 'organisation', 'armed_group', 'international_organisation', 'media_outlet', 'parliamentary_group')", name=op.f('ck_actor_kind')),
    sa.CheckConstraint('country IS NULL OR length(country) = 3', name=op.f('ck_actor_country_alpha3')),
    sa.CheckConstraint('length(slug) > 0', name=op.f('ck_actor_slug_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor')),
    sa.UniqueConstraint('slug', name=op.f('uq_actor_slug'))
    )
    with op.batch_alter_table('actor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actor_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_actor_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_actor_updated_at'), ['updated_at'], unique=False)

    op.create_table('event',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('when_text', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('date_start', sa.Date(), nullable=False),
    sa.Column('date_end', sa.Date(), nullable=False),
    sa.Column('date_precision', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('date_qualifier', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('date_ongoing', sa.Boolean(), nullable=False),
    sa.Column('date_long', sa.Boolean(), nullable=False),
    sa.Column('date_label', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('day_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('mode', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('contexts', sa.JSON(), nullable=False),
    sa.Column('quad_class', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('modality', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('cameo', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('place_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('place_country', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
    sa.Column('place_lat', sa.Float(), nullable=True),
    sa.Column('place_lon', sa.Float(), nullable=True),
    sa.Column('search_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint("date_precision IN ('day', 'month', 'year', 'decade')", name=op.f('ck_event_date_precision')),
    sa.CheckConstraint("date_qualifier IS NULL OR date_qualifier IN ('circa', 'early', 'mid', 'late', 'before', 'after', 'between')", name=op.f('ck_event_date_qualifier')),
    sa.CheckConstraint("kind IN ('AGREE', 'CONSULT', 'SUPPORT', 'CONCEDE', 'COOPERATE', 'AID', 'RETREAT', 'REQUEST', 'ACCUSE', 'REJECT', 'THREATEN', 'PROTEST', 'SANCTION', 'MOBILIZE', 'COERCE', 'ASSAULT')", name=op.f('ck_event_kind')),
    sa.CheckConstraint("modality IN ('actual', 'future', 'hypothetical', 'negated')", name=op.f('ck_event_modality')),
    sa.CheckConstraint("quad_class IN ('VERBAL_COOPERATION', 'MATERIAL_COOPERATION', 'VERBAL_CONFLICT', 'MATERIAL_CONFLICT')", name=op.f('ck_event_quad_class')),
    sa.CheckConstraint('date_start <= date_end', name=op.f('ck_event_date_order')),
    sa.CheckConstraint('place_country IS NULL OR length(place_country) = 3', name=op.f('ck_event_country_alpha3')),
    sa.CheckConstraint('place_lat IS NULL OR (place_lat >= -90 AND place_lat <= 90)', name=op.f('ck_event_lat_range')),
    sa.CheckConstraint('place_lon IS NULL OR (place_lon >= -180 AND place_lon <= 180)', name=op.f('ck_event_lon_range')),
    sa.CheckConstraint('score >= -10 AND score <= 10', name=op.f('ck_event_score_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event')),
    sa.UniqueConstraint('slug', name=op.f('uq_event_slug'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_date_end'), ['date_end'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_date_start'), ['date_start'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_kind'), ['kind'], unique=False)
        batch_op.create_index('ix_event_long', ['date_long', 'date_start', 'day_order', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_place_country'), ['place_country'], unique=False)
        batch_op.create_index('ix_event_timeline', ['date_start', 'day_order', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_updated_at'), ['updated_at'], unique=False)

    op.create_table('source',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('publisher', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('author', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('published_text', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('published_start', sa.Date(), nullable=True),
    sa.Column('published_end', sa.Date(), nullable=True),
    sa.Column('published_label', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.CheckConstraint('length(title) > 0', name=op.f('ck_source_title_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source')),
    sa.UniqueConstraint('slug', name=op.f('uq_source_slug'))
    )
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_updated_at'), ['updated_at'], unique=False)

    op.create_table('tombstone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_type', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tombstone'))
    )
    with op.batch_alter_table('tombstone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tombstone_deleted_at'), ['deleted_at'], unique=False)

    op.create_table('affiliation',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('start_text', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('start_label', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('end_text', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('end_label', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.CheckConstraint("kind IN ('role', 'part_of', 'member', 'represents')", name=op.f('ck_affiliation_kind')),
    sa.CheckConstraint('member_id <> organisation_id', name=op.f('ck_affiliation_not_self')),
    sa.CheckConstraint('start_date IS NULL OR end_date IS NULL OR start_date <= end_date', name=op.f('ck_affiliation_date_order')),
    sa.ForeignKeyConstraint(['member_id'], ['actor.id'], name=op.f('fk_affiliation_member_id_actor'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['actor.id'], name=op.f('fk_affiliation_organisation_id_actor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_affiliation')),
    sa.UniqueConstraint('slug', name=op.f('uq_affiliation_slug'))
    )
    with op.batch_alter_table('affiliation', schema=None) as batch_op:
        batch_op.create_index('ix_affiliation_member_org', ['member_id', 'organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_affiliation_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_affiliation_updated_at'), ['updated_at'], unique=False)

    op.create_table('event_participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("role IN ('initiator', 'target', 'participant', 'host', 'signatory', 'subject')", name=op.f('ck_event_participant_role')),
    sa.ForeignKeyConstraint(['actor_id'], ['actor.id'], name=op.f('fk_event_participant_actor_id_actor'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_participant_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_participant')),
    sa.UniqueConstraint('event_id', 'actor_id', 'role', name=op.f('uq_event_participant_event_id_actor_id_role'))
    )
    with op.batch_alter_table('event_participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_participant_actor_id'), ['actor_id'], unique=False)

    op.create_table('event_tag',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('tag', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_tag_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'tag', name=op.f('pk_event_tag'))
    )
    with op.batch_alter_table('event_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_tag_tag'), ['tag'], unique=False)

    op.create_table('statement',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('when_text', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('date_start', sa.Date(), nullable=False),
    sa.Column('date_end', sa.Date(), nullable=False),
    sa.Column('date_precision', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('date_qualifier', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('date_ongoing', sa.Boolean(), nullable=False),
    sa.Column('date_long', sa.Boolean(), nullable=False),
    sa.Column('date_label', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('day_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('speaker_id', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('venue_event_id', sa.Integer(), nullable=True),
    sa.Column('quote', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('translation', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('stance', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('search_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint("channel IN ('speech', 'press_conference', 'press_release', 'social_media_post', 'interview', 'diplomatic_note', 'petition_text', 'resolution_text', 'remarks')", name=op.f('ck_statement_channel')),
    sa.CheckConstraint("date_precision IN ('day', 'month', 'year', 'decade')", name=op.f('ck_statement_date_precision')),
    sa.CheckConstraint("date_qualifier IS NULL OR date_qualifier IN ('circa', 'early', 'mid', 'late', 'before', 'after', 'between')", name=op.f('ck_statement_date_qualifier')),
    sa.CheckConstraint("stance IS NULL OR stance IN ('positive', 'negative', 'neutral', 'mixed')", name=op.f('ck_statement_stance')),
    sa.CheckConstraint('date_start <= date_end', name=op.f('ck_statement_date_order')),
    sa.CheckConstraint('length(quote) > 0', name=op.f('ck_statement_quote_not_empty')),
    sa.ForeignKeyConstraint(['speaker_id'], ['actor.id'], name=op.f('fk_statement_speaker_id_actor')),
    sa.ForeignKeyConstraint(['venue_event_id'], ['event.id'], name=op.f('fk_statement_venue_event_id_event')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement')),
    sa.UniqueConstraint('slug', name=op.f('uq_statement_slug'))
    )
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_date_end'), ['date_end'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_date_start'), ['date_start'], unique=False)
        batch_op.create_index('ix_statement_long', ['date_long', 'date_start', 'day_order', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_speaker_id'), ['speaker_id'], unique=False)
        batch_op.create_index('ix_statement_timeline', ['date_start', 'day_order', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_updated_at'), ['updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_venue_event_id'), ['venue_event_id'], unique=False)

    op.create_table('reaction',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('when_text', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('date_start', sa.Date(), nullable=False),
    sa.Column('date_end', sa.Date(), nullable=False),
    sa.Column('date_precision', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('date_qualifier', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('date_ongoing', sa.Boolean(), nullable=False),
    sa.Column('date_long', sa.Boolean(), nullable=False),
    sa.Column('date_label', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('day_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('reactor_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('target_event_id', sa.Integer(), nullable=True),
    sa.Column('target_statement_id', sa.Integer(), nullable=True),
    sa.Column('target_reaction_id', sa.Integer(), nullable=True),
    sa.Column('statement_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('search_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint("date_precision IN ('day', 'month', 'year', 'decade')", name=op.f('ck_reaction_date_precision')),
    sa.CheckConstraint("date_qualifier IS NULL OR date_qualifier IN ('circa', 'early', 'mid', 'late', 'before', 'after', 'between')", name=op.f('ck_reaction_date_qualifier')),
    sa.CheckConstraint("kind IN ('thanks', 'praise', 'endorse', 'agree', 'condemn', 'criticise', 'ridicule', 'accuse', 'deny', 'reject', 'demand', 'warn', 'threaten', 'summon_envoy', 'retaliate', 'clarify')", name=op.f('ck_reaction_kind')),
    sa.CheckConstraint('(CASE WHEN target_event_id IS NULL THEN 0 ELSE 1 END + CASE WHEN target_statement_id IS NULL THEN 0 ELSE 1 END + CASE WHEN target_reaction_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_reaction_exactly_one_target')),
    sa.CheckConstraint('date_start <= date_end', name=op.f('ck_reaction_date_order')),
    sa.CheckConstraint('score >= -10 AND score <= 10', name=op.f('ck_reaction_score_range')),
    sa.CheckConstraint('target_reaction_id IS NULL OR target_reaction_id <> id', name=op.f('ck_reaction_not_self')),
    sa.ForeignKeyConstraint(['reactor_id'], ['actor.id'], name=op.f('fk_reaction_reactor_id_actor')),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], name=op.f('fk_reaction_statement_id_statement')),
    sa.ForeignKeyConstraint(['target_event_id'], ['event.id'], name=op.f('fk_reaction_target_event_id_event')),
    sa.ForeignKeyConstraint(['target_reaction_id'], ['reaction.id'], name=op.f('fk_reaction_target_reaction_id_reaction')),
    sa.ForeignKeyConstraint(['target_statement_id'], ['statement.id'], name=op.f('fk_reaction_target_statement_id_statement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reaction')),
    sa.UniqueConstraint('slug', name=op.f('uq_reaction_slug'))
    )
    with op.batch_alter_table('reaction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reaction_date_end'), ['date_end'], unique=False)
        batch_op.create_index(batch_op.f('ix_reaction_date_start'), ['date_start'], unique=False)
        batch_op.create_index(batch_op.f('ix_reaction_kind'), ['kind'], unique=False)
        batch_op.create_index('ix_reaction_long', ['date_long', 'date_start', 'day_order', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reaction_reactor_id'), ['reactor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reaction_statement_id'), ['statement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reaction_target_event_id'), ['target_event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reaction_target_reaction_id'), ['target_reaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reaction_target_statement_id'), ['target_statement_id'], unique=False)
        batch_op.create_index('ix_reaction_timeline', ['date_start', 'day_order', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reaction_updated_at'), ['updated_at'], unique=False)

    op.create_table('statement_about',
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actor.id'], name=op.f('fk_statement_about_actor_id_actor'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], name=op.f('fk_statement_about_statement_id_statement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('statement_id', 'actor_id', name=op.f('pk_statement_about'))
    )
    with op.batch_alter_table('statement_about', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_about_actor_id'), ['actor_id'], unique=False)

    op.create_table('statement_tag',
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('tag', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], name=op.f('fk_statement_tag_statement_id_statement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('statement_id', 'tag', name=op.f('pk_statement_tag'))
    )
    with op.batch_alter_table('statement_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_tag_tag'), ['tag'], unique=False)

    op.create_table('reaction_tag',
    sa.Column('reaction_id', sa.Integer(), nullable=False),
    sa.Column('tag', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.ForeignKeyConstraint(['reaction_id'], ['reaction.id'], name=op.f('fk_reaction_tag_reaction_id_reaction'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('reaction_id', 'tag', name=op.f('pk_reaction_tag'))
    )
    with op.batch_alter_table('reaction_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reaction_tag_tag'), ['tag'], unique=False)

    op.create_table('relationship_change',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('when_text', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('date_start', sa.Date(), nullable=False),
    sa.Column('date_end', sa.Date(), nullable=False),
    sa.Column('date_precision', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('date_qualifier', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('date_ongoing', sa.Boolean(), nullable=False),
    sa.Column('date_long', sa.Boolean(), nullable=False),
    sa.Column('date_label', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('day_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('from_actor_id', sa.Integer(), nullable=False),
    sa.Column('to_actor_id', sa.Integer(), nullable=False),
    sa.Column('delta', sa.Integer(), nullable=False),
    sa.Column('cause_event_id', sa.Integer(), nullable=True),
    sa.Column('cause_statement_id', sa.Integer(), nullable=True),
    sa.Column('cause_reaction_id', sa.Integer(), nullable=True),
    sa.Column('explanation', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint("date_precision IN ('day', 'month', 'year', 'decade')", name=op.f('ck_relationship_change_date_precision')),
    sa.CheckConstraint("date_qualifier IS NULL OR date_qualifier IN ('circa', 'early', 'mid', 'late', 'before', 'after', 'between')", name=op.f('ck_relationship_change_date_qualifier')),
    sa.CheckConstraint('(CASE WHEN cause_event_id IS NULL THEN 0 ELSE 1 END + CASE WHEN cause_statement_id IS NULL THEN 0 ELSE 1 END + CASE WHEN cause_reaction_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_relationship_change_exactly_one_cause')),
    sa.CheckConstraint('date_start <= date_end', name=op.f('ck_relationship_change_date_order')),
    sa.CheckConstraint('delta >= -10 AND delta <= 10 AND delta <> 0', name=op.f('ck_relationship_change_delta_range')),
    sa.CheckConstraint('from_actor_id <> to_actor_id', name=op.f('ck_relationship_change_not_self')),
    sa.ForeignKeyConstraint(['cause_event_id'], ['event.id'], name=op.f('fk_relationship_change_cause_event_id_event')),
    sa.ForeignKeyConstraint(['cause_reaction_id'], ['reaction.id'], name=op.f('fk_relationship_change_cause_reaction_id_reaction')),
    sa.ForeignKeyConstraint(['cause_statement_id'], ['statement.id'], name=op.f('fk_relationship_change_cause_statement_id_statement')),
    sa.ForeignKeyConstraint(['from_actor_id'], ['actor.id'], name=op.f('fk_relationship_change_from_actor_id_actor')),
    sa.ForeignKeyConstraint(['to_actor_id'], ['actor.id'], name=op.f('fk_relationship_change_to_actor_id_actor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relationship_change')),
    sa.UniqueConstraint('slug', name=op.f('uq_relationship_change_slug'))
    )
    with op.batch_alter_table('relationship_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relationship_change_cause_event_id'), ['cause_event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relationship_change_cause_reaction_id'), ['cause_reaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relationship_change_cause_statement_id'), ['cause_statement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relationship_change_date_end'), ['date_end'], unique=False)
        batch_op.create_index(batch_op.f('ix_relationship_change_date_start'), ['date_start'], unique=False)
        batch_op.create_index('ix_relationship_change_dyad', ['from_actor_id', 'to_actor_id', 'date_start', 'day_order', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relationship_change_to_actor_id'), ['to_actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relationship_change_updated_at'), ['updated_at'], unique=False)

    op.create_table('citation',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('passage', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('affiliation_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('statement_id', sa.Integer(), nullable=True),
    sa.Column('reaction_id', sa.Integer(), nullable=True),
    sa.Column('relationship_change_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(CASE WHEN actor_id IS NULL THEN 0 ELSE 1 END + CASE WHEN affiliation_id IS NULL THEN 0 ELSE 1 END + CASE WHEN event_id IS NULL THEN 0 ELSE 1 END + CASE WHEN statement_id IS NULL THEN 0 ELSE 1 END + CASE WHEN reaction_id IS NULL THEN 0 ELSE 1 END + CASE WHEN relationship_change_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_citation_exactly_one_record')),
    sa.ForeignKeyConstraint(['actor_id'], ['actor.id'], name=op.f('fk_citation_actor_id_actor'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['affiliation_id'], ['affiliation.id'], name=op.f('fk_citation_affiliation_id_affiliation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_citation_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reaction_id'], ['reaction.id'], name=op.f('fk_citation_reaction_id_reaction'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['relationship_change_id'], ['relationship_change.id'], name=op.f('fk_citation_relationship_change_id_relationship_change'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_citation_source_id_source')),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], name=op.f('fk_citation_statement_id_statement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citation'))
    )
    with op.batch_alter_table('citation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citation_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_citation_affiliation_id'), ['affiliation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_citation_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_citation_reaction_id'), ['reaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_citation_relationship_change_id'), ['relationship_change_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_citation_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_citation_statement_id'), ['statement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_citation_updated_at'), ['updated_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('citation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citation_updated_at'))
        batch_op.drop_index(batch_op.f('ix_citation_statement_id'))
        batch_op.drop_index(batch_op.f('ix_citation_source_id'))
        batch_op.drop_index(batch_op.f('ix_citation_relationship_change_id'))
        batch_op.drop_index(batch_op.f('ix_citation_reaction_id'))
        batch_op.drop_index(batch_op.f('ix_citation_event_id'))
        batch_op.drop_index(batch_op.f('ix_citation_affiliation_id'))
        batch_op.drop_index(batch_op.f('ix_citation_actor_id'))

    op.drop_table('citation')
    with op.batch_alter_table('relationship_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relationship_change_updated_at'))
        batch_op.drop_index(batch_op.f('ix_relationship_change_to_actor_id'))
        batch_op.drop_index('ix_relationship_change_dyad')
        batch_op.drop_index(batch_op.f('ix_relationship_change_date_start'))
        batch_op.drop_index(batch_op.f('ix_relationship_change_date_end'))
        batch_op.drop_index(batch_op.f('ix_relationship_change_cause_statement_id'))
        batch_op.drop_index(batch_op.f('ix_relationship_change_cause_reaction_id'))
        batch_op.drop_index(batch_op.f('ix_relationship_change_cause_event_id'))

    op.drop_table('relationship_change')
    with op.batch_alter_table('reaction_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reaction_tag_tag'))

    op.drop_table('reaction_tag')
    with op.batch_alter_table('statement_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_tag_tag'))

    op.drop_table('statement_tag')
    with op.batch_alter_table('statement_about', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_about_actor_id'))

    op.drop_table('statement_about')
    with op.batch_alter_table('reaction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reaction_updated_at'))
        batch_op.drop_index('ix_reaction_timeline')
        batch_op.drop_index(batch_op.f('ix_reaction_target_statement_id'))
        batch_op.drop_index(batch_op.f('ix_reaction_target_reaction_id'))
        batch_op.drop_index(batch_op.f('ix_reaction_target_event_id'))
        batch_op.drop_index(batch_op.f('ix_reaction_statement_id'))
        batch_op.drop_index(batch_op.f('ix_reaction_reactor_id'))
        batch_op.drop_index('ix_reaction_long')
        batch_op.drop_index(batch_op.f('ix_reaction_kind'))
        batch_op.drop_index(batch_op.f('ix_reaction_date_start'))
        batch_op.drop_index(batch_op.f('ix_reaction_date_end'))

    op.drop_table('reaction')
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_venue_event_id'))
        batch_op.drop_index(batch_op.f('ix_statement_updated_at'))
        batch_op.drop_index('ix_statement_timeline')
        batch_op.drop_index(batch_op.f('ix_statement_speaker_id'))
        batch_op.drop_index('ix_statement_long')
        batch_op.drop_index(batch_op.f('ix_statement_date_start'))
        batch_op.drop_index(batch_op.f('ix_statement_date_end'))

    op.drop_table('statement')
    with op.batch_alter_table('event_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_tag_tag'))

    op.drop_table('event_tag')
    with op.batch_alter_table('event_participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_participant_actor_id'))

    op.drop_table('event_participant')
    with op.batch_alter_table('affiliation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_affiliation_updated_at'))
        batch_op.drop_index(batch_op.f('ix_affiliation_organisation_id'))
        batch_op.drop_index('ix_affiliation_member_org')

    op.drop_table('affiliation')
    with op.batch_alter_table('tombstone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tombstone_deleted_at'))

    op.drop_table('tombstone')
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_updated_at'))

    op.drop_table('source')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_updated_at'))
        batch_op.drop_index('ix_event_timeline')
        batch_op.drop_index(batch_op.f('ix_event_place_country'))
        batch_op.drop_index('ix_event_long')
        batch_op.drop_index(batch_op.f('ix_event_kind'))
        batch_op.drop_index(batch_op.f('ix_event_date_start'))
        batch_op.drop_index(batch_op.f('ix_event_date_end'))

    op.drop_table('event')
    with op.batch_alter_table('actor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actor_updated_at'))
        batch_op.drop_index(batch_op.f('ix_actor_kind'))
        batch_op.drop_index(batch_op.f('ix_actor_country'))

    op.drop_table('actor')

"""Baseline: the schema of version 0.1, as `create_all` made it, with two changes.

Revision ID: 0001
Revises: (none)
Create Date: 2026-12-07

On an empty database this creates every table. On a database made by an earlier version with
`create_all` (tables present, no `alembic_version`), it creates only the tables missing, adds
missing indexes, and fixes what `create_all` could not change on existing tables:

- a need's `ref` is unique per enterprise, no longer across all needs (the old global unique
  index `ix_need_ref` becomes a plain one, beside the unique `(enterprise_id, ref)`);
- on SQLite, every table with an integer key is rebuilt (batch mode: copy, drop, rename) as
  AUTOINCREMENT, so that the id of a deleted row is never given again;
- on PostgreSQL, integer ids (keys, the columns referring to them, the key sequences) become
  BIGINT, as the API accepts ids up to 2**63-1.

The caller (`matcher.platform.migrations.upgrade`) then checks the database equals the models.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


_existing: set[str] = set()
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # ids are 1 … 2**63-1
# the integer key of each table and its columns referring to integer keys: BIGINT on PostgreSQL
WIDE_IDS = {
    'auditentry': ('id',),
    'dossier': ('id',),
    'event': ('id',),
    'enterprise': ('id',),
    'intermediary': ('id',),
    'plan': ('id',),
    'apikey': ('id', 'enterprise_id'),
    'fdiproject': ('local_enterprise_id', 'id'),
    'need': ('id', 'enterprise_id'),
    'person': ('id', 'intermediary_id'),
    'planperiod': ('id', 'plan_id'),
    'training': ('organiser_id', 'id'),
    'introduction': ('dossier_id', 'enterprise_id', 'need_id', 'intermediary_id', 'id'),
    'participant': ('dossier_id', 'need_id', 'id', 'event_id', 'enterprise_id'),
    'target': ('id', 'period_id'),
    'trainingparticipant': ('id', 'training_id'),
    'introductionevent': ('id', 'introduction_id'),
    'meeting': ('supplier_participant_id', 'enterprise_participant_id', 'id', 'event_id'),
    'meetingrequest': ('requester_id', 'target_id', 'id', 'event_id'),
    'transfer': ('id', 'introduction_id', 'dossier_id', 'enterprise_id'),
}
ENUM_TYPES = ("channel", "confidentiality", "declinereason", "dossierstatus", "followup",
              "indicator", "intermediarykind", "iprstatus", "meetingrating", "meetingsource",
              "meetingstatus", "needstatus", "participantkind", "requeststatus", "role",
              "sizeclass", "source", "status", "trainingformat", "transfermode")


def upgrade() -> None:
    """Create the tables (those missing, on an earlier version's database) and fix the old ones."""
    bind = op.get_bind()
    _existing.clear()
    _existing.update(set(sa.inspect(bind).get_table_names()) - {"alembic_version"})
    _create_all()
    if _existing:
        _adopt(bind)


def _create_table(name: str, *columns, **kwargs) -> None:
    """`op.create_table`, unless an earlier version made the table already."""
    if name not in _existing:
        op.create_table(name, *columns, **kwargs)


class _MissingIndexes:
    """Creates on a table only the indexes it does not have yet."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.names = ({i["name"] for i in sa.inspect(op.get_bind()).get_indexes(table)}
                      if table in _existing else set())

    def create_index(self, name: str, columns: list[str], unique: bool) -> None:
        if name not in self.names:
            op.create_index(name, self.table, columns, unique=unique)


@contextmanager
def _indexes(table: str) -> Iterator[_MissingIndexes]:
    yield _MissingIndexes(table)


def _adopt(bind: sa.engine.Connection) -> None:
    """Fix the tables an earlier version made (see the module's docstring)."""
    inspector = sa.inspect(bind)
    need_ref = {i["name"]: i for i in inspector.get_indexes("need")}.get("ix_need_ref")
    per_enterprise = any(u["column_names"] == ["enterprise_id", "ref"]
                         for u in inspector.get_unique_constraints("need"))
    if bind.dialect.name == "sqlite":
        _rebuild_sqlite_tables(bind, fix_need_ref=bool(need_ref and need_ref["unique"]),
                               add_per_enterprise=not per_enterprise)
        return
    _widen_postgresql_ids(bind)
    if need_ref and need_ref["unique"]:
        op.drop_index("ix_need_ref", "need")
        op.create_index("ix_need_ref", "need", ["ref"], unique=False)
    if not per_enterprise:
        op.create_unique_constraint("need_enterprise_id_ref_key", "need", ["enterprise_id", "ref"])


def _widen_postgresql_ids(bind: sa.engine.Connection) -> None:
    """Make the INTEGER ids of the old tables (and their sequences) BIGINT."""
    inspector = sa.inspect(bind)
    for table in sorted(_existing & WIDE_IDS.keys()):
        types = {c["name"]: c["type"] for c in inspector.get_columns(table)}
        for column in WIDE_IDS[table]:
            if isinstance(types.get(column), sa.BigInteger) or column not in types:
                continue
            op.alter_column(table, column, type_=sa.BigInteger(), existing_nullable=False
                            if column == "id" else None)
        sequence = bind.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"),
                                {"t": table}).scalar()
        if sequence:
            op.execute(f"ALTER SEQUENCE {sequence} AS bigint")


def _rebuild_sqlite_tables(bind: sa.engine.Connection, fix_need_ref: bool,
                           add_per_enterprise: bool) -> None:
    """Rebuild as AUTOINCREMENT every table made without it (and fix `need` on the way)."""
    ddl = dict(bind.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all())
    inspector = sa.inspect(bind)
    for name in sorted(_existing):
        key = inspector.get_columns(name)
        integer_key = [c for c in key if c.get("primary_key")
                       and isinstance(c["type"], sa.Integer)]
        rebuild = len(integer_key) == 1 and "AUTOINCREMENT" not in ddl[name].upper()
        if name == "need":
            rebuild = rebuild or fix_need_ref or add_per_enterprise
        if not rebuild:
            continue
        with op.batch_alter_table(name, recreate="always",
                                  table_kwargs={"sqlite_autoincrement": True}) as batch:
            if name == "need" and fix_need_ref:
                batch.drop_index("ix_need_ref")
                batch.create_index("ix_need_ref", ["ref"], unique=False)
            if name == "need" and add_per_enterprise:
                batch.create_unique_constraint("uq_need_enterprise_id_ref",
                                               ["enterprise_id", "ref"])


def _create_all() -> None:
    """Every table of version 0.1 and its indexes (those missing)."""
    _create_table('auditentry',
    sa.Column('id', ID, nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('request', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('table_name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('record_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with _indexes('auditentry') as batch_op:
        batch_op.create_index(op.f('ix_auditentry_at'), ['at'], unique=False)
        batch_op.create_index(op.f('ix_auditentry_record_id'), ['record_id'], unique=False)
        batch_op.create_index(op.f('ix_auditentry_table_name'), ['table_name'], unique=False)

    _create_table('dossier',
    sa.Column('ref', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=20000), nullable=False),
    sa.Column('advantages', sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('origin_country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('supplier_org', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('supplier_contact', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('source', sa.Enum('national_db', 'kisti', 'kiat', 'ipi', 'imag', 'shanghai_exchange', 'techmart', 'other', name='source'), nullable=False),
    sa.Column('source_ref', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('sector_codes', sa.JSON(), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('trl', sa.Integer(), nullable=True),
    sa.Column('ipr_status', sa.Enum('patent_granted', 'patent_pending', 'utility_solution', 'know_how', 'copyright', 'none', name='iprstatus'), nullable=False),
    sa.Column('transfer_modes', sa.JSON(), nullable=False),
    sa.Column('price_min', sa.Float(), nullable=True),
    sa.Column('price_max', sa.Float(), nullable=True),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('req_engineers', sa.Integer(), nullable=False),
    sa.Column('req_staff', sa.Integer(), nullable=False),
    sa.Column('req_investment_vnd', sa.Float(), nullable=True),
    sa.Column('req_skills', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('req_infrastructure', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('second_hand', sa.Boolean(), nullable=False),
    sa.Column('equipment_year', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'active', 'expired', 'withdrawn', name='dossierstatus'), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('id', ID, nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with _indexes('dossier') as batch_op:
        batch_op.create_index(op.f('ix_dossier_ref'), ['ref'], unique=True)

    _create_table('event',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('jurisdiction', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('venue', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('meeting_minutes', sa.Integer(), nullable=False),
    sa.Column('slot_starts', sa.JSON(), nullable=False),
    sa.Column('table_count', sa.Integer(), nullable=False),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('id', ID, nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with _indexes('event') as batch_op:
        batch_op.create_index(op.f('ix_event_jurisdiction'), ['jurisdiction'], unique=False)

    _create_table('jurisdiction',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.PrimaryKeyConstraint('code'),
    sqlite_autoincrement=True
    )
    _create_table('enterprise',
    sa.Column('tax_code', sqlmodel.sql.sqltypes.AutoString(length=14), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('province', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('jurisdiction', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('district', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('industrial_zone', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('size_class', sa.Enum('micro', 'small', 'medium', 'large', name='sizeclass'), nullable=False),
    sa.Column('employees', sa.Integer(), nullable=False),
    sa.Column('main_sector', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('engineers', sa.Integer(), nullable=False),
    sa.Column('rd_staff', sa.Integer(), nullable=False),
    sa.Column('prior_transfers', sa.Integer(), nullable=False),
    sa.Column('st_budget_vnd', sa.Float(), nullable=False),
    sa.Column('contact_email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('contact_phone', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('id', ID, nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction'], ['jurisdiction.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with _indexes('enterprise') as batch_op:
        batch_op.create_index(op.f('ix_enterprise_jurisdiction'), ['jurisdiction'], unique=False)
        batch_op.create_index(op.f('ix_enterprise_tax_code'), ['tax_code'], unique=True)

    _create_table('intermediary',
    sa.Column('ref', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('kind', sa.Enum('consulting', 'brokerage', 'valuation', 'st_centre', 'techmart_organiser', name='intermediarykind'), nullable=False),
    sa.Column('jurisdiction', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('id', ID, nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction'], ['jurisdiction.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with _indexes('intermediary') as batch_op:
        batch_op.create_index(op.f('ix_intermediary_jurisdiction'), ['jurisdiction'], unique=False)
        batch_op.create_index(op.f('ix_intermediary_ref'), ['ref'], unique=True)

    _create_table('plan',
    sa.Column('ref', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('jurisdiction', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('adopted_on', sa.Date(), nullable=True),
    sa.Column('sector_codes', sa.JSON(), nullable=False),
    sa.Column('report_due', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('id', ID, nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction'], ['jurisdiction.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with _indexes('plan') as batch_op:
        batch_op.create_index(op.f('ix_plan_jurisdiction'), ['jurisdiction'], unique=False)
        batch_op.create_index(op.f('ix_plan_ref'), ['ref'], unique=True)

    _create_table('sector',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('jurisdiction', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('letter', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('theme', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name_vi', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('description_vi', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('description_en', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['jurisdiction'], ['jurisdiction.code'], ),
    sa.PrimaryKeyConstraint('code'),
    sqlite_autoincrement=True
    )
    with _indexes('sector') as batch_op:
        batch_op.create_index(op.f('ix_sector_jurisdiction'), ['jurisdiction'], unique=False)
        batch_op.create_index(op.f('ix_sector_theme'), ['theme'], unique=False)

    _create_table('apikey',
    sa.Column('id', ID, nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('secret_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('role', sa.Enum('admin', 'intermediary', 'organiser', 'enterprise', name='role'), nullable=False),
    sa.Column('org', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('jurisdiction', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('enterprise_id', ID, nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with _indexes('apikey') as batch_op:
        batch_op.create_index(op.f('ix_apikey_prefix'), ['prefix'], unique=True)

    _create_table('fdiproject',
    sa.Column('ref', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('jurisdiction', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('investor_country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('with_transfer', sa.Boolean(), nullable=False),
    sa.Column('local_enterprise_id', ID, nullable=True),
    sa.Column('id', ID, nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction'], ['jurisdiction.code'], ),
    sa.ForeignKeyConstraint(['local_enterprise_id'], ['enterprise.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with _indexes('fdiproject') as batch_op:
        batch_op.create_index(op.f('ix_fdiproject_jurisdiction'), ['jurisdiction'], unique=False)
        batch_op.create_index(op.f('ix_fdiproject_ref'), ['ref'], unique=True)
        batch_op.create_index(op.f('ix_fdiproject_year'), ['year'], unique=False)

    _create_table('need',
    sa.Column('ref', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('problem', sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=False),
    sa.Column('desired_result', sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('sector_codes', sa.JSON(), nullable=False),
    sa.Column('budget_min_vnd', sa.Float(), nullable=True),
    sa.Column('budget_max_vnd', sa.Float(), nullable=True),
    sa.Column('timeline_months', sa.Integer(), nullable=True),
    sa.Column('preferred_countries', sa.JSON(), nullable=False),
    sa.Column('preferred_modes', sa.JSON(), nullable=False),
    sa.Column('confidentiality', sa.Enum('public', 'intermediaries', 'confidential', name='confidentiality'), nullable=False),
    sa.Column('status', sa.Enum('open', 'matched', 'closed', 'withdrawn', name='needstatus'), nullable=False),
    sa.Column('id', ID, nullable=False),
    sa.Column('enterprise_id', ID, nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('enterprise_id', 'ref'),
    sqlite_autoincrement=True
    )
    with _indexes('need') as batch_op:
        batch_op.create_index(op.f('ix_need_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(op.f('ix_need_ref'), ['ref'], unique=False)

    _create_table('person',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('id', ID, nullable=False),
    sa.Column('intermediary_id', ID, nullable=False),
    sa.ForeignKeyConstraint(['intermediary_id'], ['intermediary.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with _indexes('person') as batch_op:
        batch_op.create_index(op.f('ix_person_intermediary_id'), ['intermediary_id'], unique=False)

    _create_table('planperiod',
    sa.Column('id', ID, nullable=False),
    sa.Column('plan_id', ID, nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_id', 'label'),
    sqlite_autoincrement=True
    )
    with _indexes('planperiod') as batch_op:
        batch_op.create_index(op.f('ix_planperiod_plan_id'), ['plan_id'], unique=False)

    _create_table('training',
    sa.Column('ref', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('course', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('jurisdiction', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('format', sa.Enum('online', 'in_person', name='trainingformat'), nullable=False),
    sa.Column('organiser_id', ID, nullable=True),
    sa.Column('id', ID, nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction'], ['jurisdiction.code'], ),
    sa.ForeignKeyConstraint(['organiser_id'], ['intermediary.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with _indexes('training') as batch_op:
        batch_op.create_index(op.f('ix_training_jurisdiction'), ['jurisdiction'], unique=False)
        batch_op.create_index(op.f('ix_training_ref'), ['ref'], unique=True)

    _create_table('introduction',
    sa.Column('dossier_id', ID, nullable=False),
    sa.Column('enterprise_id', ID, nullable=False),
    sa.Column('need_id', ID, nullable=True),
    sa.Column('intermediary_id', ID, nullable=True),
    sa.Column('channel', sa.Enum('direct', 'event', 'online', name='channel'), nullable=False),
    sa.Column('id', ID, nullable=False),
    sa.Column('ref', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('introduced_on', sa.Date(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ),
    sa.ForeignKeyConstraint(['intermediary_id'], ['intermediary.id'], ),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with _indexes('introduction') as batch_op:
        batch_op.create_index(op.f('ix_introduction_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(op.f('ix_introduction_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(op.f('ix_introduction_intermediary_id'), ['intermediary_id'], unique=False)
        batch_op.create_index(op.f('ix_introduction_introduced_on'), ['introduced_on'], unique=False)
        batch_op.create_index(op.f('ix_introduction_need_id'), ['need_id'], unique=False)
        batch_op.create_index(op.f('ix_introduction_ref'), ['ref'], unique=True)

    _create_table('participant',
    sa.Column('ref', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('kind', sa.Enum('supplier', 'enterprise', name='participantkind'), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('organisation', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('dossier_id', ID, nullable=True),
    sa.Column('need_id', ID, nullable=True),
    sa.Column('available_slots', sa.JSON(), nullable=False),
    sa.Column('max_meetings', sa.Integer(), nullable=False),
    sa.Column('id', ID, nullable=False),
    sa.Column('event_id', ID, nullable=False),
    sa.Column('enterprise_id', ID, nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'ref'),
    sqlite_autoincrement=True
    )
    with _indexes('participant') as batch_op:
        batch_op.create_index(op.f('ix_participant_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(op.f('ix_participant_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(op.f('ix_participant_event_id'), ['event_id'], unique=False)
        batch_op.create_index(op.f('ix_participant_need_id'), ['need_id'], unique=False)

    _create_table('target',
    sa.Column('id', ID, nullable=False),
    sa.Column('period_id', ID, nullable=False),
    sa.Column('indicator', sa.Enum('foreign_dossiers_introduced', 'technologies_transferred', 'people_trained', 'fdi_transfer_growth', 'rd_capable_manufacturers_share', name='indicator'), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['planperiod.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('period_id', 'indicator'),
    sqlite_autoincrement=True
    )
    with _indexes('target') as batch_op:
        batch_op.create_index(op.f('ix_target_period_id'), ['period_id'], unique=False)

    _create_table('trainingparticipant',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('organisation', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('id', ID, nullable=False),
    sa.Column('training_id', ID, nullable=False),
    sa.ForeignKeyConstraint(['training_id'], ['training.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with _indexes('trainingparticipant') as batch_op:
        batch_op.create_index(op.f('ix_trainingparticipant_training_id'), ['training_id'], unique=False)

    _create_table('introductionevent',
    sa.Column('status', sa.Enum('suggested', 'introduced', 'interested', 'negotiating', 'transferred', 'declined', 'stalled', name='status'), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('decline_reason', sa.Enum('too_early_stage', 'benefit_unclear', 'cost', 'absorptive_capacity', 'ip_terms', 'other', name='declinereason'), nullable=True),
    sa.Column('id', ID, nullable=False),
    sa.Column('introduction_id', ID, nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['introduction_id'], ['introduction.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with _indexes('introductionevent') as batch_op:
        batch_op.create_index(op.f('ix_introductionevent_introduction_id'), ['introduction_id'], unique=False)

    _create_table('meeting',
    sa.Column('supplier_participant_id', ID, nullable=False),
    sa.Column('enterprise_participant_id', ID, nullable=False),
    sa.Column('slot', sa.Integer(), nullable=True),
    sa.Column('table', sa.Integer(), nullable=True),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('id', ID, nullable=False),
    sa.Column('event_id', ID, nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('source', sa.Enum('pairing', 'request', 'organiser', name='meetingsource'), nullable=False),
    sa.Column('status', sa.Enum('planned', 'scheduled', 'dropped', 'held', 'no_show', 'cancelled', name='meetingstatus'), nullable=False),
    sa.Column('drop_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('rating', sa.Enum('did_not_take_place', 'insufficient_interest', 'informative_no_cooperation', 'cooperation_possible', name='meetingrating'), nullable=True),
    sa.Column('rated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('follow_up', sa.Enum('no_further_contact', 'negotiation_started', 'agreement_reached', name='followup'), nullable=True),
    sa.Column('follow_up_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('introduction_id', sa.Integer(), nullable=True),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_participant_id'], ['participant.id'], ),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['supplier_participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'supplier_participant_id', 'enterprise_participant_id'),
    sqlite_autoincrement=True
    )
    with _indexes('meeting') as batch_op:
        batch_op.create_index(op.f('ix_meeting_enterprise_participant_id'), ['enterprise_participant_id'], unique=False)
        batch_op.create_index(op.f('ix_meeting_event_id'), ['event_id'], unique=False)
        batch_op.create_index(op.f('ix_meeting_supplier_participant_id'), ['supplier_participant_id'], unique=False)

    _create_table('meetingrequest',
    sa.Column('requester_id', ID, nullable=False),
    sa.Column('target_id', ID, nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('id', ID, nullable=False),
    sa.Column('event_id', ID, nullable=False),
    sa.Column('status', sa.Enum('pending', 'accepted', 'declined', 'expired', name='requeststatus'), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('responded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['requester_id'], ['participant.id'], ),
    sa.ForeignKeyConstraint(['target_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with _indexes('meetingrequest') as batch_op:
        batch_op.create_index(op.f('ix_meetingrequest_event_id'), ['event_id'], unique=False)
        batch_op.create_index(op.f('ix_meetingrequest_requester_id'), ['requester_id'], unique=False)
        batch_op.create_index(op.f('ix_meetingrequest_target_id'), ['target_id'], unique=False)

    _create_table('transfer',
    sa.Column('contract_date', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('mode', sa.Enum('licence', 'equipment_with_know_how', 'turnkey', 'joint_venture', 'rd_cooperation', 'consulting_training', 'commercial_agreement', name='transfermode'), nullable=False),
    sa.Column('registration_number', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('registration_date', sa.Date(), nullable=True),
    sa.Column('id', ID, nullable=False),
    sa.Column('introduction_id', ID, nullable=True),
    sa.Column('dossier_id', ID, nullable=False),
    sa.Column('enterprise_id', ID, nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ),
    sa.ForeignKeyConstraint(['introduction_id'], ['introduction.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('introduction_id'),
    sqlite_autoincrement=True
    )
    with _indexes('transfer') as batch_op:
        batch_op.create_index(op.f('ix_transfer_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(op.f('ix_transfer_enterprise_id'), ['enterprise_id'], unique=False)


def downgrade() -> None:
    """Drop every table (and, on PostgreSQL, the enum types): all data is lost."""
    with op.batch_alter_table('transfer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_transfer_dossier_id'))

    op.drop_table('transfer')
    with op.batch_alter_table('meetingrequest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetingrequest_target_id'))
        batch_op.drop_index(batch_op.f('ix_meetingrequest_requester_id'))
        batch_op.drop_index(batch_op.f('ix_meetingrequest_event_id'))

    op.drop_table('meetingrequest')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_supplier_participant_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_event_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_enterprise_participant_id'))

    op.drop_table('meeting')
    with op.batch_alter_table('introductionevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_introductionevent_introduction_id'))

    op.drop_table('introductionevent')
    with op.batch_alter_table('trainingparticipant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trainingparticipant_training_id'))

    op.drop_table('trainingparticipant')
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_period_id'))

    op.drop_table('target')
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participant_need_id'))
        batch_op.drop_index(batch_op.f('ix_participant_event_id'))
        batch_op.drop_index(batch_op.f('ix_participant_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_participant_dossier_id'))

    op.drop_table('participant')
    with op.batch_alter_table('introduction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_introduction_ref'))
        batch_op.drop_index(batch_op.f('ix_introduction_need_id'))
        batch_op.drop_index(batch_op.f('ix_introduction_introduced_on'))
        batch_op.drop_index(batch_op.f('ix_introduction_intermediary_id'))
        batch_op.drop_index(batch_op.f('ix_introduction_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_introduction_dossier_id'))

    op.drop_table('introduction')
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_ref'))
        batch_op.drop_index(batch_op.f('ix_training_jurisdiction'))

    op.drop_table('training')
    with op.batch_alter_table('planperiod', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_planperiod_plan_id'))

    op.drop_table('planperiod')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_intermediary_id'))

    op.drop_table('person')
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_ref'))
        batch_op.drop_index(batch_op.f('ix_need_enterprise_id'))

    op.drop_table('need')
    with op.batch_alter_table('fdiproject', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fdiproject_year'))
        batch_op.drop_index(batch_op.f('ix_fdiproject_ref'))
        batch_op.drop_index(batch_op.f('ix_fdiproject_jurisdiction'))

    op.drop_table('fdiproject')
    with op.batch_alter_table('apikey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_apikey_prefix'))

    op.drop_table('apikey')
    with op.batch_alter_table('sector', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sector_theme'))
        batch_op.drop_index(batch_op.f('ix_sector_jurisdiction'))

    op.drop_table('sector')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_ref'))
        batch_op.drop_index(batch_op.f('ix_plan_jurisdiction'))

    op.drop_table('plan')
    with op.batch_alter_table('intermediary', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intermediary_ref'))
        batch_op.drop_index(batch_op.f('ix_intermediary_jurisdiction'))

    op.drop_table('intermediary')
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_tax_code'))
        batch_op.drop_index(batch_op.f('ix_enterprise_jurisdiction'))

    op.drop_table('enterprise')
    op.drop_table('jurisdiction')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_jurisdiction'))

    op.drop_table('event')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_ref'))

    op.drop_table('dossier')
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auditentry_table_name'))
        batch_op.drop_index(batch_op.f('ix_auditentry_record_id'))
        batch_op.drop_index(batch_op.f('ix_auditentry_at'))

    op.drop_table('auditentry')
    if op.get_bind().dialect.name == "postgresql":
        for name in ENUM_TYPES:
            op.execute(f"DROP TYPE IF EXISTS {name}")

"""Duplicate dossiers merged across sources (`matcher.catalogue`): the dossier status `merged`,
`dossier.merged_into` (the dossier kept) and the `dossiersource` table of the source
references a kept dossier takes over from its duplicates.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
# SQLite rebuilds the table to add a foreign key: it keeps AUTOINCREMENT (ids never reused)
KEEP_AUTOINCREMENT = {"sqlite_autoincrement": True}
SOURCES = ('national_db', 'kisti', 'kiat', 'ipi', 'imag', 'shanghai_exchange', 'techmart', 'other')


def upgrade() -> None:
    """Add the status `merged` (a PostgreSQL enum value; SQLite stores enums as text), the
    `merged_into` column and the `dossiersource` table."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TYPE dossierstatus ADD VALUE IF NOT EXISTS 'merged'")
    with op.batch_alter_table('dossier', schema=None, recreate='auto',
                              table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
        batch_op.add_column(sa.Column('merged_into', ID, nullable=True))
        batch_op.create_index(batch_op.f('ix_dossier_merged_into'), ['merged_into'],
                              unique=False)
        batch_op.create_foreign_key('fk_dossier_merged_into', 'dossier', ['merged_into'],
                                    ['id'])
    op.create_table('dossiersource',
    sa.Column('id', ID, nullable=False),
    sa.Column('dossier_id', ID, nullable=False),
    sa.Column('merged_dossier_id', ID, nullable=False),
    sa.Column('source', sa.Enum(*SOURCES, name='source').with_variant(
        postgresql.ENUM(name='source', create_type=False), 'postgresql'), nullable=False),
    sa.Column('source_ref', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('ref', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('merged_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('merged_by', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.ForeignKeyConstraint(['merged_dossier_id'], ['dossier.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('dossiersource', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossiersource_dossier_id'), ['dossier_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_dossiersource_merged_dossier_id'),
                              ['merged_dossier_id'], unique=True)


def downgrade() -> None:
    """Drop the table and the column; merged dossiers become `withdrawn` (PostgreSQL cannot
    drop an enum value: `merged` stays in the type, unused)."""
    with op.batch_alter_table('dossiersource', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossiersource_merged_dossier_id'))
        batch_op.drop_index(batch_op.f('ix_dossiersource_dossier_id'))
    op.drop_table('dossiersource')
    op.execute("UPDATE dossier SET status = 'withdrawn' WHERE status = 'merged'")
    with op.batch_alter_table('dossier', schema=None, recreate='auto',
                              table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
        batch_op.drop_constraint('fk_dossier_merged_into', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_dossier_merged_into'))
        batch_op.drop_column('merged_into')

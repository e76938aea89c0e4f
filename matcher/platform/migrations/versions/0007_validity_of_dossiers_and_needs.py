"""How long dossiers and needs stay listed: `valid_until` on both (`matcher.models.validity`).

Records already stored get a full period from the day of the upgrade, not from their creation:
a catalogue loaded a year ago must not leave search overnight, before anyone could be told.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 08:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

from matcher.models.validity import default_valid_until

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

TABLES = ('dossier', 'need')
# SQLite rebuilds a table to change a column: keep ids never reused (AUTOINCREMENT)
KEEP = {'table_kwargs': {'sqlite_autoincrement': True}}


def upgrade() -> None:
    """Add `valid_until` (indexed), set to a full period from today on every stored row."""
    until = default_valid_until()
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('valid_until', sa.Date(), nullable=True))
        op.execute(sa.table(table, sa.column('valid_until', sa.Date()))
                   .update().values(valid_until=until))
        with op.batch_alter_table(table, schema=None, **KEEP) as batch_op:
            batch_op.alter_column('valid_until', existing_type=sa.Date(), nullable=False)
            batch_op.create_index(batch_op.f(f'ix_{table}_valid_until'), ['valid_until'],
                                  unique=False)


def downgrade() -> None:
    """Drop `valid_until` and its index."""
    for table in TABLES:
        with op.batch_alter_table(table, schema=None, **KEEP) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_valid_until'))
            batch_op.drop_column('valid_until')

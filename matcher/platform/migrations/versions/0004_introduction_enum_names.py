"""The ledger's enums renamed in the code (`Status` → `IntroductionStatus`, `Channel` →
`IntroductionChannel`): on PostgreSQL, whose enum types take the class's name, the types are
renamed to match. SQLite stores enums as text: nothing to do there.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

RENAMED = {"status": "introductionstatus", "channel": "introductionchannel"}


def _rename(names: dict[str, str]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for old, new in names.items():
        op.execute(f"""DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_type WHERE typname = '{old}') THEN
                ALTER TYPE {old} RENAME TO {new};
            END IF;
        END $$;""")


def upgrade() -> None:
    """Rename the PostgreSQL enum types of introduction statuses and channels."""
    _rename(RENAMED)


def downgrade() -> None:
    """Give the enum types their old names back."""
    _rename({new: old for old, new in RENAMED.items()})

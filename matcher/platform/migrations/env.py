"""The Alembic environment: migrations run on the connection the caller hands over in
`config.attributes["connection"]` (see `matcher.platform.migrations.upgrade`), against the
metadata of every SQLModel table. On SQLite, table changes use batch mode (copy and rename),
since SQLite cannot alter most of a table in place."""

from alembic import context
from sqlmodel import SQLModel

import matcher.platform.db  # noqa: F401  (registers every table on SQLModel.metadata)


def run() -> None:
    """Run the migrations (or the comparison, for `ketnoi db revision`) on the given
    connection."""
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=SQLModel.metadata,
                      render_as_batch=connection.dialect.name == "sqlite",
                      user_module_prefix="sqlmodel.sql.sqltypes.")
    with context.begin_transaction():
        context.run_migrations()


run()

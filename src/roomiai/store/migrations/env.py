"""Alembic environment: runs on the connection handed over by Database.migrate()."""

from alembic import context

from roomiai.store.tables import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through `roomi migrate` (Database.migrate), which provides the connection.")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()

"""Alembic environment: runs against the engine lowpolitics hands over, never an ini URL."""

from alembic import context

from lowpolitics.store.models import Base
from lowpolitics.store.schema_filter import include_object

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    context.run_migrations()

"""The store: models, engines, migrations, loading of validated records, and queries."""

"""The migrations build exactly the tables the mapping expects."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from accounts.adapters import metadata


def test_migrated_schema_matches_the_tables(svc):
    with svc.db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_schemas": False, "compare_type": True,
                                                     "include_name": lambda name, type_, parent: type_ != "table"
                                                     or name in metadata.tables})
        diffs = [d for d in compare_metadata(ctx, metadata)
                 if not (isinstance(d, tuple) and d[0] in ("add_index", "remove_index", "add_constraint",
                                                           "remove_constraint", "add_fk", "remove_fk"))]
    assert diffs == []

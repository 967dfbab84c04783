"""A full-text index for site search, on PostgreSQL only (SQLite searches with LIKE).

The expression matches the one reviews.search builds, so PostgreSQL can use it.
"""

from django.db import migrations

INDEX = "reviews_review_search_document_fts"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON reviews_review USING gin "
            "(to_tsvector('english'::regconfig, COALESCE((search_document)::text, '')))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_add_search_document")]

    operations = [migrations.RunPython(create_index, drop_index)]

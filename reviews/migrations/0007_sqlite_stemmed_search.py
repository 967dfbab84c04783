"""Stemmed, ranked site search on SQLite: an FTS5 table with the porter tokenizer.

PostgreSQL has its own full-text index (0004); this migration does nothing there. The SQL
lives in reviews.search, which post_migrate also runs (a later migration that rebuilds
reviews_review drops its triggers).
"""

from django.db import migrations

from reviews import search

def create_index(apps, schema_editor):
    search.install_sqlite_index(schema_editor.connection)


def drop_index(apps, schema_editor):
    search.drop_sqlite_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0006_clearer_slug_and_author_help")]

    operations = [migrations.RunPython(create_index, drop_index)]

"""Stemmed, ranked site search on SQLite: an FTS5 table with the porter tokenizer.

PostgreSQL has its own full-text index (0004); this migration does nothing there. Triggers
keep the table in step with reviews_review, so every write path (the admin, services,
loaddata, a raw UPDATE) updates the index in the same transaction as the row.
"""

from django.db import migrations

TABLE = "reviews_review_fts"
COLUMNS = "headline, body"

CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5({COLUMNS}, "
    "tokenize = 'porter unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_insert AFTER INSERT ON reviews_review BEGIN
        INSERT INTO {TABLE}(rowid, headline, body)
        VALUES (new.id, new.headline, new.search_document);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_update
    AFTER UPDATE OF headline, search_document ON reviews_review BEGIN
        DELETE FROM {TABLE} WHERE rowid = old.id;
        INSERT INTO {TABLE}(rowid, headline, body)
        VALUES (new.id, new.headline, new.search_document);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON reviews_review BEGIN
        DELETE FROM {TABLE} WHERE rowid = old.id;
    END""",
    f"DELETE FROM {TABLE}",
    f"INSERT INTO {TABLE}(rowid, headline, body) "
    "SELECT id, headline, search_document FROM reviews_review",
]

DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_insert",
    f"DROP TRIGGER IF EXISTS {TABLE}_update",
    f"DROP TRIGGER IF EXISTS {TABLE}_delete",
    f"DROP TABLE IF EXISTS {TABLE}",
]


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0006_clearer_slug_and_author_help")]

    operations = [migrations.RunPython(create_index, drop_index)]

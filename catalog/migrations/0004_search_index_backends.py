"""Database-specific search indexes over catalog_searchentry.text.

SQLite: an FTS5 table with the trigram tokenizer, kept in sync by triggers.
PostgreSQL: pg_trgm with a GIN trigram index. Other databases fall back to LIKE.
"""

from django.db import migrations

SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS catalog_searchentry_fts USING fts5(
        text, content='catalog_searchentry', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER IF NOT EXISTS catalog_searchentry_ai AFTER INSERT ON catalog_searchentry BEGIN
        INSERT INTO catalog_searchentry_fts(rowid, text) VALUES (new.id, new.text); END""",
    """CREATE TRIGGER IF NOT EXISTS catalog_searchentry_ad AFTER DELETE ON catalog_searchentry BEGIN
        INSERT INTO catalog_searchentry_fts(catalog_searchentry_fts, rowid, text) VALUES ('delete', old.id, old.text); END""",
    """CREATE TRIGGER IF NOT EXISTS catalog_searchentry_au AFTER UPDATE ON catalog_searchentry BEGIN
        INSERT INTO catalog_searchentry_fts(catalog_searchentry_fts, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO catalog_searchentry_fts(rowid, text) VALUES (new.id, new.text); END""",
    "INSERT INTO catalog_searchentry_fts(catalog_searchentry_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS catalog_searchentry_ai",
    "DROP TRIGGER IF EXISTS catalog_searchentry_ad",
    "DROP TRIGGER IF EXISTS catalog_searchentry_au",
    "DROP TABLE IF EXISTS catalog_searchentry_fts",
]
POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS catalog_searchentry_text_trgm ON catalog_searchentry USING gin (text gin_trgm_ops)",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS catalog_searchentry_text_trgm"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_work_review_count_work_score_average")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]

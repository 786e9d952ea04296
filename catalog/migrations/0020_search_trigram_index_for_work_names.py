"""PostgreSQL: the trigram index holds work names only.

Tags' and glossary terms' names are a few thousand at most, against millions of work names.
Through one index over every name, a tag lookup read the posting lists of every work name
sharing its trigrams and then threw them away by kind; a partial index leaves those lookups
to ``searchentry_object_idx`` (kind, object_id), which reads the vocabulary's own rows, as
SQLite's backend does (catalog.search.backends). Other databases have nothing to change.

The new index is built before the old one is dropped, so search keeps an index throughout; the
build holds a write lock on the table (under a minute at 2,000,000 names here), which a catalog
edited by curators, not by every visitor, can afford.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE INDEX IF NOT EXISTS catalog_searchentry_work_trgm ON catalog_searchentry"
    " USING gin (text gin_trgm_ops) WHERE kind = 'work'",
    "DROP INDEX IF EXISTS catalog_searchentry_text_trgm",
]
POSTGRES_BACKWARD = [
    "CREATE INDEX IF NOT EXISTS catalog_searchentry_text_trgm ON catalog_searchentry USING gin (text gin_trgm_ops)",
    "DROP INDEX IF EXISTS catalog_searchentry_work_trgm",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0019_work_unpublished_idx")]

    operations = [migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD))]

# The glossary files and sorts terms by a stored sort key: "The “happy” couple" under H (core.text.sort_key).

from django.db import migrations, models

import core.fields
from core.text import sort_key


def fill_sort_names(apps, schema_editor):
    Term = apps.get_model("glossary", "Term")
    terms = list(Term.objects.only("pk", "name"))
    for term in terms:
        term.sort_name = sort_key(term.name)[:200]
    Term.objects.bulk_update(terms, ["sort_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("glossary", "0002_term_old_slugs"),
    ]

    operations = [
        migrations.AddField(
            model_name="term",
            name="sort_name",
            field=core.fields.SortKeyField(populate_from="name"),
        ),
        # Reversed, the column is dropped with the field: nothing to undo here.
        migrations.RunPython(fill_sort_names, migrations.RunPython.noop, elidable=True),
        migrations.AlterModelOptions(
            name="term",
            options={"ordering": ["sort_name"]},
        ),
        migrations.AddIndex(
            model_name="term",
            index=models.Index(
                condition=models.Q(("is_published", True)), fields=["sort_name"], name="term_pub_sort_idx"
            ),
        ),
    ]

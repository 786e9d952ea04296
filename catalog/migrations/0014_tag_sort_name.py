# The tag list sorts by a stored sort key: "The “happy” couple" among the H's (core.text.sort_key).

from django.db import migrations, models

import core.fields
from core.text import sort_key


def fill_sort_names(apps, schema_editor):
    Tag = apps.get_model("catalog", "Tag")
    tags = list(Tag.objects.only("pk", "name"))
    for tag in tags:
        tag.sort_name = sort_key(tag.name)[:200]
    Tag.objects.bulk_update(tags, ["sort_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0013_work_and_tag_old_slugs"),
    ]

    operations = [
        migrations.AddField(
            model_name="tag",
            name="sort_name",
            field=core.fields.SortKeyField(populate_from="name"),
        ),
        # Reversed, the column is dropped with the field: nothing to undo here.
        migrations.RunPython(fill_sort_names, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="tag",
            index=models.Index(fields=["category", "sort_name"], name="tag_category_sort_idx"),
        ),
    ]

# First step of moving reviews' scores into members' lists (0008): the score may be empty, so that
# going back (0008 reversed) can restore each review's score from its author's list before the
# column is required again.

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0006_curators_without_search_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="review",
            name="score",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(10)],
            ),
        ),
    ]

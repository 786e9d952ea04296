# A work's score comes from members' list scores (votes): their number next to the average.
# Filled by community's migration 0008_review_scores_to_lists, which moves the reviews' scores
# into list entries and counts them.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0016_similar_works"),
    ]

    operations = [
        migrations.AddField(
            model_name="work",
            name="vote_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]

# Whether a member's votes count in works' public scores (lists.votes), kept on each entry and in
# the covering index of a work's votes, so its counted votes are read from the index alone; the
# index now leaves out entries without a score.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lists", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="listentry",
            name="list_entry_work_score_idx",
        ),
        migrations.AddField(
            model_name="listentry",
            name="vote_counted",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddIndex(
            model_name="listentry",
            index=models.Index(
                condition=models.Q(("score__isnull", False)),
                fields=["work", "vote_counted", "score"],
                name="list_entry_work_score_idx",
            ),
        ),
    ]

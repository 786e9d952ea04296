# Reviews carry their authors' list scores (0008 moved them there): the review's own score goes,
# with its range check and the covering index that served the score chart and the old average
# (both now read lists' list_entry_work_score_idx).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0008_review_scores_to_lists"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="review",
            name="review_score_1_to_10",
        ),
        migrations.RemoveIndex(
            model_name="review",
            name="review_work_score_idx",
        ),
        migrations.RemoveField(
            model_name="review",
            name="score",
        ),
    ]

# A term's page title as a question in plain English ("What is a route?"), instead of "What is Route?".

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("glossary", "0003_term_sort_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="term",
            name="heading",
            field=models.CharField(
                blank=True,
                default="",
                help_text="A question in plain English, such as “What is a route?” or “What does kanojo mean?”. "
                "Empty: “What is …?” around the name.",
                max_length=200,
                verbose_name="page title",
            ),
            preserve_default=False,
        ),
    ]

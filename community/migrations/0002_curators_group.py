"""Create the Curators group with exactly the permissions curation needs.

Curators edit works, tags and glossary terms, and moderate member posts; they do
not manage accounts or delete member content outright.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATOR_PERMISSIONS = {
    "catalog": {
        "work": "add change delete view",
        "tag": "add change delete view",
        "worktag": "add change delete view",
        "searchentry": "view",
    },
    "glossary": {"term": "add change delete view", "termfaq": "add change delete view"},
    "community": {
        "review": "change view",
        "comment": "change view",
        "report": "change view",
        "termsuggestion": "change view",
        "moderationaction": "view",
    },
}


def create_curators(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so the group can use them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Curators")
    wanted = []
    for app_label, models in CURATOR_PERMISSIONS.items():
        for model, actions in models.items():
            for action in actions.split():
                wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}"))
    group.permissions.set(wanted)


def remove_curators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Curators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0001_initial"),
        ("catalog", "0003_work_review_count_work_score_average"),
        ("glossary", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_curators, remove_curators)]

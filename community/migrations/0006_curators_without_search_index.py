"""Curators no longer see the search index in the admin.

The index (``catalog.SearchEntry``) is internal: rows the site keeps in step with every save, for
finding things, not for curating them. Superusers still see it. Reversing gives the permission back.
"""

from django.db import migrations

# (app label, codename) of each permission taken from the Curators group.
REMOVED_PERMISSIONS = [("catalog", "view_searchentry")]


def _curators_and_permissions(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Curators").first()
    permissions = [
        permission
        for app_label, codename in REMOVED_PERMISSIONS
        if (permission := Permission.objects.filter(content_type__app_label=app_label, codename=codename).first())
    ]
    return group, permissions


def remove_permissions(apps, schema_editor):
    group, permissions = _curators_and_permissions(apps)
    if group is not None:
        group.permissions.remove(*permissions)


def restore_permissions(apps, schema_editor):
    group, permissions = _curators_and_permissions(apps)
    if group is not None:
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("community", "0005_notifications")]

    operations = [migrations.RunPython(remove_permissions, restore_permissions)]

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import User
from core.admin import CurationAdmin


@admin.register(User)
class UserAdmin(CurationAdmin, DjangoUserAdmin):
    list_display = ["username", "email", "birth_date", "is_staff", "is_active", "date_joined"]
    # The stubs allow None for fieldsets; Django's UserAdmin sets a tuple.
    fieldsets = DjangoUserAdmin.fieldsets + (  # type: ignore[operator]
        ("Email change", {"fields": ["pending_email"]}),
        ("Age and preferences", {"fields": ["birth_date", "max_spoiler_level", "show_adult_works", "hidden_tags"]}),
    )
    autocomplete_fields = ["hidden_tags"]

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.forms import refuse_lookalike_username
from accounts.models import User
from core.admin import CurationAdmin


class UserAddForm(AdminUserCreationForm):
    def clean_username(self):
        username = super().clean_username()
        if not self.has_error("username"):  # Django's own check found an exact or different-case duplicate
            refuse_lookalike_username(username)
        return username


class UserEditForm(UserChangeForm):
    def clean_username(self):
        username = self.cleaned_data["username"]
        if "username" in self.changed_data:
            refuse_lookalike_username(username, instance_pk=self.instance.pk)
        return username


@admin.register(User)
class UserAdmin(CurationAdmin, DjangoUserAdmin):
    add_form = UserAddForm
    form = UserEditForm
    list_display = ["username", "email", "birth_date", "is_staff", "is_active", "date_joined"]
    # The stubs allow None for fieldsets; Django's UserAdmin sets a tuple.
    fieldsets = DjangoUserAdmin.fieldsets + (  # type: ignore[operator]
        ("Email change", {"fields": ["pending_email"]}),
        ("Age and preferences", {"fields": ["birth_date", "max_spoiler_level", "show_adult_works", "hidden_tags"]}),
    )
    autocomplete_fields = ["hidden_tags"]

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import BadRequest
from django.utils.html import format_html, format_html_join

from core import old_slugs
from core.ids import is_storable_id

# Longer search terms are cut to this: SQLite refuses a LIKE pattern over 50,000 bytes (a 500),
# and a term's first characters find everything the whole term would.
ADMIN_SEARCH_MAX_LENGTH = 1000


class CurationAdmin(admin.ModelAdmin):
    """The base of ntrdb's admin pages: hostile input is a message or a 4xx, never a database error."""

    def changelist_view(self, request, extra_context=None):
        # List filters pass their values to the database as sent, and PostgreSQL refuses a NUL (a 500).
        if any("\x00" in value for values in request.GET.lists() for value in [values[0], *values[1]]):
            raise BadRequest("A NUL character in the query string.")
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        # Also reached from the autocomplete widgets, which do not pass through changelist_view.
        if "\x00" in search_term:
            raise BadRequest("A NUL character in the search.")
        return super().get_search_results(request, queryset, search_term[:ADMIN_SEARCH_MAX_LENGTH])

    def response_action(self, request, queryset):
        # Django filters pk__in by the ticked ids as sent: "" or an id beyond the column's range was a 500.
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(is_storable_id(self.model, pk) for pk in selected):
            self.message_user(request, "Some of the selected items do not exist. Select them again.", messages.WARNING)
            return None
        return super().response_action(request, queryset)


class OldSlugsAdmin(admin.ModelAdmin):
    """For models whose pages live at their slug (works, tags, terms): a changed slug keeps its old
    address, which redirects to the new one (``core.old_slugs``); the change page lists them."""

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "old_addresses"]

    def save_model(self, request, obj, form, change):
        # The form's initial slug is the one in the database when the page was opened.
        previous_slug = form.initial.get("slug") if change else None
        super().save_model(request, obj, form, change)
        old_slugs.old_slug_record(obj=obj, previous_slug=previous_slug)

    @admin.display(description="Old slugs")
    def old_addresses(self, obj):
        rows = list(obj.old_slugs.all()) if obj is not None and obj.pk else []
        if not rows:
            return "None. Change the slug and the current one keeps working: it redirects here."
        listed = format_html_join(", ", "<code>{}</code>", ((row.slug,) for row in rows))
        return format_html("{} (each redirects here)", listed)

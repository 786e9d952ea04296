from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import BadRequest

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

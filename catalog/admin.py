from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import BadRequest, ValidationError
from django.db import transaction

from catalog.ids import is_storable_id
from catalog.models import RESERVED_WORK_SLUGS, SearchEntry, Tag, Work, WorkTag
from catalog.search import search_index_remove, search_index_update
from catalog.services import tag_merge


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


class SearchIndexedAdmin(CurationAdmin):
    """Keeps the search index in step with every save and delete made in the admin."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        search_index_update(form.instance)

    def delete_model(self, request, obj):
        with transaction.atomic():
            search_index_remove(obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                search_index_remove(obj)
            super().delete_queryset(request, queryset)


class WorkTagInline(admin.TabularInline):
    model = WorkTag
    extra = 1
    autocomplete_fields = ["tag"]
    fields = ["tag", "spoiler_level", "note"]


class WorkAdminForm(forms.ModelForm):
    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_WORK_SLUGS:
            raise ValidationError(f"“{slug}” is taken by another page at /works/{slug}/. Choose another slug.")
        return slug


@admin.register(Work)
class WorkAdmin(SearchIndexedAdmin):
    form = WorkAdminForm
    list_display = ["title", "kind", "age_rating", "released_from", "is_published", "is_featured", "created_at"]
    list_filter = ["is_published", "is_featured", "kind", "age_rating"]
    list_editable = ["is_featured"]
    search_fields = ["title", "original_title", "alternative_titles", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "created_at"
    inlines = [WorkTagInline]
    actions = ["publish", "unpublish", "feature", "unfeature"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "original_title", "alternative_titles", "kind", "age_rating"]}),
        ("Story", {"fields": ["synopsis", "couple"]}),
        ("Length and dates", {"fields": [("episodes", "volumes"), ("released_from", "released_from_precision"), ("released_until", "released_until_precision")]}),
        ("Curation", {"fields": ["is_published", "is_featured"]}),
    ]

    @admin.action(description="Publish selected works", permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.update(is_published=True)
        self.message_user(request, f"Published {count} work(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected works", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(is_published=False)
        self.message_user(request, f"Unpublished {count} work(s).", messages.SUCCESS)

    @admin.action(description="Feature selected works on the home page", permissions=["change"])
    def feature(self, request, queryset):
        count = queryset.update(is_featured=True)
        self.message_user(request, f"Featured {count} work(s).", messages.SUCCESS)

    @admin.action(description="Stop featuring selected works", permissions=["change"])
    def unfeature(self, request, queryset):
        count = queryset.update(is_featured=False)
        self.message_user(request, f"Stopped featuring {count} work(s).", messages.SUCCESS)


class TagMergeActionForm(ActionForm):
    merge_into = forms.ModelChoiceField(
        queryset=Tag.objects.order_by("name"), required=False, label="Merge into",
        help_text="For “Merge selected tags into…”: the tag that stays.",
    )


@admin.register(Tag)
class TagAdmin(SearchIndexedAdmin):
    action_form = TagMergeActionForm
    actions = ["merge"]
    list_display = ["name", "category", "parent", "term"]
    list_filter = ["category"]
    list_select_related = ["parent", "term"]
    search_fields = ["name", "slug", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent", "term"]

    @admin.action(description="Merge selected tags into…", permissions=["change", "delete"])
    def merge(self, request, queryset):
        form = TagMergeActionForm(request.POST)
        form.fields["action"].choices = self.get_action_choices(request)
        target = form.cleaned_data["merge_into"] if form.is_valid() else None
        if target is None:
            self.message_user(request, "Choose the tag to merge into, then run the action again.", messages.ERROR)
            return
        moved = 0
        try:
            for source in queryset.exclude(pk=target.pk):
                moved += tag_merge(source=source, target=target, curator=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(request, f"Merged into “{target.name}”; {moved} work(s) moved over.", messages.SUCCESS)


@admin.register(SearchEntry)
class SearchEntryAdmin(CurationAdmin):
    """Read-only view of the search index, for checking why something is or isn't found."""

    list_display = ["text", "kind", "object_id", "field"]
    list_filter = ["kind", "field"]
    search_fields = ["text"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

from django.contrib import admin, messages

from catalog.admin import SearchIndexedAdmin
from core.admin import OldSlugsAdmin
from glossary.models import Term, TermFAQ


class TermFAQInline(admin.StackedInline):
    model = TermFAQ
    extra = 0
    fields = ["position", "question", "answer"]


@admin.register(Term)
class TermAdmin(OldSlugsAdmin, SearchIndexedAdmin):
    list_display = ["name", "reading", "summary", "is_published", "updated_at"]
    list_filter = ["is_published"]
    search_fields = ["name", "slug", "aliases", "japanese", "reading"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["related_terms", "works"]
    inlines = [TermFAQInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "old_addresses",
                    "heading",
                    "japanese",
                    "reading",
                    "aliases",
                    "summary",
                    "body",
                ]
            },
        ),
        (
            "Comparison table",
            {
                "fields": ["focus", "example"],
                "description": "Used when this term is a perspective (netorare, netori, netorase).",
            },
        ),
        ("Links", {"fields": ["related_terms", "works"]}),
        ("Curation", {"fields": ["is_published"]}),
    ]

    @admin.action(description="Publish selected terms", permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.update(is_published=True)
        self.message_user(request, f"Published {count} term(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected terms", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(is_published=False)
        self.message_user(request, f"Unpublished {count} term(s).", messages.SUCCESS)

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from catalog import external_ids, visibility
from catalog.covers import (
    ACCEPTED_DESCRIPTION,
    COVER_SIZES,
    delete_cover_files_on_commit,
    open_thumbnail,
    read_cover_upload,
)
from catalog.generation import catalog_changed
from catalog.models import RESERVED_WORK_SLUGS, SearchEntry, Tag, Work, WorkTag
from catalog.search import search_index_remove, search_index_update
from catalog.services import tag_merge, work_cover_remove, work_cover_set
from catalog.similar import similar_works_refresh
from catalog.tag_filter import forget_tag_tree
from core.admin import CurationAdmin, OldSlugsAdmin


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


def external_id_field(label: str, example: str, only: str = "") -> forms.CharField:
    """A form field for an id on another catalog: text, as either the id or its page's address is accepted."""
    return forms.CharField(required=False, label=label, help_text=f"{only}The id, or the page's address: {example}.")


class WorkAdminForm(forms.ModelForm):
    # Ids on other catalogs: the id or its page's address, as a curator pastes it (catalog.external_ids).
    mal_id = external_id_field("MyAnimeList id", "https://myanimelist.net/anime/1234/Title (manga: /manga/)")
    anilist_id = external_id_field("AniList id", "https://anilist.co/anime/1234 (manga: /manga/)")
    anidb_id = external_id_field("AniDB id", "https://anidb.net/anime/1234", only="Anime only. ")
    vndb_id = external_id_field("VNDB id", "https://vndb.org/v17", only="Visual novels only. ")

    cover_upload = forms.FileField(
        required=False,
        label="New cover",
        help_text=f"{ACCEPTED_DESCRIPTION} (a GIF's first frame). It is cropped to 2:3 for thumbnails.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    remove_cover = forms.BooleanField(
        required=False, label="Remove the cover", help_text="The work shows its placeholder instead."
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_WORK_SLUGS:
            raise ValidationError(f"“{slug}” is taken by another page at /works/{slug}/. Choose another slug.")
        return slug

    def _kind(self) -> str:
        # ``kind`` is cleaned before the id fields (it comes first in the form); a MyAnimeList or
        # AniList address names anime or manga, which must match it.
        return self.cleaned_data.get("kind", self.instance.kind) or ""

    def clean_mal_id(self):
        return external_ids.parse_media_id(self.cleaned_data["mal_id"] or "", external_ids.MAL, self._kind())

    def clean_anilist_id(self):
        return external_ids.parse_media_id(self.cleaned_data["anilist_id"] or "", external_ids.ANILIST, self._kind())

    def clean_anidb_id(self):
        return external_ids.parse_anidb_id(self.cleaned_data["anidb_id"] or "")

    def clean_vndb_id(self):
        return external_ids.normalise_vndb_id(self.cleaned_data["vndb_id"] or "")

    def clean_cover_upload(self):
        upload = self.cleaned_data.get("cover_upload")
        if upload:
            read_cover_upload(upload)  # refuses with a message on the field; the service checks again
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("cover_upload") and cleaned.get("remove_cover"):
            self.add_error("remove_cover", "Either upload a new cover or remove the cover, not both.")
        return cleaned


class WorkChangeListForm(forms.ModelForm):
    """A row of the works list: its "featured" box is named after the work, for screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "is_featured" in self.fields:
            self.fields["is_featured"].widget.attrs["aria-label"] = f"Featured: {self.instance.title}"


@admin.register(Work)
class WorkAdmin(OldSlugsAdmin, SearchIndexedAdmin):
    form = WorkAdminForm
    list_display = [
        "title",
        "kind",
        "age_rating",
        "released",
        "is_published",
        "is_featured",
        "created_at",
        "page_link",
    ]
    list_filter = ["is_published", "is_featured", "kind", "age_rating"]
    list_editable = ["is_featured"]
    search_fields = ["title", "original_title", "alternative_titles", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "created_at"
    inlines = [WorkTagInline]
    actions = ["publish", "unpublish", "feature", "unfeature"]
    readonly_fields = ["cover_preview"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "old_addresses",
                    "original_title",
                    "alternative_titles",
                    "kind",
                    "age_rating",
                ]
            },
        ),
        ("Story", {"fields": ["synopsis", "couple"]}),
        ("Cover", {"fields": ["cover_preview", "cover_upload", "remove_cover"]}),
        (
            "Length and dates",
            {
                "fields": [
                    ("episodes", "volumes"),
                    ("released_from", "released_from_precision"),
                    ("released_until", "released_until_precision"),
                ]
            },
        ),
        (
            "Elsewhere",
            {
                "fields": [("mal_id", "anilist_id"), ("anidb_id", "vndb_id")],
                "description": "The work's ids on other catalogs, linked on its page; the MyAnimeList "
                "import matches works by their MyAnimeList id.",
            },
        ),
        ("Curation", {"fields": ["is_published", "is_featured"]}),
    ]

    @admin.display(description="Released", ordering="released_from")
    def released(self, work):
        """The release dates at the precision known ("Nov 2010", "2015"), as the work's page shows them."""
        return work.release_display or "—"

    @admin.display(description="On the site")
    def page_link(self, work):
        """The work's page; a draft's opens as a preview that only staff can see."""
        if visibility.is_draft(work):
            return format_html(
                '<a href="{}">Preview the draft<span class="visually-hidden"> of {}</span></a>',
                work.get_absolute_url(),
                work.title,
            )
        return format_html(
            '<a href="{}">View<span class="visually-hidden"> {}</span></a>', work.get_absolute_url(), work.title
        )

    @admin.display(description="Current cover")
    def cover_preview(self, work):
        if not work.cover:
            return "None: the work shows a placeholder with its initials."
        size = COVER_SIZES["card"]
        url = reverse("admin:catalog_work_cover_preview", args=[work.pk]) + f"?v={work.cover_token}"
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="Current cover of {}">', url, size.width, size.height, work.title
        )

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=WorkChangeListForm, **kwargs)

    def get_urls(self):
        preview = path(
            "<int:pk>/cover/", self.admin_site.admin_view(self.cover_preview_view), name="catalog_work_cover_preview"
        )
        return [preview, *super().get_urls()]

    def cover_preview_view(self, request, pk):
        """The card thumbnail for curators, whatever the work's rating or publication."""
        work = get_object_or_404(Work, pk=pk)
        if not self.has_view_permission(request, work) or not work.cover:
            raise Http404("No cover.")
        response = FileResponse(open_thumbnail(work.cover.name, "card"), content_type="image/webp")
        response["Cache-Control"] = "private, no-cache"
        return response

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Its tag links or its publication changed: its similar works, and its place in others'.
        if not change or "is_published" in form.changed_data or any(f.has_changed() for f in formsets):
            similar_works_refresh(work_ids=[form.instance.pk])

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if upload := form.cleaned_data.get("cover_upload"):
            work_cover_set(work=obj, upload=upload)
        elif form.cleaned_data.get("remove_cover"):
            work_cover_remove(work=obj)

    def delete_model(self, request, obj):
        with transaction.atomic():
            delete_cover_files_on_commit(obj.cover.name)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for cover_name in queryset.exclude(cover="").values_list("cover", flat=True):
                delete_cover_files_on_commit(cover_name)
            super().delete_queryset(request, queryset)

    @admin.action(description="Publish selected works", permissions=["change"])
    def publish(self, request, queryset):
        with transaction.atomic():
            ids = list(queryset.values_list("pk", flat=True))
            count = queryset.update(is_published=True)
            catalog_changed()  # an update() sends no signal: lists and cards keyed by the generation
            similar_works_refresh(work_ids=ids)
        self.message_user(request, f"Published {count} work(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected works", permissions=["change"])
    def unpublish(self, request, queryset):
        with transaction.atomic():
            ids = list(queryset.values_list("pk", flat=True))
            count = queryset.update(is_published=False)
            catalog_changed()  # an update() sends no signal: lists and cards keyed by the generation
            similar_works_refresh(work_ids=ids)
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
        queryset=Tag.objects.order_by("name"),
        required=False,
        label="Merge into",
        help_text="For “Merge selected tags into…”: the tag that stays.",
    )


@admin.register(Tag)
class TagAdmin(OldSlugsAdmin, SearchIndexedAdmin):
    action_form = TagMergeActionForm
    actions = ["merge"]
    list_display = ["name", "category", "parent", "term"]
    list_filter = ["category"]
    list_select_related = ["parent", "term"]
    search_fields = ["name", "slug", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent", "term"]

    def save_model(self, request, obj, form, change):
        # The form's validation ran Tag.clean, which refuses a parent beneath the tag itself.
        super().save_model(request, obj, form, change)
        forget_tag_tree()
        if change and "category" in form.changed_data:
            # Into or out of the explicit category: which viewers its links count for changed.
            similar_works_refresh(work_ids=obj.work_tags.values_list("work_id", flat=True))

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

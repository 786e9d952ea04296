from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html_join

from community import services
from community.models import Comment, ModerationAction, Report, Review, Status, TermSuggestion
from core.admin import CurationAdmin


class ModerationActionForm(ActionForm):
    reason = forms.CharField(required=False, max_length=500, label="Why", help_text="Recorded in the moderation log.")


def _reason(request) -> str:
    return (request.POST.get("reason") or "").strip()[:500]


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    fields = ["reporter", "reason", "note", "status", "created_at"]
    readonly_fields = ["reporter", "reason", "note", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ModeratedPostAdmin(CurationAdmin):
    """Shared by reviews and comments: status filter, report reasons, approve/hide/remove."""

    action_form = ModerationActionForm
    actions = ["approve", "hide", "remove"]
    list_filter = ["status", "created_at"]
    # Status changes only through the actions, so every decision is logged with its reason.
    readonly_fields = ["author", "status", "created_at", "updated_at", "report_reasons"]
    inlines = [ReportInline]
    list_per_page = 50

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_report_count=Count("reports", filter=Q(reports__status=Report.State.OPEN), distinct=True),
            )
            .prefetch_related("reports")
        )

    @admin.display(description="Open reports", ordering="open_report_count")
    def open_reports(self, obj):
        return obj.open_report_count

    @admin.display(description="Report reasons")
    def report_reasons(self, obj):
        open_reports = [r for r in obj.reports.all() if r.status == Report.State.OPEN]
        if not open_reports:
            return "—"
        return format_html_join(", ", "{} ({})", ((r.get_reason_display(), r.reporter_id) for r in open_reports))

    def _moderate(self, request, queryset, action, verb):
        count = 0
        for post in queryset:
            services.post_moderate(moderator=request.user, post=post, action=action, reason=_reason(request))
            count += 1
        self.message_user(request, f"{verb} {count} post(s).", messages.SUCCESS)

    @admin.action(description="Approve (make visible, close reports)", permissions=["change"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, ModerationAction.Action.APPROVE, "Approved")

    @admin.action(description="Hide", permissions=["change"])
    def hide(self, request, queryset):
        self._moderate(request, queryset, ModerationAction.Action.HIDE, "Hid")

    @admin.action(description="Remove", permissions=["change"])
    def remove(self, request, queryset):
        self._moderate(request, queryset, ModerationAction.Action.REMOVE, "Removed")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Posts leave through "Remove", which keeps scores right and logs why.
        return False


@admin.register(Review)
class ReviewAdmin(ModeratedPostAdmin):
    list_display = ["__str__", "status", "author_score", "open_reports", "helpful_count", "created_at"]
    list_select_related = ["author", "work"]
    search_fields = ["body", "author__username", "work__title"]
    fields = [
        "author",
        "work",
        "author_score",
        "has_spoilers",
        "body",
        "status",
        "report_reasons",
        "created_at",
        "updated_at",
    ]
    readonly_fields = ModeratedPostAdmin.readonly_fields + ["work", "author_score", "body"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_author_score()

    @admin.display(description="score (the author's list)")
    def author_score(self, review):
        return review.author_score


@admin.register(Comment)
class CommentAdmin(ModeratedPostAdmin):
    list_display = ["__str__", "status", "term", "open_reports", "created_at"]
    list_select_related = ["author", "term"]
    search_fields = ["body", "author__username", "term__name"]
    fields = [
        "author",
        "term",
        "parent",
        "favourite_work",
        "body",
        "status",
        "report_reasons",
        "created_at",
        "updated_at",
    ]
    readonly_fields = ModeratedPostAdmin.readonly_fields + ["term", "parent", "favourite_work", "body"]


class ReportStatusFilter(admin.SimpleListFilter):
    """Reports by state, opening on the open ones (what is left to decide); "All" shows every report.

    It answers to ``status__exact``, the parameter of a plain field filter, so links made for one
    (the admin home's queue, bookmarks) keep working.
    """

    title = "status"
    parameter_name = "status__exact"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*Report.State.choices, (self.ALL, "All")]

    def value(self):
        return super().value() or Report.State.OPEN

    def queryset(self, request, queryset):
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(status=self.value())

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


@admin.register(Report)
class ReportAdmin(CurationAdmin):
    action_form = ModerationActionForm
    list_display = ["__str__", "reason", "status", "reporter", "target_status", "created_at"]
    list_filter = [ReportStatusFilter, "reason", "created_at"]
    list_select_related = [
        "reporter",
        "review",
        "comment",
        "review__work",
        "review__author",
        "comment__author",
        "comment__term",
    ]
    search_fields = ["note", "reporter__username", "review__body", "comment__body"]
    readonly_fields = ["reporter", "review", "comment", "reason", "note", "created_at"]
    actions = ["hide_posts", "remove_posts", "dismiss"]

    @admin.display(description="Post status")
    def target_status(self, obj):
        return obj.target.get_status_display()

    def has_add_permission(self, request):
        return False

    def _moderate_targets(self, request, queryset, action, verb):
        posts = {}
        for report in queryset:
            posts[(type(report.target), report.target.pk)] = report.target
        for post in posts.values():
            services.post_moderate(moderator=request.user, post=post, action=action, reason=_reason(request))
        self.message_user(request, f"{verb} {len(posts)} reported post(s).", messages.SUCCESS)

    @admin.action(description="Hide the reported posts", permissions=["change"])
    def hide_posts(self, request, queryset):
        self._moderate_targets(request, queryset, ModerationAction.Action.HIDE, "Hid")

    @admin.action(description="Remove the reported posts", permissions=["change"])
    def remove_posts(self, request, queryset):
        self._moderate_targets(request, queryset, ModerationAction.Action.REMOVE, "Removed")

    @admin.action(description="Dismiss the reports (keep the posts as they are)", permissions=["change"])
    def dismiss(self, request, queryset):
        count = 0
        for report in queryset.filter(status=Report.State.OPEN):
            services.report_dismiss(moderator=request.user, report=report, reason=_reason(request))
            count += 1
        self.message_user(request, f"Dismissed {count} report(s).", messages.SUCCESS)


@admin.register(TermSuggestion)
class TermSuggestionAdmin(CurationAdmin):
    action_form = ModerationActionForm
    list_display = ["name", "status", "author", "created_at"]
    list_filter = ["status", "created_at"]
    list_select_related = ["author"]
    search_fields = ["name", "note", "author__username"]
    readonly_fields = ["author", "name", "note", "created_at"]
    actions = ["accept", "decline"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Accept (we'll write it)", permissions=["change"])
    def accept(self, request, queryset):
        for suggestion in queryset:
            services.term_suggestion_decide(
                moderator=request.user, suggestion=suggestion, accept=True, reason=_reason(request)
            )
        self.message_user(request, "Accepted.", messages.SUCCESS)

    @admin.action(description="Decline", permissions=["change"])
    def decline(self, request, queryset):
        for suggestion in queryset:
            services.term_suggestion_decide(
                moderator=request.user, suggestion=suggestion, accept=False, reason=_reason(request)
            )
        self.message_user(request, "Declined.", messages.SUCCESS)


@admin.register(ModerationAction)
class ModerationActionAdmin(CurationAdmin):
    list_display = ["created_at", "moderator", "action", "target_type", "target_repr", "reason"]
    list_filter = ["action", "target_type", "created_at"]
    list_select_related = ["moderator"]
    search_fields = ["target_repr", "reason", "moderator__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- the admin home's moderation queue (templates/admin/index.html) --------------------------------


@dataclass(frozen=True)
class QueueEntry:
    label: str
    count: int
    url: str


def moderation_queue(request) -> list[QueueEntry]:
    """What waits for a curator, for the admin home: open reports, posts held back until a curator
    decides, and term suggestions, each counted and linked to its list filtered on them. Only the
    lists this user may open are shown. One COUNT query each."""
    waiting = [
        (Report, "Open reports", Report.State.OPEN),
        (Review, "Reviews held back for a decision", Status.PENDING),
        (Comment, "Comments held back for a decision", Status.PENDING),
        (TermSuggestion, "Term suggestions to answer", TermSuggestion.State.PENDING),
    ]
    entries = []
    for model, label, state in waiting:
        model_admin = admin.site._registry.get(model)
        if model_admin is None or not model_admin.has_view_permission(request):
            continue
        url = reverse(f"admin:community_{model._meta.model_name}_changelist")
        count = model._default_manager.filter(status=state).count()
        entries.append(QueueEntry(label, count, f"{url}?{urlencode({'status__exact': state})}"))
    return entries

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST

from catalog import visibility
from catalog.models import Work
from community import notifications, services
from community.forms import CommentForm, NotificationSettingsForm, ReportForm, ReviewForm, TermSuggestionForm
from community.models import (
    COMMENT_MAX_LENGTH,
    REVIEW_SORTS,
    Comment,
    HelpfulVote,
    Notification,
    NotificationSettings,
    Review,
)
from core.sections import Section
from glossary.models import Term
from lists.models import ListEntry, own_entry


def _add_errors(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


def _open_work(request, slug: str) -> Work:
    """Posts hang off a work: it must be published and, if 18+, open to this viewer."""
    access = Work.objects.read_for_viewer(request.viewer, slug)
    if access.gated:
        raise PermissionDenied("Reviews of 18+ works are open only to adults who passed the age check.")
    return access.obj


# --- sections of other apps' pages (registered in community.apps) ---------------------------------


def _list_score(request, work: Work) -> int | None:
    """The score on the member's list for the work: what a review of theirs carries. Read with the
    rest of their entry, once for the page (``lists.models.own_entry``: the list section reads it too)."""
    entry = own_entry(request, work)
    return entry.score if entry is not None else None


def review_section(request, work: Work, **details) -> Section:
    """Everything the work page shows about reviews, in a fixed number of queries."""
    sort = request.GET.get("reviews", "newest")
    if sort not in REVIEW_SORTS:
        sort = "newest"
    paginator = Paginator(Review.objects.for_work_page(work, sort), settings.NTRDB_REVIEWS_PER_PAGE)
    page = paginator.get_page(request.GET.get("reviews_page"))
    own_review = None
    voted_ids = set()
    user = request.user
    may_review = visibility.may_post_on(user, work)
    review_form = None
    if user.is_authenticated:
        own_review = Review.objects.filter(author=user, work=work).with_author_score().first()
        voted_ids = set(
            HelpfulVote.objects.filter(voter=user, review__in=[r.pk for r in page.object_list]).values_list(
                "review_id", flat=True
            )
        )
        if may_review and own_review is None:
            # The form starts from the score on the member's list.
            review_form = ReviewForm(initial={"score": _list_score(request, work)})
    # Feed readers are anonymous, so an 18+ work's reviews have no feed, whoever views the page.
    has_feed = visibility.reviews_have_feed(work)
    reviews_feed_url = reverse("community:review-feed", kwargs={"slug": work.slug}) if has_feed else None
    return Section(
        templates={"head": "community/_review_feed_link.html", "after": "community/_review_section.html"},
        context={
            "reviews_page": page,
            "reviews_sort": sort,
            "score_distribution": ListEntry.objects.score_distribution(work),
            "own_review": own_review,
            "voted_review_ids": voted_ids,
            "review_form": review_form,
            "may_review": may_review,
            # A draft's page is a staff preview: nobody reviews it until it is published.
            "reviews_wait_for_publication": visibility.is_draft(work),
            "reviews_feed_url": reviews_feed_url,
        },
    )


COMMENTS_PER_PAGE = 20


RECENTLY_REVIEWED_SHOWN = 6


def recently_reviewed_section(request, subject=None, **details) -> Section | None:
    """The home page's "Recently reviewed": the works with the newest reviews this viewer may read."""
    works = list(Review.objects.recently_reviewed_works(request.viewer, RECENTLY_REVIEWED_SHOWN))
    if not works:
        return None
    return Section(
        templates={"main": "community/_recently_reviewed.html"},
        context={"recently_reviewed": works},
        grids=("recently_reviewed",),
    )


def comment_section(request, term: Term, **details) -> Section:
    """A glossary term's comments and the form to add one."""
    paginator = Paginator(Comment.objects.threads_for_term(term, request.viewer), COMMENTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("comments_page"))
    return Section(
        templates={"after": "community/_comment_section.html"},
        context={
            "comments_page": page,
            "comment_form": CommentForm(viewer=request.viewer) if request.user.is_authenticated else None,
            "comment_max_length": COMMENT_MAX_LENGTH,
        },
    )


MEMBER_PAGE_POSTS = 50


def member_posts_section(request, member, **details) -> Section:
    """A member's public page: their published reviews and comments that this viewer may read."""
    reviews = visibility.reviews_for_viewer(Review.objects.filter(author=member), Work.objects, request.viewer)
    comments = visibility.comments_for_viewer(
        Comment.objects.filter(author=member, is_deleted=False), Term.objects, request.viewer
    )
    behind_gate = visibility.reviews_behind_gate(Review.objects.filter(author=member), Work.objects, request.viewer)
    return Section(
        templates={"main": "community/_member_posts.html"},
        context={
            "reviews": reviews.select_related("work").with_author_score().order_by("-created_at")[:MEMBER_PAGE_POSTS],
            "reviews_behind_gate": behind_gate.count(),
            "comments": comments.select_related("term").order_by("-created_at")[:MEMBER_PAGE_POSTS],
        },
    )


def own_posts_section(request, member, **details) -> Section:
    """The member's own profile: everything they wrote, with each post's moderation state; a post on a
    work or term no longer published stays listed without its title (``visibility.own_reviews``)."""
    reviews = visibility.own_reviews(Review.objects.filter(author=member))
    comments = visibility.own_comments(Comment.objects.filter(author=member, is_deleted=False))
    return Section(
        templates={"main": "community/_member_posts.html"},
        context={
            "reviews": reviews.select_related("work").with_author_score().order_by("-created_at"),
            "comments": comments.select_related("term").order_by("-created_at"),
        },
    )


def notification_links_section(request, member, **details) -> Section:
    """The member's own profile: where their notifications and notification settings are (no query)."""
    return Section(templates={"main": "community/_notification_links.html"})


# --- reviews --------------------------------------------------------------------------------------


@login_required
@require_POST
def review_create(request, slug):
    work = _open_work(request, slug)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_create(author=request.user, work=work, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Your review was posted.")
            return redirect(f"{work.get_absolute_url()}#reviews")
    return render(request, "community/review_form.html", {"form": form, "work": work}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request, pk):
    review = get_object_or_404(Review.objects.select_related("work"), pk=pk)
    services.require_owner(review, request.user)
    work = _open_work(request, review.work.slug)
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                services.review_update(review=review, editor=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Your review was updated.")
                return redirect(f"{work.get_absolute_url()}#reviews")
    else:
        form = ReviewForm(
            initial={"score": _list_score(request, work), "body": review.body, "has_spoilers": review.has_spoilers}
        )
    return render(request, "community/review_form.html", {"form": form, "work": work, "review": review})


@login_required
@require_http_methods(["GET", "POST"])
def review_delete(request, pk):
    review = get_object_or_404(Review.objects.select_related("work"), pk=pk)
    services.require_owner(review, request.user)
    try:
        services.require_deletable(review)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(review.work.get_absolute_url())
    if request.method == "POST":
        work = review.work
        services.review_delete(review=review, actor=request.user)
        messages.success(request, "Your review was deleted.")
        return redirect(work.get_absolute_url())
    return render(
        request,
        "community/confirm_delete.html",
        {"post": review, "what": "review", "back": review.work.get_absolute_url()},
    )


@login_required
@require_POST
def review_helpful(request, pk):
    review = get_object_or_404(Review.objects.published().select_related("work"), pk=pk)
    _open_work(request, review.work.slug)
    now_voted = services.review_toggle_helpful(review=review, voter=request.user)
    messages.success(request, "Marked as helpful." if now_voted else "Your helpful mark was taken back.")
    return redirect(f"{review.work.get_absolute_url()}#review-{review.pk}")


# --- comments -------------------------------------------------------------------------------------


@login_required
@require_POST
def comment_create(request, slug):
    term = get_object_or_404(Term.objects.for_viewer(request.viewer), slug=slug)
    form = CommentForm(request.POST, viewer=request.viewer)
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = Comment.objects.filter(pk=form.cleaned_data["parent"], term=term).first()
            if parent is None:
                form.add_error(None, "The comment you replied to no longer exists.")
        if not form.errors:
            try:
                comment = services.comment_create(
                    author=request.user,
                    term=term,
                    body=form.cleaned_data["body"],
                    parent=parent,
                    favourite_work=form.cleaned_data["favourite_work"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Your comment was posted.")
                return redirect(f"{term.get_absolute_url()}#comment-{comment.pk}")
    return render(request, "community/comment_form.html", {"form": form, "term": term}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("term", "favourite_work"), pk=pk, is_deleted=False)
    services.require_owner(comment, request.user)
    if request.method == "POST":
        form = CommentForm(request.POST, viewer=request.viewer)
        if form.is_valid():
            try:
                services.comment_update(
                    comment=comment,
                    editor=request.user,
                    body=form.cleaned_data["body"],
                    favourite_work=form.cleaned_data["favourite_work"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Your comment was updated.")
                return redirect(f"{comment.term.get_absolute_url()}#comment-{comment.pk}")
    else:
        form = CommentForm(
            viewer=request.viewer,
            initial={
                "body": comment.body,
                "favourite_work": comment.favourite_work.title if comment.favourite_work else "",
            },
        )
    return render(request, "community/comment_form.html", {"form": form, "term": comment.term, "comment": comment})


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("term"), pk=pk, is_deleted=False)
    services.require_owner(comment, request.user)
    try:
        services.require_deletable(comment)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(comment.term.get_absolute_url())
    if request.method == "POST":
        term = comment.term
        services.comment_delete(comment=comment, actor=request.user)
        messages.success(request, "Your comment was deleted.")
        return redirect(term.get_absolute_url())
    return render(
        request,
        "community/confirm_delete.html",
        {"post": comment, "what": "comment", "back": comment.term.get_absolute_url()},
    )


# --- reports and suggestions ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report(request, kind, pk):
    if kind == "review":
        post = get_object_or_404(
            Review.objects.published().select_related("work", "author"), pk=pk, work__is_published=True
        )
        _open_work(request, post.work.slug)
        back = f"{post.work.get_absolute_url()}#review-{post.pk}"
    else:
        post = get_object_or_404(
            Comment.objects.published().select_related("term", "author"),
            pk=pk,
            is_deleted=False,
            term__in=Term.objects.for_viewer(request.viewer),
        )
        back = f"{post.term.get_absolute_url()}#comment-{post.pk}"
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(reporter=request.user, **{kind: post}, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Thank you. A curator will look at this post.")
            return redirect(back)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "community/report_form.html", {"form": form, "post": post, "kind": kind, "back": back}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def term_suggest(request):
    form = TermSuggestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.term_suggestion_create(author=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Thank you for the suggestion. Curators will read it.")
            return redirect("glossary:term-index")
    status = 400 if request.method == "POST" else 200
    return render(request, "community/term_suggestion_form.html", {"form": form}, status=status)


# --- notifications --------------------------------------------------------------------------------


@login_required
@cache_control(private=True)  # one member's own page, whether or not the policy consulted their Viewer
def notification_list(request):
    """The member's notifications, newest first, each shown as the visibility policy allows now
    (``community.notifications.for_page``): a fixed number of queries whatever the page size."""
    rows = Notification.objects.filter(recipient=request.user).select_related(*notifications.RELATED)
    page = Paginator(rows, notifications.NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "community/notification_list.html",
        {"page_obj": page, "shown": notifications.for_page(page.object_list, request.viewer)},
    )


def _own_notification(request, pk) -> Notification:
    # Another member's notification does not exist, as far as this member can tell.
    return get_object_or_404(Notification, pk=pk, recipient=request.user)


def _back_to_list(request):
    page = request.POST.get("page", "")
    url = reverse("community:notifications")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


@login_required
@require_POST
def notification_open(request, pk):
    """Open what a notification is about, marking it read. A POST (a small form per item), since it
    changes state: a GET link would be followed by prefetchers and crawlers, and marked read unseen."""
    notification = _own_notification(request, pk)
    services.notification_mark_read(notification=notification, member=request.user)
    url = notifications.target_url(notification, request.viewer)
    if url is None:
        messages.info(request, "What this notification was about is no longer available.")
        return _back_to_list(request)
    return redirect(url)


@login_required
@require_POST
def notification_read(request, pk):
    services.notification_mark_read(notification=_own_notification(request, pk), member=request.user)
    return _back_to_list(request)


@login_required
@require_POST
def notification_read_all(request):
    services.notifications_mark_all_read(member=request.user)
    messages.success(request, "All your notifications are marked read.")
    return _back_to_list(request)


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    current = NotificationSettings.of(request.user.pk)
    form = NotificationSettingsForm(request.POST if request.method == "POST" else None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.notification_settings_update(member=request.user, **form.cleaned_data)
        messages.success(request, "Your notification settings were saved.")
        return redirect("community:notification-settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "community/notification_settings.html", {"form": form}, status=status)

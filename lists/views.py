"""Members' lists: the entry's form on a work page and on each card, the list page, the settings,
and the sections lists adds to the work page and to member pages (registered in lists.apps).

Every write goes through ``lists.services``; every read of someone's list through the policy
(``ListEntry.objects.for_viewer``). The entry's form answers a plain POST with a redirect back and
a message, and a request that asks for JSON (list-entry.js) with the same message and the
widget rendered again, so the page updates without a reload.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from accounts.members import active_member_or_404
from accounts.models import User
from accounts.views import safe_next_path
from catalog import visibility
from catalog.cards import CardLinks, card_cover
from catalog.models import Work
from core.reversing import slug_url, slug_url_maker
from core.sections import Section
from lists import recommendations, services
from lists.choices import Status, progress_total, progress_unit
from lists.forms import EntryDetailsForm, EntryForm, ListSettingsForm
from lists.models import ListEntry, ListSettings, own_entry
from lists.sorts import DEFAULT_ENTRY_SORT, ENTRY_SORTS, entry_ordering
from lists.stats import list_statistics

# An owner's page prints each row's controls (two selects, a number, buttons): 25 rows keep a
# 5,000-entry list's page within the benchmark's 50 ms (docs/performance.md).
ENTRIES_PER_PAGE = 25
# A row shows the start of the owner's notes; the entry's details form holds them whole.
NOTES_WORDS = 40


# --- the entry's form: one view for the work page, the list page and the cards ----------------------


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _back(request, work: Work) -> str:
    """Where the plain form returns: the page it was sent from (a path on this site), else the work's entry."""
    asked = request.POST.get("next")
    return safe_next_path(asked) if asked else f"{work.get_absolute_url()}#list-entry"


def _entry_dict(entry: ListEntry | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    return {
        "status": entry.status,
        "status_label": entry.status_label,
        "progress": entry.progress,
        "progress_total": entry.progress_total,
        "score": entry.score,
        "is_private": entry.is_private,
        "offers_completion": entry.offers_completion,
    }


def entry_summary(entry: ListEntry) -> str:
    """One sentence of what the entry now says: "Watching, 3 of 12 episodes, scored 8."."""
    parts = [entry.status_label]
    unit = entry.progress_unit
    if unit is not None and entry.progress:
        total = entry.progress_total
        noun = unit.label.lower()
        if (total or entry.progress) == 1:
            noun = noun.removesuffix("s")
        parts.append(f"{entry.progress} of {total} {noun}" if total else f"{entry.progress} {noun}")
    if entry.score is not None:
        parts.append(f"scored {entry.score}")
    return ", ".join(parts) + "."


def _form_errors(form: EntryForm | EntryDetailsForm) -> list[str]:
    found = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = (field.label or name.replace("_", " ").capitalize()) if field is not None else ""
        found += [f"{label}: {error}" if label else str(error) for error in errors]
    return found


def _work_for_entry(request, slug: str) -> Work:
    """The work a member acts on: one whose page they may open (a draft only for staff, whom the
    service then refuses); whether they may list it is the service's to say (``visibility.may_list``)."""
    return Work.objects.read_for_viewer(request.viewer, slug).obj


def controls_context(entry: ListEntry | None, work: Work, *, next_path: str, message: str = "") -> dict[str, Any]:
    """What templates/lists/_entry_controls.html prints for one entry (or a work not on the list yet)."""
    initial: dict[str, Any] = {"status": Status.PLANNED}
    if entry is not None:
        initial = {"status": entry.status, "progress": entry.progress, "score": entry.score}
    total = progress_total(work)
    unit = progress_unit(work.kind)
    progress = entry.progress if entry is not None else 0
    return {
        "work": work,
        "entry": entry,
        "action": slug_url("lists:entry-update", work.slug),
        # Ids unique per work: the list page prints a form per entry.
        "entry_form": EntryForm(work=work, initial=initial, auto_id=f"entry-{work.pk}-%s"),
        "progress_unit": unit.label.lower() if unit else "",
        "progress_total": total,
        # +1 while there is a next episode or volume to log (or the count is not known).
        "offers_increment": entry is not None and unit is not None and (total is None or progress < total),
        "next_path": next_path,
        "entry_message": message,
    }


def _save(member: User, work: Work, form: EntryForm | EntryDetailsForm) -> tuple[services.EntrySaved | None, list[str]]:
    """The entry saved, or why not. A post that changes nothing on an entry already there writes
    nothing (a first one adds the work, planned: the cards' one click)."""
    if not form.is_valid():
        return None, _form_errors(form)
    changes = form.changes()
    if not changes and ListEntry.objects.filter(user_id=member.pk, work=work).exists():
        return None, ["Nothing to change: choose a status, a progress or a score."]
    try:
        return services.entry_save(member=member, work=work, **changes), []
    except PermissionDenied as refused:
        return None, [str(refused)]
    except ValidationError as invalid:
        return None, invalid.messages


@require_POST
def entry_update(request, slug: str, details: bool = False) -> HttpResponse:
    """Add a work to the member's list or change its entry: the quick controls (any of status,
    progress, score), or the details form (at ``.../list/details/``: ``details``)."""
    as_json = _wants_json(request)
    if not request.user.is_authenticated:
        if as_json:
            return JsonResponse({"ok": False, "message": "Log in to add this to your list."}, status=401)
        return redirect_to_login(request.path)
    work = _work_for_entry(request, slug)
    form: EntryForm | EntryDetailsForm
    form = EntryDetailsForm(request.POST) if details else EntryForm(request.POST, work=work)
    saved, errors = _save(request.user, work, form)
    if saved is None:
        message = " ".join(errors)
        entry = ListEntry.objects.filter(user_id=request.user.pk, work=work).first()
        if entry is not None:
            entry.work = work
    else:
        entry = saved.entry
        verb = "Added to your list" if saved.created else "Saved"
        message = f"{verb}: {entry_summary(entry)}"
        if saved.offers_completion:
            message += " That was the last one: mark it as completed?"
    if as_json:
        # The controls as they now stand, to replace those on the page; none for a work the member
        # may not list (the page had none either).
        widget = ""
        if visibility.may_list(request.user, work):
            widget = render_to_string(
                "lists/_entry_controls.html",
                {"controls": controls_context(entry, work, next_path=_back(request, work), message=message)},
                request=request,
            )
        payload = {"ok": saved is not None, "message": message, "entry": _entry_dict(entry), "html": widget}
        return JsonResponse(payload, status=200 if saved is not None else 400)
    (messages.success if saved is not None else messages.error)(request, message)
    return redirect(_back(request, work))


@require_POST
@login_required
def entry_delete(request, slug: str) -> HttpResponse:
    work = _work_for_entry(request, slug)
    removed = services.entry_remove(member=request.user, work=work)
    message = f"{work.title} was taken off your list." if removed else f"{work.title} was not on your list."
    if _wants_json(request):
        return JsonResponse({"ok": removed, "message": message, "entry": None})
    messages.success(request, message)
    return redirect(_back(request, work))


# --- the list page ----------------------------------------------------------------------------------


@require_GET
@cache_control(private=True)  # who is asking decides what it shows (the owner, others, the gate)
def member_list(request, username: str) -> HttpResponse:
    """A member's list: tabs by status with their counts, a whitelisted sort, numbered pages. The
    owner edits each entry in place; others see what the policy shows them, or that it is private."""
    member = active_member_or_404(username)
    list_settings = ListSettings.of(member.pk)
    viewer = request.viewer
    is_own = visibility.is_own_list(member.pk, viewer)
    context: dict[str, Any] = {"member": member, "is_own": is_own, "list_settings": list_settings}
    if list_settings.is_private and not is_own:
        # Nothing of it, not even how long it is.
        return render(request, "lists/member_list.html", {**context, "list_private": True})
    entries = ListEntry.objects.for_viewer(viewer, owner_id=member.pk, list_is_private=list_settings.is_private)
    counts = entries.status_counts()
    status = request.GET.get("status", "")
    if status not in counts:
        status = ""
    sort = request.GET.get("sort", DEFAULT_ENTRY_SORT)
    if sort not in ENTRY_SORTS:
        sort = DEFAULT_ENTRY_SORT
    shown = entries.filter(status=status) if status else entries
    shown = shown.select_related("work").order_by(*entry_ordering(sort, viewer))
    paginator = Paginator(shown, ENTRIES_PER_PAGE)
    # The tab's count is known already: the paginator need not count again.
    paginator.count = counts[status] if status else sum(counts.values())
    page = paginator.get_page(request.GET.get("page"))
    rows = []
    next_path = request.get_full_path()
    links, work_url = CardLinks(), slug_url_maker("catalog:work-detail")
    entry: Any
    for entry in page.object_list:
        # The cover and the card's fields follow the entry's lock (catalog.cards.card_cover reads it).
        entry.work.is_locked = entry.is_locked
        notes = entry.notes if visibility.may_read_entry_notes(entry, viewer) else ""
        rows.append(
            {
                "entry": entry,
                "url": work_url(entry.work.slug),
                "cover": card_cover(entry.work, "card", links=links),
                "badge": visibility.age_badge(entry.work),
                "controls": controls_context(entry, entry.work, next_path=next_path) if is_own else None,
                "notes": Truncator(notes).words(NOTES_WORDS, truncate=" …") if notes else "",
            }
        )
    tabs = [{"value": "", "label": "All", "count": sum(counts.values()), "current": status == ""}]
    tabs += [
        {"value": value, "label": label, "count": counts[value], "current": status == value}
        for value, label in Status.choices
    ]
    return render(
        request,
        "lists/member_list.html",
        {
            **context,
            "tabs": tabs,
            "status": status,
            "sort": sort,
            "sorts": [{"value": value, "label": label} for value, label in ENTRY_SORTS.items()],
            "page_obj": page,
            "rows": rows,
        },
    )


@require_GET
@login_required
@cache_control(private=True)
def for_you_page(request) -> HttpResponse:
    """The member's "For you": works like the ones they scored highly (``lists.recommendations``)."""
    suggestions = recommendations.for_you(request.user, request.viewer)
    return render(
        request,
        "lists/for_you.html",
        {"suggestions": suggestions, "liked_score": recommendations.LIKED_SCORE},
    )


@require_POST
@login_required
def settings_update(request) -> HttpResponse:
    form = ListSettingsForm(request.POST)
    if form.is_valid():
        services.list_settings_update(member=request.user, **form.cleaned_data)
        messages.success(request, "Your list settings were saved.")
    else:
        messages.error(request, "Your list settings could not be saved.")
    return redirect(f"{reverse('accounts:profile')}#list-settings")


# --- sections of other apps' pages (registered in lists.apps) ---------------------------------------


def _details_initial(entry: ListEntry | None) -> dict[str, Any]:
    if entry is None:
        return {}
    fields = ["started_on", "started_precision", "finished_on", "finished_precision", "notes", "is_private"]
    return {name: getattr(entry, name) for name in fields}


def entry_section(request, work: Work, **details: Any) -> Section:
    """The work page: the member's entry and its form (one query), or why there is nothing to click."""
    user = request.user
    context: dict[str, Any] = {"list_may_edit": False, "list_work_is_draft": visibility.is_draft(work)}
    if user.is_authenticated and visibility.may_list(user, work):
        entry = own_entry(request, work)
        context = {
            "list_may_edit": True,
            "list_entry": entry,
            "list_controls": controls_context(entry, work, next_path=f"{request.path}#list-entry"),
            # Only for an entry: on a new one, an unticked "private" would overrule the member's
            # choice that 18+ entries start private (visibility.entry_starts_private).
            "list_details_form": EntryDetailsForm(initial=_details_initial(entry)) if entry is not None else None,
            "list_url": reverse("lists:member-list", kwargs={"username": user.get_username()}),
        }
    return Section(templates={"main": "lists/_entry_section.html"}, context=context)


def member_stats_section(request, member: User, **details: Any) -> Section:
    """A member's page: their list's statistics and a link to it, or that it is private."""
    list_settings = ListSettings.of(member.pk)
    is_own = visibility.is_own_list(member.pk, request.viewer)
    context: dict[str, Any] = {
        "list_url": reverse("lists:member-list", kwargs={"username": member.get_username()}),
        "list_private": list_settings.is_private and not is_own,
        "list_stats": None,
    }
    if not context["list_private"]:
        entries = ListEntry.objects.for_viewer(
            request.viewer, owner_id=member.pk, list_is_private=list_settings.is_private
        )
        context["list_stats"] = list_statistics(entries, request.viewer)
    return Section(templates={"main": "lists/_member_stats.html"}, context=context)


def settings_section(request, member: User, **details: Any) -> Section:
    """The member's own profile: their list settings and a link to their list."""
    return Section(
        templates={"main": "lists/_settings_section.html"},
        context={
            "list_settings_form": ListSettingsForm(instance=ListSettings.of(member.pk), auto_id="list-settings-%s"),
            "list_url": reverse("lists:member-list", kwargs={"username": member.get_username()}),
        },
    )

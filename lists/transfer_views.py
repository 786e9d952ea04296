"""Import and export of a member's own list: the export page and its files, the MyAnimeList import's
upload, summary and confirmation. Only the list's owner reaches any of them (``visibility.is_own_list``);
a visitor is sent to log in. The work is done in ``lists.exporting``, ``lists.mal`` and
``lists.importing``; these views stay thin.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from accounts.members import active_member_or_404
from accounts.models import User
from catalog import visibility
from catalog.choices import Kind
from lists import exporting, importing
from lists.transfer_forms import ImportConfirmForm, ImportUploadForm, sign_entries

# Above this much the request is refused before its body is read: the file limit, and room for the form around it.
_REQUEST_MARGIN = 64 * 1024


def _own_list(request, username: str) -> User:
    """The member whose list this is, if it is the viewer's own: 404 for no such member, 403 for another's."""
    if request.user.get_username() == username:
        owner = request.user  # the usual case, already loaded: no second read of the same row
    else:
        owner = active_member_or_404(username)
    if not visibility.is_own_list(owner.pk, request.viewer):
        raise PermissionDenied("Only the member whose list this is can export or import it.")
    return owner


def _attachment(response: HttpResponse | StreamingHttpResponse, filename: str):
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def export_page(request, username):
    owner = _own_list(request, username)
    counts = exporting.counts_by_kind(exporting.own_entries(owner, request.viewer))
    files = [
        {"name": name, "label": label, "count": counts.get(kind, 0) if kind else sum(counts.values())}
        for name, (label, kind) in exporting.FILES.items()
    ]
    return render(
        request,
        "lists/export.html",
        {"owner": owner, "files": files, "visual_novels": counts.get(Kind.VISUAL_NOVEL, 0)},
    )


@login_required
def export_file(request, username, filename):
    owner = _own_list(request, username)
    if filename not in exporting.FILES:
        raise Http404("No such file.")
    entries = exporting.own_entries(owner, request.viewer)
    stem = f"ntrdb-{owner.username}"
    _, kind = exporting.FILES[filename]
    if kind is not None:
        response = StreamingHttpResponse(
            exporting.mal_export(entries, kind, owner.username), content_type="application/xml; charset=utf-8"
        )
        return _attachment(response, f"{stem}-{kind}list.xml")
    if filename.endswith(".csv"):
        response = StreamingHttpResponse(
            exporting.csv_export(entries, request.build_absolute_uri), content_type="text/csv; charset=utf-8"
        )
        return _attachment(response, f"{stem}-list.csv")
    body = exporting.json_export(entries, owner.username, request.build_absolute_uri, timezone.now().isoformat())
    return _attachment(HttpResponse(body, content_type="application/json; charset=utf-8"), f"{stem}-list.json")


def _too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.NTRDB_IMPORT_MAX_UPLOAD_BYTES + _REQUEST_MARGIN


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request, username):
    """GET: the upload form. POST: the file read and matched, and the summary shown; nothing written."""
    owner = _own_list(request, username)
    if request.method == "POST" and _too_large(request):
        return _upload_page(
            request, owner, ImportUploadForm(), ["The file is too large for a MyAnimeList export; nothing was read."]
        )
    if request.method != "POST":
        return render(request, "lists/import_upload.html", {"owner": owner, "form": ImportUploadForm()})
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "lists/import_upload.html", {"owner": owner, "form": form}, status=400)
    entries = form.cleaned_data["file"]
    payload = sign_entries(entries, owner.pk)
    if settings.DATA_UPLOAD_MAX_MEMORY_SIZE is not None and len(payload) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2:
        form.add_error("file", "This file holds too much to confirm in one go: import it in parts.")
        return render(request, "lists/import_upload.html", {"owner": owner, "form": form}, status=400)
    plan = importing.build_plan(entries, member=owner, viewer=request.viewer)
    return _summary(request, owner, plan, payload)


def _upload_page(request, owner, form, errors: list[str]):
    """The upload form again, saying why what was sent could not be used (400)."""
    return render(request, "lists/import_upload.html", {"owner": owner, "form": form, "errors": errors}, status=400)


def _summary(request, owner, plan, payload, status=200):
    return render(
        request,
        "lists/import_summary.html",
        {
            "owner": owner,
            "plan": plan,
            "counts": plan.counts,
            "confirm_form": ImportConfirmForm(initial={"payload": payload}, member_id=owner.pk),
            "changed": plan.of(importing.NEW, importing.CHANGED),
            "unchanged": plan.of(importing.UNCHANGED),
            "ambiguous": plan.of(importing.AMBIGUOUS),
            "not_found": plan.of(importing.NOT_FOUND),
            "skipped": plan.of(importing.SKIPPED),
        },
        status=status,
    )


@login_required
@require_POST
def import_confirm(request, username):
    """Write what the summary showed (with the member's picks for ambiguous entries), in one transaction."""
    owner = _own_list(request, username)
    form = ImportConfirmForm(request.POST, member_id=owner.pk)
    if not form.is_valid():
        errors = form.errors.get("payload", ["The summary could not be read: upload the file again."])
        return _upload_page(request, owner, ImportUploadForm(), list(errors))
    entries = form.cleaned_data["payload"]
    plan = importing.build_plan(entries, member=owner, viewer=request.viewer, picks=form.picks())
    try:
        result = importing.list_import_apply(member=owner, plan=plan)
    except importing.ImportRefused as error:
        messages.error(request, f"Nothing was imported: {error}")
        return _summary(request, owner, plan, request.POST.get("payload", ""), status=400)
    counts = plan.counts
    parts = [f"{result.added} added", f"{result.updated} updated", f"{counts[importing.UNCHANGED]} unchanged"]
    left = counts[importing.AMBIGUOUS] + counts[importing.NOT_FOUND] + counts[importing.SKIPPED]
    if left:
        parts.append(f"{left} not imported")
    messages.success(request, "Import done: " + ", ".join(parts) + ".")
    return redirect("lists:import", username=owner.username)

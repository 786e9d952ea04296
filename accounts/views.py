from urllib.parse import urlsplit

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.viewer import record_age_gate_passed


def safe_next_path(candidate: str | None) -> str:
    """Return ``candidate`` when it is a path on this site, else the home page.

    Only a plain absolute path is accepted: no scheme, no host, no protocol-relative
    ``//host`` and no ``/\\host`` that browsers read as one, no control characters.
    """
    home = reverse("home")
    if not candidate or not candidate.startswith("/"):
        return home
    if candidate.startswith("//") or "\\" in candidate:
        return home
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in candidate):
        return home
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return home
    return candidate


def render_age_gate(request, *, work=None, status=200):
    """The age gate, answered at the gated URL itself so ``next`` is simply this page."""
    response = render(
        request,
        "accounts/age_gate.html",
        {"work": work, "next": safe_next_path(request.get_full_path())},
        status=status,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
def age_gate(request):
    next_path = safe_next_path(request.POST.get("next") or request.GET.get("next"))
    if request.method == "POST":
        if record_age_gate_passed(request):
            return HttpResponseRedirect(next_path)
        response = render(request, "accounts/age_gate.html", {"next": next_path, "refused": True}, status=403)
    else:
        response = render(request, "accounts/age_gate.html", {"next": next_path})
    response["X-Robots-Tag"] = "noindex"
    return response

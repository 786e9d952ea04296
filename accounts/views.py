from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_http_methods

from accounts import email_change, sections, throttle
from accounts.forms import (
    DeleteAccountForm,
    EmailChangeForm,
    PreferencesForm,
    QueuedPasswordResetForm,
    SignUpForm,
    ThrottledAuthenticationForm,
    ThrottledPasswordChangeForm,
)
from accounts.members import active_member_or_404
from accounts.services import member_delete
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


def render_age_gate(request, *, work=None, kind="work", status=200):
    """The age gate, answered at the gated URL itself so ``next`` is simply this page.

    ``kind`` says what the page behind it is ("work", or "tag" for an explicit tag's page), so the
    gate can say so without naming it.
    """
    response = render(
        request,
        "accounts/age_gate.html",
        {"work": work, "gated_kind": kind, "next": safe_next_path(request.get_full_path())},
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


# --- members -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignUpForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not throttle.signup_allowed(request):
            form.add_error(None, "Too many accounts were created from your address in the last hour. Please try later.")
            status = 429
        elif form.is_valid():
            user = form.save()
            throttle.signup_recorded(request)
            login(request, user, backend="accounts.backends.ThrottledModelBackend")
            messages.success(request, f"Welcome to ntrdb, {user.username}.")
            return redirect(safe_next_path(request.GET.get("next")) if request.GET.get("next") else "accounts:profile")
    return render(request, "accounts/signup.html", {"form": form}, status=status)


def _locked_status(request, response):
    """429 for a page whose password check the throttle refused (see ``accounts.throttle``)."""
    if throttle.was_locked(request):
        response.status_code = 429
    return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        return _locked_status(self.request, super().form_invalid(form))


def admin_login(request, extra_context=None):
    """The admin's log-in page, answered 429 while locked like the member log-in.

    The throttle itself is in the authentication backend (config/urls.py sets the admin's
    login form to one that names the lock).
    """
    return _locked_status(request, admin.site.login(request, extra_context))


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("home")  # type: ignore[assignment]  # a lazy str works; the stubs want str


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        return _locked_status(self.request, super().form_invalid(form))

    def form_valid(self, form):
        messages.success(self.request, "Your password was changed.")
        return super().form_valid(form)


# --- password reset: Django's views and tokens; the link is single-use and expires after
# PASSWORD_RESET_TIMEOUT. The request form answers "check your inbox" whatever the address,
# known, unknown or over the throttle, so it cannot tell anyone which addresses have accounts.


def reset_link_lifetime() -> str:
    """PASSWORD_RESET_TIMEOUT in words: "2 hours", "1 hour", "90 minutes"."""
    seconds = settings.PASSWORD_RESET_TIMEOUT
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class ResetLifetimeMixin:
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "link_lifetime": reset_link_lifetime()}


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = QueuedPasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if not throttle.reset_allowed(self.request, email):
            return HttpResponseRedirect(self.get_success_url())
        throttle.reset_recorded(self.request, email)
        self.extra_email_context = {"link_lifetime": reset_link_lifetime()}
        return super().form_valid(form)


class PasswordResetDoneView(ResetLifetimeMixin, auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(ResetLifetimeMixin, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        # A member locked out by failed sign-ins from this address may sign in with the new password.
        throttle.login_succeeded(self.request, form.user.get_username())
        return super().form_valid(form)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- email address: a new address is pending until the link mailed to it is followed.


@login_required
@require_http_methods(["GET", "POST"])
def email_change_view(request):
    form = EmailChangeForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        email_change.request_change(request, request.user, form.cleaned_data["email"])
        messages.success(
            request,
            f"We sent a link to {form.cleaned_data['email']}. Your address changes once you follow it.",
        )
        return redirect("accounts:profile")
    return render(request, "accounts/email_change.html", {"form": form, "member": request.user})


@login_required
@require_http_methods(["POST"])
def email_change_cancel(request):
    email_change.cancel_change(request.user)
    messages.success(request, "The pending address change was cancelled.")
    return redirect("accounts:profile")


@require_http_methods(["GET", "POST"])
def email_confirm(request, token):
    """GET shows a button, POST confirms: a mail scanner that opens the link changes nothing."""
    try:
        member, address = email_change.pending_change(token)
        if request.method == "POST":
            member = email_change.confirm_change(token)
            messages.success(request, f"Your email address is now {member.email}.")
            return redirect("accounts:profile" if request.user.is_authenticated else "accounts:login")
    except email_change.InvalidLink:
        return render(request, "accounts/email_confirm.html", {"invalid": True})
    except email_change.AddressTaken:
        return render(request, "accounts/email_confirm.html", {"taken": True})
    return render(request, "accounts/email_confirm.html", {"member": member, "address": address})


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        member_delete(user=user)
        messages.success(request, "Your account and everything you posted have been deleted.")
        return redirect("home")
    return _locked_status(request, render(request, "accounts/delete_account.html", {"form": form}))


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The member's own page: preferences, plus what they have written."""
    form = PreferencesForm(
        request.POST if request.method == "POST" else None, instance=request.user, viewer=request.viewer
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your preferences were saved.")
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "member": request.user,
            "email_form": EmailChangeForm(user=request.user),
            **sections.profile_page.context(request, request.user),
        },
    )


def member_detail(request, username):
    """A member's public page: their visible reviews and comments, through the visibility policy."""
    member = active_member_or_404(username)
    return render(
        request,
        "accounts/member_detail.html",
        {"member": member, **sections.member_page.context(request, member)},
    )

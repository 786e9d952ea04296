import datetime

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm, UserCreationForm
from django.http import HttpRequest
from django.template import loader

from accounts import throttle, usernames
from accounts.email_change import address_is_taken
from accounts.models import User
from accounts.tasks import send_mail_on_commit
from core.ids import is_storable_id


def refuse_lookalike_username(username: str, *, instance_pk=None) -> None:
    """Refuse a username in mixed scripts or that looks like another member's (``accounts.usernames``).

    Exact and different-case duplicates are refused before this, by Django's own check.
    """
    if usernames.mixes_scripts(username):
        raise forms.ValidationError(
            "Please write your username in one alphabet: this one mixes letters of several (%(scripts)s).",
            code="mixed_scripts",
            params={"scripts": ", ".join(sorted(name.title() for name in usernames.scripts(username)))},
        )
    lookalikes = User.objects.filter(username_skeleton=usernames.skeleton(username)).exclude(pk=instance_pk)
    if lookalikes.exists():
        raise forms.ValidationError(
            "That username looks too much like an existing member's. Please choose another.", code="confusable"
        )


class SignUpForm(UserCreationForm):
    birth_date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Used only to decide whether 18+ pages open for you. It cannot be changed later.",
    )
    email = forms.EmailField(
        required=False,
        help_text="Optional: used only to reset a forgotten password. You can add or change it later on your profile.",
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "birth_date")

    def clean_username(self):
        username = super().clean_username()
        if not self.has_error("username"):  # Django's own check found an exact or different-case duplicate
            refuse_lookalike_username(username)
        return username

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        today = datetime.date.today()
        if birth_date > today:
            raise forms.ValidationError("Your birth date can't be in the future.")
        if birth_date.year < today.year - 120:
            raise forms.ValidationError("Please enter your real birth date.")
        return birth_date


class LockMessageMixin:
    """For a form that calls ``authenticate()``: say so when the throttle refused it.

    The counting and the lock are in ``accounts.backends.ThrottledModelBackend``; a refused
    ``authenticate()`` looks like a wrong password, so the form reads the mark the backend
    left on the request and replaces the error with the lock message.
    """

    request: HttpRequest | None
    locked = False

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            self.locked = self.request is not None and throttle.was_locked(self.request)
            if self.locked:
                raise forms.ValidationError(throttle.locked_message(), code="locked")
            raise


class ThrottledAuthenticationForm(LockMessageMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(LockMessageMixin, AdminAuthenticationForm):
    pass


def _throttled_password_check(request, user, password: str) -> bool:
    """True when right; raises the lock message while the member's checks are locked."""
    try:
        return throttle.check_password_throttled(request, user, password)
    except throttle.PasswordChecksLocked:
        raise forms.ValidationError(
            f"Too many wrong passwords. Please wait {throttle.lockout_length()} and try again.", code="locked"
        )


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """The old password is checked through the throttle, like a log-in."""

    def __init__(self, user, *args, request, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if not _throttled_password_check(self.request, self.user, old_password):
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form (same answer whether or not the address is known), mailing through the task."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = loader.render_to_string(subject_template_name, context)
        body = loader.render_to_string(email_template_name, context)
        send_mail_on_commit(subject, body, [to_email], from_email)


class TagCheckboxesField(forms.ModelMultipleChoiceField):
    """Tag checkboxes; a value no tag id could be is refused before the database sees it (see ``core.ids``)."""

    def _check_values(self, value):
        for pk in value:
            if not is_storable_id(self.queryset.model, pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


# The tags a member may hide are catalog's; accounts sits below catalog (docs/architecture.md), so
# the form reaches them through the User model's own relation rather than by importing them.
HiddenTag = User._meta.get_field("hidden_tags").related_model


class PreferencesForm(forms.ModelForm):
    hidden_tags = TagCheckboxesField(
        queryset=HiddenTag._default_manager.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Works with any of these tags are left out of every list and search.",
    )

    class Meta:
        model = User
        fields = ["hidden_tags", "max_spoiler_level", "show_adult_works"]
        labels = {
            "max_spoiler_level": "Show spoiler tags up to",
            "show_adult_works": "List 18+ works",
        }

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hidden_tags"].queryset = HiddenTag.objects.for_viewer(viewer).order_by("category", "name")
        if not viewer.may_choose_adult_listing:
            self.fields["show_adult_works"].disabled = True

    def grouped_hidden_tag_choices(self) -> list[tuple[str, list]]:
        """The hidden-tag checkboxes grouped by tag category, for the template."""
        groups: dict[str, list] = {}
        for option in self["hidden_tags"]:
            groups.setdefault(option.data["value"].instance.get_category_display(), []).append(option)
        return list(groups.items())


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label="New email address",
        help_text="We send a link to this address; it replaces your current one once you follow the link.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self):
        address = self.cleaned_data["email"].strip()
        if address.casefold() == (self.user.email or "").casefold():
            raise forms.ValidationError("That is already your address.", code="same")
        if address_is_taken(address, by_other_than=self.user):
            raise forms.ValidationError("That address is already used by another account.", code="taken")
        return address


class DeleteAccountForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, help_text="Type your password to confirm.")

    def __init__(self, *args, user, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not _throttled_password_check(self.request, self.user, password):
            raise forms.ValidationError("That password is not right.")
        return password

from django import forms
from django.db.models import Q

from catalog.models import Work
from community.models import (
    COMMENT_MAX_LENGTH,
    REVIEW_MAX_LENGTH,
    REVIEW_MIN_LENGTH,
    NotificationSettings,
    Report,
    TermSuggestion,
)


class ReviewForm(forms.Form):
    # The author's list score of the work: the form shows it and sets it (lists.services). A
    # review may go without one; it then shows no score.
    score = forms.TypedChoiceField(
        choices=[("", "No score")] + [(n, f"{n} / 10") for n in range(10, 0, -1)],
        coerce=int,
        empty_value=None,
        required=False,
        label="Your score",
        help_text="10 is the best. It is the score on your list, shown with your review even if your list is private.",
    )
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        min_length=REVIEW_MIN_LENGTH,
        max_length=REVIEW_MAX_LENGTH,
        strip=True,
        label="Your review",
        help_text=f"Plain text, {REVIEW_MIN_LENGTH}–{REVIEW_MAX_LENGTH:,} characters. Line breaks are kept.",
    )
    has_spoilers = forms.BooleanField(required=False, label="My review contains spoilers")


class CommentForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=COMMENT_MAX_LENGTH,
        strip=True,
        label="Comment",
        help_text="Plain text, up to 5,000 characters.",
    )
    favourite_work = forms.CharField(
        required=False,
        max_length=255,
        label="Favourite work (optional)",
        help_text="Its title exactly as in the catalog.",
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer

    def clean(self):
        cleaned = super().clean()
        if "parent" in self.errors:
            # The field is hidden, so say what went wrong where the member can see it.
            del self.errors["parent"]
            self.add_error(None, "The comment you replied to could not be found.")
        return cleaned

    def clean_favourite_work(self):
        value = self.cleaned_data["favourite_work"]
        if not value:
            return None
        work = (
            Work.objects.for_viewer(self.viewer).filter(Q(slug=value) | Q(title__iexact=value)).order_by("pk").first()
        )
        if work is None:
            raise forms.ValidationError("No work with that title is in the catalog.")
        return work


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=Report.Reason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}), label="Details (optional)"
    )


class TermSuggestionForm(forms.ModelForm):
    class Meta:
        model = TermSuggestion
        fields = ["name", "note"]
        labels = {
            "name": "Which “What is …?” entry should we write next?",
            "note": "Why, or where you met it (optional)",
        }
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}


class NotificationSettingsForm(forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = ["enabled", "email_reply", "email_report", "email_suggestion"]

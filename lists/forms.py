"""The forms of a list entry: the quick controls (status, progress, score) and the details.

Both only read and check what was sent; ``lists.services.entry_save`` makes the change and
refuses what the catalog rules out (progress past the work's count, an 18+ work for a minor).
"""

import datetime
from typing import Any

from django import forms
from django.forms.renderers import Jinja2
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe

from catalog.choices import DatePrecision
from catalog.models import Work
from lists.choices import Status, progress_total, progress_unit, status_choices
from lists.models import SCORES, ListSettings

# The words MyAnimeList puts beside each score, so a select of numbers says what each means.
SCORE_WORDS = {
    10: "Masterpiece",
    9: "Great",
    8: "Very good",
    7: "Good",
    6: "Fine",
    5: "Average",
    4: "Bad",
    3: "Very bad",
    2: "Horrible",
    1: "Appalling",
}
SCORE_CHOICES = [("", "No score"), *((str(score), f"{score} · {SCORE_WORDS[score]}") for score in reversed(SCORES))]

# Far above any work's count, and well inside the column's range: a larger number is a typo, and
# the database would refuse it with an error instead of a message.
PROGRESS_MAX = 99_999


class OptionsInPython(forms.Select):
    """Django's select with its options written in Python rather than through a template each: an
    owner's list page prints two selects per row, 25 rows, and their 400 option templates took
    longer than the rest of the page (so did building each option's context dict, then
    ``format_html`` per option). The same markup as Django's own select, escaped the same way, for
    flat choices (a grouped one goes through Django's)."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)
        if any(isinstance(label, (list, tuple)) for _, label in choices):
            return super().render(name, value, attrs, renderer)
        chosen = set(self.format_value(value))
        options, selected_one = [], False
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            selected = not selected_one and text in chosen  # a single select marks its first match only
            selected_one |= selected
            options.append(f'<option value="{escape(text)}"{" selected" if selected else ""}>{escape(label)}</option>')
        final_attrs = self.build_attrs(self.attrs, attrs)
        return mark_safe(f'<select name="{escape(name)}"{flatatt(final_attrs)}>{"".join(options)}</select>')


class EntryForm(forms.Form):
    """Status, progress and score. Only the fields the request sends change: a card sends its
    status alone, the +1 button its progress alone (``changes``)."""

    # Its widgets through Django's Jinja2 form templates, as the works filter's: an owner's list page
    # prints one form per row (50), and Django's template engine made that a fifth of a second.
    default_renderer = Jinja2()

    status = forms.ChoiceField(required=False, widget=OptionsInPython)
    progress = forms.IntegerField(required=False, min_value=0, max_value=PROGRESS_MAX)
    score = forms.TypedChoiceField(
        required=False, choices=SCORE_CHOICES, coerce=int, empty_value=None, widget=OptionsInPython
    )

    def __init__(self, *args: Any, work: Work, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.work = work
        self.fields["status"].choices = status_choices(work.kind)  # type: ignore[attr-defined]  # a ChoiceField
        unit = progress_unit(work.kind)
        if unit is None:
            del self.fields["progress"]  # a visual novel has a status, not a count
        else:
            self.fields["progress"].label = unit.label
            total = progress_total(work)
            self.fields["progress"].widget.attrs.update({"max": total or PROGRESS_MAX, "inputmode": "numeric"})

    def changes(self) -> dict[str, Any]:
        """The cleaned fields that were sent (an empty status is not one), for ``entry_save``.

        The +1 button (``increment``) logs one more than the number in the box beside it, and
        moves a planned entry to in progress. Marking
        an entry completed leaves the progress out when the work's count is known, so the service
        fills it to the full count whatever the box said.
        """
        changes = {name: self.cleaned_data[name] for name in self.fields if name in self.data}
        if not changes.get("status", True):
            del changes["status"]
        if "progress" in changes and self.data.get("increment"):
            changes["progress"] = (changes["progress"] or 0) + 1
            if changes.get("status") == Status.PLANNED:
                changes["status"] = Status.IN_PROGRESS  # logging an episode starts the work
        elif changes.get("status") == Status.COMPLETED and progress_total(self.work) is not None:
            changes.pop("progress", None)
        return changes


class PartialDateWidget(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs, format="%Y-%m-%d")


def _to_precision(value: datetime.date | None, precision: str) -> datetime.date | None:
    """The date as far as it is known: the first of the month or of the year, so two entries
    started "in 2021" compare equal and sort together."""
    if value is None:
        return None
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value


class EntryDetailsForm(forms.Form):
    """Dates at the precision known, notes, and the entry's privacy: sent all together, so an
    unticked box means "not private"."""

    started_on = forms.DateField(required=False, label="Started", widget=PartialDateWidget())
    started_precision = forms.ChoiceField(
        required=False, choices=DatePrecision.choices, initial=DatePrecision.DAY, label="Started: known to the"
    )
    finished_on = forms.DateField(required=False, label="Finished", widget=PartialDateWidget())
    finished_precision = forms.ChoiceField(
        required=False, choices=DatePrecision.choices, initial=DatePrecision.DAY, label="Finished: known to the"
    )
    notes = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only you see your notes.",
    )
    is_private = forms.BooleanField(required=False, label="Private entry", help_text="Only you see a private entry.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for prefix in ("started", "finished"):
            precision = cleaned.get(f"{prefix}_precision") or DatePrecision.DAY
            cleaned[f"{prefix}_precision"] = precision
            cleaned[f"{prefix}_on"] = _to_precision(cleaned.get(f"{prefix}_on"), precision)
        started, finished = cleaned.get("started_on"), cleaned.get("finished_on")
        if started and finished and finished < started:
            # The database refuses it too (list_entry_finished_after_started); this says it in words.
            self.add_error("finished_on", "The finish date comes before the start date.")
        return cleaned

    def changes(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ListSettingsForm(forms.ModelForm):
    class Meta:
        model = ListSettings
        fields = ["is_private", "adult_entries_private"]

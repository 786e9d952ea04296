"""The import's two forms: the upload, and the confirmation that carries the parsed file back.

Where the parsed file waits between the summary and the confirmation: in the confirmation form
itself, as a signed, compressed payload (``django.core.signing``, salted for this form, bound to
the member's id and good for ``NTRDB_IMPORT_CONFIRM_SECONDS``). Nothing is kept on the server, so:
- a second upload (another tab, a double submit) cannot swap the file a summary was made from,
  as it could a temporary file or one session key per member: each summary's form carries
  exactly the entries that summary showed;
- the signature makes any change to the payload void, so the member confirms only what we read
  from their file, and another member cannot replay it into their own list (the id is checked);
- a summary left open and never confirmed leaves nothing behind to clean up.
The payload holds only the member's own entries (titles, statuses, their comments), sent back to
the browser that uploaded them; it is signed, not encrypted, which is enough for that.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core import signing

from lists.mal import FileEntry, MalFileError, parse_export, read_upload

SALT = "lists.import.confirm"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="MyAnimeList export",
        help_text="The .xml or .xml.gz file from MyAnimeList's export page (anime or manga list).",
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,.gz,application/xml,text/xml,application/gzip"}),
    )

    def clean_file(self) -> list[FileEntry]:
        upload = self.cleaned_data["file"]
        try:
            return parse_export(read_upload(upload, upload.size))
        except MalFileError as error:
            raise forms.ValidationError(str(error), code="bad_file")


def sign_entries(entries: list[FileEntry], member_id: int) -> str:
    return signing.dumps(
        {"member": member_id, "entries": [entry.as_data() for entry in entries]}, salt=SALT, compress=True
    )


class ImportConfirmForm(forms.Form):
    payload = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, member_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member_id = member_id

    def clean_payload(self) -> list[FileEntry]:
        stale = forms.ValidationError(
            "This summary is out of date or was changed: upload the file again to see a new one.", code="stale"
        )
        try:
            data = signing.loads(self.cleaned_data["payload"], salt=SALT, max_age=settings.NTRDB_IMPORT_CONFIRM_SECONDS)
        except signing.BadSignature:  # SignatureExpired included
            raise stale
        if not isinstance(data, dict) or data.get("member") != self.member_id:
            raise stale
        try:
            return [FileEntry.from_data(entry) for entry in data["entries"]]
        except (KeyError, TypeError, ValueError):
            raise stale

    def picks(self) -> dict[int, int]:
        """The member's choice for each ambiguous entry, ``pick-<entry index>`` = a work id; others ignored
        (``importing.build_plan`` keeps only picks among the entry's candidates)."""
        picks = {}
        for name, value in self.data.items():
            index = name.removeprefix("pick-")
            if name.startswith("pick-") and _is_number(index) and isinstance(value, str) and _is_number(value):
                picks[int(index)] = int(value)
        return picks


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 18

"""Mail goes through accounts.tasks: enqueued on commit, so a rolled-back request sends nothing."""

import pytest
from django.core import mail
from django.db import transaction

from accounts.tasks import send_mail_on_commit, send_mail_task

pytestmark = pytest.mark.django_db


def test_the_task_sends_one_message(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    result = send_mail_task.enqueue(subject="Hello", body="Body", to=["a@example.org"])
    assert result.return_value == 1
    assert [(m.subject, m.to) for m in mail.outbox] == [("Hello", ["a@example.org"])]


def test_mail_waits_for_the_commit(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        send_mail_on_commit("Hello\nBcc: x@example.org", "Body", ["a@example.org"])
        assert mail.outbox == []
    assert [m.subject for m in mail.outbox] == ["Hello Bcc: x@example.org"]


def test_a_rolled_back_transaction_sends_nothing(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                send_mail_on_commit("Hello", "Body", ["a@example.org"])
                raise RuntimeError("the request failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mail.outbox == []

"""Mail leaves the site through a task (django-tasks), never in the middle of a request's work.

``send_mail_on_commit`` enqueues ``send_mail_task`` once the current transaction commits, so a
request that rolls back sends nothing. With the immediate backend (development, tests) the task
runs right then in the web process; with the database backend a ``db_worker`` picks it up.
A failed send is recorded on the task result and logged by django-tasks; it never turns the
member's page into an error, which would also tell whether an address is known.
"""

from django.core.mail import EmailMessage
from django.db import transaction
from django_tasks import task


@task()
def send_mail_task(subject: str, body: str, to: list[str], from_email: str | None = None) -> int:
    """Send one plain-text message; returns how many were sent (0 or 1)."""
    return EmailMessage(subject=subject, body=body, from_email=from_email, to=to).send()


def send_mail_on_commit(subject: str, body: str, to: list[str], from_email: str | None = None) -> None:
    """Enqueue ``send_mail_task`` when the current transaction commits (at once outside one)."""
    # Email subjects must not contain newlines (a header injection otherwise; Django refuses them).
    subject = " ".join(subject.splitlines()).strip()
    transaction.on_commit(
        lambda: send_mail_task.enqueue(subject=subject, body=body, to=list(to), from_email=from_email)
    )
